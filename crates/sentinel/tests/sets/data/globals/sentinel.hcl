# configuration/index "Globals": values injected into each policy's scope.
global "time" {
  value = {
    now = {
      day = 31
    }
  }
}

global "days" {
  value = ["monday"]
}

policy "calendar" {
  source            = "./calendar.sentinel"
  enforcement_level = "hard-mandatory"
}
