# tfgate.hcl: put it at the root of the repository where `tfgate check` runs
# (or pass --config PATH). Every setting is optional.

# How a result that depends on values known only after apply counts:
# "fail" (the default: the gate fails closed), "warn" or "pass".
unknown = "fail"

# The policies to run: the built-in library and the team's own.
policy_set "builtin" {}

policy_set "team" {
  source = "./policies"
}

# Container hosts need one extra hop to reach the metadata service.
policy "TFG-EC2-006" {
  inputs = { max_hop_limit = 2 }
}

# Public subnets are expected in this account: report, do not block.
policy "TFG-EC2-032" {
  enforcement_level = "advisory"
}

# A reviewed exception, with an owner and an end date. After the date the
# waiver no longer applies and the report lists it as expired.
waiver {
  policy  = "TFG-EC2-010"
  address = "module.bastion.aws_security_group.*"
  reason  = "SSH from the office egress range only; reviewed in SEC-1234"
  owner   = "platform-team@example.com"
  expires = "2027-03-31"
}
