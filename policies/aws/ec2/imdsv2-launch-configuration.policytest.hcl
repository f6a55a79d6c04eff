# TFG-EC2-003 on mock resources. Each scenario uses its own provider
# configuration key, since every mock is visible to tfgate::resources.
#
# Unknown values cannot be written in a mock (and an unknown verdict fails a
# policytest case): the unknown cases are in imdsv2-launch-configuration.plantest.hcl.

policytest {
  targets = ["imdsv2-launch-configuration.policy.hcl"]
}

resource "aws_launch_configuration" "tokens_required" {
  attrs = { metadata_options = [{ http_endpoint = "enabled", http_tokens = "required", http_put_response_hop_limit = 2 }] }
  meta  = { configured = ["image_id", "metadata_options"], provider_config_key = "aws.own" }
}

resource "aws_launch_configuration" "tokens_optional" {
  expect_failure = true
  attrs          = { metadata_options = [{ http_endpoint = "enabled", http_tokens = "optional" }] }
  meta           = { configured = ["image_id", "metadata_options"], provider_config_key = "aws.own" }
}

resource "aws_launch_configuration" "endpoint_disabled" {
  attrs = { metadata_options = [{ http_endpoint = "disabled", http_tokens = "optional" }] }
  meta  = { configured = ["image_id", "metadata_options"], provider_config_key = "aws.own" }
}

resource "aws_launch_configuration" "explicit_optional_beats_required_default" {
  expect_failure = true
  attrs          = { metadata_options = [{ http_endpoint = "enabled", http_tokens = "optional" }] }
  meta           = { configured = ["image_id", "metadata_options"], provider_config_key = "aws.east" }
}

resource "aws_launch_configuration" "unset_with_required_default" {
  attrs = { image_id = "ami-0123456789abcdef0" }
  meta  = { configured = ["image_id"], provider_config_key = "aws.east" }
}

resource "aws_launch_configuration" "unset_with_optional_default" {
  expect_failure = true
  attrs          = { image_id = "ami-0123456789abcdef0" }
  meta           = { configured = ["image_id"], provider_config_key = "aws.west" }
}

resource "aws_launch_configuration" "unset_and_no_default_for_this_provider" {
  # In a plan the block is unknown and so is the verdict (see the plan tests);
  # a mock's empty block stands for what AWS applies, and fails. (Without the
  # attribute at all, the provider's schema would predate it: unknown.)
  expect_failure = true
  attrs          = { image_id = "ami-0123456789abcdef0", metadata_options = [] }
  meta           = { configured = ["image_id"], provider_config_key = "aws.eu" }
}

resource "aws_ec2_instance_metadata_defaults" "east" {
  attrs = { http_tokens = "required", http_endpoint = "enabled", http_put_response_hop_limit = 1 }
  meta  = { configured = ["http_tokens"], provider_config_key = "aws.east" }
}

resource "aws_ec2_instance_metadata_defaults" "west" {
  attrs = { http_tokens = "optional", http_endpoint = "no-preference", http_put_response_hop_limit = -1 }
  meta  = { configured = ["http_tokens"], provider_config_key = "aws.west" }
}
