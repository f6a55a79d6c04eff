# TFG-EC2-005 over the fixtures: the verdicts of policies/testdata/README.md
# (IMDSv2 column) for aws_ec2_instance_metadata_defaults, exactly.

plan_test "one defaults resource per provider configuration" {
  plan    = "../../testdata/imdsv2-account-defaults.json"
  fail    = ["aws_ec2_instance_metadata_defaults.west"]
  unknown = []
  pass    = ["aws_ec2_instance_metadata_defaults.this"]
}

plan_test "showcase plan" {
  plan    = "../../../examples/plans/web-tier.json"
  fail    = []
  unknown = []
  pass    = ["aws_ec2_instance_metadata_defaults.this"]
}

plan_test "http_tokens known only after apply" {
  plan    = "../../testdata/imdsv2-account-defaults-unknown.json"
  fail    = []
  unknown = ["aws_ec2_instance_metadata_defaults.computed"]
  pass    = []
}
