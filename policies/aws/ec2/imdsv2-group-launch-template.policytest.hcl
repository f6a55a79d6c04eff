# TFG-EC2-004 on mock resources. Templates are found through the mocks'
# meta.references, as tfgate::referenced finds them in a plan's configuration.
# Unknown verdicts (template values known only after apply, no account
# defaults) cannot be written in mocks: see the plan tests.

policytest {
  targets = ["imdsv2-group-launch-template.policy.hcl"]
}

resource "aws_launch_template" "strict" {
  attrs = { metadata_options = [{ http_endpoint = "enabled", http_tokens = "required" }] }
  meta  = { configured = ["image_id", "metadata_options"], provider_config_key = "aws" }
}

resource "aws_launch_template" "legacy" {
  attrs = { metadata_options = [{ http_endpoint = "enabled", http_tokens = "optional" }] }
  meta  = { configured = ["image_id", "metadata_options"], provider_config_key = "aws" }
}

resource "aws_launch_template" "bare_east" {
  attrs = { image_id = "ami-0123456789abcdef0" }
  meta  = { configured = ["image_id"], provider_config_key = "aws.east" }
}

resource "aws_ec2_instance_metadata_defaults" "east" {
  attrs = { http_tokens = "required" }
  meta  = { configured = ["http_tokens"], provider_config_key = "aws.east" }
}

resource "aws_autoscaling_group" "on_strict" {
  meta = {
    configured          = ["launch_template", "max_size", "min_size"]
    provider_config_key = "aws"
    references          = { "launch_template.id" = ["aws_launch_template.strict"] }
  }
}

resource "aws_autoscaling_group" "on_legacy" {
  expect_failure = true
  meta = {
    configured          = ["launch_template", "max_size", "min_size"]
    provider_config_key = "aws"
    references          = { "launch_template.id" = ["aws_launch_template.legacy"] }
  }
}

resource "aws_autoscaling_group" "mixed_instances_on_legacy" {
  expect_failure = true
  meta = {
    configured          = ["mixed_instances_policy", "max_size", "min_size"]
    provider_config_key = "aws"
    references = {
      "mixed_instances_policy.launch_template.launch_template_specification.launch_template_id" = ["aws_launch_template.legacy"]
    }
  }
}

resource "aws_autoscaling_group" "bare_template_with_required_default" {
  meta = {
    configured          = ["launch_template", "max_size", "min_size"]
    provider_config_key = "aws.east"
    references          = { "launch_template.id" = ["aws_launch_template.bare_east"] }
  }
}

resource "aws_autoscaling_group" "launch_configuration_is_not_judged_here" {
  # No launch template: TFG-EC2-003 judges the launch configuration.
  meta = { configured = ["launch_configuration", "max_size", "min_size"], provider_config_key = "aws" }
}

resource "aws_eks_node_group" "on_strict" {
  meta = {
    configured          = ["cluster_name", "launch_template", "scaling_config"]
    provider_config_key = "aws"
    references          = { "launch_template.id" = ["aws_launch_template.strict"] }
  }
}

resource "aws_eks_node_group" "on_legacy" {
  expect_failure = true
  meta = {
    configured          = ["cluster_name", "launch_template", "scaling_config"]
    provider_config_key = "aws"
    references          = { "launch_template.name" = ["aws_launch_template.legacy"] }
  }
}
