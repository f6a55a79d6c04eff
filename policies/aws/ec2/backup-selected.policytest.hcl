# TFG-EC2-060 on mock resources. Tags known only after apply, and a plan without
# selections, are unknown, and an unknown verdict fails a policytest case: those cases are
# in backup-selected.plantest.hcl.

policytest {
  targets = ["backup-selected.policy.hcl"]
}

resource "aws_backup_selection" "volumes_by_tag" {
  attrs = {
    resources     = ["arn:aws:ec2:*:*:volume/*"]
    not_resources = null
    selection_tag = []
    condition     = [{ string_equals = [{ key = "aws:ResourceTag/backup", value = "daily" }], string_like = [], string_not_equals = [], string_not_like = [] }]
  }
}

resource "aws_backup_selection" "web_instances" {
  attrs = {
    resources     = null
    not_resources = ["arn:aws:ec2:*:*:volume/*"]
    selection_tag = [{ type = "STRINGEQUALS", key = "role", value = "web" }]
    condition     = []
  }
}

resource "aws_ebs_volume" "daily" {
  attrs = { arn = "arn:aws:ec2:eu-west-1:123456789012:volume/vol-0daily", tags = { backup = "daily" }, tags_all = { backup = "daily" } }
}

resource "aws_ebs_volume" "weekly" {
  expect_failure = true
  attrs          = { arn = "arn:aws:ec2:eu-west-1:123456789012:volume/vol-0weekly", tags = { backup = "weekly" }, tags_all = { backup = "weekly" } }
}

# Tagged role = web, but volumes are excluded from that selection.
resource "aws_ebs_volume" "web_scratch" {
  expect_failure = true
  attrs          = { arn = "arn:aws:ec2:eu-west-1:123456789012:volume/vol-0scratch", tags = { role = "web" }, tags_all = { role = "web" } }
}

resource "aws_instance" "web" {
  attrs = { arn = "arn:aws:ec2:eu-west-1:123456789012:instance/i-0web", tags = { role = "web" }, tags_all = { role = "web" } }
}

resource "aws_instance" "worker" {
  expect_failure = true
  attrs          = { arn = "arn:aws:ec2:eu-west-1:123456789012:instance/i-0worker", tags = { role = "worker" }, tags_all = { role = "worker" } }
}
