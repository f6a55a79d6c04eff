policytest {
  targets = ["ebs-customer-managed-key.policy.hcl"]
}

inputs {
  require_customer_managed_key = true
}

resource "aws_kms_key" "ebs" {
  attrs = { description = "EBS" }
}

resource "aws_ebs_volume" "customer_key" {
  attrs = { encrypted = true, kms_key_id = null }
  meta  = { configured = ["size", "encrypted", "kms_key_id"], references = { "kms_key_id" = ["aws_kms_key.ebs"] }, provider_config_key = "aws.eu" }
}

resource "aws_ebs_volume" "aws_managed" {
  expect_failure = true
  attrs          = { encrypted = true, kms_key_id = "arn:aws:kms:eu-west-1:123456789012:alias/aws/ebs" }
  meta           = { configured = ["size", "encrypted", "kms_key_id"], provider_config_key = "aws.eu" }
}

resource "aws_ebs_volume" "default_key" {
  expect_failure = true
  attrs          = { encrypted = true }
  meta           = { configured = ["size", "encrypted"], provider_config_key = "aws.eu" }
}

resource "aws_ebs_volume" "unencrypted_is_not_judged" {
  attrs = { encrypted = false }
  meta  = { configured = ["size", "encrypted"], provider_config_key = "aws.eu" }
}

resource "aws_launch_template" "aws_managed_mapping" {
  expect_failure = true
  attrs          = { block_device_mappings = [{ device_name = "/dev/xvda", ebs = [{ encrypted = "true", kms_key_id = "alias/aws/ebs" }] }] }
  meta           = { provider_config_key = "aws.eu" }
}
