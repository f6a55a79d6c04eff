# TFG-EC2-014 over policies/testdata/network-acls.json (see policies/testdata/README.md).

plan_test "inline ingress rules" {
  plan    = "../../testdata/network-acls.json"
  policy  = "acl_ingress"
  fail    = ["aws_network_acl.public_ssh", "aws_network_acl.ssh_denied_first", "aws_network_acl.all_v6"]
  unknown = []
  pass    = ["aws_network_acl.all_denied_first", "aws_network_acl.office_only", "aws_network_acl.rules_elsewhere"]
}

# The stock default ACL allows everything from everywhere.
plan_test "default network ACL" {
  plan    = "../../testdata/network-acls.json"
  policy  = "default_acl_ingress"
  fail    = ["aws_default_network_acl.default"]
  unknown = []
  pass    = []
}

# ssh_open (rule 150) is refused first by deny_ssh (rule 100) of the same ACL; egress rules
# are not judged.
plan_test "separate rules" {
  plan    = "../../testdata/network-acls.json"
  policy  = "acl_rule"
  fail    = ["aws_network_acl_rule.rdp_open"]
  unknown = ["aws_network_acl_rule.ssh_from_nat"]
  pass    = ["aws_network_acl_rule.deny_ssh", "aws_network_acl_rule.ssh_open", "aws_network_acl_rule.https_v6"]
}

# A known open rule decides even beside a rule known only after apply, unless that rule has a
# lower number and could deny first.
plan_test "default ACLs with partly known rules" {
  plan    = "../../testdata/default-rules-partly-known.json"
  fail    = ["aws_default_network_acl.known_open_rule_first"]
  unknown = ["aws_default_network_acl.unknown_deny_first"]
  pass    = []
}
