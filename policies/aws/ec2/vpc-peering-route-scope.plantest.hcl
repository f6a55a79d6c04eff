# TFG-EC2-017 over policies/testdata/vpc-peering-routes.json (see policies/testdata/README.md).

# aws_route.app_internet (through an internet gateway) is not a peering route: not judged.
plan_test "aws_route" {
  plan    = "../../testdata/vpc-peering-routes.json"
  policy  = "peering_route_scope"
  fail    = ["aws_route.app_to_shared", "aws_route.shared_to_app_wide"]
  unknown = ["aws_route.to_partner", "aws_route.app_to_ipam"]
  pass    = ["aws_route.app_to_shared_db"]
}

# aws_route_table.app and .shared set no inline routes (their routes are aws_route resources).
plan_test "inline routes of aws_route_table" {
  plan    = "../../testdata/vpc-peering-routes.json"
  policy  = "peering_inline_route_scope"
  fail    = ["aws_route_table.hub_whole"]
  unknown = ["aws_route_table.hub_partner"]
  pass    = ["aws_route_table.hub_subnet", "aws_route_table.app", "aws_route_table.shared"]
}
