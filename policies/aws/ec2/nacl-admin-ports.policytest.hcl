policytest {
  targets = ["nacl-admin-ports.policy.hcl"]
}

resource "aws_network_acl" "rdp_open" {
  expect_failure = true
  meta           = { configured = ["vpc_id", "ingress"] }
  attrs = {
    ingress = [{ rule_no = 100, action = "allow", protocol = "tcp", from_port = 3389, to_port = 3389, cidr_block = "0.0.0.0/0", ipv6_cidr_block = "" }]
  }
}

resource "aws_network_acl" "ssh_from_office" {
  meta = { configured = ["vpc_id", "ingress"] }
  attrs = {
    ingress = [{ rule_no = 100, action = "allow", protocol = "tcp", from_port = 22, to_port = 22, cidr_block = "198.51.100.0/24", ipv6_cidr_block = "" }]
  }
}

resource "aws_network_acl" "udp_deny_does_not_shadow_tcp" {
  expect_failure = true
  meta           = { configured = ["vpc_id", "ingress"] }
  attrs = {
    ingress = [
      { rule_no = 90, action = "deny", protocol = "udp", from_port = 22, to_port = 22, cidr_block = "0.0.0.0/0", ipv6_cidr_block = "" },
      { rule_no = 100, action = "allow", protocol = "tcp", from_port = 22, to_port = 22, cidr_block = "0.0.0.0/0", ipv6_cidr_block = "" },
    ]
  }
}

resource "aws_default_network_acl" "locked_down" {
  attrs = {
    ingress = [{ rule_no = 100, action = "allow", protocol = "tcp", from_port = 443, to_port = 443, cidr_block = "0.0.0.0/0", ipv6_cidr_block = "" }]
  }
}

resource "aws_network_acl_rule" "ssh_v6" {
  expect_failure = true
  attrs          = { rule_number = 100, egress = false, rule_action = "allow", protocol = "6", from_port = 22, to_port = 22, cidr_block = null, ipv6_cidr_block = "::/0" }
}

resource "aws_network_acl_rule" "all_out" {
  attrs = { rule_number = 100, egress = true, rule_action = "allow", protocol = "-1", from_port = 0, to_port = 0, cidr_block = "0.0.0.0/0", ipv6_cidr_block = null }
}
