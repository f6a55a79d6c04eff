test {
  rules = { main = true }
}
