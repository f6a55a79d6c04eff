# TFG-EC2-022 over policies/testdata/ebs-snapshots.json (see policies/testdata/README.md).

plan_test "snapshots take their volume's encryption" {
  plan    = "../../testdata/ebs-snapshots.json"
  policy  = "snapshot_encrypted"
  fail    = ["aws_ebs_snapshot.of_plain", "aws_ebs_snapshot.of_both_plain[\"a\"]", "aws_ebs_snapshot.of_kept[\"plain\"]"]
  unknown = ["aws_ebs_snapshot.of_unset", "aws_ebs_snapshot.of_outside", "aws_ebs_snapshot.of_mixed[\"a\"]", "aws_ebs_snapshot.of_mixed[\"b\"]"]
  pass    = ["aws_ebs_snapshot.of_encrypted", "aws_ebs_snapshot.of_covered", "aws_ebs_snapshot.of_kept[\"enc\"]"]
}

plan_test "snapshot copies" {
  plan    = "../../testdata/ebs-snapshots.json"
  policy  = "snapshot_copy_encrypted"
  fail    = ["aws_ebs_snapshot_copy.plain_copy", "aws_ebs_snapshot_copy.copy_of_both_plain"]
  unknown = ["aws_ebs_snapshot_copy.copy_outside", "aws_ebs_snapshot_copy.copy_of_mixed"]
  pass    = ["aws_ebs_snapshot_copy.encrypted_copy", "aws_ebs_snapshot_copy.copy_of_encrypted", "aws_ebs_snapshot_copy.copy_covered"]
}
