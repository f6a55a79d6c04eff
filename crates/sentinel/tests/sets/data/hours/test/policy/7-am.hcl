param "day" {
  value = "monday"
}

param "hour" {
  value = 7
}
