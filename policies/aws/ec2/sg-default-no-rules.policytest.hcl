policytest {
  targets = ["sg-default-no-rules.policy.hcl"]
}

resource "aws_default_security_group" "stock_rules" {
  expect_failure = true
  meta           = { configured = ["vpc_id", "ingress", "egress"] }
  attrs = {
    ingress = [{ protocol = "-1", from_port = 0, to_port = 0, self = true, cidr_blocks = [], ipv6_cidr_blocks = [] }]
    egress  = [{ protocol = "-1", from_port = 0, to_port = 0, self = false, cidr_blocks = ["0.0.0.0/0"], ipv6_cidr_blocks = [] }]
  }
}

resource "aws_default_security_group" "egress_only" {
  expect_failure = true
  meta           = { configured = ["vpc_id", "egress"] }
  attrs = {
    egress = [{ protocol = "tcp", from_port = 443, to_port = 443, self = false, cidr_blocks = ["10.0.0.0/8"], ipv6_cidr_blocks = [] }]
  }
}

resource "aws_default_security_group" "empty" {
  meta  = { configured = ["vpc_id", "ingress", "egress"] }
  attrs = { ingress = [], egress = [] }
}

resource "aws_default_security_group" "nothing_configured" {
  meta  = { configured = ["vpc_id"] }
  attrs = { vpc_id = "vpc-0123456789abcdef0" }
}

resource "aws_security_group_rule" "on_default_group" {
  expect_failure = true
  meta           = { references = { "security_group_id" = ["aws_default_security_group.this"] } }
  attrs          = { type = "ingress", protocol = "tcp", from_port = 22, to_port = 22, cidr_blocks = ["10.0.0.0/8"] }
}

resource "aws_vpc_security_group_egress_rule" "on_vpc_default_group" {
  expect_failure = true
  meta           = { references = { "security_group_id" = ["aws_vpc.main"] } }
  attrs          = { ip_protocol = "-1", cidr_ipv4 = "0.0.0.0/0" }
}

resource "aws_vpc_security_group_ingress_rule" "on_default_vpc_group" {
  expect_failure = true
  meta           = { references = { "security_group_id" = ["aws_default_vpc.this"] } }
  attrs          = { ip_protocol = "tcp", from_port = 443, to_port = 443, cidr_ipv4 = "10.0.0.0/8" }
}

resource "aws_security_group_rule" "on_own_group" {
  meta  = { references = { "security_group_id" = ["aws_security_group.app"] } }
  attrs = { type = "ingress", protocol = "tcp", from_port = 443, to_port = 443, cidr_blocks = ["10.0.0.0/8"] }
}

resource "aws_default_security_group" "this" {
  meta  = { configured = ["vpc_id"] }
  attrs = { vpc_id = "vpc-0123456789abcdef0" }
}

resource "aws_vpc" "main" {
  attrs = { cidr_block = "10.0.0.0/16" }
}

resource "aws_default_vpc" "this" {
  attrs = {}
}

resource "aws_security_group" "app" {
  attrs = { name = "app" }
}
