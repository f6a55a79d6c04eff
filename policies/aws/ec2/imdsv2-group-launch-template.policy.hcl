# TFG-EC2-004: Auto Scaling groups and EKS node groups launch from
# launch templates that require IMDSv2.

policy {
  tfgate {
    id       = "TFG-EC2-004"
    title    = "Auto Scaling groups and EKS node groups launch from launch templates that require IMDSv2"
    severity = "high"
    controls = ["AWS FSBP EC2.8", "AWS FSBP EC2.170"]

    description = <<-EOT
      An `aws_autoscaling_group` or an `aws_eks_node_group` fails when a launch template it
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

resource_policy "aws_autoscaling_group" "autoscaling_group" {
  enforcement_level = "mandatory"

  # Only groups whose launch template is managed in this plan: a template
  # defined elsewhere is judged where it is managed.
  filter = core::length(local.templates) > 0

  locals {
    templates    = [for r in core::concat(tfgate::referenced("launch_template"), tfgate::referenced("mixed_instances_policy.launch_template.launch_template_specification")) : r if r.meta.type == "aws_launch_template"]
    provider_key = core::try(core::coalesce(meta.provider_config_key, "(unknown)"), "(unknown)")

    # Account defaults on the group's provider configuration (account and Region).
    defaults            = [for d in tfgate::resources("aws_ec2_instance_metadata_defaults") : d if core::try(d.meta.provider_config_key, null) == core::try(meta.provider_config_key, null)]
    defaults_in_plan    = core::length(local.defaults) > 0
    defaults_require_v2 = core::alltrue([for d in local.defaults : core::try(d.attrs.http_endpoint, null) == "disabled" || core::try(d.attrs.http_tokens, null) == "required"])

    # Each template as TFG-EC2-002 judges it: its own metadata_options, else the account
    # defaults, else its own planned values (known only after apply). Known options on a
    # created template can only come from its configuration, which does not record `dynamic`
    # blocks; "(absent)": the provider's schema predates them, and nothing in the plan
    # decides (tfgate::unknown), for a new template as for an unchanged one.
    judged = [for t in local.templates : {
      address = t.address
      tokens  = core::try(t.attrs.metadata_options[0].http_tokens, null)
      sets = (
        !core::contains(["(unknown)", "(absent)", "(null)", "[]"], core::try(core::valuetostring(t.attrs.metadata_options), "(absent)")) && core::contains(["create", "replace"], core::try(t.meta.operation, "create"))
      ) || core::try(core::contains(t.meta.configured, "metadata_options"), core::try(core::length(t.attrs.metadata_options), 0) > 0)
      requires_v2 = core::try(core::valuetostring(t.attrs.metadata_options), "(absent)") == "(absent)" ? tfgate::unknown("launch template ${t.address} has no metadata_options in the plan (the AWS provider's schema predates them): the account default and the AMI decide when instances launch, so whether IMDSv2 is required is known only after apply") : (
        core::try(t.attrs.metadata_options[0].http_endpoint, null) == "disabled" || core::try(t.attrs.metadata_options[0].http_tokens, null) == "required"
      )
    }]
    verdicts = [for t in local.judged : (!t.sets && local.defaults_in_plan) ? local.defaults_require_v2 : t.requires_v2]

    # Messages: the failing templates, or those whose verdict waits for values known only after apply.
    why = { for t in local.judged : t.address => (
      t.sets ? "metadata_options.http_tokens ${t.tokens == null ? "not set" : "\"${t.tokens}\""}" : (
        local.defaults_in_plan ? "no metadata_options; the account default of provider configuration ${local.provider_key} does not require tokens" : "no metadata_options and no account defaults for provider configuration ${local.provider_key}"
    )) }
    failing   = core::distinct([for i, t in local.judged : "${t.address} (${local.why[t.address]})" if !local.verdicts[i]])
    undecided = [for i, t in local.judged : t.address if core::valuetostring(local.verdicts[i]) == "(unknown)"]
    waits     = core::length(local.undecided) > 0 && core::valuetostring(core::length(local.failing)) == "(unknown)"

    undecided_message = "the Auto Scaling group launches instances from launch template ${core::join(", ", local.undecided)}, whose metadata_options (or the account default it falls back to) are known only after apply"
    failing_message   = "the Auto Scaling group launches instances from launch template ${core::join(", ", local.failing)}, which does not require IMDSv2; set metadata_options.http_tokens = \"required\" on the template"
  }

  enforce {
    condition     = core::alltrue(local.verdicts)
    error_message = local.waits ? local.undecided_message : local.failing_message
  }
}

resource_policy "aws_eks_node_group" "eks_node_group" {
  enforcement_level = "mandatory"

  # Only groups whose launch template is managed in this plan: a template
  # defined elsewhere is judged where it is managed.
  filter = core::length(local.templates) > 0

  locals {
    templates    = [for r in tfgate::referenced("launch_template") : r if r.meta.type == "aws_launch_template"]
    provider_key = core::try(core::coalesce(meta.provider_config_key, "(unknown)"), "(unknown)")

    # Account defaults on the group's provider configuration (account and Region).
    defaults            = [for d in tfgate::resources("aws_ec2_instance_metadata_defaults") : d if core::try(d.meta.provider_config_key, null) == core::try(meta.provider_config_key, null)]
    defaults_in_plan    = core::length(local.defaults) > 0
    defaults_require_v2 = core::alltrue([for d in local.defaults : core::try(d.attrs.http_endpoint, null) == "disabled" || core::try(d.attrs.http_tokens, null) == "required"])

    # Each template as TFG-EC2-002 judges it: its own metadata_options, else the account
    # defaults, else its own planned values (known only after apply). Known options on a
    # created template can only come from its configuration, which does not record `dynamic`
    # blocks; "(absent)": the provider's schema predates them, and nothing in the plan
    # decides (tfgate::unknown), for a new template as for an unchanged one.
    judged = [for t in local.templates : {
      address = t.address
      tokens  = core::try(t.attrs.metadata_options[0].http_tokens, null)
      sets = (
        !core::contains(["(unknown)", "(absent)", "(null)", "[]"], core::try(core::valuetostring(t.attrs.metadata_options), "(absent)")) && core::contains(["create", "replace"], core::try(t.meta.operation, "create"))
      ) || core::try(core::contains(t.meta.configured, "metadata_options"), core::try(core::length(t.attrs.metadata_options), 0) > 0)
      requires_v2 = core::try(core::valuetostring(t.attrs.metadata_options), "(absent)") == "(absent)" ? tfgate::unknown("launch template ${t.address} has no metadata_options in the plan (the AWS provider's schema predates them): the account default and the AMI decide when instances launch, so whether IMDSv2 is required is known only after apply") : (
        core::try(t.attrs.metadata_options[0].http_endpoint, null) == "disabled" || core::try(t.attrs.metadata_options[0].http_tokens, null) == "required"
      )
    }]
    verdicts = [for t in local.judged : (!t.sets && local.defaults_in_plan) ? local.defaults_require_v2 : t.requires_v2]

    # Messages: the failing templates, or those whose verdict waits for values known only after apply.
    why = { for t in local.judged : t.address => (
      t.sets ? "metadata_options.http_tokens ${t.tokens == null ? "not set" : "\"${t.tokens}\""}" : (
        local.defaults_in_plan ? "no metadata_options; the account default of provider configuration ${local.provider_key} does not require tokens" : "no metadata_options and no account defaults for provider configuration ${local.provider_key}"
    )) }
    failing   = core::distinct([for i, t in local.judged : "${t.address} (${local.why[t.address]})" if !local.verdicts[i]])
    undecided = [for i, t in local.judged : t.address if core::valuetostring(local.verdicts[i]) == "(unknown)"]
    waits     = core::length(local.undecided) > 0 && core::valuetostring(core::length(local.failing)) == "(unknown)"

    undecided_message = "the EKS node group launches instances from launch template ${core::join(", ", local.undecided)}, whose metadata_options (or the account default it falls back to) are known only after apply"
    failing_message   = "the EKS node group launches instances from launch template ${core::join(", ", local.failing)}, which does not require IMDSv2; set metadata_options.http_tokens = \"required\" on the template"
  }

  enforce {
    condition     = core::alltrue(local.verdicts)
    error_message = local.waits ? local.undecided_message : local.failing_message
  }
}
