# TFG-EC2-013 over policies/testdata/wide-egress.json (see policies/testdata/README.md).

plan_test "inline egress blocks" {
  plan    = "../../testdata/wide-egress.json"
  policy  = "inline_egress"
  fail    = ["aws_security_group.egress_all", "aws_security_group.egress_all_v6", "aws_security_group.egress_full_range"]
  unknown = ["aws_security_group.egress_pending"]
  pass    = ["aws_security_group.egress_https", "aws_security_group.egress_internal", "aws_security_group.no_inline_rules"]
}

# Only egress rules are judged: the ingress rule is not in any list.
plan_test "aws_security_group_rule" {
  plan    = "../../testdata/wide-egress.json"
  policy  = "egress_rule"
  fail    = ["aws_security_group_rule.egress_all"]
  unknown = ["aws_security_group_rule.egress_to_nat"]
  pass    = ["aws_security_group_rule.egress_dns"]
}

plan_test "aws_vpc_security_group_egress_rule" {
  plan    = "../../testdata/wide-egress.json"
  policy  = "vpc_egress_rule"
  fail    = ["aws_vpc_security_group_egress_rule.all_v4"]
  unknown = []
  pass    = ["aws_vpc_security_group_egress_rule.https_v6"]
}

# security-groups.json: the egress rule to everywhere is reported; the showcase's groups
# set no inline egress.
plan_test "security-groups fixture" {
  plan    = "../../testdata/security-groups.json"
  policy  = "egress_rule"
  fail    = ["aws_security_group_rule.egress_all"]
  unknown = []
  pass    = []
}
