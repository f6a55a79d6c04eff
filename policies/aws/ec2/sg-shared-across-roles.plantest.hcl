# TFG-EC2-016 over policies/testdata/security-group-attachments.json (see
# policies/testdata/README.md).

plan_test "groups and the roles of the instances that wear them" {
  plan    = "../../testdata/security-group-attachments.json"
  fail    = ["aws_security_group.shared", "aws_security_group.tagged"]
  unknown = ["aws_security_group.pending", "aws_security_group.existing", "aws_security_group.existing_by_id"]
  pass = [
    "aws_security_group.web", "aws_security_group.db", "aws_security_group.lambda", "aws_security_group.lt",
    "aws_security_group.orphan", "aws_security_group.source_only",
  ]
}

plan_test "no configuration" {
  plan    = "../../testdata/no-configuration.json"
  fail    = []
  unknown = ["aws_security_group.open_ssh", "aws_security_group.computed"]
  pass    = []
}

# Existing groups whose planned values leave out `id` (a hand-written plan): unknown like any
# existing group, not an evaluation error.
plan_test "existing groups without an id in the plan" {
  plan    = "../../testdata/inline-blocks-unrecorded.json"
  fail    = []
  unknown = ["aws_security_group.changed_rules", "aws_security_group.state_rules"]
  pass    = ["aws_security_group.block_all_v6", "aws_security_group.block_https", "aws_security_group.block_ssh", "aws_security_group.rules_elsewhere"]
}
