# Verdicts of policies/testdata/README.md (ebs-encryption.json) for TFG-EC2-020.
# Provider configurations: aws has encryption by default enabled, aws.west has it disabled,
# aws.eu has none.

plan_test "volumes, instances and launch templates per provider configuration" {
  plan    = "../../testdata/ebs-encryption.json"
  fail    = ["aws_ebs_volume.eu_plain", "aws_ebs_volume.west_plain", "aws_instance.eu_worker", "aws_launch_template.eu_workers"]
  unknown = ["aws_ebs_volume.eu_unset"]
  pass    = ["aws_ebs_volume.encrypted", "aws_ebs_volume.plain_covered_by_default"]
}

# The showcase plan: aws_ebs_volume.data is unencrypted on aws.replica, which has no account
# default. Everything on aws is covered by aws_ebs_encryption_by_default.this: the app
# instances (unencrypted /dev/sdf), the bastion (root encrypted unset), the worker (volumes
# from its launch template) and the blue and green templates (no block device mappings).
plan_test "showcase web-tier" {
  plan    = "../../../examples/plans/web-tier.json"
  fail    = ["aws_ebs_volume.data"]
  unknown = []
  pass = [
    "aws_instance.app[0]", "aws_instance.app[1]", "aws_instance.bastion", "aws_instance.worker",
    "module.web[\"blue\"].aws_launch_template.this", "module.web[\"green\"].aws_launch_template.this",
  ]
}

# Block devices known only after apply (no encryption by default in the plan): a known
# unencrypted volume still fails; otherwise the message names what is not known yet.
plan_test "block devices known only after apply" {
  plan    = "../../testdata/ebs-encryption-unknown.json"
  policy  = "instance_volumes_encrypted"
  fail    = ["aws_instance.root_unknown_data_plain"]
  unknown = ["aws_instance.root_encrypted_unknown", "aws_instance.root_unknown"]
  pass    = ["aws_instance.all_encrypted"]
}
