module "helpers" {
  source = "../hours/lib/helpers.sentinel"
}

param "token" {
  value = "tok-5ecret-value"
}

policy "working-hours" {
  source            = "./working-hours.sentinel"
  enforcement_level = "hard-mandatory"
  params = {
    hour = 10
  }
}

policy "night-shift" {
  source = "./night-shift.sentinel"
}
