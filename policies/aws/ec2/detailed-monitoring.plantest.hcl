# TFG-EC2-050 over policies/testdata/detailed-monitoring.json (see policies/testdata/README.md).

plan_test "instances" {
  plan    = "../../testdata/detailed-monitoring.json"
  policy  = "instance_monitoring"
  fail    = ["aws_instance.off", "aws_instance.unset", "aws_instance.from_basic"]
  unknown = ["aws_instance.from_outside"]
  pass    = ["aws_instance.on", "aws_instance.from_detailed"]
}

plan_test "launch templates" {
  plan    = "../../testdata/detailed-monitoring.json"
  policy  = "launch_template_monitoring"
  fail    = ["aws_launch_template.basic"]
  unknown = []
  pass    = ["aws_launch_template.detailed"]
}

plan_test "launch configurations" {
  plan    = "../../testdata/detailed-monitoring.json"
  policy  = "launch_configuration_monitoring"
  fail    = ["aws_launch_configuration.off"]
  unknown = []
  pass    = ["aws_launch_configuration.default_on"]
}

# A value read from a parameter at apply.
plan_test "launch configuration monitoring from a parameter" {
  plan    = "../../testdata/launch-configurations.json"
  policy  = "launch_configuration_monitoring"
  fail    = []
  unknown = []
  pass    = ["aws_launch_configuration.public", "aws_launch_configuration.private", "aws_launch_configuration.unset", "aws_launch_configuration.pending"]
}
