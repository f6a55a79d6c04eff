policytest {
  targets = ["sg-wide-egress.policy.hcl"]
}

resource "aws_security_group" "all_out" {
  expect_failure = true
  meta           = { configured = ["name", "egress"] }
  attrs = {
    egress = [{ protocol = "-1", from_port = 0, to_port = 0, cidr_blocks = ["0.0.0.0/0"], ipv6_cidr_blocks = [] }]
  }
}

resource "aws_security_group" "https_out" {
  meta = { configured = ["name", "egress"] }
  attrs = {
    egress = [{ protocol = "tcp", from_port = 443, to_port = 443, cidr_blocks = ["0.0.0.0/0"], ipv6_cidr_blocks = ["::/0"] }]
  }
}

resource "aws_security_group" "rules_elsewhere" {
  meta  = { configured = ["name"] }
  attrs = { name = "app" }
}

resource "aws_security_group_rule" "all_udp_out_v6" {
  expect_failure = true
  attrs          = { type = "egress", protocol = "udp", from_port = 0, to_port = 65535, cidr_blocks = null, ipv6_cidr_blocks = ["::/0"] }
}

resource "aws_security_group_rule" "all_in_from_vpc" {
  attrs = { type = "ingress", protocol = "-1", from_port = 0, to_port = 0, cidr_blocks = ["10.0.0.0/16"], ipv6_cidr_blocks = null }
}

resource "aws_vpc_security_group_egress_rule" "all_v6" {
  expect_failure = true
  attrs          = { ip_protocol = "-1", from_port = null, to_port = null, cidr_ipv4 = null, cidr_ipv6 = "::/0" }
}

resource "aws_vpc_security_group_egress_rule" "postgres" {
  attrs = { ip_protocol = "tcp", from_port = 5432, to_port = 5432, cidr_ipv4 = "10.0.0.0/16", cidr_ipv6 = null }
}
