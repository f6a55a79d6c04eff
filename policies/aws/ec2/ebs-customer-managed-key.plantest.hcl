# TFG-EC2-023 over policies/testdata/ebs-keys.json (see policies/testdata/README.md).

plan_test "volumes, when a customer managed key is required" {
  plan    = "../../testdata/ebs-keys.json"
  policy  = "volume_key"
  inputs  = { require_customer_managed_key = true }
  fail    = ["aws_ebs_volume.aws_managed_alias", "aws_ebs_volume.unset"]
  unknown = ["aws_ebs_volume.from_variable"]
  pass    = ["aws_ebs_volume.cmk", "aws_ebs_volume.unset_with_default"]
}

plan_test "snapshot copies, when a customer managed key is required" {
  plan    = "../../testdata/ebs-keys.json"
  policy  = "snapshot_copy_key"
  inputs  = { require_customer_managed_key = true }
  fail    = ["aws_ebs_snapshot_copy.default_copy"]
  unknown = []
  pass    = ["aws_ebs_snapshot_copy.cmk_copy"]
}

plan_test "launch templates, when a customer managed key is required" {
  plan    = "../../testdata/ebs-keys.json"
  policy  = "launch_template_key"
  inputs  = { require_customer_managed_key = true }
  fail    = ["aws_launch_template.unset_key"]
  unknown = []
  pass    = ["aws_launch_template.cmk"]
}

# By default the policy judges nothing.
plan_test "not required by default" {
  plan    = "../../testdata/ebs-keys.json"
  fail    = []
  unknown = []
  pass    = []
}
