module "a" {
  source = "a.sentinel"
}

module "b" {
  source = "b.sentinel"
}
