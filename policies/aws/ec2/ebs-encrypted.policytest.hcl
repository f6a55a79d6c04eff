policytest {
  targets = ["ebs-encrypted.policy.hcl"]
}

# Encryption by default is enabled on aws.east only.
resource "aws_ebs_encryption_by_default" "east" {
  attrs = { enabled = true }
  meta  = { provider_config_key = "aws.east" }
}

resource "aws_ebs_volume" "plain" {
  expect_failure = true
  attrs          = { encrypted = false, size = 100 }
  meta           = { provider_config_key = "aws" }
}

resource "aws_ebs_volume" "encrypted" {
  attrs = { encrypted = true, size = 100 }
  meta  = { provider_config_key = "aws" }
}

resource "aws_ebs_volume" "plain_on_east" {
  attrs = { encrypted = false, size = 100 }
  meta  = { provider_config_key = "aws.east" }
}

resource "aws_instance" "plain_data_disk" {
  expect_failure = true
  meta           = { provider_config_key = "aws" }
  attrs = {
    root_block_device = [{ encrypted = true }]
    ebs_block_device  = [{ device_name = "/dev/sdf", encrypted = false }]
  }
}

resource "aws_instance" "all_encrypted" {
  meta = { provider_config_key = "aws" }
  attrs = {
    root_block_device = [{ encrypted = true }]
    ebs_block_device  = [{ device_name = "/dev/sdf", encrypted = true }]
  }
}

resource "aws_launch_template" "encrypted_unset" {
  expect_failure = true
  meta           = { provider_config_key = "aws" }
  attrs = {
    block_device_mappings = [{ device_name = "/dev/xvda", ebs = [{ encrypted = null, volume_size = 50 }] }]
  }
}

resource "aws_launch_template" "encrypted_string_true" {
  meta = { provider_config_key = "aws" }
  attrs = {
    block_device_mappings = [
      { device_name = "/dev/xvda", ebs = [{ encrypted = "true", volume_size = 50 }] },
      { device_name = "/dev/sdb", ebs = [], virtual_name = "ephemeral0" },
    ]
  }
}
