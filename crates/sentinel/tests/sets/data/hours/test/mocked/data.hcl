import "module" "helpers" {
  source = "../../lib/helpers.sentinel"
}

mock "clock" {
  data = {
    now = { hour = 10 }
  }
}
