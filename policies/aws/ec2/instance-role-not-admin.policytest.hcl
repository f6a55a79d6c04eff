policytest {
  targets = ["instance-role-not-admin.policy.hcl"]
}

# Role "admin": AdministratorAccess attached.
resource "aws_iam_role" "admin" {
  attrs = { name = "admin" }
  meta  = { address = "aws_iam_role.admin", configured = ["name", "assume_role_policy"] }
}
resource "aws_iam_role_policy_attachment" "admin" {
  attrs = { role = "admin", policy_arn = "arn:aws:iam::aws:policy/AdministratorAccess" }
  meta  = { address = "aws_iam_role_policy_attachment.admin", references = { "role" = ["aws_iam_role.admin"] } }
}
resource "aws_iam_instance_profile" "admin" {
  attrs = { name = "admin", role = "admin" }
  meta  = { address = "aws_iam_instance_profile.admin", references = { "role" = ["aws_iam_role.admin"] } }
}

# Role "reader": an inline policy with a statement object and Action list, read-only.
resource "aws_iam_role" "reader" {
  attrs = { name = "reader" }
  meta  = { address = "aws_iam_role.reader", configured = ["name", "assume_role_policy"] }
}
resource "aws_iam_role_policy" "reader" {
  attrs = {
    role   = "reader"
    policy = "{\"Version\":\"2012-10-17\",\"Statement\":{\"Effect\":\"Allow\",\"Action\":[\"s3:GetObject\"],\"Resource\":\"*\"}}"
  }
  meta = { address = "aws_iam_role_policy.reader", references = { "role" = ["aws_iam_role.reader"] } }
}
resource "aws_iam_instance_profile" "reader" {
  attrs = { name = "reader", role = "reader" }
  meta  = { address = "aws_iam_instance_profile.reader", references = { "role" = ["aws_iam_role.reader"] } }
}

# Role "wild", matched by name only: an inline policy allowing * on *.
resource "aws_iam_role" "wild" {
  attrs = { name = "wild" }
  meta  = { address = "aws_iam_role.wild", configured = ["name", "assume_role_policy"] }
}
resource "aws_iam_role_policy" "wild" {
  attrs = { role = "wild", policy = "{\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"*\",\"Resource\":[\"*\"]}]}" }
  meta  = { address = "aws_iam_role_policy.wild" }
}
resource "aws_iam_instance_profile" "wild" {
  attrs = { name = "wild", role = "wild" }
  meta  = { address = "aws_iam_instance_profile.wild" }
}

resource "aws_instance" "admin_box" {
  expect_failure = true
  attrs          = { iam_instance_profile = "admin" }
  meta = {
    address    = "aws_instance.admin_box"
    configured = ["ami", "iam_instance_profile"]
    references = { "iam_instance_profile" = ["aws_iam_instance_profile.admin"] }
  }
}

resource "aws_instance" "wild_box_by_name" {
  expect_failure = true
  attrs          = { iam_instance_profile = "wild" }
  meta           = { address = "aws_instance.wild_box_by_name", configured = ["ami", "iam_instance_profile"] }
}

resource "aws_instance" "reader_box" {
  attrs = { iam_instance_profile = "reader" }
  meta = {
    address    = "aws_instance.reader_box"
    configured = ["ami", "iam_instance_profile"]
    references = { "iam_instance_profile" = ["aws_iam_instance_profile.reader"] }
  }
}

resource "aws_instance" "no_profile" {
  attrs = { iam_instance_profile = null }
  meta  = { address = "aws_instance.no_profile", configured = ["ami"] }
}

# A profile without a role grants nothing (TFG-EC2-042 reports it as not needed): it once
# failed as "has administrator access".
resource "aws_iam_instance_profile" "empty" {
  attrs = { name = "empty", role = null }
  meta  = { address = "aws_iam_instance_profile.empty" }
}

resource "aws_instance" "empty_profile_box" {
  attrs = { iam_instance_profile = "empty" }
  meta = {
    address    = "aws_instance.empty_profile_box"
    configured = ["ami", "iam_instance_profile"]
    references = { "iam_instance_profile" = ["aws_iam_instance_profile.empty"] }
  }
}

resource "aws_instance" "empty_profile_box_by_name" {
  attrs = { iam_instance_profile = "empty" }
  meta  = { address = "aws_instance.empty_profile_box_by_name", configured = ["ami", "iam_instance_profile"] }
}
