policytest {
  targets = ["vpc-flow-logs.policy.hcl"]
}

resource "aws_vpc" "logged" {
  attrs = { cidr_block = "10.0.0.0/16" }
}

resource "aws_flow_log" "logged" {
  attrs = { traffic_type = "ALL" }
  meta  = { references = { "vpc_id" = ["aws_vpc.logged"] } }
}

resource "aws_vpc" "unlogged" {
  expect_failure = true
  attrs          = { cidr_block = "10.1.0.0/16" }
}

resource "aws_default_vpc" "this" {
  expect_failure = true
  attrs          = {}
}
