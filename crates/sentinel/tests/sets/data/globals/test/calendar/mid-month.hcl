global "time" {
  value = {
    now = {
      day = 15
    }
  }
}

global "days" {
  value = ["monday"]
}

test {
  rules = {
    main       = false
    valid_days = ["monday"]
  }
}
