# The same plan passes when the set allows its type.
module "plan-helpers" {
  source = "../../modules/plan-helpers.sentinel"
}

param "allowed_types" {
  value = ["t3.micro", "m5.24xlarge"]
}

mock "tfplan/v2" {
  module {
    source = "mock-tfplan-fail.sentinel"
  }
}

test {
  rules = {
    main = true
  }
}
