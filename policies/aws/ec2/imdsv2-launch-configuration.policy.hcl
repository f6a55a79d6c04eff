# TFG-EC2-003: launch configurations require IMDSv2.

policy {
  tfgate {
    id       = "TFG-EC2-003"
    title    = "Launch configurations require IMDSv2 (session tokens) or turn the metadata endpoint off"
    severity = "high"
    controls = ["AWS FSBP AutoScaling.3"]

    description = <<-EOT
      An `aws_launch_configuration` must make the instances its Auto Scaling groups launch
      answer only token-authenticated (IMDSv2) metadata requests, or turn the metadata
      endpoint off:

      - its `metadata_options` block decides when the configuration sets it:
        `http_endpoint = "disabled"` passes, `http_tokens = "required"` passes, any other
        known value fails;
      - when it sets no `metadata_options`, the instances get the account default for the
        Region: an `aws_ec2_instance_metadata_defaults` in the same plan on the **same
        provider configuration** passes it with `http_tokens = "required"` and fails it with
        any other known value;
      - with neither, the verdict is unknown.
    EOT

    rationale = <<-EOT
      Every instance an Auto Scaling group launches from a launch configuration gets the
      configuration's metadata options. With `http_tokens = "optional"` they all answer
      IMDSv1 requests, which a server-side request forgery bug can use to read the
      instance role's credentials. AWS Security Hub control AutoScaling.3 requires launch
      configurations to require IMDSv2. (Launch configurations are also deprecated in
      favour of launch templates.)

      Security Hub's AutoScaling.3 fails a launch configuration that does not state a
      metadata version; tfgate instead follows the account default on the same provider
      configuration when one is in the plan, and reports unknown otherwise, because that
      default is what the instances will get. HashiCorp's Sentinel policy
      `ec2-metadata-imdsv2-required` does not judge launch configurations (see
      TFG-EC2-001 for the deliberate differences from it).
    EOT

    violating_example = <<-EOT
      resource "aws_launch_configuration" "legacy" {
        name_prefix   = "legacy-"
        image_id      = "ami-0123456789abcdef0"
        instance_type = "t3.small"

        metadata_options {
          http_endpoint = "enabled"
          http_tokens   = "optional"
        }
      }
    EOT

    compliant_example = <<-EOT
      resource "aws_launch_configuration" "workers" {
        name_prefix   = "workers-"
        image_id      = "ami-0123456789abcdef0"
        instance_type = "t3.small"

        metadata_options {
          http_endpoint = "enabled"
          http_tokens   = "required"
        }
      }
    EOT

    unknown_values = <<-EOT
      - `metadata_options` set in the configuration with `http_tokens` (or `http_endpoint`)
        known only after apply: unknown. Terraform cannot tell a nested argument left unset
        from one set to a computed value, so a block that sets only the hop limit gives an
        unknown `http_tokens` and an unknown verdict.
      - No `metadata_options`: the account defaults on the same provider configuration
        decide; when there are none in the plan, or their `http_tokens` is unknown, the
        verdict is unknown (the account default may be set outside this configuration, and
        the AMI's `ImdsSupport` can also require tokens). This holds for an existing
        launch configuration whose state holds no `metadata_options` as for a new one.
      - When the plan has no configuration for the resource (`meta.configured` unknown),
        the planned values decide when known, and the verdict is unknown otherwise.
      - A `dynamic "metadata_options"` block is not recorded in the plan's configuration;
        a `metadata_options` known at plan time on a create (or changed from the state) can
        only come from the configuration, so its values decide.
      - An AWS provider that predates `metadata_options` plans no such attribute: the
        attribute is missing, not null, and the verdict is unknown (`tfgate::unknown`),
        on a create as on an unchanged resource, whose setting the plan does not show.
    EOT

    references = [
      "https://docs.aws.amazon.com/autoscaling/ec2/userguide/create-launch-config.html#launch-configurations-imds",
      "https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/configuring-instance-metadata-service.html",
      "https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_ModifyInstanceMetadataDefaults.html",
      "https://docs.aws.amazon.com/securityhub/latest/userguide/autoscaling-controls.html#autoscaling-3",
      "https://docs.aws.amazon.com/config/latest/developerguide/autoscaling-launchconfig-requires-imdsv2.html",
      "https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/launch_configuration#metadata-options",
      "https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/ec2_instance_metadata_defaults",
    ]
  }
}

locals {
  # Account defaults by provider configuration (one account and Region each).
  account_defaults = { for d in tfgate::resources("aws_ec2_instance_metadata_defaults") :
    core::try(core::coalesce(d.meta.provider_config_key, "(unknown)"), "(unknown)") => {
      address     = d.address
      requires_v2 = core::try(d.attrs.http_endpoint, null) == "disabled" || core::try(d.attrs.http_tokens, null) == "required"
      shown       = "${d.address} (http_tokens ${core::try("\"${d.attrs.http_tokens}\"", "not set")})"
    }...
  }
}

resource_policy "aws_launch_configuration" "launch_configuration" {
  enforcement_level = "mandatory"
  # Reads prior_attrs, so the list must be explicit: the default one, unchanged resources included.
  operations = ["create", "update", "no-op"]

  locals {
    provider = core::try(core::coalesce(meta.provider_config_key, "(unknown)"), "(unknown)")

    # 1. Its own metadata_options; state values do not count when the configuration leaves the
    #    block out (a new version then has none). An AWS provider older than them plans no such
    #    attribute. Known options on a create, or changed from the state, can only come from the
    #    configuration, which does not record `dynamic` blocks. valuetostring shows a value known
    #    only after apply as "(unknown)".
    own_text        = core::try(core::valuetostring(attrs.metadata_options), null)
    in_schema       = local.own_text != null
    own_known       = local.in_schema && local.own_text != "(unknown)"
    prior_text      = core::try(core::valuetostring(prior_attrs.metadata_options), null)
    created         = core::contains(["create", "replace"], meta.operation)
    plans_options   = local.own_known && core::try(core::length(attrs.metadata_options), 0) > 0 && (local.created || local.own_text != local.prior_text)
    configures      = core::try(core::contains(meta.configured, "metadata_options"), core::try(core::length(attrs.metadata_options), 0) > 0)
    sets_options    = local.plans_options || local.configures
    tokens          = core::try(attrs.metadata_options[0].http_tokens, null)
    endpoint        = core::try(attrs.metadata_options[0].http_endpoint, null)
    own_requires_v2 = local.in_schema ? (local.endpoint == "disabled" || local.tokens == "required") : tfgate::unknown(local.pending_message)

    # 2. Else the account defaults of its provider configuration (account and Region); where the
    #    plan has none, its own planned values, known only after apply.
    defaults         = core::try(local.account_defaults[local.provider], [])
    defaults_in_plan = core::length(local.defaults) > 0

    # 3. Else its own planned values: known only after apply for a new one; for an existing one,
    #    its state, where known empty options say that it sets none (then AWS decides at launch).
    has_no_options = !local.created && local.own_known && core::try(core::length(attrs.metadata_options), 0) == 0
    by_own_state   = local.has_no_options ? tfgate::unknown(local.no_defaults_yet) : local.own_requires_v2

    requires_v2 = local.sets_options ? local.own_requires_v2 : (local.defaults_in_plan ? core::alltrue(local.defaults[*].requires_v2) : local.by_own_state)

    # Messages: what decided, and the value found or the value not known.
    decided         = core::valuetostring(local.requires_v2) != "(unknown)"
    decider_unknown = core::valuetostring(local.sets_options) == "(unknown)"
    quoted          = { for k, v in { tokens = local.tokens, endpoint = local.endpoint } : k => v == null ? "not set" : "\"${v}\"" }
    unknown_fields  = [for n in ["http_tokens", "http_endpoint"] : "metadata_options[0].${n}" if core::try(core::valuetostring(attrs.metadata_options[0][n]), "") == "(unknown)"]
    not_set         = local.in_schema ? "metadata_options is not set" : "metadata_options is not in the plan (the AWS provider's schema predates it)"
    defaults_decide = "${local.not_set}, so the account default of provider configuration ${local.provider} decides"
    no_defaults     = "no aws_ec2_instance_metadata_defaults for provider configuration ${local.provider} is in the plan"
    at_launch       = "the account default and the AMI decide when instances launch"
    accepts_v1      = "instances launched from this launch configuration accept IMDSv1"
    set_required    = "Set http_tokens = \"required\" (or the endpoint \"disabled\")"

    own_found        = "metadata_options.http_tokens is ${local.quoted.tokens} and http_endpoint is ${local.quoted.endpoint}; ${local.accepts_v1}. ${local.set_required}"
    own_fields       = "${core::join(" and ", local.unknown_fields)} ${core::length(local.unknown_fields) == 1 ? "is" : "are"} known only after apply"
    own_pending      = local.own_text == "(unknown)" ? "metadata_options is known only after apply" : local.own_fields
    defaults_found   = "${local.defaults_decide}: ${core::join(", ", local.defaults[*].shown)}; IMDSv2 needs http_tokens = \"required\""
    defaults_unknown = "${local.defaults_decide}, and the http_tokens of ${core::join(", ", local.defaults[*].address)} is known only after apply"
    no_defaults_yet  = "${local.not_set} and ${local.no_defaults}: ${local.at_launch}, so whether IMDSv2 is required is known only after apply"
    defaults_pending = local.defaults_in_plan ? local.defaults_unknown : local.no_defaults_yet
    no_configuration = "metadata_options is known only after apply, and the plan has no configuration for this launch configuration to tell whether it sets them"

    fail_message    = local.sets_options || !local.defaults_in_plan ? local.own_found : local.defaults_found
    pending_message = local.decider_unknown ? local.no_configuration : (local.sets_options && local.in_schema ? local.own_pending : local.defaults_pending)
  }

  enforce {
    condition     = local.requires_v2
    error_message = local.decided ? local.fail_message : local.pending_message
  }
}
