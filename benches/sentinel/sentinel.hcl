# The Sentinel side of benches/sentinel-large.sh: one policy written the way
# HashiCorp's libraries write them (a tfplan-functions-style module filters one
# resource type, checks one nested attribute, prints the violators).

module "plan-functions" {
  source = "./modules/plan-functions.sentinel"
}

policy "imdsv2-required" {
  source            = "./imdsv2-required.sentinel"
  enforcement_level = "hard-mandatory"
}
