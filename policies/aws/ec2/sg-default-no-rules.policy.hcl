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

# The resource types whose id (or default_security_group_id) names a VPC's default group.
locals {
  default_group_types = ["aws_default_security_group", "aws_vpc", "aws_default_vpc"]
}

resource_policy "aws_default_security_group" "default_security_group" {
  enforcement_level = "mandatory"
  # Reads prior_attrs, so the list must be explicit: the default one, unchanged resources included.
  operations        = ["create", "update", "no-op"]

  locals {
    launched = core::contains(["create", "replace"], meta.operation)

    # Per side (ingress, egress): the rules that count. A side counts when the configuration
    # sets it, or when the plan shows rules only the configuration can have set: block syntax
    # before Terraform 1.1 and `dynamic` blocks are missing from the configuration's keys, but a
    # known value on a create, or one that differs from the state, comes from it. An unset side
    # means "no rules" (the provider strips the group when adopting it; rules of separate rule
    # resources are judged below). valuetostring shows an unknown as "(unknown)".
    configured = { for k in ["ingress", "egress"] : k => core::contains(core::try(meta.configured, []), k) }
    shown      = { for k in ["ingress", "egress"] : k => core::try(core::valuetostring(attrs[k]), "(absent)") }
    planned    = { for k, v in local.shown : k => !core::contains(["(unknown)", "(absent)", "(null)"], v) && (local.launched || v != core::try(core::valuetostring(prior_attrs[k]), "(absent)")) }
    rules      = { for k in ["ingress", "egress"] : k => (local.configured[k] || local.planned[k]) ? core::coalesce(core::try(attrs[k], null), []) : [] }
    waiting    = [for k in ["ingress", "egress"] : k if local.shown[k] == "(unknown)" && local.configured[k]]

    no_rules = core::length(local.rules.ingress) == 0 && core::length(local.rules.egress) == 0

    # Message parts.
    unknown_message = "${core::join(" and ", local.waiting)} of the default security group %{ if core::length(local.waiting) == 1 }is%{ else }are%{ endif } known only after apply, so whether it has rules cannot be decided at plan time"
    rules_message   = "the default security group has ${core::length(local.rules.ingress)} ingress and ${core::length(local.rules.egress)} egress rule(s); set ingress = [] and egress = [] and give workloads their own security groups."
  }

  enforce {
    condition     = local.no_rules
    error_message = "${meta.address}: ${core::length(local.waiting) > 0 ? local.unknown_message : local.rules_message}"
  }
}

# Rules attached to a default group by separate resources: one block per rule resource type
# (a policy block targets one type), so the three blocks below repeat the same lookup.
resource_policy "aws_security_group_rule" "security_group_rule" {
  enforcement_level = "mandatory"
  filter            = core::length(local.default_groups) > 0

  locals {
    default_groups = [for r in tfgate::referenced("security_group_id") : r.address if core::contains(local.default_group_types, r.meta.type)]
  }

  enforce {
    condition     = false
    error_message = "${meta.address}: adds a ${attrs.type} rule to the default security group of ${core::join(", ", local.default_groups)}; the default group must have no rules: attach the rule to a security group of its own."
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
    error_message = "${meta.address}: adds an ingress rule to the default security group of ${core::join(", ", local.default_groups)}; the default group must have no rules: attach the rule to a security group of its own."
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
    error_message = "${meta.address}: adds an egress rule to the default security group of ${core::join(", ", local.default_groups)}; the default group must have no rules: attach the rule to a security group of its own."
  }
}
