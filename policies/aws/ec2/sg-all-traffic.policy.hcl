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
}

resource_policy "aws_security_group" "inline_ingress" {
  enforcement_level = "mandatory"
  # Reads prior_attrs, so the list must be explicit: the default one, unchanged resources included.
  operations        = ["create", "update", "no-op"]

  locals {
    # Which inline rules the plan says will exist (as in TFG-EC2-010): the configuration's
    # keys miss block-syntax `ingress { }` before Terraform 1.1 and `dynamic` blocks always,
    # so a known planned value on a create, or one that differs from the state, is judged.
    # valuetostring renders a value known only after apply as "(unknown)".
    configured      = core::try(meta.configured, null)
    configured_text = core::valuetostring(local.configured)
    launched        = core::contains(["create", "replace"], meta.operation)
    ingress_text    = core::try(core::valuetostring(attrs.ingress), "(absent)")
    prior_text      = core::try(core::valuetostring(prior_attrs.ingress), "(absent)")
    planned         = !core::contains(["(unknown)", "(absent)", "(null)"], local.ingress_text) && (local.launched || local.ingress_text != local.prior_text)
    judged_rules    = local.planned || (local.configured == null ? false : core::contains(local.configured, "ingress"))
    rules_unknown = local.ingress_text == "(unknown)" && !local.planned && (
      local.configured_text == "(unknown)" ? true : (local.configured_text == "(null)" ? false : core::contains(local.configured, "ingress"))
    )
    rules = local.judged_rules ? attrs.ingress : []
    judged = [for i, r in local.rules : {
      cidrs = core::concat(core::coalesce(r.cidr_blocks, []), core::coalesce(r.ipv6_cidr_blocks, []))
      all   = core::contains(local.all_protocols, core::lower(core::tostring(r.protocol)))
      text  = "ingress[${i}] (protocol ${core::valuetostring(r.protocol)})"
    }]
    cidr_text = [for j in local.judged : core::valuetostring(j.cidrs) == "(unknown)" ? "(unknown)" : core::join(", ", [for c in j.cidrs : core::valuetostring(c)])]
    bad       = [for j in local.judged : j.all && core::anytrue([for c in j.cidrs : core::try(core::endswith(c, "/0"), false)])]
    open      = [for k, j in local.judged : "${j.text} from ${local.cidr_text[k]}" if local.bad[k]]
    undecided = [for k, j in local.judged : "${j.text} from ${local.cidr_text[k]}" if core::valuetostring(local.bad[k]) == "(unknown)"]
    waits     = core::length(local.undecided) > 0 && core::valuetostring(core::length(local.open)) == "(unknown)"

    rules_message     = "ingress is known only after apply, so whether it allows all traffic from the internet cannot be decided at plan time"
    undecided_message = "${core::join("; ", local.undecided)}: values known only after apply (shown as (unknown)) decide whether all traffic from the internet is allowed"
    open_message      = "${core::join("; ", local.open)} allows all protocols and ports from the internet; allow only the ports the service needs."
  }

  enforce {
    condition     = !core::anytrue(local.bad)
    error_message = "${meta.address}: ${local.rules_unknown ? local.rules_message : (local.waits ? local.undecided_message : local.open_message)}"
  }
}

resource_policy "aws_security_group_rule" "ingress_rule" {
  enforcement_level = "mandatory"

  locals {
    cidrs = core::concat(core::coalesce(core::lookup(attrs, "cidr_blocks", null), []), core::coalesce(attrs.ipv6_cidr_blocks, []))
    all   = core::contains(local.all_protocols, core::lower(core::tostring(attrs.protocol)))
    # The arguments known only after apply, for the message of an unknown verdict.
    unknown_names = [for p in [["type", core::try(core::valuetostring(attrs.type), "")], ["protocol", core::try(core::valuetostring(attrs.protocol), "")], ["cidr_blocks", core::try(core::valuetostring(core::lookup(attrs, "cidr_blocks", null)), "")], ["ipv6_cidr_blocks", core::try(core::valuetostring(attrs.ipv6_cidr_blocks), "")]] : p[0] if core::strcontains(p[1], "(unknown)")]

    world  = core::anytrue([for c in local.cidrs : core::try(core::endswith(c, "/0"), false)])
    closed = attrs.type != "ingress" || !(local.all && local.world)
    waits  = core::length(local.unknown_names) > 0 && core::valuetostring(local.closed) == "(unknown)"

    unknown_message = "${core::join(", ", local.unknown_names)} %{ if core::length(local.unknown_names) == 1 }is%{ else }are%{ endif } known only after apply, so whether all traffic from the internet is allowed cannot be decided at plan time"
    open_message    = "ingress rule with protocol ${attrs.protocol} from cidr_blocks/ipv6_cidr_blocks ${core::jsonencode(local.cidrs)} allows all traffic from the internet; allow only the ports the service needs."
  }

  enforce {
    condition     = local.closed
    error_message = "${meta.address}: ${local.waits ? local.unknown_message : local.open_message}"
  }
}

resource_policy "aws_vpc_security_group_ingress_rule" "vpc_ingress_rule" {
  enforcement_level = "mandatory"

  locals {
    cidrs = core::concat(attrs.cidr_ipv4 == null ? [] : [attrs.cidr_ipv4], attrs.cidr_ipv6 == null ? [] : [attrs.cidr_ipv6])
    all   = core::contains(local.all_protocols, core::lower(core::tostring(attrs.ip_protocol)))
    # The arguments known only after apply, for the message of an unknown verdict.
    unknown_names = [for p in [["ip_protocol", core::try(core::valuetostring(attrs.ip_protocol), "")], ["cidr_ipv4", core::try(core::valuetostring(attrs.cidr_ipv4), "")], ["cidr_ipv6", core::try(core::valuetostring(attrs.cidr_ipv6), "")]] : p[0] if core::strcontains(p[1], "(unknown)")]

    world  = core::anytrue([for c in local.cidrs : core::try(core::endswith(c, "/0"), false)])
    closed = !(local.all && local.world)
    waits  = core::length(local.unknown_names) > 0 && core::valuetostring(local.closed) == "(unknown)"

    unknown_message = "${core::join(", ", local.unknown_names)} %{ if core::length(local.unknown_names) == 1 }is%{ else }are%{ endif } known only after apply, so whether all traffic from the internet is allowed cannot be decided at plan time"
    open_message    = "ip_protocol ${attrs.ip_protocol} from ${core::join(", ", local.cidrs)} allows all traffic from the internet; allow only the ports the service needs."
  }

  enforce {
    condition     = local.closed
    error_message = "${meta.address}: ${local.waits ? local.unknown_message : local.open_message}"
  }
}
