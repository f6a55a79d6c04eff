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

# An existing VPC (the default one always is) is covered by a flow log naming its known id.
resource "aws_default_vpc" "this" {
  attrs = { id = "vpc-0default" }
}

resource "aws_flow_log" "default_by_id" {
  attrs = { traffic_type = "REJECT", vpc_id = "vpc-0default" }
}
