policytest {
  targets = ["sg-all-traffic.policy.hcl"]
}

resource "aws_security_group" "all_from_anywhere" {
  expect_failure = true
  meta           = { configured = ["name", "ingress"] }
  attrs = {
    ingress = [{ protocol = "-1", from_port = 0, to_port = 0, cidr_blocks = [], ipv6_cidr_blocks = ["::/0"] }]
  }
}

resource "aws_security_group" "all_from_the_vpc" {
  meta = { configured = ["name", "ingress"] }
  attrs = {
    ingress = [{ protocol = "-1", from_port = 0, to_port = 0, cidr_blocks = ["10.20.0.0/16"], ipv6_cidr_blocks = [] }]
  }
}

resource "aws_security_group" "no_inline_rules" {
  meta  = { configured = ["name"] }
  attrs = { name = "app" }
}

resource "aws_security_group_rule" "all_in" {
  expect_failure = true
  attrs          = { type = "ingress", protocol = "all", from_port = 0, to_port = 65535, cidr_blocks = ["0.0.0.0/0"], ipv6_cidr_blocks = null }
}

resource "aws_security_group_rule" "all_out" {
  attrs = { type = "egress", protocol = "-1", from_port = 0, to_port = 0, cidr_blocks = ["0.0.0.0/0"], ipv6_cidr_blocks = ["::/0"] }
}

resource "aws_vpc_security_group_ingress_rule" "all_v6" {
  expect_failure = true
  attrs          = { ip_protocol = "-1", from_port = null, to_port = null, cidr_ipv4 = null, cidr_ipv6 = "::/0" }
}

resource "aws_vpc_security_group_ingress_rule" "https_v4" {
  attrs = { ip_protocol = "tcp", from_port = 443, to_port = 443, cidr_ipv4 = "0.0.0.0/0", cidr_ipv6 = null }
}
