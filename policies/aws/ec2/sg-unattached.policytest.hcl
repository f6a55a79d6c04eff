# TFG-EC2-015 on mock resources. Groups that may be attached outside the plan are unknown,
# and an unknown verdict fails a policytest case: those cases are in sg-unattached.plantest.hcl.

policytest {
  targets = ["sg-unattached.policy.hcl"]
}

resource "aws_security_group" "web" {
  attrs = { id = "sg-0aaa", name = "web" }
  meta  = { actions = ["create"], configured = ["name"] }
}

resource "aws_instance" "web" {
  attrs = { vpc_security_group_ids = ["sg-0aaa"], security_groups = [] }
  meta  = { configured = ["vpc_security_group_ids"], references = { "vpc_security_group_ids" = ["aws_security_group.web"] } }
}

resource "aws_security_group" "queue_workers" {
  attrs = { id = "sg-0bbb", name = "queue-workers" }
  meta  = { actions = ["create"], configured = ["name"] }
}

resource "aws_ecs_service" "workers" {
  attrs = { network_configuration = [{ security_groups = ["sg-0bbb"], subnets = ["subnet-0a"] }] }
  meta  = { configured = ["network_configuration"], references = { "network_configuration.security_groups" = ["aws_security_group.queue_workers"] } }
}

resource "aws_security_group" "old_admin" {
  expect_failure = true
  attrs          = { id = "sg-0ccc", name = "old-admin" }
  meta           = { actions = ["create"], configured = ["name"] }
}
