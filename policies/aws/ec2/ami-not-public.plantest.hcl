# Verdicts of policies/testdata/README.md (public-exposure.json) for TFG-EC2-031.

plan_test "launch permissions" {
  plan    = "../../testdata/public-exposure.json"
  fail    = ["aws_ami_launch_permission.public"]
  unknown = []
  pass    = ["aws_ami_launch_permission.partner"]
}

plan_test "showcase web-tier" {
  plan    = "../../../examples/plans/web-tier.json"
  fail    = ["aws_ami_launch_permission.public_image"]
  unknown = []
  pass    = []
}

plan_test "the group comes from a parameter read at apply" {
  plan    = "../../testdata/unknown-values.json"
  fail    = []
  unknown = ["aws_ami_launch_permission.pending"]
  pass    = []
}
