# Administrator access is never attached by Terraform.
locals {
  forbidden = ["arn:aws:iam::aws:policy/AdministratorAccess", "arn:aws:iam::aws:policy/IAMFullAccess"]
}

resource_policy "aws_iam_role_policy_attachment" "no_admin_policies" {
  enforcement_level = "mandatory"

  enforce {
    condition     = !core::contains(local.forbidden, attrs.policy_arn)
    error_message = "Role ${attrs.role} must not get ${attrs.policy_arn}."
  }
}
