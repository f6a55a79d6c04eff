# TFG-EC2-042 on mock resources. A role outside the plan is unknown, and an unknown verdict
# fails a policytest case: the unknown cases are in instance-profile-needed.plantest.hcl.

policytest {
  targets = ["instance-profile-needed.policy.hcl"]
}

resource "aws_iam_role" "web" {
  attrs = { name = "web", managed_policy_arns = null, inline_policy = null }
  meta  = { actions = ["create"], configured = ["name", "assume_role_policy"] }
}

resource "aws_iam_role_policy_attachment" "web_ssm" {
  attrs = { role = "web", policy_arn = "arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore" }
  meta  = { references = { "role" = ["aws_iam_role.web"] } }
}

resource "aws_iam_instance_profile" "web" {
  attrs = { name = "web", role = "web" }
  meta  = { references = { "role" = ["aws_iam_role.web"] } }
}

resource "aws_iam_role" "batch" {
  attrs = { name = "batch", managed_policy_arns = null, inline_policy = null }
  meta  = { actions = ["create"], configured = ["name", "assume_role_policy"] }
}

resource "aws_iam_instance_profile" "batch" {
  expect_failure = true
  attrs          = { name = "batch", role = "batch" }
  meta           = { references = { "role" = ["aws_iam_role.batch"] } }
}

resource "aws_iam_instance_profile" "roleless" {
  expect_failure = true
  attrs          = { name = "roleless", role = null }
}

resource "aws_iam_role" "reporting" {
  attrs = {
    name                = "reporting"
    managed_policy_arns = []
    inline_policy       = [{ name = "athena", policy = "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"athena:StartQueryExecution\",\"Resource\":\"*\"}]}" }]
  }
  meta = { actions = ["create"], configured = ["name", "assume_role_policy", "inline_policy"] }
}

# Found by name: no reference in the configuration.
resource "aws_iam_instance_profile" "reporting" {
  attrs = { name = "reporting", role = "reporting" }
}
