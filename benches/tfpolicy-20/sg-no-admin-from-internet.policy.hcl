# No SSH or RDP from the whole internet.
locals {
  admin_ports = [22, 3389]
}

resource_policy "aws_security_group" "no_admin_from_internet" {
  enforcement_level = "mandatory"

  locals {
    open = [
      for rule in core::try(attrs.ingress, []) : rule
      if core::contains(rule.cidr_blocks, "0.0.0.0/0") && core::anytrue([
        for p in local.admin_ports : rule.from_port <= p && p <= rule.to_port
      ])
    ]
  }

  enforce {
    condition     = core::length(local.open) == 0
    error_message = "Security group ${attrs.name} opens SSH or RDP to 0.0.0.0/0."
  }
}
