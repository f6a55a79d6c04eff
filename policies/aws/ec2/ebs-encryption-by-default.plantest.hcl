# Verdicts of policies/testdata/README.md (ebs-encryption.json) for TFG-EC2-021.

plan_test "account defaults" {
  plan    = "../../testdata/ebs-encryption.json"
  fail    = ["aws_ebs_encryption_by_default.west"]
  unknown = []
  pass    = ["aws_ebs_encryption_by_default.this"]
}

plan_test "showcase web-tier" {
  plan    = "../../../examples/plans/web-tier.json"
  fail    = []
  unknown = []
  pass    = ["aws_ebs_encryption_by_default.this"]
}

plan_test "enabled comes from a parameter read at apply" {
  plan    = "../../testdata/unknown-values.json"
  fail    = []
  unknown = ["aws_ebs_encryption_by_default.pending"]
  pass    = []
}
