# TFG-EC2-006 over the fixtures. The oracle (policies/testdata/README.md) has
# no hop-limit column; these sets follow the hop limits its tables list:
# every hop limit the configuration sets is judged against max_hop_limit, a
# block that leaves it out is unknown on create, and resources without
# metadata_options (or with the endpoint disabled) are not judged.

plan_test "instances: default maximum 1" {
  plan    = "../../testdata/imdsv2-instance-states.json"
  policy  = "instance"
  fail    = ["module.app[\"api\"].module.compute[0].aws_instance.this"]
  unknown = ["aws_instance.tokens_unset"]
  pass    = ["aws_instance.tokens_required", "aws_instance.tokens_optional"]
}

plan_test "instances: container hosts allowed with max_hop_limit 2" {
  plan    = "../../testdata/imdsv2-instance-states.json"
  policy  = "instance"
  inputs  = { max_hop_limit = 2 }
  fail    = []
  unknown = ["aws_instance.tokens_unset"]
  pass    = ["aws_instance.tokens_required", "aws_instance.tokens_optional", "module.app[\"api\"].module.compute[0].aws_instance.this"]
}

plan_test "spot instance requests" {
  plan    = "../../testdata/imdsv2-instance-states.json"
  policy  = "spot_instance_request"
  fail    = ["aws_spot_instance_request.batch"]
  unknown = []
  pass    = []
}

plan_test "launch templates" {
  plan    = "../../testdata/imdsv2-launch-template-inheritance.json"
  policy  = "launch_template"
  fail    = ["aws_launch_template.legacy"]
  unknown = []
  pass    = ["aws_launch_template.strict", "module.app[\"api\"].module.compute[0].aws_launch_template.this"]
}

plan_test "instances that inherit are not judged" {
  plan    = "../../testdata/imdsv2-launch-template-inheritance.json"
  policy  = "instance"
  fail    = []
  unknown = []
  pass    = []
}

plan_test "account defaults and launch configurations" {
  plan    = "../../testdata/imdsv2-account-defaults.json"
  policy  = "account_defaults"
  fail    = ["aws_ec2_instance_metadata_defaults.west"]
  unknown = []
  pass    = ["aws_ec2_instance_metadata_defaults.this"]
}

plan_test "launch configuration with hop limit 2" {
  plan    = "../../testdata/imdsv2-account-defaults.json"
  policy  = "launch_configuration"
  fail    = ["aws_launch_configuration.legacy"]
  unknown = []
  pass    = []
}

plan_test "showcase plan" {
  plan    = "../../../examples/plans/web-tier.json"
  policy  = "launch_template"
  fail    = ["module.web[\"green\"].aws_launch_template.this"]
  unknown = []
  pass    = ["module.web[\"blue\"].aws_launch_template.this"]
}

plan_test "showcase plan: instances and defaults" {
  plan    = "../../../examples/plans/web-tier.json"
  policy  = "instance"
  fail    = []
  unknown = []
  pass    = ["aws_instance.app[0]", "aws_instance.app[1]"]
}

# A `dynamic "metadata_options"` block is not in the configuration's keys: its known planned
# hop limit is judged (the fixture's instances all have 1).
plan_test "dynamic metadata_options blocks" {
  plan    = "../../testdata/inline-blocks-unrecorded.json"
  policy  = "instance"
  fail    = []
  unknown = []
  pass    = ["aws_instance.dynamic_optional", "aws_instance.dynamic_required"]
}

plan_test "dynamic metadata_options blocks, with a lower limit" {
  plan    = "../../testdata/inline-blocks-unrecorded.json"
  policy  = "instance"
  inputs  = { max_hop_limit = 0 }
  fail    = ["aws_instance.dynamic_optional", "aws_instance.dynamic_required"]
  unknown = []
  pass    = []
}
