policytest {
  targets = ["ebs-data-volume-retained.policy.hcl"]
}

resource "aws_instance" "data_deleted" {
  expect_failure = true
  attrs          = { ebs_block_device = [{ device_name = "/dev/sdf", delete_on_termination = true }] }
}

resource "aws_instance" "data_kept" {
  attrs = { ebs_block_device = [{ device_name = "/dev/sdf", delete_on_termination = false }] }
}

resource "aws_instance" "root_only" {
  # The root volume is not a data volume.
  attrs = { root_block_device = [{ delete_on_termination = true }], ebs_block_device = [] }
}

resource "aws_instance" "one_of_two_deleted" {
  expect_failure = true
  attrs = {
    ebs_block_device = [
      { device_name = "/dev/sdf", delete_on_termination = false },
      { device_name = "/dev/sdg", delete_on_termination = true },
    ]
  }
}
