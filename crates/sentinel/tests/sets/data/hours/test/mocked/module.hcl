module "helpers" {
  source = "../../lib/helpers.sentinel"
}

mock "clock" {
  module {
    source = "mock-clock.sentinel"
  }
}

test {
  rules = {
    main = false
  }
}
