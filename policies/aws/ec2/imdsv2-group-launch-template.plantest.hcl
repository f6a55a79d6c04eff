# TFG-EC2-004 over the fixtures: the verdicts of policies/testdata/README.md
# (IMDSv2 column) for Auto Scaling groups and EKS node groups, exactly.

plan_test "an Auto Scaling group on the legacy template" {
  plan    = "../../testdata/imdsv2-launch-template-inheritance.json"
  policy  = "autoscaling_group"
  fail    = ["aws_autoscaling_group.legacy_workers"]
  unknown = []
  pass    = []
}

plan_test "an EKS node group on the legacy template" {
  plan    = "../../testdata/imdsv2-launch-template-inheritance.json"
  policy  = "eks_node_group"
  fail    = ["aws_eks_node_group.legacy"]
  unknown = []
  pass    = []
}

plan_test "showcase plan: green fails, blue passes" {
  plan    = "../../../examples/plans/web-tier.json"
  policy  = "autoscaling_group"
  fail    = ["module.web[\"green\"].aws_autoscaling_group.this"]
  unknown = []
  pass    = ["module.web[\"blue\"].aws_autoscaling_group.this"]
}

plan_test "a group on a template whose metadata options are not known yet is unknown" {
  plan    = "../../testdata/unknown-values.json"
  fail    = []
  unknown = ["aws_autoscaling_group.unset"]
  pass    = []
}

# The template's `dynamic "metadata_options"` block is not in its configuration's keys: its
# known planned http_tokens = "optional" decides, although the account defaults require tokens.
plan_test "a launch template with a dynamic metadata_options block" {
  plan    = "../../testdata/inline-blocks-unrecorded.json"
  policy  = "autoscaling_group"
  fail    = ["aws_autoscaling_group.from_dynamic"]
  unknown = []
  pass    = []
}

# A group on an unchanged template whose AWS provider predates metadata_options: the plan does
# not show what the template's instances get.
plan_test "a group on a template without metadata_options in the plan" {
  plan    = "../../testdata/imdsv2-provider-without-metadata-options.json"
  policy  = "autoscaling_group"
  fail    = []
  unknown = ["aws_autoscaling_group.on_existing"]
  pass    = []
}

# `launch_template { id = aws_launch_template.mixed[each.key].id }` is recorded as a reference to
# the whole block: templates that agree decide, templates that disagree leave the group unknown
# (it failed because of the sibling that allows IMDSv1).
plan_test "Auto Scaling groups on a template of a for_each block" {
  plan    = "../../testdata/imdsv2-launch-template-for-each.json"
  policy  = "autoscaling_group"
  fail    = ["aws_autoscaling_group.on_both_legacy[\"a\"]"]
  unknown = ["aws_autoscaling_group.on_mixed[\"strict\"]", "aws_autoscaling_group.on_mixed[\"legacy\"]"]
  pass    = ["aws_autoscaling_group.on_both_strict[\"a\"]"]
}

plan_test "an EKS node group on a template of a for_each block" {
  plan    = "../../testdata/imdsv2-launch-template-for-each.json"
  policy  = "eks_node_group"
  fail    = []
  unknown = ["aws_eks_node_group.on_mixed[\"legacy\"]"]
  pass    = []
}

# Groups on an unchanged template without metadata_options (its state holds none), and no
# account defaults in the plan: the account default and the AMI decide at launch (they failed).
plan_test "Auto Scaling groups on an unchanged template without metadata_options" {
  plan    = "../../testdata/imdsv2-template-without-options-unchanged.json"
  policy  = "autoscaling_group"
  fail    = []
  unknown = ["aws_autoscaling_group.bare_workers"]
  pass    = []
}

plan_test "EKS node groups on an unchanged template without metadata_options" {
  plan    = "../../testdata/imdsv2-template-without-options-unchanged.json"
  policy  = "eks_node_group"
  fail    = []
  unknown = ["aws_eks_node_group.bare"]
  pass    = []
}
