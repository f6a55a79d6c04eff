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
