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

# `launch_template { id = aws_launch_template.t[each.key].id }` names the whole block: the
# instances of the block decide when they agree, never a sibling's setting alone.
plan_test "instances on a template of a for_each block" {
  plan    = "../../testdata/detailed-monitoring-for-each.json"
  fail    = ["aws_instance.on_both_legacy[\"a\"]", "aws_instance.on_both_legacy[\"b\"]", "aws_launch_template.both_legacy[\"a\"]", "aws_launch_template.both_legacy[\"b\"]", "aws_launch_template.mixed[\"legacy\"]"]
  unknown = ["aws_instance.on_mixed[\"legacy\"]", "aws_instance.on_mixed[\"strict\"]"]
  pass    = ["aws_instance.on_both_strict[\"a\"]", "aws_instance.on_both_strict[\"b\"]", "aws_launch_template.both_strict[\"a\"]", "aws_launch_template.both_strict[\"b\"]", "aws_launch_template.mixed[\"strict\"]"]
}
