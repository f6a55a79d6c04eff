param "x" {
  value = 1
  default = 2
}
