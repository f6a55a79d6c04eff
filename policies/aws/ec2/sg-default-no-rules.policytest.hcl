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
