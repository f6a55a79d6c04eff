# Verdicts of policies/testdata/README.md (security-groups.json) for TFG-EC2-012.

plan_test "default security groups" {
  plan    = "../../testdata/security-groups.json"
  fail    = ["aws_default_security_group.legacy"]
  unknown = []
  pass    = ["aws_default_security_group.main"]
}

plan_test "showcase web-tier" {
  plan    = "../../../examples/plans/web-tier.json"
  fail    = ["aws_default_security_group.this"]
  unknown = []
  pass    = []
}

# Block-syntax `egress { }` before Terraform 1.1 is not in the configuration's keys.
plan_test "rules the configuration does not record" {
  plan    = "../../testdata/inline-blocks-unrecorded.json"
  fail    = ["aws_default_security_group.block_egress"]
  unknown = []
  pass    = []
}
