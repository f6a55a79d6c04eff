# The same for standalone ingress rules.
resource_policy "aws_vpc_security_group_ingress_rule" "no_admin_from_internet" {
  enforcement_level = "mandatory"

  locals {
    admin = core::anytrue([for p in [22, 3389] : attrs.from_port <= p && p <= attrs.to_port])
  }

  enforce {
    condition     = !(attrs.cidr_ipv4 == "0.0.0.0/0" && local.admin)
    error_message = "Ingress rule ${attrs.description} opens port ${attrs.from_port} to 0.0.0.0/0."
  }
}
