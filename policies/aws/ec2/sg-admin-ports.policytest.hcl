policytest {
  targets = ["sg-admin-ports.policy.hcl"]
}

locals {
  configured = ["name", "vpc_id", "ingress"]
}

resource "aws_security_group" "ssh_from_anywhere" {
  expect_failure = true
  meta           = { configured = local.configured }
  attrs = {
    ingress = [{ protocol = "tcp", from_port = 22, to_port = 22, cidr_blocks = ["0.0.0.0/0"], ipv6_cidr_blocks = [] }]
  }
}

resource "aws_security_group" "rdp_in_a_range_from_ipv6" {
  expect_failure = true
  meta           = { configured = local.configured }
  attrs = {
    ingress = [{ protocol = "6", from_port = 3000, to_port = 4000, cidr_blocks = [], ipv6_cidr_blocks = ["::/0"] }]
  }
}

resource "aws_security_group" "all_protocols" {
  expect_failure = true
  meta           = { configured = local.configured }
  attrs = {
    ingress = [{ protocol = "-1", from_port = 0, to_port = 0, cidr_blocks = ["0.0.0.0/0"], ipv6_cidr_blocks = [] }]
  }
}

resource "aws_security_group" "ssh_from_corporate_https_from_anywhere" {
  meta = { configured = local.configured }
  attrs = {
    ingress = [
      { protocol = "tcp", from_port = 22, to_port = 22, cidr_blocks = ["10.0.0.0/8"], ipv6_cidr_blocks = [] },
      { protocol = "tcp", from_port = 443, to_port = 443, cidr_blocks = ["0.0.0.0/0"], ipv6_cidr_blocks = ["::/0"] },
    ]
  }
}

resource "aws_security_group" "icmp_from_anywhere" {
  meta = { configured = local.configured }
  attrs = {
    ingress = [{ protocol = "icmp", from_port = 8, to_port = 0, cidr_blocks = ["0.0.0.0/0"], ipv6_cidr_blocks = [] }]
  }
}

resource "aws_security_group" "rules_in_separate_resources" {
  meta  = { configured = ["name", "vpc_id"] }
  attrs = { name = "app" }
}

resource "aws_security_group" "https_is_admin_by_input" {
  expect_failure = true
  meta           = { configured = local.configured }
  attrs = {
    ingress = [{ protocol = "tcp", from_port = 443, to_port = 443, cidr_blocks = ["0.0.0.0/0"], ipv6_cidr_blocks = [] }]
  }
  inputs {
    admin_ports = [22, 443]
  }
}

resource "aws_security_group_rule" "rdp_open" {
  expect_failure = true
  attrs = { type = "ingress", protocol = "tcp", from_port = 3389, to_port = 3389, cidr_blocks = ["0.0.0.0/0"], ipv6_cidr_blocks = null }
}

resource "aws_security_group_rule" "egress_everything" {
  attrs = { type = "egress", protocol = "-1", from_port = 0, to_port = 0, cidr_blocks = ["0.0.0.0/0"], ipv6_cidr_blocks = null }
}

resource "aws_security_group_rule" "ssh_from_a_host" {
  attrs = { type = "ingress", protocol = "tcp", from_port = 22, to_port = 22, cidr_blocks = ["203.0.113.10/32"], ipv6_cidr_blocks = null }
}

resource "aws_vpc_security_group_ingress_rule" "ssh_v6" {
  expect_failure = true
  attrs          = { ip_protocol = "tcp", from_port = 22, to_port = 22, cidr_ipv4 = null, cidr_ipv6 = "::/0" }
}

resource "aws_vpc_security_group_ingress_rule" "all_v4" {
  expect_failure = true
  attrs          = { ip_protocol = "-1", from_port = null, to_port = null, cidr_ipv4 = "0.0.0.0/0", cidr_ipv6 = null }
}

resource "aws_vpc_security_group_ingress_rule" "https_v4" {
  attrs = { ip_protocol = "tcp", from_port = 443, to_port = 443, cidr_ipv4 = "0.0.0.0/0", cidr_ipv6 = null }
}

resource "aws_vpc_security_group_ingress_rule" "from_another_group" {
  attrs = { ip_protocol = "tcp", from_port = 22, to_port = 22, cidr_ipv4 = null, cidr_ipv6 = null, referenced_security_group_id = "sg-0123456789abcdef0" }
}
