test {
  rules = {
    main = 6
  }
}
