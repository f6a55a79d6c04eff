# A Sentinel policy set as HCP Terraform runs it; tfgate runs it unchanged:
#   tfgate sentinel test                       (the cases under test/)
#   tfgate sentinel apply --plan PLAN.json     (against a real plan)
#   tfgate check PLAN.json --sentinel .        (inside tfgate's gate and reports)

module "plan-helpers" {
  source = "./modules/plan-helpers.sentinel"
}

policy "require-imdsv2" {
  source            = "./require-imdsv2.sentinel"
  enforcement_level = "hard-mandatory"
}

policy "restrict-instance-types" {
  source            = "./restrict-instance-types.sentinel"
  enforcement_level = "advisory"
}
