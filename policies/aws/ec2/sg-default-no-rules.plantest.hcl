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

# Rules attached to the default group by separate resources, whichever way they name it:
# aws_default_security_group.X.id, aws_vpc.X.default_security_group_id or
# aws_default_vpc.X.default_security_group_id. Rules on other groups (or on a literal id)
# are not judged, nor a rule that only lets the default group's members in elsewhere.
plan_test "rules attached to the default group" {
  plan    = "../../testdata/default-security-group-rules.json"
  fail    = ["aws_security_group_rule.default_ssh", "aws_vpc_security_group_egress_rule.default_out", "aws_vpc_security_group_ingress_rule.default_vpc_https"]
  unknown = []
  pass    = ["aws_default_security_group.main"]
}

# A rule whose CIDRs are known only after apply is still a rule: the plan decides.
plan_test "a default group whose rule is partly known" {
  plan    = "../../testdata/default-rules-partly-known.json"
  fail    = ["aws_default_security_group.partly_known"]
  unknown = ["aws_default_security_group.rules_pending"]
  pass    = []
}
