# TFG-EC2-041 over policies/testdata/instance-roles.json: only ec2ops_box's role
# (aws_iam_policy.ec2_full: ec2:* on *) has a sensitive wildcard; Action "*" (admin_box,
# wildcard_box, the module's instance) is TFG-EC2-040's finding.
plan_test "instance profile chains" {
  plan    = "../../testdata/instance-roles.json"
  fail    = ["aws_instance.ec2ops_box"]
  unknown = ["aws_instance.fleet_box"]
  pass = [
    "aws_instance.admin_box", "aws_instance.wildcard_box", "aws_instance.quarantine_box",
    "module.app[\"batch\"].module.compute[0].aws_instance.this",
  ]
}

plan_test "showcase web-tier" {
  plan    = "../../../examples/plans/web-tier.json"
  fail    = []
  unknown = []
  pass    = ["aws_instance.app[0]", "aws_instance.app[1]", "aws_instance.bastion", "aws_instance.worker"]
}

# The same chains, with aws_iam_policy.ec2_full's document known only after apply: only the
# instance whose role it is attached to is open.
plan_test "a policy document known only after apply" {
  plan    = "../../testdata/instance-roles-pending-document.json"
  fail    = []
  unknown = ["aws_instance.ec2ops_box", "aws_instance.fleet_box"]
  pass = [
    "aws_instance.admin_box", "aws_instance.wildcard_box", "aws_instance.quarantine_box",
    "module.app[\"batch\"].module.compute[0].aws_instance.this",
  ]
}

# As for TFG-EC2-040: the planned profile decides whether one is worn.
plan_test "planned profile values" {
  plan    = "../../testdata/instance-roles-profile-values.json"
  fail    = ["aws_instance.ec2ops_box", "aws_instance.adopted_ec2ops"]
  unknown = ["aws_instance.fleet_box"]
  pass = [
    "aws_instance.admin_box", "aws_instance.wildcard_box", "aws_instance.quarantine_box",
    "aws_instance.null_profile", "aws_instance.adopted_admin",
    "module.app[\"batch\"].module.compute[0].aws_instance.this",
  ]
}
