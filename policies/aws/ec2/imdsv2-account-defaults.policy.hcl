# TFG-EC2-005: account-level IMDS defaults do not make IMDSv2 optional.

policy {
  tfgate {
    id       = "TFG-EC2-005"
    title    = "Account instance metadata defaults do not set http_tokens to \"optional\""
    severity = "high"
    controls = ["AWS FSBP EC2.8"]

    description = <<-EOT
      An `aws_ec2_instance_metadata_defaults` sets, for one account and Region (one
      provider configuration), the metadata options every instance launched without its
      own options gets. Its `http_tokens` must not be `optional`:

      - `required`: pass, every instance launched without its own setting requires IMDSv2;
      - `optional`: fail;
      - `no-preference` (the resource's default, which clears the account setting): pass
        with a note. It weakens nothing: instances then get AWS's own default, which is
        `required` for AMIs whose `ImdsSupport` is `v2.0` and `optional` otherwise, and the
        instances, templates and groups that rely on it are judged by TFG-EC2-001 to 004,
        which count only `required` as a guarantee;
      - unknown at plan time: unknown.
    EOT

    rationale = <<-EOT
      An account default of `optional` is worse than no default at all: AWS applies the
      account setting before the AMI's, so `optional` even turns IMDSv1 back on for
      instances launched from AMIs registered with `ImdsSupport = v2.0`, which would
      otherwise require tokens. Every instance launched in that Region without its own
      metadata options then answers IMDSv1 requests, and a server-side request forgery bug
      in any of them can read the instance role's credentials.

      HashiCorp's Sentinel policy `ec2-metadata-imdsv2-required` (AWS foundational
      security best practices library) never fails an `aws_ec2_instance_metadata_defaults`
      resource on its own: it reads it only to decide `aws_instance` resources without a
      `metadata_options` block, which pass when a defaults resource with
      `http_tokens = "required"` is in the plan. So a defaults resource with `optional` in
      a plan without such instances passes there. tfgate judges the resource itself,
      because it changes every later launch in its account and Region, including launches
      outside this configuration: `optional` fails, `required` passes, and `no-preference`
      passes because the resource then sets no default (whether instances require tokens
      is decided, and judged, elsewhere).
    EOT

    violating_example = <<-EOT
      resource "aws_ec2_instance_metadata_defaults" "this" {
        http_tokens                 = "optional"
        http_put_response_hop_limit = 2
      }
    EOT

    compliant_example = <<-EOT
      resource "aws_ec2_instance_metadata_defaults" "this" {
        http_tokens                 = "required"
        http_put_response_hop_limit = 1
      }
    EOT

    unknown_values = <<-EOT
      `http_tokens` known only after apply gives an unknown verdict. `http_tokens` is
      Optional with the default `no-preference`, so leaving it out of the configuration
      passes.
    EOT

    references = [
      "https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/configuring-IMDS-new-instances.html",
      "https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_ModifyInstanceMetadataDefaults.html",
      "https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_InstanceMetadataOptionsRequest.html",
      "https://docs.aws.amazon.com/securityhub/latest/userguide/ec2-controls.html#ec2-8",
      "https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/ec2_instance_metadata_defaults",
    ]
  }
}

resource_policy "aws_ec2_instance_metadata_defaults" "account_defaults" {
  enforcement_level = "mandatory"

  locals {
    tokens   = core::try(attrs.http_tokens, null)
    provider = core::try(meta.provider_config_key, null)

    # "optional" lets every instance launched without its own options answer IMDSv1.
    allows_v1   = local.tokens == "optional"
    tokens_wait = core::valuetostring(local.tokens) == "(unknown)"

    # Message parts.
    launched   = "every instance launched without its own metadata options on provider configuration ${local.provider == null ? "(unknown)" : local.provider} (its account and Region)"
    fail_text  = "http_tokens is \"optional\": ${local.launched} accepts IMDSv1, even from AMIs that require IMDSv2; set http_tokens = \"required\""
    wait_text  = "http_tokens is known only after apply, so whether ${local.launched} accepts IMDSv1 is known only after apply"
    no_default = "http_tokens is no-preference: no account default, instances get AWS's default (optional unless the AMI's ImdsSupport is v2.0)"
  }

  enforce {
    condition     = !local.allows_v1
    error_message = local.tokens_wait ? local.wait_text : local.fail_text
    info_message  = local.tokens_wait ? local.wait_text : (core::contains(["no-preference", null], local.tokens) ? local.no_default : "http_tokens is \"${local.tokens}\"")
  }
}
