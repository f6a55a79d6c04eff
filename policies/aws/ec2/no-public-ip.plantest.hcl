# Verdicts of policies/testdata/README.md (public-exposure.json) for TFG-EC2-032.

plan_test "instances, launch templates and subnets" {
  plan    = "../../testdata/public-exposure.json"
  fail    = ["aws_instance.public_web", "aws_launch_template.edge", "aws_subnet.public"]
  unknown = []
  pass    = ["aws_instance.private_app", "aws_subnet.private"]
}

# The showcase plan: the bastion asks for a public IP and the two public subnets map one;
# app[*] and worker leave associate_public_ip_address computed (unknown). The blue and
# green launch templates have no network interfaces, so they assign nothing (pass; the
# showcase list does not mention them). legacy_jump is deleted and not judged.
plan_test "showcase web-tier" {
  plan = "../../../examples/plans/web-tier.json"
  fail = [
    "aws_instance.bastion", "module.network.aws_subnet.public[0]", "module.network.aws_subnet.public[1]",
  ]
  unknown = ["aws_instance.app[0]", "aws_instance.app[1]", "aws_instance.worker"]
  pass = [
    "module.network.aws_subnet.private[0]", "module.network.aws_subnet.private[1]",
    "module.web[\"blue\"].aws_launch_template.this", "module.web[\"green\"].aws_launch_template.this",
  ]
}

plan_test "map_public_ip_on_launch comes from a parameter read at apply" {
  plan    = "../../testdata/unknown-values.json"
  fail    = []
  unknown = ["aws_subnet.pending"]
  pass    = ["aws_launch_template.unset", "aws_launch_configuration.unset"]
}

# Launch configurations: true fails, false and unset (null: the subnet decides, like a
# launch template's interface) pass, a value read at apply is unknown.
plan_test "launch configurations" {
  plan    = "../../testdata/launch-configurations.json"
  fail    = ["aws_launch_configuration.public"]
  unknown = ["aws_launch_configuration.pending"]
  pass    = ["aws_launch_configuration.private", "aws_launch_configuration.unset"]
}
