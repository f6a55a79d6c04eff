mock "tfplan/v2" {
  module {
    source = "mock-missing.sentinel"
  }
}
