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
  all_protocols  = ["-1", "all"]
  port_protocols = ["tcp", "udp", "6", "17"]
  admin_list     = core::join(", ", [for p in input.admin_ports : core::tostring(p)])
}

# Inline ingress blocks of aws_security_group.
resource_policy "aws_security_group" "inline_ingress" {
  enforcement_level = "mandatory"
  # Reads prior_attrs, so the list must be explicit: the default one, unchanged resources included.
  operations        = ["create", "update", "no-op"]

  locals {
    # Which inline rules the plan says will exist. The configuration's keys are only an
    # explanation: Terraform before 1.1 does not record block-syntax `ingress { }` there,
    # and no version records `dynamic` blocks. A known planned value on a create (or one
    # that differs from the state) can only come from the configuration, so it is judged.
    # valuetostring renders a value known only after apply as "(unknown)".
    configured   = core::try(meta.configured, null)
    launched     = core::contains(["create", "replace"], meta.operation)
    ingress_text = core::try(core::valuetostring(attrs.ingress), "(absent)")
    prior_text   = core::try(core::valuetostring(prior_attrs.ingress), "(absent)")
    planned      = !core::contains(["(unknown)", "(absent)", "(null)"], local.ingress_text) && (local.launched || local.ingress_text != local.prior_text)
    # Unset and not planned: the rules live in separate resources, judged on their own.
    # Without a configuration in the plan an unknown `ingress` stays unknown.
    judged_rules = local.planned || (local.configured == null ? false : core::contains(local.configured, "ingress"))
    # Known even when the verdict is not: messages branch on it.
    configured_text = core::valuetostring(local.configured)
    rules_unknown = local.ingress_text == "(unknown)" && !local.planned && (
      local.configured_text == "(unknown)" ? true : (local.configured_text == "(null)" ? false : core::contains(local.configured, "ingress"))
    )
    rules         = local.judged_rules ? attrs.ingress : []
    # Each rule's sources as text, "(unknown)" for a value known only after apply.
    cidr_text = [for r in local.rules : (
      core::valuetostring(core::concat(core::coalesce(r.cidr_blocks, []), core::coalesce(r.ipv6_cidr_blocks, []))) == "(unknown)" ? "(unknown)" :
      core::join(", ", [for c in core::concat(core::coalesce(r.cidr_blocks, []), core::coalesce(r.ipv6_cidr_blocks, [])) : core::valuetostring(c)])
    )]
    judged = [for i, r in local.rules : {
      index = i
      world = core::anytrue([
        for c in core::concat(core::coalesce(r.cidr_blocks, []), core::coalesce(r.ipv6_cidr_blocks, [])) :
        core::try(core::endswith(c, "/0"), false)
      ])
      all_ports = core::contains(local.all_protocols, core::lower(core::tostring(r.protocol)))
      admin_ports = [
        for p in input.admin_ports : p
        if (core::contains(local.port_protocols, core::lower(core::tostring(r.protocol))) ? r.from_port <= p && p <= r.to_port : false)
      ]
      text = "ingress[${i}] (protocol ${core::valuetostring(r.protocol)}, ports ${core::valuetostring(r.from_port)}-${core::valuetostring(r.to_port)}, from ${local.cidr_text[i]})"
    }]
    # A rule opens an administrative port to the internet.
    opens = [for j in local.judged : j.world && (j.all_ports || core::length(j.admin_ports) > 0)]
    open  = [for i, j in local.judged : j.text if local.opens[i]]
    # For an unknown verdict: the rules whose values are known only after apply.
    undecided = [for i, j in local.judged : j.text if core::valuetostring(local.opens[i]) == "(unknown)"]
    waits     = core::length(local.undecided) > 0 && core::valuetostring(core::length(local.open)) == "(unknown)"

    rules_message     = "ingress is known only after apply, so whether it opens administrative ports (${local.admin_list}) to the internet cannot be decided at plan time"
    undecided_message = "${core::join("; ", local.undecided)}: values known only after apply (shown as (unknown)) decide whether the internet can reach administrative ports (${local.admin_list})"
    open_message      = "${core::join("; ", local.open)} allows the internet to reach administrative ports (${local.admin_list}); restrict the source CIDR or use a bastion, VPN or Session Manager."
  }

  enforce {
    condition     = !core::anytrue(local.opens)
    error_message = "${meta.address}: ${local.rules_unknown ? local.rules_message : (local.waits ? local.undecided_message : local.open_message)}"
  }
}

# aws_security_group_rule (only type = "ingress" is judged; egress passes).
resource_policy "aws_security_group_rule" "ingress_rule" {
  enforcement_level = "mandatory"

  locals {
    cidrs       = core::concat(core::coalesce(core::lookup(attrs, "cidr_blocks", null), []), core::coalesce(attrs.ipv6_cidr_blocks, []))
    world       = core::anytrue([for c in local.cidrs : core::try(core::endswith(c, "/0"), false)])
    protocol    = core::lower(core::tostring(attrs.protocol))
    all_ports   = core::contains(local.all_protocols, local.protocol)
    admin_ports = [for p in input.admin_ports : p if (core::contains(local.port_protocols, local.protocol) ? attrs.from_port <= p && p <= attrs.to_port : false)]
    reaches     = local.all_ports || core::length(local.admin_ports) > 0
    # The arguments known only after apply, for the message of an unknown verdict.
    unknown_names = [for p in [["type", core::try(core::valuetostring(attrs.type), "")], ["protocol", core::try(core::valuetostring(attrs.protocol), "")], ["from_port", core::try(core::valuetostring(attrs.from_port), "")], ["to_port", core::try(core::valuetostring(attrs.to_port), "")], ["cidr_blocks", core::try(core::valuetostring(core::lookup(attrs, "cidr_blocks", null)), "")], ["ipv6_cidr_blocks", core::try(core::valuetostring(attrs.ipv6_cidr_blocks), "")]] : p[0] if core::strcontains(p[1], "(unknown)")]

    closed = attrs.type != "ingress" || !(local.world && local.reaches)
    waits  = core::length(local.unknown_names) > 0 && core::valuetostring(local.closed) == "(unknown)"

    unknown_message = "${core::join(", ", local.unknown_names)} %{ if core::length(local.unknown_names) == 1 }is%{ else }are%{ endif } known only after apply, so whether the internet can reach administrative ports (${local.admin_list}) cannot be decided at plan time"
    open_message    = "ingress rule (protocol ${attrs.protocol}, ports ${attrs.from_port}-${attrs.to_port}) from cidr_blocks/ipv6_cidr_blocks ${core::jsonencode(local.cidrs)} allows the internet to reach administrative ports (${local.admin_list})."
  }

  enforce {
    condition     = local.closed
    error_message = "${meta.address}: ${local.waits ? local.unknown_message : local.open_message}"
  }
}

# aws_vpc_security_group_ingress_rule: one CIDR per rule.
resource_policy "aws_vpc_security_group_ingress_rule" "vpc_ingress_rule" {
  enforcement_level = "mandatory"

  locals {
    cidrs       = core::concat(attrs.cidr_ipv4 == null ? [] : [attrs.cidr_ipv4], attrs.cidr_ipv6 == null ? [] : [attrs.cidr_ipv6])
    world       = core::anytrue([for c in local.cidrs : core::try(core::endswith(c, "/0"), false)])
    protocol    = core::lower(core::tostring(attrs.ip_protocol))
    all_ports   = core::contains(local.all_protocols, local.protocol)
    admin_ports = [for p in input.admin_ports : p if (core::contains(local.port_protocols, local.protocol) ? attrs.from_port <= p && p <= attrs.to_port : false)]
    reaches     = local.all_ports || core::length(local.admin_ports) > 0
    # The arguments known only after apply, for the message of an unknown verdict.
    unknown_names = [for p in [["ip_protocol", core::try(core::valuetostring(attrs.ip_protocol), "")], ["from_port", core::try(core::valuetostring(attrs.from_port), "")], ["to_port", core::try(core::valuetostring(attrs.to_port), "")], ["cidr_ipv4", core::try(core::valuetostring(attrs.cidr_ipv4), "")], ["cidr_ipv6", core::try(core::valuetostring(attrs.cidr_ipv6), "")]] : p[0] if core::strcontains(p[1], "(unknown)")]

    closed = !(local.world && local.reaches)
    waits  = core::length(local.unknown_names) > 0 && core::valuetostring(local.closed) == "(unknown)"

    unknown_message = "${core::join(", ", local.unknown_names)} %{ if core::length(local.unknown_names) == 1 }is%{ else }are%{ endif } known only after apply, so whether the internet can reach administrative ports (${local.admin_list}) cannot be decided at plan time"
    open_message    = "ingress rule (ip_protocol ${attrs.ip_protocol}, ports ${attrs.from_port == null ? "all" : "${attrs.from_port}-${attrs.to_port}"}) from ${core::join(", ", local.cidrs)} allows the internet to reach administrative ports (${local.admin_list})."
  }

  enforce {
    condition     = local.closed
    error_message = "${meta.address}: ${local.waits ? local.unknown_message : local.open_message}"
  }
}
