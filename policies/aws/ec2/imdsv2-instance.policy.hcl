# TFG-EC2-001: EC2 instances (on-demand and spot) require IMDSv2.
#
# One rule, two resource types: `aws_instance` and `aws_spot_instance_request`
# take the same `metadata_options` block and inherit in the same way. They are
# reported as TFG-EC2-001/instance and TFG-EC2-001/spot_instance_request.
#
# The policy asks three questions in order: does the resource set its own
# options, else does its launch template, else do the account defaults? What
# does not depend on the resource (each template's answer, each provider
# configuration's defaults) is worked out once, in the file-level locals.

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
      - `launch_template { id = aws_launch_template.t[each.key].id }` is recorded in the plan
        as a reference to the whole `count`/`for_each` block, so every instance of the block
        is a candidate. Candidates that agree decide; when some require IMDSv2 and some do
        not, the plan does not say which one the instance launches from, and the verdict is
        unknown (never a fail caused by a sibling template).
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

locals {
  # Each launch template's own options. They count as set when the configuration sets them, or
  # when a created template plans them known: only the configuration can give those, and it does
  # not record `dynamic` blocks. valuetostring shows a value known only after apply as "(unknown)".
  launch_templates = { for t in tfgate::resources("aws_launch_template") : t.address => {
    address     = t.address
    block       = core::replace(t.address, "/\\[[^\\[]*\\]$/", "")
    requires_v2 = core::try(t.attrs.metadata_options[0].http_endpoint, null) == "disabled" || core::try(t.attrs.metadata_options[0].http_tokens, null) == "required"
    shown       = "${t.address} (http_tokens ${core::try("\"${t.attrs.metadata_options[0].http_tokens}\"", "not set")})"
    sets_options = core::try(core::contains(t.meta.configured, "metadata_options"), core::try(core::length(t.attrs.metadata_options), 0) > 0) || (
      core::contains(["create", "replace"], t.meta.operation)
      && core::try(core::valuetostring(t.attrs.metadata_options), "(unknown)") != "(unknown)"
      && core::try(core::length(t.attrs.metadata_options), 0) > 0
    )
  } }

  # Account defaults by provider configuration (one account and Region each).
  account_defaults = { for d in tfgate::resources("aws_ec2_instance_metadata_defaults") :
    core::try(core::coalesce(d.meta.provider_config_key, "(unknown)"), "(unknown)") => {
      address     = d.address
      requires_v2 = core::try(d.attrs.http_endpoint, null) == "disabled" || core::try(d.attrs.http_tokens, null) == "required"
      shown       = "${d.address} (http_tokens ${core::try("\"${d.attrs.http_tokens}\"", "not set")})"
    }...
  }

  # Message parts shared by both blocks.
  needs_tokens        = "IMDSv2 needs http_tokens = \"required\""
  needs_v2            = "${local.needs_tokens} (or the endpoint \"disabled\")"
  absent              = "metadata_options is not in the plan (the AWS provider's schema predates it)"
  at_launch           = "the account default and the AMI decide at launch"
  v2_pending          = "whether IMDSv2 is required is known only after apply"
  template_decides_it = "metadata_options is not set, so the launch template decides"
  template_outside    = "metadata_options is not set and the launch template it refers to is not managed in this plan"
  or_default          = "(or the account default it falls back to) are known only after apply"
  fix_template        = "set metadata_options.http_tokens = \"required\" on the template"
}

resource_policy "aws_instance" "instance" {
  enforcement_level = "mandatory"
  # Reads prior_attrs, so the list must be explicit: the default one, unchanged resources included.
  operations        = ["create", "update", "no-op"]

  locals {
    kind     = "instance"
    launched = core::contains(["create", "replace"], meta.operation) # only a launch inherits
    provider = core::try(core::coalesce(meta.provider_config_key, "(unknown)"), "(unknown)")

    # 1. Its own metadata_options. An AWS provider older than them plans no such attribute.
    #    Known options on a launch, or changed from the state, can only come from the
    #    configuration, which does not record `dynamic` blocks.
    own_text         = core::try(core::valuetostring(attrs.metadata_options), null)
    prior_text       = core::try(core::valuetostring(prior_attrs.metadata_options), null)
    in_schema        = local.own_text != null
    own_known        = local.in_schema && local.own_text != "(unknown)"
    plans_options    = local.own_known && core::try(core::length(attrs.metadata_options), 0) > 0 && (local.launched || local.own_text != local.prior_text)
    configures       = core::try(core::contains(meta.configured, "metadata_options"), core::try(core::length(attrs.metadata_options), 0) > 0)
    sets_own_options = local.plans_options || local.configures
    own_decides      = local.sets_own_options || !local.launched
    tokens           = core::try(attrs.metadata_options[0].http_tokens, null)
    endpoint         = core::try(attrs.metadata_options[0].http_endpoint, null)
    own_requires_v2  = local.in_schema ? (local.endpoint == "disabled" || local.tokens == "required") : tfgate::unknown(local.pending_message)

    # 2. Else the launch template it refers to (through module outputs and inputs). A reference
    #    to `aws_launch_template.t[each.key]` is recorded as one to the whole block: each instance
    #    is a candidate. Candidates that agree decide; if they disagree, the plan does not say
    #    which one it launches from (never a fail by a sibling).
    uses_template        = core::try(core::contains(meta.configured, "launch_template"), core::try(core::length(attrs.launch_template), 0) > 0)
    template_decides     = !local.own_decides && local.uses_template
    candidates           = [for r in tfgate::referenced("launch_template") : local.launch_templates[r.address] if core::can(local.launch_templates[r.address].address)]
    template_in_plan     = core::length(local.candidates) > 0
    candidate_verdicts   = [for t in local.candidates : t.sets_options ? t.requires_v2 : local.inherited_requires_v2]
    all_require          = core::alltrue(local.candidate_verdicts)
    none_require         = !core::anytrue(local.candidate_verdicts)
    by_candidates        = local.all_require || local.none_require ? local.all_require : tfgate::unknown(local.which_template)
    template_requires_v2 = local.template_in_plan ? local.by_candidates : local.own_requires_v2

    # 3. Else (and for a template without options) the account defaults of its provider
    #    configuration; where the plan has none, its own planned values, known only after apply.
    defaults              = core::try(local.account_defaults[local.provider], [])
    defaults_in_plan      = core::length(local.defaults) > 0
    inherited_requires_v2 = local.defaults_in_plan ? core::alltrue(local.defaults[*].requires_v2) : local.own_requires_v2

    requires_v2 = local.own_decides ? local.own_requires_v2 : (local.template_decides ? local.template_requires_v2 : local.inherited_requires_v2)

    # Messages: what decided, and the value found or the value not known.
    decided         = core::valuetostring(local.requires_v2) != "(unknown)"
    decider_unknown = core::valuetostring(local.own_decides) == "(unknown)"
    by_template     = local.template_decides && !(local.template_in_plan && !core::anytrue(local.candidates[*].sets_options))
    quoted          = { for k, v in { tokens = local.tokens, endpoint = local.endpoint } : k => v == null ? "not set" : "\"${v}\"" }
    unknown_fields  = [for n in ["http_tokens", "http_endpoint"] : "metadata_options[0].${n}" if core::try(core::valuetostring(attrs.metadata_options[0][n]), "") == "(unknown)"]
    neither         = local.template_decides ? " (neither in the ${local.kind} nor in its launch template)" : ""
    not_set         = "${local.in_schema ? "metadata_options is not set" : local.absent}${local.neither}"
    first_three     = core::slice(local.candidates, 0, core::min(3, core::length(local.candidates)))
    more            = core::length(local.candidates) > 3 ? " and ${core::length(local.candidates) - 3} more" : ""
    shown_list      = "${core::join(", ", local.first_three[*].shown)}${local.more}"
    names_list      = "${core::join(", ", local.first_three[*].address)}${local.more}"
    do_not          = core::length(local.candidates) == 1 ? "does not" : "do not"
    of_block        = core::length(core::distinct(local.candidates[*].block)) == 1 ? "instances of ${local.candidates[0].block}" : "launch templates"
    requiring       = core::length([for v in local.candidate_verdicts : v if core::valuetostring(v) == "true"])
    not_requiring   = core::length([for v in local.candidate_verdicts : v if core::valuetostring(v) == "false"])
    one_of          = "one of ${core::length(local.candidates)} ${local.of_block} (IMDSv2 required by ${local.requiring}, not by ${local.not_requiring})"
    defaults_decide = "${local.not_set}, so the account default of provider configuration ${local.provider} decides"
    no_defaults     = "no aws_ec2_instance_metadata_defaults for provider configuration ${local.provider} is in the plan"

    own_found        = "metadata_options.http_tokens is ${local.quoted.tokens} and http_endpoint is ${local.quoted.endpoint}; ${local.needs_v2}"
    existing_absent  = "${local.absent}, so whether the existing ${local.kind} requires IMDSv2 is known only after apply"
    own_absent       = local.launched ? "${local.absent}, so ${local.at_launch}: ${local.v2_pending}" : local.existing_absent
    own_fields       = "${core::join(" and ", local.unknown_fields)} ${core::length(local.unknown_fields) == 1 ? "is" : "are"} known only after apply"
    own_pending      = !local.in_schema ? local.own_absent : (local.own_known ? local.own_fields : "metadata_options is known only after apply")
    template_found   = "${local.template_decides_it}, and ${local.shown_list} ${local.do_not} require IMDSv2; ${local.fix_template} or the ${local.kind}"
    template_pending = "${local.template_decides_it}, and the metadata_options of ${local.names_list} ${local.or_default}"
    not_said         = "the plan does not say which one this ${local.kind} launches from"
    which_template   = "${meta.address}: launch_template is known only after apply and refers to ${local.one_of}; ${local.not_said}"
    defaults_found   = "${local.defaults_decide}: ${core::join(", ", local.defaults[*].shown)}; ${local.needs_tokens}"
    defaults_unknown = "${local.defaults_decide}, and the http_tokens of ${core::join(", ", local.defaults[*].address)} is known only after apply"
    defaults_pending = local.defaults_in_plan ? local.defaults_unknown : "${local.not_set} and ${local.no_defaults}: ${local.at_launch}, so ${local.v2_pending}"
    no_configuration = "metadata_options is known only after apply, and the plan has no configuration for this ${local.kind} to tell whether it sets them"

    fail_message   = local.own_decides ? local.own_found : (local.by_template ? local.template_found : local.defaults_found)
    template_waits = local.template_in_plan ? local.template_pending : "${local.template_outside}: ${local.v2_pending}"
    pending_message = local.decider_unknown ? local.no_configuration : (
      local.own_decides ? local.own_pending : (local.by_template ? local.template_waits : local.defaults_pending)
    )
  }

  enforce {
    condition     = local.requires_v2
    error_message = local.decided ? local.fail_message : local.pending_message
  }
}

# The same block for spot requests. Block locals read `attrs` and `meta`, and the format has no
# way to share them between resource types, so the questions repeat.
resource_policy "aws_spot_instance_request" "spot_instance_request" {
  enforcement_level = "mandatory"
  # Reads prior_attrs, so the list must be explicit: the default one, unchanged resources included.
  operations        = ["create", "update", "no-op"]

  locals {
    kind     = "request"
    launched = core::contains(["create", "replace"], meta.operation) # only a launch inherits
    provider = core::try(core::coalesce(meta.provider_config_key, "(unknown)"), "(unknown)")

    # 1. Its own metadata_options. An AWS provider older than them plans no such attribute.
    #    Known options on a launch, or changed from the state, can only come from the
    #    configuration, which does not record `dynamic` blocks.
    own_text         = core::try(core::valuetostring(attrs.metadata_options), null)
    prior_text       = core::try(core::valuetostring(prior_attrs.metadata_options), null)
    in_schema        = local.own_text != null
    own_known        = local.in_schema && local.own_text != "(unknown)"
    plans_options    = local.own_known && core::try(core::length(attrs.metadata_options), 0) > 0 && (local.launched || local.own_text != local.prior_text)
    configures       = core::try(core::contains(meta.configured, "metadata_options"), core::try(core::length(attrs.metadata_options), 0) > 0)
    sets_own_options = local.plans_options || local.configures
    own_decides      = local.sets_own_options || !local.launched
    tokens           = core::try(attrs.metadata_options[0].http_tokens, null)
    endpoint         = core::try(attrs.metadata_options[0].http_endpoint, null)
    own_requires_v2  = local.in_schema ? (local.endpoint == "disabled" || local.tokens == "required") : tfgate::unknown(local.pending_message)

    # 2. Else the launch template it refers to (through module outputs and inputs). A reference
    #    to `aws_launch_template.t[each.key]` is recorded as one to the whole block: each instance
    #    is a candidate. Candidates that agree decide; if they disagree, the plan does not say
    #    which one it launches from (never a fail by a sibling).
    uses_template        = core::try(core::contains(meta.configured, "launch_template"), core::try(core::length(attrs.launch_template), 0) > 0)
    template_decides     = !local.own_decides && local.uses_template
    candidates           = [for r in tfgate::referenced("launch_template") : local.launch_templates[r.address] if core::can(local.launch_templates[r.address].address)]
    template_in_plan     = core::length(local.candidates) > 0
    candidate_verdicts   = [for t in local.candidates : t.sets_options ? t.requires_v2 : local.inherited_requires_v2]
    all_require          = core::alltrue(local.candidate_verdicts)
    none_require         = !core::anytrue(local.candidate_verdicts)
    by_candidates        = local.all_require || local.none_require ? local.all_require : tfgate::unknown(local.which_template)
    template_requires_v2 = local.template_in_plan ? local.by_candidates : local.own_requires_v2

    # 3. Else (and for a template without options) the account defaults of its provider
    #    configuration; where the plan has none, its own planned values, known only after apply.
    defaults              = core::try(local.account_defaults[local.provider], [])
    defaults_in_plan      = core::length(local.defaults) > 0
    inherited_requires_v2 = local.defaults_in_plan ? core::alltrue(local.defaults[*].requires_v2) : local.own_requires_v2

    requires_v2 = local.own_decides ? local.own_requires_v2 : (local.template_decides ? local.template_requires_v2 : local.inherited_requires_v2)

    # Messages: what decided, and the value found or the value not known.
    decided         = core::valuetostring(local.requires_v2) != "(unknown)"
    decider_unknown = core::valuetostring(local.own_decides) == "(unknown)"
    by_template     = local.template_decides && !(local.template_in_plan && !core::anytrue(local.candidates[*].sets_options))
    quoted          = { for k, v in { tokens = local.tokens, endpoint = local.endpoint } : k => v == null ? "not set" : "\"${v}\"" }
    unknown_fields  = [for n in ["http_tokens", "http_endpoint"] : "metadata_options[0].${n}" if core::try(core::valuetostring(attrs.metadata_options[0][n]), "") == "(unknown)"]
    neither         = local.template_decides ? " (neither in the ${local.kind} nor in its launch template)" : ""
    not_set         = "${local.in_schema ? "metadata_options is not set" : local.absent}${local.neither}"
    first_three     = core::slice(local.candidates, 0, core::min(3, core::length(local.candidates)))
    more            = core::length(local.candidates) > 3 ? " and ${core::length(local.candidates) - 3} more" : ""
    shown_list      = "${core::join(", ", local.first_three[*].shown)}${local.more}"
    names_list      = "${core::join(", ", local.first_three[*].address)}${local.more}"
    do_not          = core::length(local.candidates) == 1 ? "does not" : "do not"
    of_block        = core::length(core::distinct(local.candidates[*].block)) == 1 ? "instances of ${local.candidates[0].block}" : "launch templates"
    requiring       = core::length([for v in local.candidate_verdicts : v if core::valuetostring(v) == "true"])
    not_requiring   = core::length([for v in local.candidate_verdicts : v if core::valuetostring(v) == "false"])
    one_of          = "one of ${core::length(local.candidates)} ${local.of_block} (IMDSv2 required by ${local.requiring}, not by ${local.not_requiring})"
    defaults_decide = "${local.not_set}, so the account default of provider configuration ${local.provider} decides"
    no_defaults     = "no aws_ec2_instance_metadata_defaults for provider configuration ${local.provider} is in the plan"

    own_found        = "metadata_options.http_tokens is ${local.quoted.tokens} and http_endpoint is ${local.quoted.endpoint}; ${local.needs_v2}"
    existing_absent  = "${local.absent}, so whether the existing ${local.kind} requires IMDSv2 is known only after apply"
    own_absent       = local.launched ? "${local.absent}, so ${local.at_launch}: ${local.v2_pending}" : local.existing_absent
    own_fields       = "${core::join(" and ", local.unknown_fields)} ${core::length(local.unknown_fields) == 1 ? "is" : "are"} known only after apply"
    own_pending      = !local.in_schema ? local.own_absent : (local.own_known ? local.own_fields : "metadata_options is known only after apply")
    template_found   = "${local.template_decides_it}, and ${local.shown_list} ${local.do_not} require IMDSv2; ${local.fix_template} or the ${local.kind}"
    template_pending = "${local.template_decides_it}, and the metadata_options of ${local.names_list} ${local.or_default}"
    not_said         = "the plan does not say which one this ${local.kind} launches from"
    which_template   = "${meta.address}: launch_template is known only after apply and refers to ${local.one_of}; ${local.not_said}"
    defaults_found   = "${local.defaults_decide}: ${core::join(", ", local.defaults[*].shown)}; ${local.needs_tokens}"
    defaults_unknown = "${local.defaults_decide}, and the http_tokens of ${core::join(", ", local.defaults[*].address)} is known only after apply"
    defaults_pending = local.defaults_in_plan ? local.defaults_unknown : "${local.not_set} and ${local.no_defaults}: ${local.at_launch}, so ${local.v2_pending}"
    no_configuration = "metadata_options is known only after apply, and the plan has no configuration for this ${local.kind} to tell whether it sets them"

    fail_message   = local.own_decides ? local.own_found : (local.by_template ? local.template_found : local.defaults_found)
    template_waits = local.template_in_plan ? local.template_pending : "${local.template_outside}: ${local.v2_pending}"
    pending_message = local.decider_unknown ? local.no_configuration : (
      local.own_decides ? local.own_pending : (local.by_template ? local.template_waits : local.defaults_pending)
    )
  }

  enforce {
    condition     = local.requires_v2
    error_message = local.decided ? local.fail_message : local.pending_message
  }
}
