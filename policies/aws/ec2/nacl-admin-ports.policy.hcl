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
  # Protocol names and numbers, normalised to the numbers AWS reports.
  protocol_numbers = { tcp = "6", udp = "17", all = "-1" }
  admin_list       = core::join(", ", [for p in input.admin_ports : core::tostring(p)])
}

resource_policy "aws_network_acl" "acl_ingress" {
  enforcement_level = "mandatory"
  # Reads prior_attrs, so the list must be explicit: the default one, unchanged resources included.
  operations        = ["create", "update", "no-op"]

  locals {
    # Which inline rules will exist (as in TFG-EC2-010). valuetostring shows a value known
    # only after apply as "(unknown)".
    configured   = core::try(meta.configured, null)
    shown        = core::try(core::valuetostring(attrs.ingress), "(absent)")
    planned      = !core::contains(["(unknown)", "(absent)", "(null)"], local.shown) && (core::contains(["create", "replace"], meta.operation) || local.shown != core::try(core::valuetostring(prior_attrs.ingress), "(absent)"))
    sets_ingress = local.planned || (local.configured == null ? false : core::contains(local.configured, "ingress"))

    rules = [for r in(local.sets_ingress ? attrs.ingress : []) : {
      no     = r.rule_no
      allow  = core::lower(r.action) == "allow"
      proto  = core::lookup(local.protocol_numbers, core::lower(core::tostring(r.protocol)), core::lower(core::tostring(r.protocol)))
      v4     = core::try(core::endswith(r.cidr_block, "/0"), false)
      v6     = core::try(core::endswith(r.ipv6_cidr_block, "/0"), false)
      from   = r.from_port
      to     = r.to_port
      source = core::try(core::coalesce(r.cidr_block, r.ipv6_cidr_block), "(no CIDR)")
    }]
    # Ports each rule matches: all of them for protocol -1, the range for TCP and UDP.
    ports = [for r in local.rules : [for p in input.admin_ports : p if r.proto == "-1" || (core::contains(["6", "17"], r.proto) && r.from <= p && p <= r.to)]]
    # An allow rule from the internet, for the ports no lower-numbered deny of the whole
    # address family (same protocol, or all) refuses first.
    reachable = [for i, a in local.rules : [for p in local.ports[i] : p if a.allow && (a.v4 || a.v6) && !core::anytrue([
      for j, d in local.rules : !d.allow && d.no < a.no && core::contains(local.ports[j], p) && (d.proto == "-1" || d.proto == a.proto) && ((a.v4 && d.v4) || (a.v6 && d.v6))
    ])]]
    open = [for i, r in local.rules : "ingress rule ${r.no} (protocol ${r.proto}, ports ${r.from}-${r.to}, from ${r.source}) reaches port ${core::join(", ", local.reachable[i])}" if core::length(local.reachable[i]) > 0]

    pending_message = "ingress is known only after apply, or values in it are, so whether the internet can reach administrative ports (${local.admin_list}) cannot be decided at plan time"
    open_message    = "${core::join("; ", local.open)}: the internet can reach administrative ports; allow them only from known ranges, or use Session Manager or a VPN"
  }

  enforce {
    condition     = core::alltrue([for r in local.reachable : core::length(r) == 0])
    error_message = "${meta.address}: ${core::valuetostring(core::length(local.open)) == "(unknown)" ? local.pending_message : local.open_message}."
  }
}

resource_policy "aws_default_network_acl" "default_acl_ingress" {
  enforcement_level = "mandatory"

  locals {
    # The default ACL keeps only the rules its configuration sets.
    rules = [for r in core::coalesce(core::try(attrs.ingress, null), []) : {
      no     = r.rule_no
      allow  = core::lower(r.action) == "allow"
      proto  = core::lookup(local.protocol_numbers, core::lower(core::tostring(r.protocol)), core::lower(core::tostring(r.protocol)))
      v4     = core::try(core::endswith(r.cidr_block, "/0"), false)
      v6     = core::try(core::endswith(r.ipv6_cidr_block, "/0"), false)
      from   = r.from_port
      to     = r.to_port
      source = core::try(core::coalesce(r.cidr_block, r.ipv6_cidr_block), "(no CIDR)")
    }]
    ports = [for r in local.rules : [for p in input.admin_ports : p if r.proto == "-1" || (core::contains(["6", "17"], r.proto) && r.from <= p && p <= r.to)]]
    reachable = [for i, a in local.rules : [for p in local.ports[i] : p if a.allow && (a.v4 || a.v6) && !core::anytrue([
      for j, d in local.rules : !d.allow && d.no < a.no && core::contains(local.ports[j], p) && (d.proto == "-1" || d.proto == a.proto) && ((a.v4 && d.v4) || (a.v6 && d.v6))
    ])]]
    open = [for i, r in local.rules : "ingress rule ${r.no} (protocol ${r.proto}, ports ${r.from}-${r.to}, from ${r.source}) reaches port ${core::join(", ", local.reachable[i])}" if core::length(local.reachable[i]) > 0]

    pending_message = "ingress is known only after apply, or values in it are, so whether the internet can reach administrative ports (${local.admin_list}) cannot be decided at plan time"
    open_message    = "${core::join("; ", local.open)}: the internet can reach administrative ports; allow them only from known ranges, or use Session Manager or a VPN"
  }

  enforce {
    condition     = core::alltrue([for r in local.reachable : core::length(r) == 0])
    error_message = "${meta.address}: ${core::valuetostring(core::length(local.open)) == "(unknown)" ? local.pending_message : local.open_message}."
  }
}

resource_policy "aws_network_acl_rule" "acl_rule" {
  enforcement_level = "mandatory"
  filter            = attrs.egress == false

  locals {
    # This rule, and the other ingress rules of the same ACL (by configuration reference).
    acl = [for r in tfgate::referenced("network_acl_id") : r.address]
    siblings = [for s in tfgate::resources("aws_network_acl_rule") : s.attrs if s.address != meta.address && core::try(s.attrs.egress, null) == false && core::length(local.acl) > 0 && core::anytrue([
      for a in tfgate::referenced("network_acl_id", s.address) : core::contains(local.acl, a.address)
    ])]
    rules = [for r in core::concat([attrs], local.siblings) : {
      no     = r.rule_number
      allow  = core::lower(r.rule_action) == "allow"
      proto  = core::lookup(local.protocol_numbers, core::lower(core::tostring(r.protocol)), core::lower(core::tostring(r.protocol)))
      v4     = core::try(core::endswith(r.cidr_block, "/0"), false)
      v6     = core::try(core::endswith(r.ipv6_cidr_block, "/0"), false)
      from   = core::try(r.from_port, null)
      to     = core::try(r.to_port, null)
      source = core::try(core::coalesce(r.cidr_block, r.ipv6_cidr_block), "(no CIDR)")
    }]
    ports = [for r in local.rules : [for p in input.admin_ports : p if r.proto == "-1" || (core::contains(["6", "17"], r.proto) && r.from <= p && p <= r.to)]]
    # This rule (the first) from the internet, for the ports no lower-numbered deny refuses first.
    this      = local.rules[0]
    reachable = [for p in local.ports[0] : p if local.this.allow && (local.this.v4 || local.this.v6) && !core::anytrue([
      for j, d in local.rules : !d.allow && d.no < local.this.no && core::contains(local.ports[j], p) && (d.proto == "-1" || d.proto == local.this.proto) && ((local.this.v4 && d.v4) || (local.this.v6 && d.v6))
    ])]

    pending = [for n in ["rule_number", "rule_action", "protocol", "from_port", "to_port", "cidr_block", "ipv6_cidr_block"] : n if core::try(core::valuetostring(attrs[n]), "") == "(unknown)"]
    pending_message = "${core::join(", ", local.pending)}%{ if core::length(local.pending) == 0 }values of another rule of the ACL%{ endif } %{ if core::length(local.pending) == 1 }is%{ else }are%{ endif } known only after apply, so whether the internet can reach administrative ports (${local.admin_list}) cannot be decided at plan time"
    open_message    = "ingress rule ${local.this.no} (protocol ${local.this.proto}, ports ${local.this.from == null ? "all" : "${local.this.from}-${local.this.to}"}, from ${local.this.source}) lets the internet reach port ${core::join(", ", local.reachable)}; allow administrative ports only from known ranges, or use Session Manager or a VPN"
  }

  enforce {
    condition     = core::length(local.reachable) == 0
    error_message = "${meta.address}: ${core::valuetostring(core::length(local.reachable)) == "(unknown)" ? local.pending_message : local.open_message}."
  }
}
