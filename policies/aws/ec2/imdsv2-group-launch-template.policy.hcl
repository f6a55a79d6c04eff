# TFG-EC2-004: Auto Scaling groups and EKS node groups launch from
# launch templates that require IMDSv2.
#
# Each template is judged once per plan (file-level locals), as TFG-EC2-002 judges it; the two
# blocks differ only in the arguments they follow and the group's name in the messages.

policy {
  tfgate {
    id       = "TFG-EC2-004"
    title    = "Auto Scaling groups and EKS node groups launch from launch templates that require IMDSv2"
    severity = "high"
    controls = ["AWS FSBP EC2.8", "AWS FSBP EC2.170"]

    description = <<-EOT
      An `aws_autoscaling_group` or an `aws_eks_node_group` fails when the launch template it
      launches instances from does not require IMDSv2, and the message names the
      template's address. The templates are those its configuration refers to (followed
      through module outputs and inputs):

      - `aws_autoscaling_group`: the `launch_template` block and
        `mixed_instances_policy[0].launch_template[0].launch_template_specification`;
      - `aws_eks_node_group`: the `launch_template` block.

      Each template is judged as TFG-EC2-002 judges it: its own `metadata_options`
      (`http_endpoint = "disabled"` or `http_tokens = "required"` pass), else the account
      default on the group's provider configuration (`aws_ec2_instance_metadata_defaults`,
      same account and Region), else unknown. Groups whose templates are not managed in
      the plan (a data source, a literal id), and groups without a launch template
      (launch configurations, EKS's own default template), are not judged here; launch
      configurations are judged by TFG-EC2-003.
    EOT

    rationale = <<-EOT
      The template's finding (TFG-EC2-002) says what is wrong; this one says where it
      matters: every instance the group launches, now and on every scale-out or node
      replacement, answers IMDSv1 requests, and in an EKS node group the pods on those
      nodes can reach the node role's credentials through them. Reporting the group makes
      the blast radius visible in the review of the change that wires a group to a
      template. AWS Security Hub controls EC2.8 (the instances) and EC2.170 (the
      template) cover the same ground after deployment.

      HashiCorp's Sentinel policy `ec2-metadata-imdsv2-required` (AWS foundational
      security best practices library) does not look at groups or templates; this is
      part of tfgate's deliberate launch-template inheritance (see TFG-EC2-001).
    EOT

    violating_example = <<-EOT
      resource "aws_launch_template" "workers" {
        image_id = "ami-0123456789abcdef0"

        metadata_options {
          http_tokens = "optional"
        }
      }

      resource "aws_autoscaling_group" "workers" {
        min_size            = 1
        max_size            = 4
        vpc_zone_identifier = var.subnet_ids

        launch_template {
          id      = aws_launch_template.workers.id
          version = "$Latest"
        }
      }
    EOT

    compliant_example = <<-EOT
      resource "aws_launch_template" "nodes" {
        metadata_options {
          http_tokens                 = "required"
          http_put_response_hop_limit = 2 # pods reach IMDS through one more hop
        }
      }

      resource "aws_eks_node_group" "nodes" {
        cluster_name    = aws_eks_cluster.main.name
        node_group_name = "nodes"
        node_role_arn   = aws_iam_role.nodes.arn
        subnet_ids      = var.subnet_ids

        scaling_config {
          desired_size = 2
          max_size     = 4
          min_size     = 1
        }

        launch_template {
          id      = aws_launch_template.nodes.id
          version = aws_launch_template.nodes.latest_version
        }
      }
    EOT

    unknown_values = <<-EOT
      The group's own values are not used: the template's `id` is usually known only
      after apply, so the template is found through the configuration's reference
      instead. A template whose `metadata_options` are set to values known only after
      apply, or that sets none while no account defaults for the group's provider
      configuration are in the plan, makes the group unknown. A template's known planned
      `metadata_options` on a create decide even when its configuration does not record
      them (a `dynamic` block). A template whose AWS provider predates `metadata_options`
      (the attribute is in neither `after` nor `after_unknown`) makes the group unknown too,
      whether the template is new or unchanged. The template's `version`
      is not followed: the template as planned is judged.

      `launch_template { id = aws_launch_template.t[each.key].id }` is recorded in the plan
      as a reference to the whole `count`/`for_each` block, so every instance of the block
      is a candidate. Candidates that agree decide; when some require IMDSv2 and some do
      not, the plan does not say which one the group launches from, and the verdict is
      unknown (never a fail caused by a sibling template).
    EOT

    references = [
      "https://docs.aws.amazon.com/autoscaling/ec2/userguide/create-launch-template.html",
      "https://docs.aws.amazon.com/eks/latest/userguide/launch-templates.html",
      "https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/configuring-instance-metadata-service.html",
      "https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_ModifyInstanceMetadataDefaults.html",
      "https://docs.aws.amazon.com/securityhub/latest/userguide/ec2-controls.html#ec2-8",
      "https://docs.aws.amazon.com/securityhub/latest/userguide/ec2-controls.html#ec2-170",
      "https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/autoscaling_group#launch_template",
      "https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/eks_node_group#launch_template-configuration-block",
    ]
  }
}

locals {
  # Each launch template's own options. They count as set when the configuration sets them, or
  # when a created template plans them known: only the configuration can give those, and it does
  # not record `dynamic` blocks. valuetostring shows a value known only after apply as "(unknown)",
  # and fails on an attribute that the AWS provider's schema does not have.
  launch_templates = { for t in tfgate::resources("aws_launch_template") : t.address => {
    address = t.address
    block   = core::replace(t.address, "/\\[[^\\[]*\\]$/", "")
    shown       = "metadata_options.http_tokens ${core::try("\"${t.attrs.metadata_options[0].http_tokens}\"", "not set")}"
    in_schema = core::try(core::valuetostring(t.attrs.metadata_options), null) != null
    # An existing template's known empty options (its state) say that it sets none.
    has_no_options = (
      !core::contains(["create", "replace"], t.meta.operation)
      && core::try(core::valuetostring(t.attrs.metadata_options), "(unknown)") != "(unknown)"
      && core::try(core::length(t.attrs.metadata_options), 0) == 0
    )
    requires_v2 = core::try(t.attrs.metadata_options[0].http_endpoint, null) == "disabled" || core::try(t.attrs.metadata_options[0].http_tokens, null) == "required"
    sets_options = core::try(core::contains(t.meta.configured, "metadata_options"), core::try(core::length(t.attrs.metadata_options), 0) > 0) || (
      core::contains(["create", "replace"], t.meta.operation)
      && core::try(core::valuetostring(t.attrs.metadata_options), "(unknown)") != "(unknown)"
      && core::try(core::length(t.attrs.metadata_options), 0) > 0
    )
  } }

  # Account defaults by provider configuration (one account and Region each).
  account_defaults = { for d in tfgate::resources("aws_ec2_instance_metadata_defaults") :
    core::try(core::coalesce(d.meta.provider_config_key, "(unknown)"), "(unknown)") => {
      requires_v2 = core::try(d.attrs.http_endpoint, null) == "disabled" || core::try(d.attrs.http_tokens, null) == "required"
    }...
  }

  # Message parts shared by both blocks.
  decided_at_launch = "the account default and the AMI decide when instances launch, so whether IMDSv2 is required is known only after apply"
  absent            = "has no metadata_options in the plan (the AWS provider's schema predates them): ${local.decided_at_launch}"
  or_default        = "whose metadata_options (or the account default it falls back to) are known only after apply"
  fix_template      = "set metadata_options.http_tokens = \"required\" on the template"
}

resource_policy "aws_autoscaling_group" "autoscaling_group" {
  enforcement_level = "mandatory"

  # Only groups whose launch template is managed in this plan: a template defined elsewhere is
  # judged where it is managed.
  filter = core::length(local.candidates) > 0

  locals {
    group    = "Auto Scaling group"
    provider = core::try(core::coalesce(meta.provider_config_key, "(unknown)"), "(unknown)")

    # The launch template it refers to (through module outputs and inputs). A reference such as
    # `aws_launch_template.t[each.key].id` is recorded as one to the whole block: each instance
    # is a candidate. Candidates that agree decide; if they disagree, the plan does not say
    # which one the group launches from (never a fail by a sibling).
    references = core::concat(
      tfgate::referenced("launch_template"),
      tfgate::referenced("mixed_instances_policy.launch_template.launch_template_specification"),
    )
    candidates = [for a in core::distinct(local.references[*].address) : local.launch_templates[a] if core::can(local.launch_templates[a].address)]

    # A template without options of its own passes on the account default of the group's
    # provider configuration (account and Region), when the plan has one; without one, or when
    # the template's provider predates metadata_options, AWS decides at launch.
    defaults            = core::try(local.account_defaults[local.provider], [])
    defaults_in_plan    = core::length(local.defaults) > 0
    defaults_require_v2 = core::alltrue(local.defaults[*].requires_v2)
    verdicts = [for t in local.candidates : (
      !t.sets_options && local.defaults_in_plan ? local.defaults_require_v2 :
      !t.in_schema ? tfgate::unknown("launch template ${t.address} ${local.absent}") :
      !t.sets_options && t.has_no_options ? tfgate::unknown("launch template ${t.address} ${local.sets_none}") :
      t.requires_v2
    )]
    all_require  = core::alltrue(local.verdicts)
    none_require = !core::anytrue(local.verdicts)
    requires_v2  = local.all_require || local.none_require ? local.all_require : tfgate::unknown(local.which_template)

    # Messages: each template with what it says, the templates not known yet, or which of them.
    decided       = core::valuetostring(local.requires_v2) != "(unknown)"
    by_defaults   = "no metadata_options; the account default of provider configuration ${local.provider} does not require tokens"
    no_defaults   = "no metadata_options and no account defaults for provider configuration ${local.provider}"
    first_three   = core::slice(local.candidates, 0, core::min(3, core::length(local.candidates)))
    more          = core::length(local.candidates) > 3 ? " and ${core::length(local.candidates) - 3} more" : ""
    why           = [for t in local.first_three : t.sets_options ? t.shown : (local.defaults_in_plan ? local.by_defaults : local.no_defaults)]
    named         = "${core::join(", ", [for i, t in local.first_three : "${t.address} (${local.why[i]})"])}${local.more}"
    do_not        = core::length(local.candidates) == 1 ? "does not" : "do not"
    undecided     = [for i, t in local.candidates : t.address if core::valuetostring(local.verdicts[i]) == "(unknown)"]
    requiring     = core::length([for v in local.verdicts : v if core::valuetostring(v) == "true"])
    not_requiring = core::length([for v in local.verdicts : v if core::valuetostring(v) == "false"])
    of_block      = core::length(core::distinct(local.candidates[*].block)) == 1 ? "instances of ${local.candidates[0].block}" : "launch templates"
    one_of        = "one of ${core::length(local.candidates)} ${local.of_block} (IMDSv2 required by ${local.requiring}, not by ${local.not_requiring})"
    launches_from = "the ${local.group} launches instances from launch template"
    sets_none     = "has no metadata_options and no aws_ec2_instance_metadata_defaults for provider configuration ${local.provider} is in the plan: ${local.decided_at_launch}"

    fail_message    = "${local.launches_from} ${local.named}, which ${local.do_not} require IMDSv2; ${local.fix_template}"
    pending_message = "${local.launches_from} ${core::join(", ", local.undecided)}, ${local.or_default}"
    not_said        = "the plan does not say which one the ${local.group} launches from"
    which_template  = "${meta.address}: the launch template it refers to is known only after apply and is ${local.one_of}; ${local.not_said}"
  }

  enforce {
    condition     = local.requires_v2
    error_message = local.decided ? local.fail_message : local.pending_message
  }
}

resource_policy "aws_eks_node_group" "eks_node_group" {
  enforcement_level = "mandatory"

  # Only groups whose launch template is managed in this plan: a template defined elsewhere is
  # judged where it is managed.
  filter = core::length(local.candidates) > 0

  locals {
    group    = "EKS node group"
    provider = core::try(core::coalesce(meta.provider_config_key, "(unknown)"), "(unknown)")

    # The launch template it refers to (through module outputs and inputs). A reference such as
    # `aws_launch_template.t[each.key].id` is recorded as one to the whole block: each instance
    # is a candidate. Candidates that agree decide; if they disagree, the plan does not say
    # which one the group launches from (never a fail by a sibling).
    references = tfgate::referenced("launch_template")
    candidates = [for a in core::distinct(local.references[*].address) : local.launch_templates[a] if core::can(local.launch_templates[a].address)]

    # A template without options of its own passes on the account default of the group's
    # provider configuration (account and Region), when the plan has one; without one, or when
    # the template's provider predates metadata_options, AWS decides at launch.
    defaults            = core::try(local.account_defaults[local.provider], [])
    defaults_in_plan    = core::length(local.defaults) > 0
    defaults_require_v2 = core::alltrue(local.defaults[*].requires_v2)
    verdicts = [for t in local.candidates : (
      !t.sets_options && local.defaults_in_plan ? local.defaults_require_v2 :
      !t.in_schema ? tfgate::unknown("launch template ${t.address} ${local.absent}") :
      !t.sets_options && t.has_no_options ? tfgate::unknown("launch template ${t.address} ${local.sets_none}") :
      t.requires_v2
    )]
    all_require  = core::alltrue(local.verdicts)
    none_require = !core::anytrue(local.verdicts)
    requires_v2  = local.all_require || local.none_require ? local.all_require : tfgate::unknown(local.which_template)

    # Messages: each template with what it says, the templates not known yet, or which of them.
    decided       = core::valuetostring(local.requires_v2) != "(unknown)"
    by_defaults   = "no metadata_options; the account default of provider configuration ${local.provider} does not require tokens"
    no_defaults   = "no metadata_options and no account defaults for provider configuration ${local.provider}"
    first_three   = core::slice(local.candidates, 0, core::min(3, core::length(local.candidates)))
    more          = core::length(local.candidates) > 3 ? " and ${core::length(local.candidates) - 3} more" : ""
    why           = [for t in local.first_three : t.sets_options ? t.shown : (local.defaults_in_plan ? local.by_defaults : local.no_defaults)]
    named         = "${core::join(", ", [for i, t in local.first_three : "${t.address} (${local.why[i]})"])}${local.more}"
    do_not        = core::length(local.candidates) == 1 ? "does not" : "do not"
    undecided     = [for i, t in local.candidates : t.address if core::valuetostring(local.verdicts[i]) == "(unknown)"]
    requiring     = core::length([for v in local.verdicts : v if core::valuetostring(v) == "true"])
    not_requiring = core::length([for v in local.verdicts : v if core::valuetostring(v) == "false"])
    of_block      = core::length(core::distinct(local.candidates[*].block)) == 1 ? "instances of ${local.candidates[0].block}" : "launch templates"
    one_of        = "one of ${core::length(local.candidates)} ${local.of_block} (IMDSv2 required by ${local.requiring}, not by ${local.not_requiring})"
    launches_from = "the ${local.group} launches instances from launch template"
    sets_none     = "has no metadata_options and no aws_ec2_instance_metadata_defaults for provider configuration ${local.provider} is in the plan: ${local.decided_at_launch}"

    fail_message    = "${local.launches_from} ${local.named}, which ${local.do_not} require IMDSv2; ${local.fix_template}"
    pending_message = "${local.launches_from} ${core::join(", ", local.undecided)}, ${local.or_default}"
    not_said        = "the plan does not say which one the ${local.group} launches from"
    which_template  = "${meta.address}: the launch template it refers to is known only after apply and is ${local.one_of}; ${local.not_said}"
  }

  enforce {
    condition     = local.requires_v2
    error_message = local.decided ? local.fail_message : local.pending_message
  }
}
