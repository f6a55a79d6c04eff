# TFG-EC2-006 on mock resources (default max_hop_limit 1, and 2 per case).
# A hop limit known only after apply cannot be written in a mock: see the
# plan tests (aws_instance.tokens_unset).

policytest {
  targets = ["imdsv2-hop-limit.policy.hcl"]
}

resource "aws_instance" "hop_1" {
  attrs = { metadata_options = [{ http_endpoint = "enabled", http_tokens = "required", http_put_response_hop_limit = 1 }] }
  meta  = { configured = ["metadata_options"] }
}

resource "aws_instance" "hop_2" {
  expect_failure = true
  attrs          = { metadata_options = [{ http_endpoint = "enabled", http_tokens = "required", http_put_response_hop_limit = 2 }] }
  meta           = { configured = ["metadata_options"] }
}

resource "aws_instance" "hop_2_allowed_for_container_hosts" {
  attrs = { metadata_options = [{ http_endpoint = "enabled", http_tokens = "required", http_put_response_hop_limit = 2 }] }
  meta  = { configured = ["metadata_options"] }
  inputs {
    max_hop_limit = 2
  }
}

resource "aws_instance" "endpoint_disabled_is_not_judged" {
  attrs = { metadata_options = [{ http_endpoint = "disabled", http_tokens = "optional", http_put_response_hop_limit = 8 }] }
  meta  = { configured = ["metadata_options"] }
}

resource "aws_instance" "no_metadata_options_is_not_judged" {
  meta = { configured = ["ami", "instance_type"] }
}

resource "aws_spot_instance_request" "hop_3" {
  expect_failure = true
  attrs          = { metadata_options = [{ http_endpoint = "enabled", http_tokens = "required", http_put_response_hop_limit = 3 }] }
  meta           = { configured = ["metadata_options", "spot_price"] }
}

resource "aws_launch_template" "hop_3" {
  expect_failure = true
  attrs          = { metadata_options = [{ http_endpoint = "enabled", http_tokens = "required", http_put_response_hop_limit = 3 }] }
  meta           = { configured = ["metadata_options"] }
  inputs {
    max_hop_limit = 2
  }
}

resource "aws_launch_template" "hop_2" {
  attrs = { metadata_options = [{ http_endpoint = "enabled", http_tokens = "required", http_put_response_hop_limit = 2 }] }
  meta  = { configured = ["metadata_options"] }
  inputs {
    max_hop_limit = 2
  }
}

resource "aws_launch_configuration" "hop_2" {
  expect_failure = true
  attrs          = { metadata_options = [{ http_endpoint = "enabled", http_tokens = "optional", http_put_response_hop_limit = 2 }] }
  meta           = { configured = ["metadata_options"] }
}

resource "aws_ec2_instance_metadata_defaults" "hop_5" {
  expect_failure = true
  attrs          = { http_tokens = "optional", http_put_response_hop_limit = 5 }
  meta           = { configured = ["http_tokens", "http_put_response_hop_limit"] }
}

resource "aws_ec2_instance_metadata_defaults" "no_preference" {
  attrs = { http_tokens = "required", http_put_response_hop_limit = -1 }
  meta  = { configured = ["http_tokens", "http_put_response_hop_limit"] }
}

resource "aws_ec2_instance_metadata_defaults" "hop_limit_not_set" {
  attrs = { http_tokens = "required", http_put_response_hop_limit = -1 }
  meta  = { configured = ["http_tokens"] }
}
