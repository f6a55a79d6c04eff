# TFG-EC2-003 over the fixtures: the verdicts of policies/testdata/README.md
# (IMDSv2 column) for launch configurations, exactly.

plan_test "an explicit optional beats the required account default" {
  plan    = "../../testdata/imdsv2-account-defaults.json"
  policy  = "launch_configuration"
  fail    = ["aws_launch_configuration.legacy"]
  unknown = []
  pass    = []
}

plan_test "showcase plan has no launch configurations" {
  plan    = "../../../examples/plans/web-tier.json"
  policy  = "launch_configuration"
  fail    = []
  unknown = []
  pass    = []
}

plan_test "a launch configuration without metadata options and no account defaults is unknown" {
  plan    = "../../testdata/unknown-values.json"
  fail    = []
  unknown = ["aws_launch_configuration.unset"]
  pass    = []
}

plan_test "dynamic metadata_options blocks" {
  plan    = "../../testdata/inline-blocks-unrecorded.json"
  fail    = ["aws_launch_configuration.dynamic_optional"]
  unknown = []
  pass    = []
}

plan_test "a provider without metadata_options" {
  plan    = "../../testdata/imdsv2-provider-without-metadata-options.json"
  fail    = []
  unknown = ["aws_launch_configuration.existing", "aws_launch_configuration.launched"]
  pass    = []
}

# An unchanged launch configuration without metadata_options (its state holds none) and no
# account defaults in the plan: the account default and the AMI decide at launch (it failed,
# with a message that said so).
plan_test "an unchanged launch configuration without metadata_options" {
  plan    = "../../testdata/imdsv2-template-without-options-unchanged.json"
  fail    = []
  unknown = ["aws_launch_configuration.bare"]
  pass    = []
}

plan_test "launch configurations that require tokens, their own or by the account default" {
  plan    = "../../testdata/imdsv2-launch-configurations-passing.json"
  policy  = "launch_configuration"
  fail    = ["aws_launch_configuration.legacy"]
  unknown = []
  pass    = ["aws_launch_configuration.strict", "aws_launch_configuration.inherits_required_default"]
}
