# TFG-EC2-002 over the fixtures: the verdicts of policies/testdata/README.md
# (IMDSv2 column) for launch templates, exactly.

plan_test "launch templates of the inheritance fixture" {
  plan    = "../../testdata/imdsv2-launch-template-inheritance.json"
  policy  = "launch_template"
  fail    = ["aws_launch_template.legacy"]
  unknown = []
  pass    = ["aws_launch_template.strict", "module.app[\"api\"].module.compute[0].aws_launch_template.this"]
}

plan_test "showcase plan" {
  plan    = "../../../examples/plans/web-tier.json"
  policy  = "launch_template"
  fail    = ["module.web[\"green\"].aws_launch_template.this"]
  unknown = []
  pass    = ["module.web[\"blue\"].aws_launch_template.this"]
}

plan_test "no launch templates in the other IMDSv2 fixtures" {
  plan    = "../../testdata/imdsv2-account-defaults.json"
  policy  = "launch_template"
  fail    = []
  unknown = []
  pass    = []
}

plan_test "a template without metadata options and no account defaults is unknown" {
  plan    = "../../testdata/unknown-values.json"
  policy  = "launch_template"
  fail    = []
  unknown = ["aws_launch_template.unset"]
  pass    = []
}

plan_test "dynamic metadata_options blocks" {
  plan    = "../../testdata/inline-blocks-unrecorded.json"
  fail    = ["aws_launch_template.dynamic_optional"]
  unknown = []
  pass    = []
}

plan_test "a provider without metadata_options" {
  plan    = "../../testdata/imdsv2-provider-without-metadata-options.json"
  fail    = []
  unknown = ["aws_launch_template.existing", "aws_launch_template.launched"]
  pass    = []
}

plan_test "a plan without configuration" {
  plan    = "../../testdata/no-configuration.json"
  fail    = ["aws_launch_template.optional"]
  unknown = []
  pass    = []
}

# An unchanged template without metadata_options (its state holds none) and no account defaults
# in the plan: the account default and the AMI decide at launch (it failed, with a message that
# said so).
plan_test "an unchanged template without metadata_options" {
  plan    = "../../testdata/imdsv2-template-without-options-unchanged.json"
  fail    = []
  unknown = ["aws_launch_template.bare"]
  pass    = []
}
