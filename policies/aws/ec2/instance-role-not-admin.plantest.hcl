# Verdicts of policies/testdata/README.md (instance-roles.json) for TFG-EC2-040.

plan_test "instance profile chains" {
  plan = "../../testdata/instance-roles.json"
  fail = [
    "aws_instance.admin_box", "aws_instance.wildcard_box",
    "module.app[\"batch\"].module.compute[0].aws_instance.this",
  ]
  unknown = ["aws_instance.fleet_box"]
  pass    = ["aws_instance.ec2ops_box", "aws_instance.quarantine_box"]
}

# The showcase plan: app[*] use profile web-tier-app, whose role has AdministratorAccess
# attached; the bastion and the worker have no profile. aws_iam_role_policy.deployer
# (Action "*") belongs to a role no instance uses. legacy_jump is deleted and not judged.
plan_test "showcase web-tier" {
  plan    = "../../../examples/plans/web-tier.json"
  fail    = ["aws_instance.app[0]", "aws_instance.app[1]"]
  unknown = []
  pass    = ["aws_instance.bastion", "aws_instance.worker"]
}

# A plan without a configuration section (stripped or generated): the planned
# iam_instance_profile decides, and profiles and roles are found by name.
plan_test "a plan without configuration" {
  plan    = "../../testdata/instance-roles-no-configuration.json"
  fail    = ["aws_instance.admin_by_name"]
  unknown = ["aws_instance.profile_unknown"]
  pass    = ["aws_instance.no_profile", "aws_instance.plain_by_name"]
}

# The planned profile decides whether one is worn: a variable left null attaches none, and a
# profile the state shows is worn even when the configuration does not set it.
plan_test "planned profile values" {
  plan = "../../testdata/instance-roles-profile-values.json"
  fail = [
    "aws_instance.admin_box", "aws_instance.wildcard_box", "aws_instance.adopted_admin",
    "module.app[\"batch\"].module.compute[0].aws_instance.this",
  ]
  unknown = ["aws_instance.fleet_box"]
  pass    = ["aws_instance.ec2ops_box", "aws_instance.quarantine_box", "aws_instance.null_profile", "aws_instance.adopted_ec2ops"]
}
