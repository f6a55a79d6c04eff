# TFG-EC2-051 over policies/testdata/vpc-flow-logs.json (see policies/testdata/README.md).

plan_test "VPCs and their flow logs" {
  plan    = "../../testdata/vpc-flow-logs.json"
  fail    = ["aws_vpc.unlogged", "aws_vpc.subnet_only"]
  unknown = []
  pass    = ["aws_vpc.logged", "aws_default_vpc.this"]
}

plan_test "VPCs that exist before the plan" {
  plan    = "../../testdata/vpc-flow-logs-existing.json"
  fail    = ["aws_vpc.new_unlogged"]
  unknown = ["aws_vpc.existing_unlogged", "aws_default_vpc.adopted"]
  pass    = ["aws_vpc.existing_logged"]
}

plan_test "A flow log whose VPC is known only after apply" {
  plan    = "../../testdata/vpc-flow-logs-unplaced.json"
  fail    = []
  unknown = ["aws_vpc.new"]
  pass    = []
}
