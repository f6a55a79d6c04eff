# TFG-EC2-014: network ACLs do not let the internet reach remote administration ports.

policy {
  tfgate {
    id       = "TFG-EC2-014"
    title    = "Network ACLs must not allow ingress from the internet to administrative ports"
    severity = "medium"
    controls = ["AWS FSBP EC2.21", "CIS AWS 5.1"]

    description = <<-EOT
      Rejects network ACL ingress rules that allow traffic from `0.0.0.0/0` or `::/0` to a
      remote administration port (input `admin_ports`, default 22 and 3389), with protocol
      `-1` (all) or TCP/UDP over a port range that covers the port:

      - inline `ingress` blocks of `aws_network_acl` and `aws_default_network_acl`;
      - `aws_network_acl_rule` with `egress = false`.

      Network ACLs evaluate rules in order of `rule_no` and stop at the first match, so an
      allow rule is not reported for a port that a lower-numbered `deny` rule of the same
      ACL already refuses to the same whole address family (`0.0.0.0/0` for IPv4, `::/0`
      for IPv6) and protocol. For `aws_network_acl_rule`, the other rules of the ACL are the
      `aws_network_acl_rule` resources whose `network_acl_id` refers to the same ACL in the
      configuration; inline rules of that ACL are not combined with separate rules (the
      provider documents mixing them as a conflict).
    EOT

    rationale = <<-EOT
      SSH and RDP exposed to the whole internet are brute-forced within minutes of an
      address going live, and every vulnerability in their servers becomes remotely
      exploitable. Network ACLs are the subnet-wide layer of defence: a rule that allows
      administration ports from anywhere leaves the instances of the subnet protected only
      by their security groups. Administration belongs behind Session Manager, a VPN or a
      bastion reachable from known ranges. AWS Security Hub EC2.21 and CIS AWS Foundations
      5.1 require network ACLs not to allow ingress from 0.0.0.0/0 to ports 22 or 3389.

      A deliberate difference from checks that flag every such allow rule: a rule shadowed
      for a port by a lower-numbered deny of the whole address family passes for that port,
      because AWS never reaches it.
    EOT

    violating_example = <<-EOT
      resource "aws_network_acl" "public" {
        vpc_id = aws_vpc.main.id

        ingress {
          rule_no    = 100
          protocol   = "tcp"
          action     = "allow"
          cidr_block = "0.0.0.0/0"
          from_port  = 22
          to_port    = 22
        }
      }
    EOT

    compliant_example = <<-EOT
      resource "aws_network_acl_rule" "ssh_from_office" {
        network_acl_id = aws_network_acl.public.id
        rule_number    = 100
        egress         = false
        protocol       = "tcp"
        rule_action    = "allow"
        cidr_block     = "198.51.100.0/24"
        from_port      = 22
        to_port        = 22
      }
    EOT

    unknown_values = <<-EOT
      A protocol, port, CIDR, action or rule number known only after apply makes the verdict
      unknown, unless the known parts already decide. An `aws_network_acl` whose
      configuration does not set `ingress` has no inline rules to judge (its rules are
      separate `aws_network_acl_rule` resources, judged on their own): it passes. Rules the
      plan shows but the configuration does not record (block syntax before Terraform 1.1,
      `dynamic` blocks) are judged: a known `ingress` on a create, or one that differs from
      the state.
    EOT

    references = [
      "https://docs.aws.amazon.com/securityhub/latest/userguide/ec2-controls.html#ec2-21",
      "https://docs.aws.amazon.com/vpc/latest/userguide/vpc-network-acls.html",
      "https://docs.aws.amazon.com/config/latest/developerguide/nacl-no-unrestricted-ssh-rdp.html",
      "https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/network_acl",
      "https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/network_acl_rule",
    ]
  }
}

input "admin_ports" {
  type        = list(number)
  default     = [22, 3389]
  description = "Remote administration ports that network ACLs must not open to 0.0.0.0/0 or ::/0."
}

locals {
  # Protocol names and numbers, normalised to the numbers AWS reports; TCP and UDP match port
  # ranges, protocol -1 matches every port.
  protocol_numbers = { tcp = "6", udp = "17", all = "-1" }
  port_protocols   = ["6", "17"]
  admin_list       = core::join(", ", [for p in input.admin_ports : core::tostring(p)])
  question         = "whether the internet can reach administrative ports (${local.admin_list})"
  advice           = "only from known ranges, or use Session Manager or a VPN"
  # The arguments of aws_network_acl_rule that decide, named when known only after apply.
  rule_arguments = ["rule_number", "rule_action", "protocol", "from_port", "to_port", "cidr_block", "ipv6_cidr_block"]
}

# The three blocks below repeat one judgement: a block's locals read its own `attrs` (and the
# rule arguments are named differently on aws_network_acl_rule), so only the pure data above
# can be shared. Network ACLs stop at the first matching rule by number, so an allow rule
# reaches a port only when no lower-numbered deny of the same protocol (or all) and the same
# whole address family refuses it first.

resource_policy "aws_network_acl" "acl_ingress" {
  enforcement_level = "mandatory"
  # Reads prior_attrs, so the list must be explicit: the default one, unchanged resources included.
  operations = ["create", "update", "no-op"]

  locals {
    # Which inline rules will exist, as in TFG-EC2-010: a known `ingress` on a create, or one
    # that differs from the state, comes from the configuration even when its keys do not
    # record it. valuetostring shows an unknown value as "(unknown)".
    ingress_text    = core::try(core::valuetostring(attrs.ingress), "(absent)")
    ingress_unknown = local.ingress_text == "(unknown)"
    ingress_known   = !core::contains(["(unknown)", "(absent)", "(null)"], local.ingress_text)
    new_or_changed  = core::contains(["create", "replace"], meta.operation) || local.ingress_text != core::try(core::valuetostring(prior_attrs.ingress), "(absent)")
    planned_here    = local.ingress_known && local.new_or_changed
    # Unknown when the plan has no configuration.
    configured_here = core::contains(core::coalesce(core::try(meta.configured, null), []), "ingress")
    # Rules not set here are aws_network_acl_rule resources, judged by the last block.
    set_here = local.planned_here || local.configured_here
    inline   = local.set_here ? attrs.ingress : []

    rules = [for r in local.inline : {
      number   = r.rule_no
      allow    = core::lower(r.action) == "allow"
      protocol = core::lookup(local.protocol_numbers, core::lower(core::tostring(r.protocol)), core::lower(core::tostring(r.protocol)))
      ipv4_any = core::try(core::endswith(r.cidr_block, "/0"), false)
      ipv6_any = core::try(core::endswith(r.ipv6_cidr_block, "/0"), false)
      from     = r.from_port
      to       = r.to_port
      source   = core::try(core::coalesce(r.cidr_block, r.ipv6_cidr_block), "(no CIDR)")
    }]
    # The administrative ports each rule matches: all for protocol -1, those in range for TCP and UDP.
    ports = [for r in local.rules : [for p in input.admin_ports : p if r.protocol == "-1"
      || (core::contains(local.port_protocols, r.protocol) && r.from <= p && p <= r.to)
    ]]
    # The ports each rule opens: allowed from a whole address family, and not refused first by a
    # lower-numbered deny of the same protocol (or all) and the same family.
    reachable = [for i, a in local.rules : [for p in local.ports[i] : p if a.allow && (a.ipv4_any || a.ipv6_any) && !core::anytrue([
      for j, d in local.rules : !d.allow && d.number < a.number && core::contains(local.ports[j], p)
      && (d.protocol == "-1" || d.protocol == a.protocol) && ((a.ipv4_any && d.ipv4_any) || (a.ipv6_any && d.ipv6_any))
    ])]]

    opens_admin_port = core::anytrue([for r in local.reachable : core::length(r) > 0])
    decided          = core::valuetostring(local.opens_admin_port) != "(unknown)"

    # Message parts. A rule's verdict as text keeps the lists known when other rules are not.
    texts = [for r in local.rules : core::format("ingress rule %s (protocol %s, ports %s-%s, from %s)",
      [for v in [r.number, r.protocol, r.from, r.to, r.source] : core::valuetostring(v)]...
    )]
    rule_verdicts = [for r in local.reachable : core::valuetostring(core::length(r) > 0)]
    open_rules    = [for i, t in local.texts : "${t} reaches port ${core::join(", ", local.reachable[i])}" if local.rule_verdicts[i] == "true"]
    undecided_rules = [for i, t in local.texts : t if local.rule_verdicts[i] == "(unknown)"]
    rules_elsewhere  = "come from aws_network_acl_rule resources (judged on their own)"
    no_config_reason = "the plan has no configuration, so it cannot tell whether the unchanged ingress rules are set on this ACL or ${local.rules_elsewhere}"
    unknown_reason = "${meta.address}: ${
      local.ingress_unknown ? "ingress is known only after apply, so ${local.question} cannot be decided at plan time" :
      core::valuetostring(local.set_here) == "(unknown)" ? local.no_config_reason :
      "${core::join("; ", local.undecided_rules)}: values known only after apply (shown as (unknown)) decide ${local.question}"
    }."
  }

  enforce {
    condition     = local.decided ? !local.opens_admin_port : tfgate::unknown(local.unknown_reason)
    error_message = "${meta.address}: ${core::join("; ", local.open_rules)}: the internet can reach administrative ports; allow them ${local.advice}."
  }
}

resource_policy "aws_default_network_acl" "default_acl_ingress" {
  enforcement_level = "mandatory"

  locals {
    # The default ACL keeps only the rules its configuration sets. (Not coalesce: it makes a list
    # with one unknown value wholly unknown, hiding a known open rule.)
    inline = core::contains(["(null)", "(absent)"], core::try(core::valuetostring(attrs.ingress), "(absent)")) ? [] : attrs.ingress

    rules = [for r in local.inline : {
      number   = r.rule_no
      allow    = core::lower(r.action) == "allow"
      protocol = core::lookup(local.protocol_numbers, core::lower(core::tostring(r.protocol)), core::lower(core::tostring(r.protocol)))
      ipv4_any = core::try(core::endswith(r.cidr_block, "/0"), false)
      ipv6_any = core::try(core::endswith(r.ipv6_cidr_block, "/0"), false)
      from     = r.from_port
      to       = r.to_port
      source   = core::try(core::coalesce(r.cidr_block, r.ipv6_cidr_block), "(no CIDR)")
    }]
    # The administrative ports each rule matches: all for protocol -1, those in range for TCP and UDP.
    ports = [for r in local.rules : [for p in input.admin_ports : p if r.protocol == "-1"
      || (core::contains(local.port_protocols, r.protocol) && r.from <= p && p <= r.to)
    ]]
    # The ports each rule opens: allowed from a whole address family, and not refused first by a
    # lower-numbered deny of the same protocol (or all) and the same family.
    reachable = [for i, a in local.rules : [for p in local.ports[i] : p if a.allow && (a.ipv4_any || a.ipv6_any) && !core::anytrue([
      for j, d in local.rules : !d.allow && d.number < a.number && core::contains(local.ports[j], p)
      && (d.protocol == "-1" || d.protocol == a.protocol) && ((a.ipv4_any && d.ipv4_any) || (a.ipv6_any && d.ipv6_any))
    ])]]

    opens_admin_port = core::anytrue([for r in local.reachable : core::length(r) > 0])
    decided          = core::valuetostring(local.opens_admin_port) != "(unknown)"

    # Message parts, as above; the reason names the values not known from `attrs.ingress`.
    texts = [for r in local.rules : core::format("ingress rule %s (protocol %s, ports %s-%s, from %s)",
      [for v in [r.number, r.protocol, r.from, r.to, r.source] : core::valuetostring(v)]...
    )]
    rule_verdicts = [for r in local.reachable : core::valuetostring(core::length(r) > 0)]
    open_rules    = [for i, t in local.texts : "${t} reaches port ${core::join(", ", local.reachable[i])}" if local.rule_verdicts[i] == "true"]
    unknown_values = core::try(core::valuetostring(attrs.ingress), "") == "(unknown)" ? ["ingress"] : core::flatten([
      for i, r in attrs.ingress : [for k, v in r : "ingress[${i}].${k}" if core::valuetostring(v) == "(unknown)"]
    ])
    unknown_verb   = core::length(local.unknown_values) == 1 ? "is" : "are"
    unknown_reason = "${meta.address}: ${core::join(", ", local.unknown_values)} ${local.unknown_verb} known only after apply, so ${local.question} cannot be decided at plan time."
  }

  enforce {
    condition     = local.decided ? !local.opens_admin_port : tfgate::unknown(local.unknown_reason)
    error_message = "${meta.address}: ${core::join("; ", local.open_rules)}: the internet can reach administrative ports; allow them ${local.advice}."
  }
}

resource_policy "aws_network_acl_rule" "acl_rule" {
  enforcement_level = "mandatory"
  filter            = attrs.egress == false

  locals {
    # This rule first, then the other ingress rules of the same ACL (by configuration reference).
    acl = [for r in tfgate::referenced("network_acl_id") : r.address]
    siblings = [for s in tfgate::resources("aws_network_acl_rule") : s.attrs if s.address != meta.address
      && core::try(s.attrs.egress, null) == false && core::length(local.acl) > 0
      && core::anytrue([for a in tfgate::referenced("network_acl_id", s.address) : core::contains(local.acl, a.address)])
    ]
    acl_rules = core::concat([attrs], local.siblings)

    rules = [for r in local.acl_rules : {
      number   = r.rule_number
      allow    = core::lower(r.rule_action) == "allow"
      protocol = core::lookup(local.protocol_numbers, core::lower(core::tostring(r.protocol)), core::lower(core::tostring(r.protocol)))
      ipv4_any = core::try(core::endswith(r.cidr_block, "/0"), false)
      ipv6_any = core::try(core::endswith(r.ipv6_cidr_block, "/0"), false)
      from     = core::try(r.from_port, null)
      to       = core::try(r.to_port, null)
      source   = core::try(core::coalesce(r.cidr_block, r.ipv6_cidr_block), "(no CIDR)")
    }]
    # As in the blocks above, for this rule only.
    ports = [for r in local.rules : [for p in input.admin_ports : p if r.protocol == "-1"
      || (core::contains(local.port_protocols, r.protocol) && r.from <= p && p <= r.to)
    ]]
    this = local.rules[0]
    reachable = [for p in local.ports[0] : p if local.this.allow && (local.this.ipv4_any || local.this.ipv6_any) && !core::anytrue([
      for j, d in local.rules : !d.allow && d.number < local.this.number && core::contains(local.ports[j], p)
      && (d.protocol == "-1" || d.protocol == local.this.protocol) && ((local.this.ipv4_any && d.ipv4_any) || (local.this.ipv6_any && d.ipv6_any))
    ])]

    opens_admin_port = core::length(local.reachable) > 0
    decided          = core::valuetostring(local.opens_admin_port) != "(unknown)"

    # Message parts: the arguments known only after apply, for an unknown verdict.
    unknown_names = [for n in local.rule_arguments : n if core::try(core::valuetostring(attrs[n]), "") == "(unknown)"]
    unknown_what = (
      core::length(local.unknown_names) == 0 ? "values of another rule of the ACL are" :
      "${core::join(", ", local.unknown_names)} ${core::length(local.unknown_names) == 1 ? "is" : "are"}"
    )
    unknown_reason = "${meta.address}: ${local.unknown_what} known only after apply, so ${local.question} cannot be decided at plan time."
    port_range     = local.this.from == null ? "all" : "${local.this.from}-${local.this.to}"
    this_text      = "ingress rule ${local.this.number} (protocol ${local.this.protocol}, ports ${local.port_range}, from ${local.this.source})"
    # An unknown `egress` leaves the filter undecided: the verdict is then unknown, and says why.
    if_ingress = core::valuetostring(attrs.egress) == "(unknown)" ? " if it is an ingress rule (egress is known only after apply)" : ""
  }

  enforce {
    condition     = local.decided ? !local.opens_admin_port : tfgate::unknown(local.unknown_reason)
    error_message = "${meta.address}: ${local.this_text} lets the internet reach port ${core::join(", ", local.reachable)}${local.if_ingress}; allow administrative ports ${local.advice}."
  }
}
