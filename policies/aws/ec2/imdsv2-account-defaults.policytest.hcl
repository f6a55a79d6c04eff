# TFG-EC2-005 on mock resources. An unknown http_tokens cannot be written in a
# mock; the fixtures hold only known values.

policytest {
  targets = ["imdsv2-account-defaults.policy.hcl"]
}

resource "aws_ec2_instance_metadata_defaults" "required" {
  attrs = { http_tokens = "required", http_endpoint = "enabled", http_put_response_hop_limit = 1 }
  meta  = { provider_config_key = "aws" }
}

resource "aws_ec2_instance_metadata_defaults" "optional" {
  expect_failure = true
  attrs          = { http_tokens = "optional", http_endpoint = "no-preference", http_put_response_hop_limit = -1 }
  meta           = { provider_config_key = "aws.west" }
}

resource "aws_ec2_instance_metadata_defaults" "no_preference" {
  # Clears the account default: weakens nothing, passes with a note.
  attrs = { http_tokens = "no-preference", http_endpoint = "no-preference", http_put_response_hop_limit = -1 }
  meta  = { provider_config_key = "aws.eu" }
}

resource "aws_ec2_instance_metadata_defaults" "updated_to_optional" {
  expect_failure = true
  meta           = { operation = "update", provider_config_key = "aws.central" }
  prior_attrs    = { http_tokens = "required" }
  attrs          = { http_tokens = "optional" }
}

resource "aws_ec2_instance_metadata_defaults" "deleted_is_not_judged" {
  meta        = { operation = "delete", provider_config_key = "aws.old" }
  prior_attrs = { http_tokens = "optional" }
}
