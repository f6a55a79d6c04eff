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
  # Protocols that open every port, and those whose from/to ports are a range.
  all_protocols  = ["-1", "all"]
  port_protocols = ["tcp", "udp", "6", "17"]
  question       = "whether all traffic to the internet is allowed"
  advice         = "allow only the ports and destinations the workload needs"
  # The arguments of the rule resources that decide, named when known only after apply.
  rule_arguments     = ["protocol", "from_port", "to_port", "cidr_blocks", "ipv6_cidr_blocks"]
  vpc_rule_arguments = ["ip_protocol", "from_port", "to_port", "cidr_ipv4", "cidr_ipv6"]
}

# The three blocks below ask the same question of three resource types. A block's locals read
# its own `attrs`, so they cannot be shared; only the pure data above is.

resource_policy "aws_security_group" "inline_egress" {
  enforcement_level = "advisory"
  # Reads prior_attrs, so the list must be explicit: the default one, unchanged resources included.
  operations = ["create", "update", "no-op"]

  locals {
    # Which inline rules will exist, as in TFG-EC2-010: a known `egress` on a create, or one
    # that differs from the state, comes from the configuration even when its keys do not
    # record it. valuetostring shows an unknown value as "(unknown)".
    egress_text     = core::try(core::valuetostring(attrs.egress), "(absent)")
    egress_unknown  = local.egress_text == "(unknown)"
    egress_known    = !core::contains(["(unknown)", "(absent)", "(null)"], local.egress_text)
    new_or_changed  = core::contains(["create", "replace"], meta.operation) || local.egress_text != core::try(core::valuetostring(prior_attrs.egress), "(absent)")
    planned_here    = local.egress_known && local.new_or_changed
    # Unknown when the plan has no configuration.
    configured_here = core::contains(core::coalesce(core::try(meta.configured, null), []), "egress")
    # Rules not set here live in separate rule resources, judged by the blocks below.
    set_here = local.planned_here || local.configured_here
    rules    = local.set_here ? attrs.egress : []

    # Per rule: to the whole internet, on every port?
    targets     = [for r in local.rules : core::concat(core::coalesce(r.cidr_blocks, []), core::coalesce(r.ipv6_cidr_blocks, []))]
    target_text = [for t in local.targets : core::valuetostring(t) == "(unknown)" ? "(unknown)" : core::join(", ", [for c in t : core::valuetostring(c)])]
    protocols   = [for r in local.rules : core::lower(core::tostring(r.protocol))]
    rule_checks = [for i, r in local.rules : {
      to_internet = core::anytrue([for c in local.targets[i] : core::try(core::endswith(c, "/0"), false)])
      every_port = core::contains(local.all_protocols, local.protocols[i])
        || (core::contains(local.port_protocols, local.protocols[i]) && r.from_port == 0 && r.to_port == 65535)
    }]
    rule_wide = [for c in local.rule_checks : c.to_internet && c.every_port]

    allows_all_egress = core::anytrue(local.rule_wide)
    decided           = core::valuetostring(local.allows_all_egress) != "(unknown)"

    # Message parts. A rule's verdict as text keeps the lists known when other rules are not.
    texts = [for i, r in local.rules : core::format("egress[%d] (protocol %s, ports %s-%s, to %s)", i,
      core::valuetostring(r.protocol), core::valuetostring(r.from_port), core::valuetostring(r.to_port), local.target_text[i]
    )]
    rule_verdicts    = [for w in local.rule_wide : core::valuetostring(w)]
    wide_rules       = [for i, t in local.texts : t if local.rule_verdicts[i] == "true"]
    undecided_rules  = [for i, t in local.texts : t if local.rule_verdicts[i] == "(unknown)"]
    no_config_reason = "the plan has no configuration, so it cannot tell whether the unchanged egress rules are set on this group or come from separate rule resources (judged on their own)"
    unknown_reason = "${meta.address}: ${
      local.egress_unknown ? "egress is known only after apply, so ${local.question} cannot be decided at plan time" :
      core::valuetostring(local.set_here) == "(unknown)" ? local.no_config_reason :
      "${core::join("; ", local.undecided_rules)}: values known only after apply (shown as (unknown)) decide ${local.question}"
    }."
  }

  enforce {
    condition     = local.decided ? !local.allows_all_egress : tfgate::unknown(local.unknown_reason)
    error_message = "${meta.address}: ${core::join("; ", local.wide_rules)} allows all traffic to the internet; ${local.advice}."
  }
}

resource_policy "aws_security_group_rule" "egress_rule" {
  enforcement_level = "advisory"
  filter            = attrs.type == "egress"

  locals {
    targets     = core::concat(core::coalesce(core::lookup(attrs, "cidr_blocks", null), []), core::coalesce(core::lookup(attrs, "ipv6_cidr_blocks", null), []))
    protocol    = core::lower(core::tostring(attrs.protocol))
    to_internet = core::anytrue([for c in local.targets : core::try(core::endswith(c, "/0"), false)])
    every_port = core::contains(local.all_protocols, local.protocol)
      || (core::contains(local.port_protocols, local.protocol) && attrs.from_port == 0 && attrs.to_port == 65535)

    allows_all_egress = local.to_internet && local.every_port
    decided           = core::valuetostring(local.allows_all_egress) != "(unknown)"

    # Message parts: the arguments known only after apply, for an unknown verdict.
    unknown_names  = [for n in local.rule_arguments : n if core::try(core::strcontains(core::valuetostring(attrs[n]), "(unknown)"), false)]
    unknown_verb   = core::length(local.unknown_names) == 1 ? "is" : "are"
    unknown_reason = "${meta.address}: ${core::join(", ", local.unknown_names)} ${local.unknown_verb} known only after apply, so ${local.question} cannot be decided at plan time."
    rule_text      = "egress rule (protocol ${attrs.protocol}, ports ${attrs.from_port}-${attrs.to_port}) to ${core::join(", ", local.targets)}"
    # An unknown `type` leaves the filter undecided: the verdict is then unknown, and says why.
    if_egress = core::valuetostring(attrs.type) == "(unknown)" ? " if it is an egress rule (type is known only after apply)" : ""
  }

  enforce {
    condition     = local.decided ? !local.allows_all_egress : tfgate::unknown(local.unknown_reason)
    error_message = "${meta.address}: ${local.rule_text} allows all traffic to the internet${local.if_egress}; ${local.advice}."
  }
}

resource_policy "aws_vpc_security_group_egress_rule" "vpc_egress_rule" {
  enforcement_level = "advisory"

  locals {
    targets     = [for c in [core::try(attrs.cidr_ipv4, null), core::try(attrs.cidr_ipv6, null)] : c if c != null]
    protocol    = core::lower(core::tostring(attrs.ip_protocol))
    to_internet = core::anytrue([for c in local.targets : core::try(core::endswith(c, "/0"), false)])
    every_port = core::contains(local.all_protocols, local.protocol)
      || (core::contains(local.port_protocols, local.protocol) && core::try(attrs.from_port == 0 && attrs.to_port == 65535, false))

    allows_all_egress = local.to_internet && local.every_port
    decided           = core::valuetostring(local.allows_all_egress) != "(unknown)"

    # Message parts: the arguments known only after apply, for an unknown verdict.
    unknown_names  = [for n in local.vpc_rule_arguments : n if core::try(core::valuetostring(attrs[n]), "") == "(unknown)"]
    unknown_verb   = core::length(local.unknown_names) == 1 ? "is" : "are"
    unknown_reason = "${meta.address}: ${core::join(", ", local.unknown_names)} ${local.unknown_verb} known only after apply, so ${local.question} cannot be decided at plan time."
  }

  enforce {
    condition     = local.decided ? !local.allows_all_egress : tfgate::unknown(local.unknown_reason)
    error_message = "${meta.address}: ip_protocol ${attrs.ip_protocol} to ${core::join(", ", local.targets)} allows all traffic to the internet; ${local.advice}."
  }
}
