# TFG-EC2-050: EC2 instances and their launch sources turn detailed monitoring on.

policy {
  tfgate {
    id       = "TFG-EC2-050"
    title    = "EC2 instances should have detailed monitoring enabled"
    severity = "low"
    controls = ["AWS Config ec2-instance-detailed-monitoring-enabled"]

    description = <<-EOT
      Reports instances and launch sources that leave CloudWatch detailed (one-minute)
      monitoring off:

      - `aws_instance.monitoring`: `true` passes, `false` fails; left unset, the launch
        template the configuration refers to decides, and without one the instance gets
        EC2's default, basic monitoring, and fails;
      - `aws_launch_template`: `monitoring { enabled = true }` passes; `false`, or no
        `monitoring` block (instances get basic monitoring), fails;
      - `aws_launch_configuration.enable_monitoring`: `true` (the provider's default)
        passes, `false` fails.

      The policy is `advisory`: detailed monitoring costs money per instance and not every
      workload needs one-minute metrics. Teams that require it raise the enforcement level
      of TFG-EC2-050.
    EOT

    rationale = <<-EOT
      Basic monitoring sends EC2 metrics every five minutes. Auto Scaling policies, alarms
      on CPU credit exhaustion or on a sudden traffic spike, and incident timelines all
      react four minutes later than they could. Detailed monitoring sends them every
      minute. The AWS Config managed rule `ec2-instance-detailed-monitoring-enabled`
      checks the same setting.
    EOT

    violating_example = <<-EOT
      resource "aws_launch_template" "workers" {
        image_id      = data.aws_ami.al2023.id
        instance_type = "m6i.large"
        # no monitoring block: basic (five-minute) monitoring
      }
    EOT

    compliant_example = <<-EOT
      resource "aws_instance" "app" {
        ami           = data.aws_ami.al2023.id
        instance_type = "t3.micro"
        monitoring    = true
      }
    EOT

    unknown_values = <<-EOT
      A `monitoring` (or `enabled`) set to a value known only after apply gives unknown. An
      instance that leaves `monitoring` unset and launches from a launch template that is
      not managed in this plan is unknown; when the plan has no configuration for the
      instance, an unset (unknown) `monitoring` is unknown too, and a planned `launch_template`
      block says a template is used. `launch_template { id = aws_launch_template.t[each.key].id }`
      names the whole `for_each` block: its templates decide when they agree; when they differ
      the instance is unknown, never failed by a sibling. An instance that already exists is
      judged on its planned `monitoring`.
    EOT

    references = [
      "https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/manage-detailed-monitoring.html",
      "https://docs.aws.amazon.com/config/latest/developerguide/ec2-instance-detailed-monitoring-enabled.html",
      "https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/instance#monitoring",
      "https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/launch_template#monitoring",
    ]
  }
}

resource_policy "aws_instance" "instance_monitoring" {
  enforcement_level = "advisory"

  locals {
    configured = core::try(meta.configured, null)
    setting    = core::try(attrs.monitoring, null)
    # Unset: unknown with current providers (computed), a known null with older ones. A known
    # value on an existing instance is what it has; on a launch it can only come from the
    # configuration. Without a configuration, a planned launch_template block says one is used.
    launched      = core::contains(["create", "replace"], meta.operation)
    planned       = core::valuetostring(local.setting)
    sets_it       = (!local.launched && local.planned != "(unknown)") || (local.configured != null ? core::contains(local.configured, "monitoring") : local.setting != null)
    uses_template = local.configured != null ? core::contains(local.configured, "launch_template") : core::try(core::length(attrs.launch_template), 0) > 0

    # The templates it may launch from. `launch_template { id = aws_launch_template.t[each.key].id }`
    # names the whole block: instances that agree decide, instances that disagree cannot.
    templates     = [for r in tfgate::referenced("launch_template") : r if r.meta.type == "aws_launch_template"]
    template_flags = [for t in local.templates : core::try(t.attrs.monitoring[0].enabled, null) == true]
    all_on        = core::alltrue(local.template_flags)
    none_on       = !core::anytrue(local.template_flags)
    template_count = core::length(local.templates)
    disagree      = core::valuetostring(local.all_on || local.none_on) == "false"
    candidates    = "one of ${local.template_count} launch templates (${core::join(", ", [for t in local.templates : t.address])})"
    differ_text   = "that differ in detailed monitoring; the plan does not say which one this instance launches from"
    which_text    = "launch_template is known only after apply and refers to ${local.candidates} ${local.differ_text}"
    template_on   = local.all_on || local.none_on ? local.all_on : tfgate::unknown("${meta.address}: ${local.which_text}.")
    # Unset without a template: EC2's default, basic monitoring. A template outside the plan
    # decides at launch: known only after apply, like the id.
    inherited_on  = !local.uses_template ? false : (local.template_count > 0 ? local.template_on : core::try(attrs.id, "") == "(decided at launch)")

    on      = local.sets_it ? local.setting == true : local.inherited_on
    decided = core::valuetostring(local.on) != "(unknown)"

    template_names = core::join(", ", [for t in local.templates : t.address])
    # Why it fails: its own setting, EC2's default, or the template's.
    own_off       = "monitoring is false: the instance has basic (five-minute) monitoring"
    default_off   = "monitoring is not set, so the instance gets EC2's default, basic (five-minute) monitoring"
    template_off  = "monitoring is not set and the launch template ${local.template_names} does not enable it"
    outside_off   = "monitoring is not set and the launch template it refers to is not managed in this plan"
    why_off       = local.sets_it ? local.own_off : !local.uses_template ? local.default_off : local.template_count > 0 ? local.template_off : local.outside_off
    fail_message  = "${local.why_off}; set monitoring = true"
    # What is not known, when the plan cannot decide.
    set_unknown      = "monitoring is known only after apply, and the plan has no configuration for this resource to tell whether it is set"
    own_unknown      = "monitoring is known only after apply"
    template_unknown = "monitoring is not set, and monitoring[0].enabled of the launch template ${local.template_names} is known only after apply"
    outside_unknown  = "monitoring is not set and the launch template it refers to is not managed in this plan, so whether detailed monitoring is on is known only after apply"
    unknown_message = (local.disagree ? local.which_text : core::valuetostring(local.sets_it) == "(unknown)" ? local.set_unknown
      : local.sets_it ? local.own_unknown
      : local.template_count > 0 ? local.template_unknown
    : local.outside_unknown)
  }

  enforce {
    condition     = local.decided ? local.on : tfgate::unknown("${meta.address}: ${local.unknown_message}.")
    error_message = "${meta.address}: ${local.fail_message}."
  }
}

resource_policy "aws_launch_template" "launch_template_monitoring" {
  enforcement_level = "advisory"

  locals {
    enabled = core::try(attrs.monitoring[0].enabled, null)
    pending = core::valuetostring(local.enabled) == "(unknown)"

    enabled_text = local.enabled == null ? "not set" : core::jsonencode(local.enabled)
    basic        = "instances launched from this template get basic (five-minute) monitoring"
  }

  enforce {
    condition     = local.pending ? tfgate::unknown("${meta.address}: monitoring[0].enabled is known only after apply.") : local.enabled == true
    error_message = "${meta.address}: monitoring[0].enabled is ${local.enabled_text}: ${local.basic}; add monitoring { enabled = true }."
  }
}

resource_policy "aws_launch_configuration" "launch_configuration_monitoring" {
  enforcement_level = "advisory"

  locals {
    enabled = core::try(attrs.enable_monitoring, null)
  }

  enforce {
    condition     = core::valuetostring(local.enabled) == "(unknown)" ? tfgate::unknown("${meta.address}: enable_monitoring is known only after apply.") : local.enabled != false
    error_message = "${meta.address}: enable_monitoring is false: instances launched from this configuration get basic (five-minute) monitoring; set enable_monitoring = true."
  }
}
