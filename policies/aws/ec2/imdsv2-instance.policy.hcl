# TFG-EC2-001: EC2 instances (on-demand and spot) require IMDSv2.
#
# One rule, two resource types: `aws_instance` and `aws_spot_instance_request`
# take the same `metadata_options` block and inherit in the same way, so the
# two blocks below are identical but for their label. They are reported as
# TFG-EC2-001/instance and TFG-EC2-001/spot_instance_request.

policy {
  tfgate {
    id       = "TFG-EC2-001"
    title    = "EC2 instances require IMDSv2 (session tokens) or have the metadata endpoint off"
    severity = "high"
    controls = ["AWS FSBP EC2.8", "CIS AWS 3.0.0 5.6", "CIS AWS 5.0.0 5.7"]

    description = <<-EOT
      An `aws_instance` or `aws_spot_instance_request` must launch with the instance
      metadata service (IMDS) answering only token-authenticated (IMDSv2) requests, or with
      the metadata endpoint turned off. The policy follows what AWS applies at launch, in
      order of precedence:

      1. the resource's own `metadata_options` block: `http_endpoint = "disabled"` passes,
         `http_tokens = "required"` passes, any other known value fails;
      2. when the resource sets no `metadata_options`, the launch template its
         `launch_template` block refers to (followed through module outputs and inputs):
         the template's `metadata_options` decide in the same way;
      3. when neither sets anything, the account default for the Region: an
         `aws_ec2_instance_metadata_defaults` in the same plan, on the **same provider
         configuration** (same account and Region; another alias does not count), passes
         with `http_tokens = "required"` (or `http_endpoint = "disabled"`) and fails with any
         other known value (`optional`, or `no-preference`, which leaves the AWS default
         `optional` for most AMIs).

      When nothing in the plan decides (no metadata options, no launch template in the
      plan, no account defaults for that provider configuration), the verdict is unknown:
      the account may have defaults set outside this configuration, and the AMI's
      `ImdsSupport` can also require tokens.

      An instance that is updated in place (not launched by this plan) is judged on its
      own planned `metadata_options`, which then come from the state: inheritance only
      happens at launch.
    EOT

    rationale = <<-EOT
      IMDSv1 answers any HTTP GET to 169.254.169.254 from the instance, including requests
      forged through a server-side request forgery (SSRF) bug, an open reverse proxy or a
      misconfigured firewall. The answers include the temporary credentials of the instance
      role. IMDSv2 requires a session token obtained with a PUT request that carries a
      custom header and whose response does not leave the instance (hop limit), which stops
      these forged requests. AWS Security Hub control EC2.8 and CIS AWS Foundations 5.6
      (v3.0.0) / 5.7 (v5.0.0) require it.

      Differences from HashiCorp's Sentinel policy `ec2-metadata-imdsv2-required` (AWS
      foundational security best practices library). As published, that policy judges
      `aws_instance`: an instance with a `metadata_options` block must set `http_tokens` to
      `required`; an instance without one passes only when an
      `aws_ec2_instance_metadata_defaults` with `http_tokens = "required"` is in the plan
      (the defaults resource is never failed on its own; tfgate judges it in TFG-EC2-005). tfgate gives the same verdict wherever those rules
      describe what AWS will do, and deliberately differs here:

      - **launch template inheritance**: an instance without `metadata_options` that
        launches from a launch template gets the template's options; tfgate judges the
        template that the configuration refers to (a template requiring tokens passes the
        instance, one with `optional` fails it), where the Sentinel policy ignores it;
      - **provider-scoped defaults**: account defaults are per account and Region, so only
        a defaults resource on the instance's own provider configuration counts; a
        defaults resource for another alias (another Region or account) does not pass or
        fail the instance;
      - **disabled endpoint**: `http_endpoint = "disabled"` turns the metadata service off,
        so nothing can be read with or without a token; tfgate passes it whatever
        `http_tokens` says, the Sentinel policy fails `http_tokens = "optional"`;
      - **nothing decides**: without metadata options, template or defaults in the plan,
        tfgate reports unknown (the account default may be set outside this
        configuration), and values known only after apply are unknown, never a pass or a
        fail;
      - `aws_spot_instance_request` is judged like an instance.
    EOT

    violating_example = <<-EOT
      resource "aws_instance" "app" {
        ami           = "ami-0123456789abcdef0"
        instance_type = "t3.micro"

        metadata_options {
          http_tokens = "optional" # IMDSv1 still answers
        }
      }

      # No metadata_options of its own, and the template allows IMDSv1.
      resource "aws_launch_template" "legacy" {
        metadata_options {
          http_tokens = "optional"
        }
      }

      resource "aws_instance" "from_legacy" {
        launch_template {
          id = aws_launch_template.legacy.id
        }
      }
    EOT

    compliant_example = <<-EOT
      resource "aws_instance" "app" {
        ami           = "ami-0123456789abcdef0"
        instance_type = "t3.micro"

        metadata_options {
          http_tokens                 = "required"
          http_put_response_hop_limit = 1
        }
      }

      # No metadata_options: the account default on the same provider configuration decides.
      resource "aws_ec2_instance_metadata_defaults" "this" {
        http_tokens = "required"
      }

      resource "aws_instance" "bastion" {
        ami           = "ami-0123456789abcdef0"
        instance_type = "t3.micro"
      }
    EOT

    unknown_values = <<-EOT
      - `metadata_options` set in the configuration with `http_tokens` (or `http_endpoint`)
        known only after apply: unknown. Terraform cannot tell a nested argument left unset
        from one set to a computed value, so a block that sets, say, only the hop limit
        gives an unknown `http_tokens` and an unknown verdict.
      - No `metadata_options`: the launch template decides; if the configuration refers to
        a template that is not managed in this plan (a data source, a literal id), the
        verdict is unknown.
      - No template: the account defaults on the same provider configuration decide; if
        there are none in the plan, or their `http_tokens` is unknown, the verdict is
        unknown.
      - When the plan has no configuration for the resource (`meta.configured` unknown), the
        verdict is unknown unless its planned values decide.
      - A `dynamic "metadata_options"` block is not recorded in the plan's configuration;
        a `metadata_options` known at plan time on a launch (or changed from the state) can
        only come from the configuration, so its values decide; otherwise the instance is
        treated as setting nothing.
      - An AWS provider that predates `metadata_options` plans no such attribute: what a
        launched instance gets is decided at launch, and the setting of an updated or
        unchanged instance is not in the plan, so the verdict is unknown
        (`tfgate::unknown`): an attribute the provider's schema does not have is not a known
        null.
    EOT

    references = [
      "https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/configuring-instance-metadata-service.html",
      "https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/configuring-instance-metadata-options.html",
      "https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_InstanceMetadataOptionsRequest.html",
      "https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_ModifyInstanceMetadataDefaults.html",
      "https://docs.aws.amazon.com/securityhub/latest/userguide/ec2-controls.html#ec2-8",
      "https://docs.aws.amazon.com/config/latest/developerguide/ec2-imdsv2-check.html",
      "https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/instance#metadata-options",
      "https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/spot_instance_request",
      "https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/ec2_instance_metadata_defaults",
      "https://aws.amazon.com/blogs/security/defense-in-depth-open-firewalls-reverse-proxies-ssrf-vulnerabilities-ec2-instance-metadata-service/",
    ]
  }
}

resource_policy "aws_instance" "instance" {
  enforcement_level = "mandatory"
  # Reads prior_attrs, so the list must be explicit: the default one, unchanged resources included.
  operations        = ["create", "update", "no-op"]

  locals {
    # Only a launch inherits from a template or the account defaults; an existing instance keeps
    # its options. valuetostring shows a value known only after apply as "(unknown)".
    launched     = core::contains(["create", "replace"], meta.operation)
    configured   = core::try(meta.configured, null)
    provider_key = core::try(core::coalesce(meta.provider_config_key, "(unknown)"), "(unknown)")

    # 1. The instance's own metadata_options. "(absent)": the provider's schema predates them.
    #    A known block on a launch, or one that differs from the state, can only come from the
    #    configuration, which does not record `dynamic` blocks: it counts as set.
    shown          = core::try(core::valuetostring(attrs.metadata_options), "(absent)")
    in_schema      = local.shown != "(absent)"
    planned        = !core::contains(["(unknown)", "(absent)", "(null)", "[]"], local.shown) && (local.launched || local.shown != core::try(core::valuetostring(prior_attrs.metadata_options), "(absent)"))
    sets_options   = local.planned || (local.configured != null ? core::contains(local.configured, "metadata_options") : core::try(core::length(attrs.metadata_options), 0) > 0)
    tokens         = core::try(attrs.metadata_options[0].http_tokens, null)
    endpoint       = core::try(attrs.metadata_options[0].http_endpoint, null)
    unknown_fields = [for n in ["http_tokens", "http_endpoint"] : "metadata_options[0].${n}" if core::try(core::valuetostring(attrs.metadata_options[0][n]), "") == "(unknown)"]
    # Without the attribute nothing in the plan decides: AWS decides at launch, and an existing
    # resource's setting is not in the plan.
    own_requires_v2 = local.in_schema ? (local.endpoint == "disabled" || local.tokens == "required") : tfgate::unknown(local.message)
    own_decides     = local.sets_options || !local.launched
    decider_known   = core::valuetostring(local.own_decides) != "(unknown)"

    # 2. The launch template the configuration refers to (through module outputs and inputs).
    uses_template     = local.configured != null ? core::contains(local.configured, "launch_template") : core::try(core::length(attrs.launch_template), 0) > 0
    templates         = [for r in tfgate::referenced("launch_template") : r if r.meta.type == "aws_launch_template"]
    template_in_plan  = core::length(local.templates) > 0
    templates_setting = [for t in local.templates : t if core::try(core::contains(t.meta.configured, "metadata_options"), core::try(core::length(t.attrs.metadata_options), 0) > 0)]
    failing_templates = [for t in local.templates_setting : t if !(core::try(t.attrs.metadata_options[0].http_endpoint, null) == "disabled" || core::try(t.attrs.metadata_options[0].http_tokens, null) == "required")]
    template_decides  = local.uses_template && (!local.template_in_plan || core::length(local.failing_templates) > 0 || core::length(local.templates_setting) == core::length(local.templates))

    # 3. Account defaults on the same provider configuration (account and Region).
    defaults         = [for d in tfgate::resources("aws_ec2_instance_metadata_defaults") : d if core::try(d.meta.provider_config_key, null) == core::try(meta.provider_config_key, null)]
    defaults_in_plan = core::length(local.defaults) > 0
    failing_defaults = [for d in local.defaults : d if !(core::try(d.attrs.http_endpoint, null) == "disabled" || core::try(d.attrs.http_tokens, null) == "required")]

    # Messages, one per decider.
    quoted          = { for k, v in { tokens = local.tokens, endpoint = local.endpoint } : k => v == null ? "not set" : "\"${v}\"" }
    not_set         = "%{ if local.in_schema }metadata_options is not set%{ else }metadata_options is not in the plan (the AWS provider's schema predates it)%{ endif }${local.uses_template ? " (neither in the instance nor in its launch template)" : ""}"
    own_message     = !local.in_schema ? (local.launched ? "metadata_options is not in the plan (the AWS provider's schema predates it), so the account default and the AMI decide at launch: whether IMDSv2 is required is known only after apply" : "metadata_options is not in the plan (the AWS provider's schema predates it), so whether the existing instance requires IMDSv2 is known only after apply") : (
      local.shown == "(unknown)" ? "metadata_options is known only after apply" : (
        core::length(local.unknown_fields) > 0 ? "${core::join(" and ", local.unknown_fields)} %{ if core::length(local.unknown_fields) == 1 }is%{ else }are%{ endif } known only after apply" :
        "metadata_options.http_tokens is ${local.quoted.tokens} and http_endpoint is ${local.quoted.endpoint}; IMDSv2 needs http_tokens = \"required\" (or the endpoint \"disabled\")"
    ))
    template_names   = core::join(", ", [for t in local.failing_templates : "${t.address} (http_tokens ${core::try("\"${t.attrs.metadata_options[0].http_tokens}\"", "not set")})"])
    template_message = local.template_in_plan ? "metadata_options is not set, so the launch template decides, and ${local.template_names} does not require IMDSv2; set metadata_options.http_tokens = \"required\" on the template or the instance" : "metadata_options is not set and the launch template it refers to is not managed in this plan: whether IMDSv2 is required is known only after apply"
    default_names    = core::join(", ", [for d in local.defaults : "${d.address} (http_tokens ${core::try("\"${d.attrs.http_tokens}\"", "not set")})"])
    defaults_message = local.defaults_in_plan ? "${local.not_set}, so the account default of provider configuration ${local.provider_key} decides: ${local.default_names}; IMDSv2 needs http_tokens = \"required\"" : "${local.not_set} and no aws_ec2_instance_metadata_defaults for provider configuration ${local.provider_key} is in the plan: the account default and the AMI decide at launch, so whether IMDSv2 is required is known only after apply"
    message          = !local.decider_known ? "metadata_options is known only after apply, and the plan has no configuration for this resource to tell whether it sets them" : (local.own_decides ? local.own_message : (local.template_decides ? local.template_message : local.defaults_message))
  }

  enforce {
    # The first that decides: the instance's own options, its launch template, the account
    # defaults; where the plan holds none of them, the own planned values (known only after apply).
    condition = local.own_decides ? local.own_requires_v2 : (
      local.template_decides ? (local.template_in_plan ? core::length(local.failing_templates) == 0 : local.own_requires_v2) : (
        local.defaults_in_plan ? core::length(local.failing_defaults) == 0 : local.own_requires_v2
      )
    )
    error_message = local.message
  }
}

# The same questions as for aws_instance, repeated: block locals read `attrs` and `meta`, and the
# format has no way to share them between blocks of two resource types.
resource_policy "aws_spot_instance_request" "spot_instance_request" {
  enforcement_level = "mandatory"
  # Reads prior_attrs, so the list must be explicit: the default one, unchanged resources included.
  operations        = ["create", "update", "no-op"]

  locals {
    # Only a launch inherits from a template or the account defaults; an existing request keeps
    # its options. valuetostring shows a value known only after apply as "(unknown)".
    launched     = core::contains(["create", "replace"], meta.operation)
    configured   = core::try(meta.configured, null)
    provider_key = core::try(core::coalesce(meta.provider_config_key, "(unknown)"), "(unknown)")

    # 1. The request's own metadata_options. "(absent)": the provider's schema predates them.
    #    A known block on a launch, or one that differs from the state, can only come from the
    #    configuration, which does not record `dynamic` blocks: it counts as set.
    shown          = core::try(core::valuetostring(attrs.metadata_options), "(absent)")
    in_schema      = local.shown != "(absent)"
    planned        = !core::contains(["(unknown)", "(absent)", "(null)", "[]"], local.shown) && (local.launched || local.shown != core::try(core::valuetostring(prior_attrs.metadata_options), "(absent)"))
    sets_options   = local.planned || (local.configured != null ? core::contains(local.configured, "metadata_options") : core::try(core::length(attrs.metadata_options), 0) > 0)
    tokens         = core::try(attrs.metadata_options[0].http_tokens, null)
    endpoint       = core::try(attrs.metadata_options[0].http_endpoint, null)
    unknown_fields = [for n in ["http_tokens", "http_endpoint"] : "metadata_options[0].${n}" if core::try(core::valuetostring(attrs.metadata_options[0][n]), "") == "(unknown)"]
    # Without the attribute nothing in the plan decides: AWS decides at launch, and an existing
    # resource's setting is not in the plan.
    own_requires_v2 = local.in_schema ? (local.endpoint == "disabled" || local.tokens == "required") : tfgate::unknown(local.message)
    own_decides     = local.sets_options || !local.launched
    decider_known   = core::valuetostring(local.own_decides) != "(unknown)"

    # 2. The launch template the configuration refers to (through module outputs and inputs).
    uses_template     = local.configured != null ? core::contains(local.configured, "launch_template") : core::try(core::length(attrs.launch_template), 0) > 0
    templates         = [for r in tfgate::referenced("launch_template") : r if r.meta.type == "aws_launch_template"]
    template_in_plan  = core::length(local.templates) > 0
    templates_setting = [for t in local.templates : t if core::try(core::contains(t.meta.configured, "metadata_options"), core::try(core::length(t.attrs.metadata_options), 0) > 0)]
    failing_templates = [for t in local.templates_setting : t if !(core::try(t.attrs.metadata_options[0].http_endpoint, null) == "disabled" || core::try(t.attrs.metadata_options[0].http_tokens, null) == "required")]
    template_decides  = local.uses_template && (!local.template_in_plan || core::length(local.failing_templates) > 0 || core::length(local.templates_setting) == core::length(local.templates))

    # 3. Account defaults on the same provider configuration (account and Region).
    defaults         = [for d in tfgate::resources("aws_ec2_instance_metadata_defaults") : d if core::try(d.meta.provider_config_key, null) == core::try(meta.provider_config_key, null)]
    defaults_in_plan = core::length(local.defaults) > 0
    failing_defaults = [for d in local.defaults : d if !(core::try(d.attrs.http_endpoint, null) == "disabled" || core::try(d.attrs.http_tokens, null) == "required")]

    # Messages, one per decider.
    quoted          = { for k, v in { tokens = local.tokens, endpoint = local.endpoint } : k => v == null ? "not set" : "\"${v}\"" }
    not_set         = "%{ if local.in_schema }metadata_options is not set%{ else }metadata_options is not in the plan (the AWS provider's schema predates it)%{ endif }${local.uses_template ? " (neither in the request nor in its launch template)" : ""}"
    own_message     = !local.in_schema ? (local.launched ? "metadata_options is not in the plan (the AWS provider's schema predates it), so the account default and the AMI decide at launch: whether IMDSv2 is required is known only after apply" : "metadata_options is not in the plan (the AWS provider's schema predates it), so whether the existing request requires IMDSv2 is known only after apply") : (
      local.shown == "(unknown)" ? "metadata_options is known only after apply" : (
        core::length(local.unknown_fields) > 0 ? "${core::join(" and ", local.unknown_fields)} %{ if core::length(local.unknown_fields) == 1 }is%{ else }are%{ endif } known only after apply" :
        "metadata_options.http_tokens is ${local.quoted.tokens} and http_endpoint is ${local.quoted.endpoint}; IMDSv2 needs http_tokens = \"required\" (or the endpoint \"disabled\")"
    ))
    template_names   = core::join(", ", [for t in local.failing_templates : "${t.address} (http_tokens ${core::try("\"${t.attrs.metadata_options[0].http_tokens}\"", "not set")})"])
    template_message = local.template_in_plan ? "metadata_options is not set, so the launch template decides, and ${local.template_names} does not require IMDSv2; set metadata_options.http_tokens = \"required\" on the template or the request" : "metadata_options is not set and the launch template it refers to is not managed in this plan: whether IMDSv2 is required is known only after apply"
    default_names    = core::join(", ", [for d in local.defaults : "${d.address} (http_tokens ${core::try("\"${d.attrs.http_tokens}\"", "not set")})"])
    defaults_message = local.defaults_in_plan ? "${local.not_set}, so the account default of provider configuration ${local.provider_key} decides: ${local.default_names}; IMDSv2 needs http_tokens = \"required\"" : "${local.not_set} and no aws_ec2_instance_metadata_defaults for provider configuration ${local.provider_key} is in the plan: the account default and the AMI decide at launch, so whether IMDSv2 is required is known only after apply"
    message          = !local.decider_known ? "metadata_options is known only after apply, and the plan has no configuration for this resource to tell whether it sets them" : (local.own_decides ? local.own_message : (local.template_decides ? local.template_message : local.defaults_message))
  }

  enforce {
    # The first that decides: the request's own options, its launch template, the account
    # defaults; where the plan holds none of them, the own planned values (known only after apply).
    condition = local.own_decides ? local.own_requires_v2 : (
      local.template_decides ? (local.template_in_plan ? core::length(local.failing_templates) == 0 : local.own_requires_v2) : (
        local.defaults_in_plan ? core::length(local.failing_defaults) == 0 : local.own_requires_v2
      )
    )
    error_message = local.message
  }
}
