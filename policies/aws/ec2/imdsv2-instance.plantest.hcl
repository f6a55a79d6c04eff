# TFG-EC2-001 over the fixtures: the verdicts of policies/testdata/README.md
# (IMDSv2 column), exactly. Deleted instances (`aws_instance.legacy_reporting`,
# `aws_instance.legacy_jump`) are not judged and so appear in no list.

plan_test "one instance per metadata_options state" {
  plan    = "../../testdata/imdsv2-instance-states.json"
  policy  = "instance"
  fail    = ["aws_instance.tokens_optional", "module.app[\"api\"].module.compute[0].aws_instance.this"]
  unknown = ["aws_instance.metadata_unset", "aws_instance.tokens_unset"]
  pass    = ["aws_instance.tokens_required", "aws_instance.endpoint_disabled"]
}

plan_test "spot instance requests are judged like instances" {
  plan    = "../../testdata/imdsv2-instance-states.json"
  policy  = "spot_instance_request"
  fail    = ["aws_spot_instance_request.batch"]
  unknown = []
  pass    = []
}

plan_test "instances without metadata_options inherit from their launch template" {
  plan    = "../../testdata/imdsv2-launch-template-inheritance.json"
  policy  = "instance"
  fail    = ["aws_instance.from_legacy"]
  unknown = []
  pass    = ["aws_instance.from_strict", "aws_instance.from_module"]
}

plan_test "account defaults count only on the same provider configuration" {
  plan    = "../../testdata/imdsv2-account-defaults.json"
  policy  = "instance"
  fail    = ["aws_instance.west_app"]
  unknown = ["aws_instance.eu_app"]
  pass    = ["aws_instance.east_app"]
}

plan_test "showcase plan" {
  plan    = "../../../examples/plans/web-tier.json"
  policy  = "instance"
  fail    = []
  unknown = []
  pass    = ["aws_instance.app[0]", "aws_instance.app[1]", "aws_instance.worker", "aws_instance.bastion"]
}

plan_test "no spot requests in the other fixtures" {
  plan    = "../../testdata/imdsv2-account-defaults.json"
  policy  = "spot_instance_request"
  fail    = []
  unknown = []
  pass    = []
}

# A `dynamic "metadata_options"` block is not in the configuration's keys: the known planned
# http_tokens = "optional" decides, whatever the account defaults require.
plan_test "dynamic metadata_options blocks" {
  plan    = "../../testdata/inline-blocks-unrecorded.json"
  policy  = "instance"
  fail    = ["aws_instance.dynamic_optional"]
  unknown = []
  pass    = ["aws_instance.dynamic_required", "aws_instance.inherits_default"]
}

# An AWS provider without metadata_options: what the instance gets is decided at launch.
plan_test "a provider without metadata_options" {
  plan    = "../../testdata/imdsv2-provider-without-metadata-options.json"
  policy  = "instance"
  fail    = []
  unknown = ["aws_instance.existing", "aws_instance.launched", "aws_instance.updated"]
  pass    = []
}

# No configuration section: the planned values decide when they are known.
plan_test "a plan without configuration" {
  plan    = "../../testdata/no-configuration.json"
  policy  = "instance"
  fail    = ["aws_instance.optional"]
  unknown = ["aws_instance.tokens_unknown", "aws_instance.computed"]
  pass    = ["aws_instance.required"]
}

# `launch_template { id = aws_launch_template.mixed[each.key].id }` is recorded as a reference to
# the whole block: templates that agree decide, templates that disagree leave it unknown (it
# failed because of the sibling that allows IMDSv1).
plan_test "a template of a for_each block" {
  plan    = "../../testdata/imdsv2-launch-template-for-each.json"
  policy  = "instance"
  fail    = ["aws_instance.on_both_legacy[\"a\"]", "aws_instance.on_both_legacy[\"b\"]"]
  unknown = ["aws_instance.on_mixed[\"strict\"]", "aws_instance.on_mixed[\"legacy\"]"]
  pass    = ["aws_instance.on_both_strict[\"a\"]", "aws_instance.on_both_strict[\"b\"]"]
}

plan_test "a spot request on a template of a for_each block" {
  plan    = "../../testdata/imdsv2-launch-template-for-each.json"
  policy  = "spot_instance_request"
  fail    = []
  unknown = ["aws_spot_instance_request.on_mixed[\"legacy\"]"]
  pass    = []
}

# An instance on an unchanged template without metadata_options, and no account defaults in the
# plan: unknown.
plan_test "an instance on an unchanged template without metadata_options" {
  plan    = "../../testdata/imdsv2-template-without-options-unchanged.json"
  policy  = "instance"
  fail    = []
  unknown = ["aws_instance.from_bare"]
  pass    = []
}
