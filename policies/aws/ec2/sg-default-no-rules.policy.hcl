policy {
  tfgate {
    id       = "TFG-EC2-012"
    title    = "The default security group must have no rules"
    severity = "medium"
    controls = ["AWS FSBP EC2.2", "CIS AWS 5.4"]
    description = <<-EOT
      Requires `aws_default_security_group`, which adopts a VPC's default security group, to
      have no inbound and no outbound rules: `ingress` and `egress` both empty. Any rule
      fails, whatever its source or destination, including the self-referencing all-traffic
      rule that AWS creates in every new VPC.
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
      `egress` on a create, or one that differs from the state.
    EOT
    references = [
      "https://docs.aws.amazon.com/securityhub/latest/userguide/ec2-controls.html#ec2-2",
      "https://docs.aws.amazon.com/vpc/latest/userguide/default-security-group.html",
      "https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/default_security_group",
      "https://www.cisecurity.org/benchmark/amazon_web_services",
    ]
  }
}

resource_policy "aws_default_security_group" "default_sg_no_rules" {
  enforcement_level = "mandatory"
  operations        = ["create", "update"]

  locals {
    # An unset argument means "no rules": the provider strips the group when adopting it.
    # The configuration's keys miss block-syntax rules before Terraform 1.1 and `dynamic`
    # blocks always, so a known planned value on a create, or one that differs from the
    # state, is judged whatever the keys say. valuetostring renders an unknown as "(unknown)".
    configured      = core::try(meta.configured, null)
    configured_text = core::valuetostring(local.configured)
    launched        = core::contains(["create", "replace"], meta.operation)
    texts = { for k in ["ingress", "egress"] : k => {
      now   = core::try(core::valuetostring(attrs[k]), "(absent)")
      prior = core::try(core::valuetostring(prior_attrs[k]), "(absent)")
      set   = local.configured_text == "(unknown)" || (local.configured_text != "(null)" && core::contains(core::coalesce(local.configured, []), k))
    } }
    planned = { for k, t in local.texts : k => !core::contains(["(unknown)", "(absent)", "(null)"], t.now) && (local.launched || t.now != t.prior) }
    # Set in the configuration (or no configuration to tell) with a value known only after apply.
    undecided = [for k, t in local.texts : k if t.now == "(unknown)" && !local.planned[k] && t.set]
    ingress = (local.planned.ingress || (local.configured == null ? false : core::contains(local.configured, "ingress"))) ? core::coalesce(core::lookup(attrs, "ingress", null), []) : []
    egress  = (local.planned.egress || (local.configured == null ? false : core::contains(local.configured, "egress"))) ? core::coalesce(core::lookup(attrs, "egress", null), []) : []
  }

  enforce {
    condition     = core::length(local.ingress) == 0 && core::length(local.egress) == 0
    error_message = "%{ if core::length(local.undecided) > 0 }${meta.address}: ${core::join(" and ", local.undecided)} of the default security group %{ if core::length(local.undecided) == 1 }is%{ else }are%{ endif } known only after apply, so whether it has rules cannot be decided at plan time%{ else }${meta.address}: the default security group has ${core::length(local.ingress)} ingress and ${core::length(local.egress)} egress rule(s); set ingress = [] and egress = [] and give workloads their own security groups.%{ endif }"
  }
}
