policytest {
  targets = ["ebs-encryption-by-default.policy.hcl"]
}

resource "aws_ebs_encryption_by_default" "disabled" {
  expect_failure = true
  attrs          = { enabled = false }
}

resource "aws_ebs_encryption_by_default" "enabled" {
  attrs = { enabled = true }
}
