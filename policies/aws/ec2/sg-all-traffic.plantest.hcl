# Verdicts of policies/testdata/README.md (security-groups.json) for TFG-EC2-011.
# The oracle's SG column is the worst verdict of TFG-EC2-010, -011 and -012. Here only
# all-protocol rules matter: aws_security_group_rule.ssh_from_nat (tcp 22, CIDR unknown) is
# known not to be an all-traffic rule and passes (TFG-EC2-010 reports it unknown).

plan_test "inline ingress blocks" {
  plan    = "../../testdata/security-groups.json"
  policy  = "inline_ingress"
  fail    = ["aws_security_group.all_traffic"]
  unknown = []
  pass = [
    "aws_security_group.ssh_open", "aws_security_group.ftp_range_v6", "aws_security_group.https_public",
    "aws_security_group.ssh_internal", "aws_security_group.app",
  ]
}

plan_test "aws_security_group_rule" {
  plan    = "../../testdata/security-groups.json"
  policy  = "ingress_rule"
  fail    = []
  unknown = []
  pass    = ["aws_security_group_rule.rdp_open", "aws_security_group_rule.egress_all", "aws_security_group_rule.ssh_from_nat"]
}

plan_test "aws_vpc_security_group_ingress_rule" {
  plan    = "../../testdata/security-groups.json"
  policy  = "vpc_ingress_rule"
  fail    = []
  unknown = []
  pass    = ["aws_vpc_security_group_ingress_rule.ssh_v4"]
}

plan_test "showcase web-tier" {
  plan    = "../../../examples/plans/web-tier.json"
  fail    = ["aws_vpc_security_group_ingress_rule.all"]
  unknown = []
  pass = [
    "module.web[\"green\"].aws_security_group.this", "module.web[\"blue\"].aws_security_group.this",
    "aws_security_group.bastion", "aws_security_group.db", "aws_security_group_rule.rdp",
  ]
}

plan_test "inline rules the configuration does not record" {
  plan    = "../../testdata/inline-blocks-unrecorded.json"
  policy  = "inline_ingress"
  fail    = ["aws_security_group.block_all_v6"]
  unknown = []
  pass    = ["aws_security_group.block_ssh", "aws_security_group.block_https", "aws_security_group.changed_rules", "aws_security_group.rules_elsewhere", "aws_security_group.state_rules"]
}

plan_test "a plan without configuration" {
  plan    = "../../testdata/no-configuration.json"
  policy  = "inline_ingress"
  fail    = []
  unknown = ["aws_security_group.computed"]
  pass    = ["aws_security_group.open_ssh"]
}
