# Instances require IMDSv2 session tokens.
resource_policy "aws_instance" "imdsv2_required" {
  enforcement_level = "mandatory"

  locals {
    tokens = core::try(attrs.metadata_options[0].http_tokens, "optional")
  }

  enforce {
    condition     = local.tokens == "required"
    error_message = "EC2 instance must set metadata_options.http_tokens = \"required\" (found \"${local.tokens}\")."
  }
}
