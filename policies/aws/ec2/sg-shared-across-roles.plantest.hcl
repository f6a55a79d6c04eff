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
