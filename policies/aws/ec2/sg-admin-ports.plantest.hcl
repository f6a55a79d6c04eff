# Verdicts of policies/testdata/README.md (security-groups.json) for TFG-EC2-010.
# The oracle's SG column is the worst verdict of TFG-EC2-010, -011 and -012:
# aws_security_group.all_traffic (-1 from 0.0.0.0/0) reaches 22 and 3389 and fails here too;
# the default security groups are judged by TFG-EC2-012 only.

plan_test "inline ingress blocks" {
  plan    = "../../testdata/security-groups.json"
  policy  = "inline_ingress"
  fail    = ["aws_security_group.ssh_open", "aws_security_group.ftp_range_v6", "aws_security_group.all_traffic"]
  unknown = []
  pass    = ["aws_security_group.https_public", "aws_security_group.ssh_internal", "aws_security_group.app"]
}

plan_test "aws_security_group_rule" {
  plan    = "../../testdata/security-groups.json"
  policy  = "ingress_rule"
  fail    = ["aws_security_group_rule.rdp_open"]
  unknown = ["aws_security_group_rule.ssh_from_nat"]
  pass    = ["aws_security_group_rule.egress_all"]
}

plan_test "aws_vpc_security_group_ingress_rule" {
  plan    = "../../testdata/security-groups.json"
  policy  = "vpc_ingress_rule"
  fail    = ["aws_vpc_security_group_ingress_rule.ssh_v4"]
  unknown = []
  pass    = []
}

plan_test "an extra admin port given as input" {
  plan    = "../../testdata/security-groups.json"
  policy  = "inline_ingress"
  inputs  = { admin_ports = [22, 3389, 443] }
  fail    = ["aws_security_group.ssh_open", "aws_security_group.ftp_range_v6", "aws_security_group.all_traffic", "aws_security_group.https_public"]
  unknown = []
  pass    = ["aws_security_group.ssh_internal", "aws_security_group.app"]
}

# The showcase plan: the green group (22 from 0.0.0.0/0), the RDP rule and the all-traffic
# IPv6 rule fail; the blue group (443 only), the bastion group (no inline ingress, note 3)
# and the replaced db group (5432 from private subnets) pass.
plan_test "showcase web-tier" {
  plan    = "../../../examples/plans/web-tier.json"
  fail    = ["module.web[\"green\"].aws_security_group.this", "aws_security_group_rule.rdp", "aws_vpc_security_group_ingress_rule.all"]
  unknown = []
  pass    = ["module.web[\"blue\"].aws_security_group.this", "aws_security_group.bastion", "aws_security_group.db"]
}

# Terraform 0.13 (before 1.1) records no block-syntax `ingress { }` in the configuration: the
# rules the plan shows on a create, or that change the state, are judged all the same.
plan_test "inline rules the configuration does not record" {
  plan    = "../../testdata/inline-blocks-unrecorded.json"
  policy  = "inline_ingress"
  fail    = ["aws_security_group.block_ssh", "aws_security_group.block_all_v6", "aws_security_group.changed_rules"]
  unknown = []
  pass    = ["aws_security_group.block_https", "aws_security_group.rules_elsewhere", "aws_security_group.state_rules"]
}

# No configuration section: known planned rules decide, unknown ones stay unknown.
plan_test "a plan without configuration" {
  plan    = "../../testdata/no-configuration.json"
  policy  = "inline_ingress"
  fail    = ["aws_security_group.open_ssh"]
  unknown = ["aws_security_group.computed"]
  pass    = []
}
