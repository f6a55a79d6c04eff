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

# Settings per policy. A policy id names the whole policy, every block in
# its file (`tfgate policies list` shows them); `ID/label` names one block.
# An id, an input or a setting that names nothing stops the run (exit 2).

# Container hosts need one extra hop to reach the metadata service, and the
# gate blocks anything beyond that (the policy ships as advisory).
policy "TFG-EC2-006" {
  enforcement_level = "mandatory"
  inputs            = { max_hop_limit = 2 }
}

# Public IPs block the change but may be overridden for a run
# (--override TFG-EC2-032 --override-reason "...").
policy "TFG-EC2-032" {
  enforcement_level = "soft-mandatory"
}

# Public subnets are expected in this account: that one block only reports.
policy "TFG-EC2-032/subnet_map_public_ip" {
  enforcement_level = "advisory"
}

# The team's own policy (./policies/required-tags.policy.hcl) and its input.
policy "ACME-TAGS-001" {
  inputs = { required_tags = ["owner", "cost-center"] }
}

# A reviewed exception, with an owner and an end date. After the date the
# waiver no longer applies and the report lists it as expired.
waiver {
  policy  = "TFG-EC2-010"                      # the whole policy; or one block: "TFG-EC2-010/ingress_rule"
  address = "module.bastion.aws_security_group.*"
  reason  = "SSH from the office egress range only; reviewed in SEC-1234"
  owner   = "platform-team@example.com"
  expires = "2027-03-31"
}
