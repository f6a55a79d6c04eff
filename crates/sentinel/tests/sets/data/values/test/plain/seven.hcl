test {
  rules = {
    main = 7
  }
}
