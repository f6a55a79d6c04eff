# Versioning keeps overwritten and deleted objects recoverable.
resource_policy "aws_s3_bucket" "versioning_enabled" {
  enforcement_level = "advisory"

  enforce {
    condition     = core::try(attrs.versioning[0].enabled, false) == true
    error_message = "S3 bucket ${attrs.bucket} must have versioning enabled."
  }
}
