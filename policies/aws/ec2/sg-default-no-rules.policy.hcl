policy {
  tfgate {
    id       = "TFG-EC2-012"
    title    = "The default security group must have no rules"
    severity = "medium"
    controls = ["AWS FSBP EC2.2", "CIS AWS 5.4"]
    description = <<-EOT
      Requires a VPC's default security group to have no inbound and no outbound rules. Any
      rule fails, whatever its source or destination, including the self-referencing
      all-traffic rule that AWS creates in every new VPC. Two places are judged:

      - `aws_default_security_group`, which adopts the default group: its `ingress` and
        `egress` must both be empty;
      - rules attached to the default group by separate resources
        (`aws_security_group_rule`, `aws_vpc_security_group_ingress_rule`,
        `aws_vpc_security_group_egress_rule`) whose `security_group_id` refers to
        `aws_default_security_group.X.id`, `aws_vpc.X.default_security_group_id` or
        `aws_default_vpc.X.default_security_group_id` (followed through module outputs and
        inputs): each such rule fails.

      A rule whose `security_group_id` is a literal id, a variable or a data source is not
      judged: the plan cannot tell that it names a default group. A rule that only lets
      members of the default group into another group (`source_security_group_id`) adds
      no rule to the default group and is not judged either.
    EOT
    rationale = <<-EOT
      Every network interface launched without an explicit security group lands in the VPC's
      default security group, and its stock rules let all members talk to each other and
      reach anywhere outbound. Resources that end up there by accident then get network
      access nobody designed. With no rules at all, the default group denies everything, so
      each workload has to use a purpose-built group (least privilege). AWS Security Hub
      EC2.2 and CIS AWS Foundations 5.4 require exactly this.
    EOT
    violating_example = <<-EOT
      resource "aws_default_security_group" "this" {
        vpc_id = aws_vpc.main.id

        ingress {
          protocol  = "-1"
          self      = true
          from_port = 0
          to_port   = 0
        }

        egress {
          protocol    = "-1"
          from_port   = 0
          to_port     = 0
          cidr_blocks = ["0.0.0.0/0"]
        }
      }
    EOT
    compliant_example = <<-EOT
      # No rules: Terraform removes every rule of the default group.
      resource "aws_default_security_group" "this" {
        vpc_id  = aws_vpc.main.id
        ingress = []
        egress  = []
      }
    EOT
    unknown_values = <<-EOT
      When the configuration sets neither `ingress` nor `egress`, the provider removes all
      rules of the default group when it adopts it, so the resource passes even though the
      computed attributes are unknown at plan time. `ingress` or `egress` set to a value known
      only after apply (for example from a `dynamic` block over an unknown collection) is
      unknown. Rules the plan shows are judged even when the configuration does not record
      them (block syntax before Terraform 1.1, `dynamic` blocks): a known `ingress` or
      `egress` on a create, or one that differs from the state. A separate rule is judged on
      the configuration reference alone, so values known only after apply never make it
      unknown.
    EOT
    references = [
      "https://docs.aws.amazon.com/securityhub/latest/userguide/ec2-controls.html#ec2-2",
      "https://docs.aws.amazon.com/vpc/latest/userguide/default-security-group.html",
      "https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/default_security_group",
      "https://www.cisecurity.org/benchmark/amazon_web_services",
    ]
  }
}

locals {
  # The resource types whose id (or default_security_group_id) names a VPC's default group.
  default_group_types = ["aws_default_security_group", "aws_vpc", "aws_default_vpc"]
  sides               = ["ingress", "egress"]
  advice              = "the default group must have no rules: attach the rule to a security group of its own"
}

resource_policy "aws_default_security_group" "default_security_group" {
  enforcement_level = "mandatory"
  # Reads prior_attrs, so the list must be explicit: the default one, unchanged resources included.
  operations = ["create", "update", "no-op"]

  locals {
    # Per side (ingress, egress): the rules that count. A side counts when the configuration
    # sets it, or when the plan shows rules only the configuration can have set: block syntax
    # before Terraform 1.1 and `dynamic` blocks are missing from the configuration's keys, but a
    # known value on a create, or one that differs from the state, comes from it. An unset side
    # means "no rules" (the provider strips the group when adopting it; rules of separate rule
    # resources are judged below). valuetostring shows an unknown value as "(unknown)".
    launched        = core::contains(["create", "replace"], meta.operation)
    text            = { for k in local.sides : k => core::try(core::valuetostring(attrs[k]), "(absent)") }
    new_or_changed  = { for k in local.sides : k => local.launched || local.text[k] != core::try(core::valuetostring(prior_attrs[k]), "(absent)") }
    planned_here    = { for k in local.sides : k => !core::contains(["(unknown)", "(absent)", "(null)"], local.text[k]) && local.new_or_changed[k] }
    configured_here = { for k in local.sides : k => core::contains(core::try(meta.configured, []), k) }
    set_here        = { for k in local.sides : k => local.planned_here[k] || local.configured_here[k] }
    # (Not coalesce: it makes a list with one unknown value wholly unknown, hiding known rules.)
    no_list         = { for k in local.sides : k => core::contains(["(null)", "(absent)"], local.text[k]) }
    rule_counts     = { for k in local.sides : k => local.set_here[k] && !local.no_list[k] ? core::length(attrs[k]) : 0 }

    has_rules = local.rule_counts.ingress > 0 || local.rule_counts.egress > 0
    decided   = core::valuetostring(local.has_rules) != "(unknown)"

    # Message parts: what is not known, side by side.
    undecided = [for k in local.sides : k if core::valuetostring(local.rule_counts[k]) == "(unknown)"]
    unknown_parts = [for k in local.undecided : (
      local.text[k] == "(unknown)" ? "${k} is known only after apply" :
      core::valuetostring(local.set_here[k]) == "(unknown)" ? "the plan has no configuration to say whether the unchanged ${k} rules are set here" :
      "values in ${k} are known only after apply"
    )]
    unknown_reason = "${meta.address}: ${core::join("; ", local.unknown_parts)}, so whether the default security group has rules cannot be decided at plan time"
    counts_text    = "${core::valuetostring(local.rule_counts.ingress)} ingress and ${core::valuetostring(local.rule_counts.egress)} egress rule(s)"
  }

  enforce {
    condition     = local.decided ? !local.has_rules : tfgate::unknown(local.unknown_reason)
    error_message = "${meta.address}: the default security group has ${local.counts_text}; set ingress = [] and egress = [] and give workloads their own security groups."
  }
}

# Rules attached to a default group by separate resources. A policy block targets one resource
# type and its locals read that type's `meta`, so the lookup cannot be shared: the three blocks
# below repeat it, one per rule resource type. Each such rule fails.
resource_policy "aws_security_group_rule" "security_group_rule" {
  enforcement_level = "mandatory"
  filter            = core::length(local.default_groups) > 0

  locals {
    default_groups = [for r in tfgate::referenced("security_group_id") : r.address if core::contains(local.default_group_types, r.meta.type)]
  }

  enforce {
    condition     = false
    error_message = "${meta.address}: adds an ${core::valuetostring(attrs.type)} rule to the default security group of ${core::join(", ", local.default_groups)}; ${local.advice}."
  }
}

resource_policy "aws_vpc_security_group_ingress_rule" "ingress_rule" {
  enforcement_level = "mandatory"
  filter            = core::length(local.default_groups) > 0

  locals {
    default_groups = [for r in tfgate::referenced("security_group_id") : r.address if core::contains(local.default_group_types, r.meta.type)]
  }

  enforce {
    condition     = false
    error_message = "${meta.address}: adds an ingress rule to the default security group of ${core::join(", ", local.default_groups)}; ${local.advice}."
  }
}

resource_policy "aws_vpc_security_group_egress_rule" "egress_rule" {
  enforcement_level = "mandatory"
  filter            = core::length(local.default_groups) > 0

  locals {
    default_groups = [for r in tfgate::referenced("security_group_id") : r.address if core::contains(local.default_group_types, r.meta.type)]
  }

  enforce {
    condition     = false
    error_message = "${meta.address}: adds an egress rule to the default security group of ${core::join(", ", local.default_groups)}; ${local.advice}."
  }
}
