# TFG-EC2-051 over policies/testdata/vpc-flow-logs.json (see policies/testdata/README.md).

plan_test "VPCs and their flow logs" {
  plan    = "../../testdata/vpc-flow-logs.json"
  fail    = ["aws_vpc.unlogged", "aws_vpc.subnet_only"]
  unknown = []
  pass    = ["aws_vpc.logged", "aws_default_vpc.this"]
}
