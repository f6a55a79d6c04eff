import "static" "people" {
  source = "../../data/people.json"
  format = "json"
}

import "module" "names" {
  source = "./names.sentinel"
}

module "lists" {
  source = "./lists.sentinel"
}
