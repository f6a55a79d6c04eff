policytest {
  targets = ["ebs-snapshot-block-public-access.policy.hcl"]
}

resource "aws_ebs_snapshot_block_public_access" "block_new_only" {
  expect_failure = true
  attrs          = { state = "block-new-sharing" }
}

resource "aws_ebs_snapshot_block_public_access" "unblocked" {
  expect_failure = true
  attrs          = { state = "unblocked" }
}

resource "aws_ebs_snapshot_block_public_access" "block_all" {
  attrs = { state = "block-all-sharing" }
}

resource "aws_ebs_snapshot_block_public_access" "block_new_allowed_by_input" {
  attrs = { state = "block-new-sharing" }
  inputs {
    allowed_states = ["block-all-sharing", "block-new-sharing"]
  }
}
