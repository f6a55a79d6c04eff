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

# Launch templates whose mappings hold values known only after apply: the known mappings decide
# (a try or coalesce over the whole list made every one of them unknown).
plan_test "launch templates with mappings partly known" {
  plan    = "../../testdata/ebs-cmk-partly-known.json"
  policy  = "launch_template_key"
  inputs  = { require_customer_managed_key = true }
  fail    = ["aws_launch_template.aws_key_beside_unknown"]
  unknown = ["aws_launch_template.unknown_key"]
  pass    = ["aws_launch_template.cmk_beside_unknown", "aws_launch_template.unencrypted_partly_known"]
}
