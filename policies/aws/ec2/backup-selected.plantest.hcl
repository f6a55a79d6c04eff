# TFG-EC2-060 over policies/testdata/backup-selections.json (see policies/testdata/README.md).

plan_test "volumes" {
  plan    = "../../testdata/backup-selections.json"
  policy  = "volume_backup_selected"
  fail    = ["aws_ebs_volume.scratch"]
  unknown = ["aws_ebs_volume.tags_pending"]
  pass    = ["aws_ebs_volume.data", "aws_ebs_volume.attached_to_db"]
}

plan_test "instances" {
  plan    = "../../testdata/backup-selections.json"
  policy  = "instance_backup_selected"
  fail    = ["aws_instance.legacy"]
  unknown = ["aws_instance.batch"]
  pass    = ["aws_instance.db", "aws_instance.web", "aws_instance.legacy_east"]
}

# A plan without any aws_backup_selection: backups are assigned elsewhere, if at all.
plan_test "no backup selection in the plan" {
  plan    = "../../testdata/detailed-monitoring.json"
  policy  = "instance_backup_selected"
  fail    = []
  unknown = ["aws_instance.on", "aws_instance.from_detailed", "aws_instance.off", "aws_instance.unset", "aws_instance.from_basic", "aws_instance.from_outside"]
  pass    = []
}
