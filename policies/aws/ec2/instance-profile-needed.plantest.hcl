# TFG-EC2-042 over policies/testdata/instance-profiles.json (see policies/testdata/README.md).

plan_test "instance profiles and their roles' policies" {
  plan    = "../../testdata/instance-profiles.json"
  fail    = ["aws_iam_instance_profile.empty", "aws_iam_instance_profile.no_role", "aws_iam_instance_profile.existing_empty"]
  unknown = ["aws_iam_instance_profile.outside_role", "aws_iam_instance_profile.existing_unread"]
  pass = [
    "aws_iam_instance_profile.attached",
    "aws_iam_instance_profile.inline_policy_resource",
    "aws_iam_instance_profile.shared_attachment",
    "aws_iam_instance_profile.managed_arns",
    "aws_iam_instance_profile.by_name",
  ]
}

# The same plan with an attachment whose role is read at apply: it may attach to any role.
plan_test "an attachment whose role is known only after apply" {
  plan    = "../../testdata/instance-profiles-unplaced-attachment.json"
  fail    = ["aws_iam_instance_profile.no_role"]
  unknown = [
    "aws_iam_instance_profile.empty", "aws_iam_instance_profile.existing_empty",
    "aws_iam_instance_profile.outside_role", "aws_iam_instance_profile.existing_unread",
  ]
  pass = [
    "aws_iam_instance_profile.attached",
    "aws_iam_instance_profile.inline_policy_resource",
    "aws_iam_instance_profile.shared_attachment",
    "aws_iam_instance_profile.managed_arns",
    "aws_iam_instance_profile.by_name",
  ]
}
