# TFG-EC2-013: security groups do not allow all outbound traffic to the internet.

policy {
  tfgate {
    id       = "TFG-EC2-013"
    title    = "Security groups should not allow all outbound traffic to the internet"
    severity = "low"
    controls = ["AWS Well-Architected SEC05-BP02", "NIST 800-53 SC-7(5)"]

    description = <<-EOT
      Reports egress rules that allow every protocol and port, or every port of TCP or UDP
      (`from_port = 0`, `to_port = 65535`), to `0.0.0.0/0` or `::/0`:

      - inline `egress` blocks of `aws_security_group`;
      - `aws_security_group_rule` with `type = "egress"`;
      - `aws_vpc_security_group_egress_rule`.

      The policy is `advisory`: outbound access to the internet is what many workloads need
      (package mirrors, AWS APIs without VPC endpoints), and AWS's own default egress rule
      allows everything. Teams that want the gate to block raise the enforcement level of
      TFG-EC2-013. The default security group's rules are judged by TFG-EC2-012.
    EOT

    rationale = <<-EOT
      A security group that allows all outbound traffic lets a compromised instance reach
      any host on any port: command-and-control servers, data exfiltration over arbitrary
      protocols, or lateral movement through public endpoints. Limiting egress to the ports
      and destinations a workload needs (HTTPS to the internet, the database port to the
      database's group, VPC endpoints for AWS services) turns these into visible, blocked
      connections. AWS's security pillar (SEC05-BP02, control traffic at all layers)
      recommends restricting outbound traffic; NIST SC-7(5) asks for deny by default.
    EOT

    violating_example = <<-EOT
      resource "aws_security_group" "app" {
        name   = "app"
        vpc_id = aws_vpc.main.id

        egress {
          protocol    = "-1"
          from_port   = 0
          to_port     = 0
          cidr_blocks = ["0.0.0.0/0"]
        }
      }
    EOT

    compliant_example = <<-EOT
      resource "aws_vpc_security_group_egress_rule" "https_out" {
        security_group_id = aws_security_group.app.id
        ip_protocol       = "tcp"
        from_port         = 443
        to_port           = 443
        cidr_ipv4         = "0.0.0.0/0"
      }
    EOT

    unknown_values = <<-EOT
      A protocol, port or CIDR known only after apply makes the rule's verdict unknown,
      unless the known parts already decide (a rule to `10.0.0.0/8` passes whatever its
      protocol). An `aws_security_group` whose configuration does not set `egress` has no
      inline egress rules (Terraform removes AWS's default rule when it creates the group,
      and rules managed by separate resources are judged on their own): it passes. Rules
      the plan shows but the configuration does not record (block syntax before Terraform
      1.1, `dynamic` blocks) are judged: a known `egress` on a create, or one that differs
      from the state.
    EOT

    references = [
      "https://docs.aws.amazon.com/vpc/latest/userguide/security-group-rules.html",
      "https://docs.aws.amazon.com/wellarchitected/latest/security-pillar/sec_network_protection_layered.html",
      "https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/security_group",
      "https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/vpc_security_group_egress_rule",
    ]
  }
}

locals {
  all_protocols  = ["-1", "all"]
  port_protocols = ["tcp", "udp", "6", "17"]
}

resource_policy "aws_security_group" "inline_egress" {
  enforcement_level = "advisory"
  # Reads prior_attrs, so the list must be explicit: the default one, unchanged resources included.
  operations        = ["create", "update", "no-op"]

  locals {
    # Which inline rules will exist (as in TFG-EC2-010): the configuration's keys miss
    # block-syntax rules before Terraform 1.1 and `dynamic` blocks, so a known planned value
    # on a create, or one that differs from the state, counts. valuetostring shows a value
    # known only after apply as "(unknown)".
    configured  = core::try(meta.configured, null)
    shown       = core::try(core::valuetostring(attrs.egress), "(absent)")
    planned     = !core::contains(["(unknown)", "(absent)", "(null)"], local.shown) && (core::contains(["create", "replace"], meta.operation) || local.shown != core::try(core::valuetostring(prior_attrs.egress), "(absent)"))
    sets_egress = local.planned || (local.configured == null ? false : core::contains(local.configured, "egress"))
    rules       = local.sets_egress ? attrs.egress : []

    cidrs = [for r in local.rules : core::concat(core::coalesce(r.cidr_blocks, []), core::coalesce(r.ipv6_cidr_blocks, []))]
    wide = [for i, r in local.rules : (
      core::anytrue([for c in local.cidrs[i] : core::try(core::endswith(c, "/0"), false)]) &&
      (core::contains(local.all_protocols, core::lower(core::tostring(r.protocol))) || (core::contains(local.port_protocols, core::lower(core::tostring(r.protocol))) && r.from_port == 0 && r.to_port == 65535))
    )]
    cidr_text = [for c in local.cidrs : core::valuetostring(c) == "(unknown)" ? "(unknown)" : core::join(", ", [for x in c : core::valuetostring(x)])]
    rule_text = [for i, r in local.rules : "egress[${i}] (protocol ${core::valuetostring(r.protocol)}, ports ${core::valuetostring(r.from_port)}-${core::valuetostring(r.to_port)}, to ${local.cidr_text[i]})"]
    wide_rules    = [for i, t in local.rule_text : t if local.wide[i]]
    pending_rules = [for i, t in local.rule_text : t if core::valuetostring(local.wide[i]) == "(unknown)"]
    rules_pending = core::valuetostring(local.rules) == "(unknown)"

    rules_message   = "egress is known only after apply, so whether it allows all traffic to the internet cannot be decided at plan time"
    pending_message = "${core::join("; ", local.pending_rules)}: values known only after apply decide whether all traffic to the internet is allowed"
    wide_message    = "${core::join("; ", local.wide_rules)} allows all traffic to the internet; allow only the ports and destinations the workload needs"
  }

  enforce {
    condition     = !core::anytrue(local.wide)
    error_message = "${meta.address}: ${local.rules_pending ? local.rules_message : (core::valuetostring(core::length(local.wide_rules)) == "(unknown)" ? local.pending_message : local.wide_message)}."
  }
}

resource_policy "aws_security_group_rule" "egress_rule" {
  enforcement_level = "advisory"
  filter            = attrs.type == "egress"

  locals {
    cidrs     = core::concat(core::coalesce(core::lookup(attrs, "cidr_blocks", null), []), core::coalesce(core::lookup(attrs, "ipv6_cidr_blocks", null), []))
    protocol  = core::lower(core::tostring(attrs.protocol))
    to_world  = core::anytrue([for c in local.cidrs : core::try(core::endswith(c, "/0"), false)])
    all_ports = core::contains(local.all_protocols, local.protocol) || (core::contains(local.port_protocols, local.protocol) && attrs.from_port == 0 && attrs.to_port == 65535)
    wide      = local.to_world && local.all_ports

    # The arguments known only after apply, for the message of an unknown verdict.
    pending = [for n in ["protocol", "from_port", "to_port", "cidr_blocks", "ipv6_cidr_blocks"] : n if core::try(core::strcontains(core::valuetostring(attrs[n]), "(unknown)"), false)]

    pending_message = "${core::join(", ", local.pending)} %{ if core::length(local.pending) == 1 }is%{ else }are%{ endif } known only after apply, so whether the rule allows all traffic to the internet cannot be decided at plan time"
    wide_message    = "egress rule (protocol ${attrs.protocol}, ports ${attrs.from_port}-${attrs.to_port}) to ${core::join(", ", local.cidrs)} allows all traffic to the internet; allow only the ports and destinations the workload needs"
  }

  enforce {
    condition     = !local.wide
    error_message = "${meta.address}: ${core::valuetostring(local.wide) == "(unknown)" ? local.pending_message : local.wide_message}."
  }
}

resource_policy "aws_vpc_security_group_egress_rule" "vpc_egress_rule" {
  enforcement_level = "advisory"

  locals {
    cidrs     = [for c in [core::try(attrs.cidr_ipv4, null), core::try(attrs.cidr_ipv6, null)] : c if c != null]
    protocol  = core::lower(core::tostring(attrs.ip_protocol))
    to_world  = core::anytrue([for c in local.cidrs : core::try(core::endswith(c, "/0"), false)])
    all_ports = core::contains(local.all_protocols, local.protocol) || (core::contains(local.port_protocols, local.protocol) && core::try(attrs.from_port == 0 && attrs.to_port == 65535, false))
    wide      = local.to_world && local.all_ports

    # The arguments known only after apply, for the message of an unknown verdict.
    pending = [for n in ["ip_protocol", "from_port", "to_port", "cidr_ipv4", "cidr_ipv6"] : n if core::try(core::valuetostring(attrs[n]), "") == "(unknown)"]

    pending_message = "${core::join(", ", local.pending)} %{ if core::length(local.pending) == 1 }is%{ else }are%{ endif } known only after apply, so whether the rule allows all traffic to the internet cannot be decided at plan time"
    wide_message    = "ip_protocol ${attrs.ip_protocol} to ${core::join(", ", local.cidrs)} allows all traffic to the internet; allow only the ports and destinations the workload needs"
  }

  enforce {
    condition     = !local.wide
    error_message = "${meta.address}: ${core::valuetostring(local.wide) == "(unknown)" ? local.pending_message : local.wide_message}."
  }
}
