policy {
  tfgate {
    id       = "TFG-EC2-021"
    title    = "EBS encryption by default must be enabled"
    severity = "medium"
    controls = ["AWS FSBP EC2.7", "CIS AWS 2.2.1"]
    description = <<-EOT
      Requires `aws_ebs_encryption_by_default` to have `enabled = true`. The resource manages
      the account- and Region-wide setting that makes EC2 encrypt every new EBS volume and
      snapshot copy, so a configuration that manages it must switch it on, not off.
    EOT
    rationale = <<-EOT
      With encryption by default, new volumes are encrypted even when a template, a script or
      a console user forgets to ask, and unencrypted volumes can no longer be created in the
      Region. It is the cheapest safety net for data at rest on EBS. AWS Security Hub EC2.7
      and CIS AWS Foundations 2.2.1 require it. TFG-EC2-020 treats volumes on a provider
      configuration with this setting enabled as encrypted.
    EOT
    violating_example = <<-EOT
      resource "aws_ebs_encryption_by_default" "this" {
        enabled = false
      }
    EOT
    compliant_example = <<-EOT
      resource "aws_ebs_encryption_by_default" "this" {
        enabled = true
      }

      # Optionally, a customer managed key for the default:
      resource "aws_ebs_default_kms_key" "this" {
        key_arn = aws_kms_key.ebs.arn
      }
    EOT
    unknown_values = <<-EOT
      `enabled` known only after apply (computed from another resource) gives an unknown
      verdict. The setting is per account and Region: a plan without this resource is not
      judged by this policy (it cannot see the account's current setting), so manage the
      setting in Terraform for every Region you use.
    EOT
    references = [
      "https://docs.aws.amazon.com/securityhub/latest/userguide/ec2-controls.html#ec2-7",
      "https://docs.aws.amazon.com/ebs/latest/userguide/encryption-by-default.html",
      "https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_EnableEbsEncryptionByDefault.html",
      "https://www.cisecurity.org/benchmark/amazon_web_services",
    ]
  }
}

resource_policy "aws_ebs_encryption_by_default" "encryption_by_default" {
  enforcement_level = "mandatory"

  enforce {
    condition     = attrs.enabled == true
    error_message = "${meta.address}: enabled is ${core::jsonencode(attrs.enabled)} for provider configuration ${meta.provider_config_key}; set enabled = true."
  }
}
