policytest {
  targets = ["instance-role-sensitive-wildcards.policy.hcl"]
}

# Role "passer": iam:PassRole on every role, by an inline role policy (Action a string).
resource "aws_iam_role" "passer" {
  attrs = { name = "passer" }
  meta  = { configured = ["name", "assume_role_policy"] }
}
resource "aws_iam_role_policy" "passer" {
  attrs = { role = "passer", policy = "{\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"iam:PassRole\",\"Resource\":\"*\"}]}" }
  meta  = { references = { "role" = ["aws_iam_role.passer"] } }
}
resource "aws_iam_instance_profile" "passer" {
  attrs = { name = "passer", role = "passer" }
  meta  = { references = { "role" = ["aws_iam_role.passer"] } }
}

# Role "scoped": iam:PassRole on one role and sts:AssumeRole on one role: allowed.
resource "aws_iam_role" "scoped" {
  attrs = { name = "scoped" }
  meta  = { configured = ["name", "assume_role_policy"] }
}
resource "aws_iam_role_policy" "scoped" {
  attrs = {
    role   = "scoped"
    policy = "{\"Statement\":[{\"Effect\":\"Allow\",\"Action\":[\"iam:PassRole\",\"sts:AssumeRole\"],\"Resource\":\"arn:aws:iam::123456789012:role/worker\"},{\"Effect\":\"Deny\",\"Action\":\"iam:*\",\"Resource\":\"*\"}]}"
  }
  meta = { references = { "role" = ["aws_iam_role.scoped"] } }
}
resource "aws_iam_instance_profile" "scoped" {
  attrs = { name = "scoped", role = "scoped" }
  meta  = { references = { "role" = ["aws_iam_role.scoped"] } }
}

# Role "iam_full": the AWS managed IAMFullAccess in the role's own managed_policy_arns.
resource "aws_iam_role" "iam_full" {
  attrs = { name = "iam_full", managed_policy_arns = ["arn:aws:iam::aws:policy/IAMFullAccess"] }
  meta  = { configured = ["name", "assume_role_policy", "managed_policy_arns"] }
}
resource "aws_iam_instance_profile" "iam_full" {
  attrs = { name = "iam_full", role = "iam_full" }
  meta  = { references = { "role" = ["aws_iam_role.iam_full"] } }
}

resource "aws_instance" "passer_box" {
  expect_failure = true
  attrs          = { iam_instance_profile = "passer" }
  meta           = { configured = ["ami", "iam_instance_profile"], references = { "iam_instance_profile" = ["aws_iam_instance_profile.passer"] } }
}

resource "aws_instance" "scoped_box" {
  attrs = { iam_instance_profile = "scoped" }
  meta  = { configured = ["ami", "iam_instance_profile"], references = { "iam_instance_profile" = ["aws_iam_instance_profile.scoped"] } }
}

resource "aws_instance" "iam_full_box" {
  expect_failure = true
  attrs          = { iam_instance_profile = "iam_full" }
  meta           = { configured = ["ami", "iam_instance_profile"], references = { "iam_instance_profile" = ["aws_iam_instance_profile.iam_full"] } }
}

resource "aws_instance" "no_profile" {
  attrs = { iam_instance_profile = null }
  meta  = { configured = ["ami"] }
}
