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
        attribute is missing, not null, and the verdict on a create is unknown.
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
    configured = core::try(meta.configured, null)

    # 1. The launch template's own metadata_options. Its state values do not matter when the
    #    configuration leaves the block out: a new launch template version then has none.
    #    valuetostring renders a value known only after apply as "(unknown)"; "(absent)" means
    #    the provider's schema has no metadata_options at all. A known planned block on a
    #    create (or one that differs from the state) can only come from the configuration,
    #    which does not record `dynamic` blocks: it is judged.
    launched     = core::contains(["create", "replace"], meta.operation)
    md_text      = core::try(core::valuetostring(attrs.metadata_options), "(absent)")
    prior_md     = core::try(core::valuetostring(prior_attrs.metadata_options), "(absent)")
    md_planned   = !core::contains(["(unknown)", "(absent)", "(null)", "[]"], local.md_text) && (local.launched || local.md_text != local.prior_md)
    sets_options = local.md_planned || (local.configured != null ? core::contains(local.configured, "metadata_options") : core::try(core::length(attrs.metadata_options), 0) > 0)
    endpoint     = core::try(attrs.metadata_options[0].http_endpoint, null)
    tokens       = core::try(attrs.metadata_options[0].http_tokens, null)
    # Without the attribute nothing in the plan shows what instances get (the account
    # default or the AMI's): on a create that is known only after apply, like the id.
    own_ok = local.md_text == "(absent)" ? core::try(attrs.id, "") == "(decided at launch)" : (local.endpoint == "disabled" || local.tokens == "required")
    own_unknown = [for n in ["http_tokens", "http_endpoint"] : "metadata_options[0].${n}" if core::try(core::valuetostring(attrs.metadata_options[0][n]), "") == "(unknown)"]
    level_known = core::valuetostring(local.sets_options) != "(unknown)"

    # 2. Account defaults on the same provider configuration (account and Region).
    provider_key     = core::try(meta.provider_config_key, null)
    defaults         = [for d in tfgate::resources("aws_ec2_instance_metadata_defaults") : d if core::try(d.meta.provider_config_key, null) == local.provider_key]
    default_verdicts = [for d in local.defaults : (core::try(d.attrs.http_endpoint, null) == "disabled" || core::try(d.attrs.http_tokens, null) == "required") ? "pass" : "fail"]
    account          = core::length(local.defaults) == 0 ? "none" : (core::contains(local.default_verdicts, "fail") ? "fail" : "pass")
    default_names    = core::join(", ", [for d in local.defaults : "${d.address} (http_tokens ${core::try("\"${d.attrs.http_tokens}\"", "not set")})"])

    level    = local.sets_options ? "launch_template" : "account"
    decision = local.level == "launch_template" ? (local.own_ok ? "pass" : "fail") : (local.account == "none" ? "open" : local.account)

    account_message = local.account == "none" ? "%{ if local.md_text == "(absent)" }metadata_options is not in the plan (the AWS provider's schema predates it)%{ else }metadata_options is not set%{ endif } and no aws_ec2_instance_metadata_defaults for provider configuration ${local.provider_key == null ? "(unknown)" : local.provider_key} is in the plan: the account default and the AMI decide when instances launch, so whether IMDSv2 is required is known only after apply" : "metadata_options is not set, so the account default of provider configuration ${local.provider_key == null ? "(unknown)" : local.provider_key} decides: ${local.default_names}; IMDSv2 needs http_tokens = \"required\""
  }

  enforce {
    # "open": nothing in the plan decides, so the launch template's own planned values
    # (known only after apply) are the verdict.
    condition     = local.decision == "pass" || (local.decision == "open" && local.own_ok)
    error_message = "%{ if !local.level_known }metadata_options is known only after apply, and the plan has no configuration for this resource to tell whether it sets them%{ else }%{ if local.level == "launch_template" }%{ if local.md_text == "(unknown)" }metadata_options is known only after apply%{ else }%{ if core::length(local.own_unknown) > 0 }${core::join(" and ", local.own_unknown)} %{ if core::length(local.own_unknown) == 1 }is%{ else }are%{ endif } known only after apply%{ else }metadata_options.http_tokens is %{ if local.tokens == null }not set%{ else }\"${local.tokens}\"%{ endif } and http_endpoint is %{ if local.endpoint == null }not set%{ else }\"${local.endpoint}\"%{ endif }; instances launched from this launch template accept IMDSv1. Set http_tokens = \"required\" (or the endpoint \"disabled\")%{ endif }%{ endif }%{ else }${local.account_message}%{ endif }%{ endif }"
  }
}
