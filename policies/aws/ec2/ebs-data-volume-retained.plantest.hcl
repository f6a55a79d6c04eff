# TFG-EC2-024: data volumes (ebs_block_device) with delete_on_termination = true.

plan_test "an instance with a data volume deleted on termination" {
  plan    = "../../testdata/ebs-encryption.json"
  fail    = ["aws_instance.eu_worker"]
  unknown = []
  pass    = []
}

# app[*] have /dev/sdf with delete_on_termination true; the bastion and the worker have no
# data volume.
plan_test "showcase web-tier" {
  plan    = "../../../examples/plans/web-tier.json"
  fail    = ["aws_instance.app[0]", "aws_instance.app[1]"]
  unknown = []
  pass    = ["aws_instance.bastion", "aws_instance.worker"]
}

plan_test "data volumes kept, deleted, or decided at apply" {
  plan    = "../../testdata/ebs-data-volumes.json"
  fail    = ["aws_instance.one_of_two_deleted"]
  unknown = ["aws_instance.retention_from_parameter"]
  pass    = ["aws_instance.retained"]
}
