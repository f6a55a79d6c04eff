policy {
  tfgate {
    id       = "TFG-EC2-011"
    title    = "Security groups must not allow all traffic from the internet"
    severity = "critical"
    controls = ["AWS FSBP EC2.18", "AWS FSBP EC2.19"]
    description = <<-EOT
      Rejects security group ingress rules for all protocols (`protocol = "-1"` or `"all"`,
      which opens every port of every protocol) whose source is the whole internet: an IPv4
      or IPv6 CIDR with prefix length 0, such as 0.0.0.0/0 or ::/0.

      Judged, one policy block each: inline `ingress` blocks of `aws_security_group`,
      `aws_security_group_rule` with `type = "ingress"` (egress rules pass: allowing all
      outbound traffic is the AWS default) and `aws_vpc_security_group_ingress_rule`.
      Specific ports open to the internet are the business of TFG-EC2-010 (administrative
      ports).
    EOT
    rationale = <<-EOT
      An all-traffic rule from 0.0.0.0/0 or ::/0 turns a security group into no firewall at
      all: every listening service of every attached instance, load balancer or database,
      including the ones nobody meant to publish (SSH, RDP, databases, caches, metadata
      proxies, debug ports), is reachable from anywhere. AWS Security Hub flags such rules as
      EC2.18 (unrestricted traffic only on authorized ports) and EC2.19 (unrestricted access
      to high-risk ports).
    EOT
    violating_example = <<-EOT
      resource "aws_security_group_rule" "everything_in" {
        type              = "ingress"
        security_group_id = aws_security_group.app.id
        protocol          = "-1"
        from_port         = 0
        to_port           = 0
        cidr_blocks       = ["0.0.0.0/0"]
      }

      resource "aws_vpc_security_group_ingress_rule" "everything_v6" {
        security_group_id = aws_security_group.app.id
        ip_protocol       = "-1"
        cidr_ipv6         = "::/0"
      }
    EOT
    compliant_example = <<-EOT
      resource "aws_vpc_security_group_ingress_rule" "https" {
        security_group_id = aws_security_group.app.id
        ip_protocol       = "tcp"
        from_port         = 443
        to_port           = 443
        cidr_ipv4         = "0.0.0.0/0"
      }

      resource "aws_vpc_security_group_ingress_rule" "all_from_vpc" {
        security_group_id = aws_security_group.app.id
        ip_protocol       = "-1"
        cidr_ipv4         = "10.20.0.0/16"
      }
    EOT
    unknown_values = <<-EOT
      A rule whose protocol is known and not "-1"/"all" passes whatever its CIDRs. An
      all-protocol rule with a CIDR known only after apply is unknown. Inline
      rules are judged as TFG-EC2-010 judges them: an `ingress` known at plan time on a
      created group (or changed from the state) is judged even when the configuration does
      not record it (block syntax before Terraform 1.1, `dynamic` blocks); an
      `aws_security_group` that does not set `ingress` (rules managed by separate resources,
      judged on their own) passes even though the computed attribute is unknown at plan
      time; `ingress` set to a value known only after apply is unknown.
    EOT
    references = [
      "https://docs.aws.amazon.com/securityhub/latest/userguide/ec2-controls.html#ec2-18",
      "https://docs.aws.amazon.com/securityhub/latest/userguide/ec2-controls.html#ec2-19",
      "https://docs.aws.amazon.com/vpc/latest/userguide/security-group-rules.html",
      "https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_IpPermission.html",
    ]
  }
}

locals {
  all_protocols = ["-1", "all"]
  question      = "whether all traffic from the internet is allowed"
  advice        = "allow only the ports the service needs"
  # The arguments of the rule resources that decide, named when known only after apply.
  rule_arguments     = ["type", "protocol", "cidr_blocks", "ipv6_cidr_blocks"]
  vpc_rule_arguments = ["ip_protocol", "cidr_ipv4", "cidr_ipv6"]
}

# The three blocks below ask the same question of three resource types. A block's locals read
# its own `attrs`, so they cannot be shared; only the pure data above is.

resource_policy "aws_security_group" "inline_ingress" {
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
    # Rules not set here live in separate rule resources, judged by the blocks below.
    set_here = local.planned_here || local.configured_here
    rules    = local.set_here ? attrs.ingress : []

    # Per rule: all protocols, from the whole internet?
    sources     = [for r in local.rules : core::concat(core::coalesce(r.cidr_blocks, []), core::coalesce(r.ipv6_cidr_blocks, []))]
    source_text = [for s in local.sources : core::valuetostring(s) == "(unknown)" ? "(unknown)" : core::join(", ", [for c in s : core::valuetostring(c)])]
    rule_opens = [for i, r in local.rules :
      core::contains(local.all_protocols, core::lower(core::tostring(r.protocol)))
      && core::anytrue([for c in local.sources[i] : core::try(core::endswith(c, "/0"), false)])
    ]

    allows_all_traffic = core::anytrue(local.rule_opens)
    decided            = core::valuetostring(local.allows_all_traffic) != "(unknown)"

    # Message parts. A rule's verdict as text keeps the lists known when other rules are not.
    texts           = [for i, r in local.rules : "ingress[${i}] (protocol ${core::valuetostring(r.protocol)}) from ${local.source_text[i]}"]
    rule_verdicts   = [for o in local.rule_opens : core::valuetostring(o)]
    open_rules      = [for i, t in local.texts : t if local.rule_verdicts[i] == "true"]
    undecided_rules = [for i, t in local.texts : t if local.rule_verdicts[i] == "(unknown)"]
    no_config_reason = "the plan has no configuration, so it cannot tell whether the unchanged ingress rules are set on this group or come from separate rule resources (judged on their own)"
    unknown_reason = "${meta.address}: ${
      local.ingress_unknown ? "ingress is known only after apply, so ${local.question} cannot be decided at plan time" :
      core::valuetostring(local.set_here) == "(unknown)" ? local.no_config_reason :
      "${core::join("; ", local.undecided_rules)}: values known only after apply (shown as (unknown)) decide ${local.question}"
    }"
  }

  enforce {
    condition     = local.decided ? !local.allows_all_traffic : tfgate::unknown(local.unknown_reason)
    error_message = "${meta.address}: ${core::join("; ", local.open_rules)} allows all protocols and ports from the internet; ${local.advice}."
  }
}

resource_policy "aws_security_group_rule" "ingress_rule" {
  enforcement_level = "mandatory"

  locals {
    sources            = core::concat(core::coalesce(core::lookup(attrs, "cidr_blocks", null), []), core::coalesce(attrs.ipv6_cidr_blocks, []))
    from_internet      = core::anytrue([for c in local.sources : core::try(core::endswith(c, "/0"), false)])
    every_protocol     = core::contains(local.all_protocols, core::lower(core::tostring(attrs.protocol)))
    allows_all_traffic = attrs.type == "ingress" && local.every_protocol && local.from_internet
    decided            = core::valuetostring(local.allows_all_traffic) != "(unknown)"

    # Message parts: the arguments known only after apply, for an unknown verdict.
    unknown_names  = [for n in local.rule_arguments : n if core::strcontains(core::try(core::valuetostring(attrs[n]), ""), "(unknown)")]
    unknown_verb   = core::length(local.unknown_names) == 1 ? "is" : "are"
    unknown_reason = "${meta.address}: ${core::join(", ", local.unknown_names)} ${local.unknown_verb} known only after apply, so ${local.question} cannot be decided at plan time"
    rule_text      = "ingress rule with protocol ${attrs.protocol} from cidr_blocks/ipv6_cidr_blocks ${core::jsonencode(local.sources)}"
  }

  enforce {
    condition     = local.decided ? !local.allows_all_traffic : tfgate::unknown(local.unknown_reason)
    error_message = "${meta.address}: ${local.rule_text} allows all traffic from the internet; ${local.advice}."
  }
}

resource_policy "aws_vpc_security_group_ingress_rule" "vpc_ingress_rule" {
  enforcement_level = "mandatory"

  locals {
    sources            = core::concat(attrs.cidr_ipv4 == null ? [] : [attrs.cidr_ipv4], attrs.cidr_ipv6 == null ? [] : [attrs.cidr_ipv6])
    from_internet      = core::anytrue([for c in local.sources : core::try(core::endswith(c, "/0"), false)])
    every_protocol     = core::contains(local.all_protocols, core::lower(core::tostring(attrs.ip_protocol)))
    allows_all_traffic = local.every_protocol && local.from_internet
    decided            = core::valuetostring(local.allows_all_traffic) != "(unknown)"

    # Message parts: the arguments known only after apply, for an unknown verdict.
    unknown_names  = [for n in local.vpc_rule_arguments : n if core::strcontains(core::try(core::valuetostring(attrs[n]), ""), "(unknown)")]
    unknown_verb   = core::length(local.unknown_names) == 1 ? "is" : "are"
    unknown_reason = "${meta.address}: ${core::join(", ", local.unknown_names)} ${local.unknown_verb} known only after apply, so ${local.question} cannot be decided at plan time"
  }

  enforce {
    condition     = local.decided ? !local.allows_all_traffic : tfgate::unknown(local.unknown_reason)
    error_message = "${meta.address}: ip_protocol ${attrs.ip_protocol} from ${core::join(", ", local.sources)} allows all traffic from the internet; ${local.advice}."
  }
}
