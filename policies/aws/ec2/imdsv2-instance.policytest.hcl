# TFG-EC2-001 on mock resources. Every resource mock is visible to
# tfgate::resources and tfgate::referenced, so each scenario uses its own
# provider configuration key.
#
# Unknown values cannot be written in a mock, and an unknown verdict fails a
# policytest case, so the unknown cases (block values known only after apply,
# no account defaults in the plan) are in imdsv2-instance.plantest.hcl.

policytest {
  targets = ["imdsv2-instance.policy.hcl"]
}

# --- The instance's own metadata_options ---------------------------------

resource "aws_instance" "tokens_required" {
  attrs = { metadata_options = [{ http_endpoint = "enabled", http_tokens = "required", http_put_response_hop_limit = 1 }] }
  meta  = { configured = ["ami", "instance_type", "metadata_options"], provider_config_key = "aws.own" }
}

resource "aws_instance" "tokens_optional" {
  expect_failure = true
  attrs          = { metadata_options = [{ http_endpoint = "enabled", http_tokens = "optional" }] }
  meta           = { configured = ["ami", "metadata_options"], provider_config_key = "aws.own" }
}

resource "aws_instance" "endpoint_disabled" {
  # No metadata service at all: nothing to read, with or without a token.
  attrs = { metadata_options = [{ http_endpoint = "disabled", http_tokens = "optional" }] }
  meta  = { configured = ["ami", "metadata_options"], provider_config_key = "aws.own" }
}

resource "aws_instance" "explicit_optional_beats_required_default" {
  expect_failure = true
  attrs          = { metadata_options = [{ http_endpoint = "enabled", http_tokens = "optional" }] }
  meta           = { configured = ["ami", "metadata_options"], provider_config_key = "aws.east" }
}

resource "aws_instance" "updated_in_place_keeps_its_state" {
  # Not launched by this plan: the account default no longer applies, the
  # instance's planned (state) values decide.
  expect_failure = true
  attrs          = { metadata_options = [{ http_endpoint = "enabled", http_tokens = "optional" }] }
  meta           = { operation = "update", configured = ["ami"], provider_config_key = "aws.east" }
}

resource "aws_instance" "deleted_is_not_judged" {
  meta        = { operation = "delete", provider_config_key = "aws.own" }
  prior_attrs = { metadata_options = [{ http_endpoint = "enabled", http_tokens = "optional" }] }
}

# --- Launch templates ------------------------------------------------------

resource "aws_launch_template" "strict" {
  attrs = { metadata_options = [{ http_endpoint = "enabled", http_tokens = "required" }] }
  meta  = { configured = ["image_id", "metadata_options"], provider_config_key = "aws.lt" }
}

resource "aws_launch_template" "legacy" {
  attrs = { metadata_options = [{ http_endpoint = "enabled", http_tokens = "optional" }] }
  meta  = { configured = ["image_id", "metadata_options"], provider_config_key = "aws.lt" }
}

resource "aws_launch_template" "bare" {
  attrs = { image_id = "ami-0123456789abcdef0" }
  meta  = { configured = ["image_id"], provider_config_key = "aws.east" }
}

resource "aws_instance" "from_strict_template" {
  meta = {
    configured          = ["launch_template", "subnet_id"]
    provider_config_key = "aws.lt"
    references          = { "launch_template.id" = ["aws_launch_template.strict"] }
  }
}

resource "aws_instance" "from_legacy_template" {
  expect_failure = true
  meta = {
    configured          = ["launch_template", "subnet_id"]
    provider_config_key = "aws.lt"
    references          = { "launch_template.id" = ["aws_launch_template.legacy"] }
  }
}

resource "aws_instance" "own_options_beat_the_template" {
  attrs = { metadata_options = [{ http_endpoint = "enabled", http_tokens = "required" }] }
  meta = {
    configured          = ["launch_template", "metadata_options"]
    provider_config_key = "aws.lt"
    references          = { "launch_template.id" = ["aws_launch_template.legacy"] }
  }
}

resource "aws_instance" "bare_template_falls_back_to_account_default" {
  meta = {
    configured          = ["launch_template"]
    provider_config_key = "aws.east"
    references          = { "launch_template.name" = ["aws_launch_template.bare"] }
  }
}

# --- Account defaults, per provider configuration ----------------------------

resource "aws_ec2_instance_metadata_defaults" "east" {
  attrs = { http_tokens = "required", http_endpoint = "enabled", http_put_response_hop_limit = 1 }
  meta  = { configured = ["http_tokens", "http_put_response_hop_limit"], provider_config_key = "aws.east" }
}

resource "aws_ec2_instance_metadata_defaults" "west" {
  attrs = { http_tokens = "optional", http_endpoint = "no-preference", http_put_response_hop_limit = -1 }
  meta  = { configured = ["http_tokens"], provider_config_key = "aws.west" }
}

resource "aws_ec2_instance_metadata_defaults" "central" {
  attrs = { http_tokens = "no-preference", http_endpoint = "no-preference", http_put_response_hop_limit = -1 }
  meta  = { configured = ["http_tokens"], provider_config_key = "aws.central" }
}

resource "aws_instance" "east_default_required" {
  meta = { configured = ["ami", "instance_type"], provider_config_key = "aws.east" }
}

resource "aws_instance" "west_default_optional" {
  expect_failure = true
  meta           = { configured = ["ami", "instance_type"], provider_config_key = "aws.west" }
}

resource "aws_instance" "central_default_no_preference" {
  # no-preference leaves AWS's own default, optional for most AMIs.
  expect_failure = true
  meta           = { configured = ["ami", "instance_type"], provider_config_key = "aws.central" }
}

resource "aws_instance" "another_alias_does_not_count" {
  # aws.eu has no defaults; the required default of aws.east must not pass it.
  # In a plan this instance's metadata_options are unknown and the verdict is
  # unknown (see the plan test); a mock has no unknown values, so the
  # instance's own empty options stand for what AWS applies, and it fails.
  # (Without the attribute at all, the provider's schema would predate it:
  # unknown.)
  expect_failure = true
  attrs          = { metadata_options = [] }
  meta           = { configured = ["ami", "instance_type"], provider_config_key = "aws.eu" }
}

# --- Spot instance requests ---------------------------------------------------

resource "aws_spot_instance_request" "spot_optional" {
  expect_failure = true
  attrs          = { metadata_options = [{ http_endpoint = "enabled", http_tokens = "optional" }] }
  meta           = { configured = ["ami", "metadata_options", "spot_price"], provider_config_key = "aws.own" }
}

resource "aws_spot_instance_request" "spot_required" {
  attrs = { metadata_options = [{ http_endpoint = "enabled", http_tokens = "required" }] }
  meta  = { configured = ["ami", "metadata_options", "spot_price"], provider_config_key = "aws.own" }
}

resource "aws_spot_instance_request" "spot_from_east_default" {
  meta = { configured = ["ami", "spot_price"], provider_config_key = "aws.east" }
}
