policytest {
  targets = ["detailed-monitoring.policy.hcl"]
}

resource "aws_instance" "detailed" {
  attrs = { monitoring = true }
  meta  = { configured = ["ami", "monitoring"] }
}

resource "aws_instance" "basic" {
  expect_failure = true
  attrs          = { monitoring = false }
  meta           = { configured = ["ami", "monitoring"] }
}

resource "aws_instance" "unset_without_template" {
  expect_failure = true
  attrs          = { monitoring = null }
  meta           = { configured = ["ami"] }
}

resource "aws_launch_template" "with_monitoring" {
  attrs = { monitoring = [{ enabled = true }] }
}

resource "aws_instance" "inherits_monitoring" {
  attrs = { monitoring = null }
  meta  = { configured = ["launch_template"], references = { "launch_template.id" = ["aws_launch_template.with_monitoring"] } }
}

resource "aws_launch_template" "without_monitoring" {
  expect_failure = true
  attrs          = { monitoring = [] }
}

resource "aws_launch_configuration" "monitoring_off" {
  expect_failure = true
  attrs          = { enable_monitoring = false }
}
