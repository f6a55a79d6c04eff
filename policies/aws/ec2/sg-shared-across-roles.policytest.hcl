# TFG-EC2-016 on mock resources. Roles known only after apply, and groups that already
# exist, are unknown, and an unknown verdict fails a policytest case: those cases are in
# sg-shared-across-roles.plantest.hcl.

policytest {
  targets = ["sg-shared-across-roles.policy.hcl"]
}

resource "aws_security_group" "web" {
  attrs = { id = "sg-0aaa", name = "web" }
  meta  = { actions = ["create"], configured = ["name"] }
}

resource "aws_security_group" "app" {
  expect_failure = true
  attrs          = { id = "sg-0bbb", name = "app" }
  meta           = { actions = ["create"], configured = ["name"] }
}

# Both web servers share a profile; the reporting host has its own.
resource "aws_instance" "web_a" {
  attrs = { vpc_security_group_ids = ["sg-0aaa", "sg-0bbb"], security_groups = [], iam_instance_profile = "web", tags = null }
}

resource "aws_instance" "web_b" {
  attrs = { vpc_security_group_ids = ["sg-0aaa"], security_groups = [], iam_instance_profile = "web", tags = null }
}

resource "aws_instance" "reporting" {
  attrs = { vpc_security_group_ids = ["sg-0bbb"], security_groups = [], iam_instance_profile = "reporting", tags = null }
}
