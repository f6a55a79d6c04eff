global "time" {
  value = {
    now = {
      day = 31
    }
  }
}

global "days" {
  value = ["monday", "friday"]
}
