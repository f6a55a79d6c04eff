policytest {
  targets = ["ami-not-public.policy.hcl"]
}

resource "aws_ami_launch_permission" "everyone" {
  expect_failure = true
  attrs          = { image_id = "ami-0a5c3558529277641", group = "all", account_id = null }
}

resource "aws_ami_launch_permission" "one_account" {
  attrs = { image_id = "ami-0a5c3558529277641", group = null, account_id = "210987654321" }
}

resource "aws_ami_launch_permission" "organization" {
  attrs = { image_id = "ami-0a5c3558529277641", group = null, organization_arn = "arn:aws:organizations::111122223333:organization/o-exampleorgid" }
}
