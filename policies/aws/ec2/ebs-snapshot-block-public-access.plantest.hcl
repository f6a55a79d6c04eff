# Verdicts of policies/testdata/README.md (public-exposure.json) for TFG-EC2-030.

plan_test "snapshot block public access per provider configuration" {
  plan    = "../../testdata/public-exposure.json"
  fail    = ["aws_ebs_snapshot_block_public_access.west"]
  unknown = []
  pass    = ["aws_ebs_snapshot_block_public_access.this"]
}

plan_test "showcase web-tier" {
  plan    = "../../../examples/plans/web-tier.json"
  fail    = []
  unknown = []
  pass    = ["aws_ebs_snapshot_block_public_access.this"]
}

plan_test "the state comes from a parameter read at apply" {
  plan    = "../../testdata/unknown-values.json"
  fail    = []
  unknown = ["aws_ebs_snapshot_block_public_access.pending"]
  pass    = []
}
