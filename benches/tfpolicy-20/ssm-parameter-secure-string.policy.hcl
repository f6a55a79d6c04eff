# Parameters that hold secrets are SecureStrings.
resource_policy "aws_ssm_parameter" "secrets_are_secure" {
  enforcement_level = "mandatory"
  filter            = core::strcontains(core::lower(attrs.name), "password") || core::strcontains(core::lower(attrs.name), "secret")

  enforce {
    condition     = attrs.type == "SecureString"
    error_message = "SSM parameter ${attrs.name} holds a secret and must be a SecureString."
  }
}
