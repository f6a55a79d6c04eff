policy {
  tfgate {
    id       = "TFG-EC2-010"
    title    = "Security groups must not open administrative ports to the internet"
    severity = "high"
    controls = ["AWS FSBP EC2.13", "AWS FSBP EC2.14", "AWS FSBP EC2.53", "AWS FSBP EC2.54", "CIS AWS 5.2", "CIS AWS 5.3"]
    description = <<-EOT
      Rejects security group ingress rules that accept traffic from the whole internet
      (an IPv4 or IPv6 CIDR with prefix length 0, such as 0.0.0.0/0 or ::/0) on a remote
      administration port: SSH (22) and RDP (3389) by default, or the ports given in the
      `admin_ports` input. A port range that contains an administrative port counts, and so
      does a rule for all protocols (`-1`), which opens every port.

      Three resource types are judged, one policy block each: inline `ingress` blocks of
      `aws_security_group`, `aws_security_group_rule` with `type = "ingress"` (egress rules
      pass), and `aws_vpc_security_group_ingress_rule`. TCP (`tcp`, `6`), UDP (`udp`, `17`)
      and all-protocol rules are judged; ICMP "ports" are ICMP types and never match.
    EOT
    rationale = <<-EOT
      SSH and RDP give interactive control of a host. Ports open to 0.0.0.0/0 or ::/0 are
      found by internet-wide scanners within minutes and then face credential stuffing,
      brute force and exploits of the remote access service itself. Administrative access
      belongs behind a bastion, a VPN, AWS Systems Manager Session Manager or EC2 Instance
      Connect Endpoint, or at least a narrow source CIDR. AWS Security Hub reports the same
      exposure as EC2.13 (22), EC2.14 (3389) and EC2.53/EC2.54 (administration ports from
      IPv4/IPv6), the CIS AWS Foundations Benchmark as 5.2 and 5.3.
    EOT
    violating_example = <<-EOT
      resource "aws_security_group" "bastion" {
        name   = "bastion"
        vpc_id = aws_vpc.main.id

        ingress {
          description = "SSH"
          protocol    = "tcp"
          from_port   = 22
          to_port     = 22
          cidr_blocks = ["0.0.0.0/0"]
        }
      }

      resource "aws_vpc_security_group_ingress_rule" "rdp" {
        security_group_id = aws_security_group.jump.id
        ip_protocol       = "tcp"
        from_port         = 3380
        to_port           = 3390          # the range contains 3389
        cidr_ipv6         = "::/0"
      }
    EOT
    compliant_example = <<-EOT
      resource "aws_security_group" "bastion" {
        name   = "bastion"
        vpc_id = aws_vpc.main.id

        ingress {
          description = "SSH from the corporate network"
          protocol    = "tcp"
          from_port   = 22
          to_port     = 22
          cidr_blocks = ["10.0.0.0/8"]
        }

        ingress {
          description = "HTTPS from anywhere"
          protocol    = "tcp"
          from_port   = 443
          to_port     = 443
          cidr_blocks = ["0.0.0.0/0"]
        }
      }
    EOT
    unknown_values = <<-EOT
      A rule whose protocol and ports are known not to reach an administrative port passes
      whatever its CIDRs. When it does reach one and a CIDR is known only after apply (for
      example `"$${aws_eip.nat.public_ip}/32"`), the verdict is unknown. The rules
      judged are the ones the plan shows: an `ingress` known at plan time on a created group,
      or one that differs from the state, is judged even when the plan's configuration does
      not record it (block syntax before Terraform 1.1, `dynamic` blocks). An
      `aws_security_group` that does not set `ingress` (its rules are managed by separate
      rule resources, which are judged on their own) passes, although the computed `ingress`
      attribute is unknown at plan time; `ingress` set to a value known only after apply, or
      unknown in a plan without a configuration, is unknown. Limit: a set of rules holding a
      value known only after apply is wholly unknown in the plan, so block-syntax or
      `dynamic` rules with unknown values look unset and pass.
    EOT
    references = [
      "https://docs.aws.amazon.com/securityhub/latest/userguide/ec2-controls.html#ec2-13",
      "https://docs.aws.amazon.com/securityhub/latest/userguide/ec2-controls.html#ec2-14",
      "https://docs.aws.amazon.com/securityhub/latest/userguide/ec2-controls.html#ec2-53",
      "https://docs.aws.amazon.com/securityhub/latest/userguide/ec2-controls.html#ec2-54",
      "https://docs.aws.amazon.com/vpc/latest/userguide/security-group-rules.html",
      "https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/security-group-rules-reference.html",
      "https://www.cisecurity.org/benchmark/amazon_web_services",
    ]
  }
}

input "admin_ports" {
  type        = list(number)
  default     = [22, 3389]
  description = "Remote administration ports that must not be reachable from 0.0.0.0/0 or ::/0."
}

locals {
  # Protocols that open every port, and those whose from/to ports are a range (ICMP's are
  # types and codes, never ports).
  all_protocols  = ["-1", "all"]
  port_protocols = ["tcp", "udp", "6", "17"]
  admin_list     = core::join(", ", [for p in input.admin_ports : core::tostring(p)])
  question       = "whether the internet can reach administrative ports (${local.admin_list})"
  advice         = "restrict the source CIDR or use a bastion, VPN or Session Manager"
  # The arguments of the rule resources that decide, named when known only after apply.
  rule_arguments     = ["type", "protocol", "from_port", "to_port", "cidr_blocks", "ipv6_cidr_blocks"]
  vpc_rule_arguments = ["ip_protocol", "from_port", "to_port", "cidr_ipv4", "cidr_ipv6"]
}

# The three blocks below ask the same questions of three resource types. A block's locals read
# its own `attrs`, so they cannot be shared; only the pure data above is.

# Inline ingress blocks of aws_security_group.
resource_policy "aws_security_group" "inline_ingress" {
  enforcement_level = "mandatory"
  # Reads prior_attrs, so the list must be explicit: the default one, unchanged resources included.
  operations = ["create", "update", "no-op"]

  locals {
    # Which inline rules will exist. The configuration's keys only explain: Terraform before
    # 1.1 does not record block-syntax `ingress { }` there and no version records `dynamic`
    # blocks, but a known planned value on a create, or one that differs from the state, can
    # only come from the configuration. valuetostring shows an unknown value as "(unknown)".
    ingress_text    = core::try(core::valuetostring(attrs.ingress), "(absent)")
    ingress_unknown = local.ingress_text == "(unknown)"
    ingress_known   = !core::contains(["(unknown)", "(absent)", "(null)"], local.ingress_text)
    new_or_changed  = core::contains(["create", "replace"], meta.operation) || local.ingress_text != core::try(core::valuetostring(prior_attrs.ingress), "(absent)")
    planned_here    = local.ingress_known && local.new_or_changed
    # Unknown when the plan has no configuration.
    configured_here = core::contains(core::coalesce(core::try(meta.configured, null), []), "ingress")
    # Rules not set here live in separate rule resources, judged by the blocks below.
    set_here = local.planned_here || local.configured_here
    rules    = local.set_here ? attrs.ingress : []

    # Per rule: does it come from the whole internet, and does it reach an administrative port?
    sources     = [for r in local.rules : core::concat(core::coalesce(r.cidr_blocks, []), core::coalesce(r.ipv6_cidr_blocks, []))]
    source_text = [for s in local.sources : core::valuetostring(s) == "(unknown)" ? "(unknown)" : core::join(", ", [for c in s : core::valuetostring(c)])]
    protocols   = [for r in local.rules : core::lower(core::tostring(r.protocol))]
    rule_checks = [for i, r in local.rules : {
      from_internet = core::anytrue([for c in local.sources[i] : core::try(core::endswith(c, "/0"), false)])
      every_port    = core::contains(local.all_protocols, local.protocols[i])
      admin_port = core::contains(local.port_protocols, local.protocols[i])
        && core::anytrue([for p in input.admin_ports : r.from_port <= p && p <= r.to_port])
      text = core::format("ingress[%d] (protocol %s, ports %s-%s, from %s)", i,
        core::valuetostring(r.protocol), core::valuetostring(r.from_port), core::valuetostring(r.to_port), local.source_text[i]
      )
    }]
    rule_opens = [for c in local.rule_checks : c.from_internet && (c.every_port || c.admin_port)]

    opens_admin_port = core::anytrue(local.rule_opens)
    decided          = core::valuetostring(local.opens_admin_port) != "(unknown)"

    # Message parts. A rule's verdict as text ("true", "false", "(unknown)") keeps the lists
    # known when other rules are not.
    rule_verdicts   = [for o in local.rule_opens : core::valuetostring(o)]
    open_rules      = [for i, c in local.rule_checks : c.text if local.rule_verdicts[i] == "true"]
    undecided_rules = [for i, c in local.rule_checks : c.text if local.rule_verdicts[i] == "(unknown)"]
    no_config_reason = "the plan has no configuration, so it cannot tell whether the unchanged ingress rules are set on this group or come from separate rule resources (judged on their own)"
    unknown_reason = "${meta.address}: ${
      local.ingress_unknown ? "ingress is known only after apply, so ${local.question} cannot be decided at plan time" :
      core::valuetostring(local.set_here) == "(unknown)" ? local.no_config_reason :
      "${core::join("; ", local.undecided_rules)}: values known only after apply (shown as (unknown)) decide ${local.question}"
    }"
  }

  enforce {
    condition     = local.decided ? !local.opens_admin_port : tfgate::unknown(local.unknown_reason)
    error_message = "${meta.address}: ${core::join("; ", local.open_rules)} allows the internet to reach administrative ports (${local.admin_list}); ${local.advice}."
  }
}

# aws_security_group_rule (only type = "ingress" is judged; egress passes).
resource_policy "aws_security_group_rule" "ingress_rule" {
  enforcement_level = "mandatory"

  locals {
    is_ingress    = attrs.type == "ingress"
    sources       = core::concat(core::coalesce(core::lookup(attrs, "cidr_blocks", null), []), core::coalesce(attrs.ipv6_cidr_blocks, []))
    from_internet = core::anytrue([for c in local.sources : core::try(core::endswith(c, "/0"), false)])
    protocol      = core::lower(core::tostring(attrs.protocol))
    every_port    = core::contains(local.all_protocols, local.protocol)
    admin_port = core::contains(local.port_protocols, local.protocol)
      && core::anytrue([for p in input.admin_ports : attrs.from_port <= p && p <= attrs.to_port])

    opens_admin_port = local.is_ingress && local.from_internet && (local.every_port || local.admin_port)
    decided          = core::valuetostring(local.opens_admin_port) != "(unknown)"

    # Message parts; for an unknown verdict, the arguments known only after apply.
    rule_text      = "ingress rule (protocol ${attrs.protocol}, ports ${attrs.from_port}-${attrs.to_port}) from cidr_blocks/ipv6_cidr_blocks ${core::jsonencode(local.sources)}"
    unknown_names  = [for n in local.rule_arguments : n if core::strcontains(core::try(core::valuetostring(attrs[n]), ""), "(unknown)")]
    unknown_verb   = core::length(local.unknown_names) == 1 ? "is" : "are"
    unknown_reason = "${meta.address}: ${core::join(", ", local.unknown_names)} ${local.unknown_verb} known only after apply, so ${local.question} cannot be decided at plan time"
  }

  enforce {
    condition     = local.decided ? !local.opens_admin_port : tfgate::unknown(local.unknown_reason)
    error_message = "${meta.address}: ${local.rule_text} allows the internet to reach administrative ports (${local.admin_list})."
  }
}

# aws_vpc_security_group_ingress_rule: one CIDR per rule.
resource_policy "aws_vpc_security_group_ingress_rule" "vpc_ingress_rule" {
  enforcement_level = "mandatory"

  locals {
    sources       = core::compact([attrs.cidr_ipv4, attrs.cidr_ipv6])
    from_internet = core::anytrue([for c in local.sources : core::try(core::endswith(c, "/0"), false)])
    protocol      = core::lower(core::tostring(attrs.ip_protocol))
    every_port    = core::contains(local.all_protocols, local.protocol)
    admin_port = core::contains(local.port_protocols, local.protocol)
      && core::anytrue([for p in input.admin_ports : attrs.from_port <= p && p <= attrs.to_port])

    opens_admin_port = local.from_internet && (local.every_port || local.admin_port)
    decided          = core::valuetostring(local.opens_admin_port) != "(unknown)"

    # Message parts: the arguments known only after apply, for an unknown verdict.
    unknown_names  = [for n in local.vpc_rule_arguments : n if core::try(core::valuetostring(attrs[n]), "") == "(unknown)"]
    unknown_verb   = core::length(local.unknown_names) == 1 ? "is" : "are"
    unknown_reason = "${meta.address}: ${core::join(", ", local.unknown_names)} ${local.unknown_verb} known only after apply, so ${local.question} cannot be decided at plan time"
    ports          = attrs.from_port == null ? "all" : "${attrs.from_port}-${attrs.to_port}"
    rule_text      = "ingress rule (ip_protocol ${attrs.ip_protocol}, ports ${local.ports}) from ${core::join(", ", local.sources)}"
  }

  enforce {
    condition     = local.decided ? !local.opens_admin_port : tfgate::unknown(local.unknown_reason)
    error_message = "${meta.address}: ${local.rule_text} allows the internet to reach administrative ports (${local.admin_list})."
  }
}
