# TFG-EC2-002: launch templates require IMDSv2.

policy {
  tfgate {
    id       = "TFG-EC2-002"
    title    = "Launch templates require IMDSv2 (session tokens) or turn the metadata endpoint off"
    severity = "high"
    controls = ["AWS FSBP EC2.170"]

    description = <<-EOT
      An `aws_launch_template` must make the instances launched from it answer only
      token-authenticated (IMDSv2) metadata requests, or turn the metadata endpoint off:

      - its `metadata_options` block decides when the configuration sets it:
        `http_endpoint = "disabled"` passes, `http_tokens = "required"` passes, any other
        known value fails;
      - when the template sets no `metadata_options`, instances launched from it get the
        account default for the Region: an `aws_ec2_instance_metadata_defaults` in the same
        plan on the **same provider configuration** passes the template with
        `http_tokens = "required"` and fails it with any other known value;
      - with neither, the verdict is unknown.

      Instances, Auto Scaling groups and EKS node groups that launch from a failing template
      are reported by TFG-EC2-001 and TFG-EC2-004.
    EOT

    rationale = <<-EOT
      A launch template is where a fleet's metadata options are decided once: every
      instance an Auto Scaling group, an EKS node group or a `RunInstances` call launches
      from it inherits them unless the launch overrides them. A template with
      `http_tokens = "optional"` spreads IMDSv1, and with it the risk of instance role
      credentials read through server-side request forgery, to every instance it launches.
      AWS Security Hub control EC2.170 checks launch templates for IMDSv2.

      HashiCorp's Sentinel policy `ec2-metadata-imdsv2-required` (AWS foundational security
      best practices library) judges only `aws_instance` (reading
      `aws_ec2_instance_metadata_defaults` for instances without options), so it says
      nothing about launch templates;
      tfgate judges them because the instances they launch inherit their options (see
      TFG-EC2-001 for the full list of deliberate differences).
    EOT

    violating_example = <<-EOT
      resource "aws_launch_template" "workers" {
        image_id      = "ami-0123456789abcdef0"
        instance_type = "m6i.large"

        metadata_options {
          http_endpoint               = "enabled"
          http_tokens                 = "optional"
          http_put_response_hop_limit = 2
        }
      }
    EOT

    compliant_example = <<-EOT
      resource "aws_launch_template" "workers" {
        image_id      = "ami-0123456789abcdef0"
        instance_type = "m6i.large"

        metadata_options {
          http_endpoint               = "enabled"
          http_tokens                 = "required"
          http_put_response_hop_limit = 2 # containers on the host need a second hop
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
        the AMI's `ImdsSupport` can also require tokens).
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
      "https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/configuring-instance-metadata-service.html",
      "https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/configuring-instance-metadata-options.html",
      "https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_LaunchTemplateInstanceMetadataOptionsRequest.html",
      "https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_ModifyInstanceMetadataDefaults.html",
      "https://docs.aws.amazon.com/securityhub/latest/userguide/ec2-controls.html#ec2-170",
      "https://docs.aws.amazon.com/config/latest/developerguide/ec2-launch-template-imdsv2-check.html",
      "https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/launch_template#metadata-options",
      "https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/ec2_instance_metadata_defaults",
    ]
  }
}

resource_policy "aws_launch_template" "launch_template" {
  enforcement_level = "mandatory"
  # Reads prior_attrs, so the list must be explicit: the default one, unchanged resources included.
  operations        = ["create", "update", "no-op"]

  locals {
    configured   = core::try(meta.configured, null)
    provider_key = core::try(core::coalesce(meta.provider_config_key, "(unknown)"), "(unknown)")

    # 1. The launch template's own metadata_options; its state values do not count when the
    #    configuration leaves the block out (a new version then has none). valuetostring shows
    #    a value known only after apply as "(unknown)"; "(absent)": the provider's schema
    #    predates them. A known block on a create, or one that differs from the state, can only
    #    come from the configuration, which does not record `dynamic` blocks: it counts as set.
    shown          = core::try(core::valuetostring(attrs.metadata_options), "(absent)")
    in_schema      = local.shown != "(absent)"
    planned        = !core::contains(["(unknown)", "(absent)", "(null)", "[]"], local.shown) && (core::contains(["create", "replace"], meta.operation) || local.shown != core::try(core::valuetostring(prior_attrs.metadata_options), "(absent)"))
    sets_options   = local.planned || (local.configured != null ? core::contains(local.configured, "metadata_options") : core::try(core::length(attrs.metadata_options), 0) > 0)
    decider_known  = core::valuetostring(local.sets_options) != "(unknown)"
    tokens         = core::try(attrs.metadata_options[0].http_tokens, null)
    endpoint       = core::try(attrs.metadata_options[0].http_endpoint, null)
    unknown_fields = [for n in ["http_tokens", "http_endpoint"] : "metadata_options[0].${n}" if core::try(core::valuetostring(attrs.metadata_options[0][n]), "") == "(unknown)"]
    # Without the attribute, what instances get is decided at launch: nothing in the plan decides.
    own_requires_v2 = local.in_schema ? (local.endpoint == "disabled" || local.tokens == "required") : tfgate::unknown(local.message)

    # 2. Account defaults on the same provider configuration (account and Region).
    defaults         = [for d in tfgate::resources("aws_ec2_instance_metadata_defaults") : d if core::try(d.meta.provider_config_key, null) == core::try(meta.provider_config_key, null)]
    defaults_in_plan = core::length(local.defaults) > 0
    failing_defaults = [for d in local.defaults : d if !(core::try(d.attrs.http_endpoint, null) == "disabled" || core::try(d.attrs.http_tokens, null) == "required")]

    # Messages, one per decider.
    quoted        = { for k, v in { tokens = local.tokens, endpoint = local.endpoint } : k => v == null ? "not set" : "\"${v}\"" }
    own_message   = local.shown == "(unknown)" ? "metadata_options is known only after apply" : (
      core::length(local.unknown_fields) > 0 ? "${core::join(" and ", local.unknown_fields)} %{ if core::length(local.unknown_fields) == 1 }is%{ else }are%{ endif } known only after apply" :
      "metadata_options.http_tokens is ${local.quoted.tokens} and http_endpoint is ${local.quoted.endpoint}; instances launched from this launch template accept IMDSv1. Set http_tokens = \"required\" (or the endpoint \"disabled\")"
    )
    default_names    = core::join(", ", [for d in local.defaults : "${d.address} (http_tokens ${core::try("\"${d.attrs.http_tokens}\"", "not set")})"])
    not_set          = local.in_schema ? "metadata_options is not set" : "metadata_options is not in the plan (the AWS provider's schema predates it)"
    defaults_message = local.defaults_in_plan ? "metadata_options is not set, so the account default of provider configuration ${local.provider_key} decides: ${local.default_names}; IMDSv2 needs http_tokens = \"required\"" : "${local.not_set} and no aws_ec2_instance_metadata_defaults for provider configuration ${local.provider_key} is in the plan: the account default and the AMI decide when instances launch, so whether IMDSv2 is required is known only after apply"
    message          = !local.decider_known ? "metadata_options is known only after apply, and the plan has no configuration for this resource to tell whether it sets them" : (local.sets_options ? local.own_message : local.defaults_message)
  }

  enforce {
    # The launch template's own options decide, else the account defaults; where the plan has neither,
    # the own planned values (known only after apply).
    condition     = local.sets_options ? local.own_requires_v2 : (local.defaults_in_plan ? core::length(local.failing_defaults) == 0 : local.own_requires_v2)
    error_message = local.message
  }
}
