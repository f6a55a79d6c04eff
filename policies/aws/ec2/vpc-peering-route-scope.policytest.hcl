# TFG-EC2-017 on mock resources. A peer VPC outside the plan is unknown, and an unknown
# verdict fails a policytest case: the unknown cases are in vpc-peering-route-scope.plantest.hcl.

policytest {
  targets = ["vpc-peering-route-scope.policy.hcl"]
}

resource "aws_vpc" "app" {
  attrs = { id = "vpc-0app", cidr_block = "10.10.0.0/16", ipv6_cidr_block = null }
}

resource "aws_vpc" "shared" {
  attrs = { id = "vpc-0shared", cidr_block = "10.20.0.0/16", ipv6_cidr_block = null }
}

resource "aws_vpc_peering_connection" "app_shared" {
  attrs = { id = "pcx-0appshared", vpc_id = "vpc-0app", peer_vpc_id = "vpc-0shared" }
}

resource "aws_route_table" "app" {
  attrs = { vpc_id = "vpc-0app", route = [] }
  meta  = { configured = ["vpc_id"], references = { "vpc_id" = ["aws_vpc.app"] } }
}

resource "aws_route" "whole_peer" {
  expect_failure = true
  attrs          = { destination_cidr_block = "10.20.0.0/16", destination_ipv6_cidr_block = null, vpc_peering_connection_id = "pcx-0appshared" }
  meta           = { references = { "route_table_id" = ["aws_route_table.app"] } }
}

resource "aws_route" "wider_than_peer" {
  expect_failure = true
  attrs          = { destination_cidr_block = "10.0.0.0/8", destination_ipv6_cidr_block = null, vpc_peering_connection_id = "pcx-0appshared" }
  meta           = { references = { "route_table_id" = ["aws_route_table.app"], "vpc_peering_connection_id" = ["aws_vpc_peering_connection.app_shared"] } }
}

resource "aws_route" "one_subnet" {
  attrs = { destination_cidr_block = "10.20.8.0/24", destination_ipv6_cidr_block = null, vpc_peering_connection_id = "pcx-0appshared" }
  meta  = { references = { "route_table_id" = ["aws_route_table.app"] } }
}

resource "aws_route" "internet" {
  attrs = { destination_cidr_block = "0.0.0.0/0", destination_ipv6_cidr_block = null, vpc_peering_connection_id = null, gateway_id = "igw-0123" }
}

resource "aws_route_table" "inline_whole_peer" {
  expect_failure = true
  attrs = {
    vpc_id = "vpc-0app"
    route  = [{ cidr_block = "10.20.0.0/16", ipv6_cidr_block = "", vpc_peering_connection_id = "pcx-0appshared" }]
  }
  meta = { configured = ["vpc_id", "route"], references = { "vpc_id" = ["aws_vpc.app"] } }
}

resource "aws_route_table" "inline_one_subnet" {
  attrs = {
    vpc_id = "vpc-0app"
    route = [
      { cidr_block = "10.20.8.0/24", ipv6_cidr_block = "", vpc_peering_connection_id = "pcx-0appshared" },
      { cidr_block = "0.0.0.0/0", ipv6_cidr_block = "", vpc_peering_connection_id = "" },
    ]
  }
  meta = { configured = ["vpc_id", "route"], references = { "vpc_id" = ["aws_vpc.app"] } }
}
