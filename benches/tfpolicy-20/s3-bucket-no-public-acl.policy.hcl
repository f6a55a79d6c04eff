# Canned ACLs that open a bucket to everyone are not allowed.
resource_policy "aws_s3_bucket" "no_public_acl" {
  enforcement_level = "mandatory"

  enforce {
    condition     = !core::contains(["public-read", "public-read-write", "authenticated-read"], core::try(attrs.acl, "private") == null ? "private" : attrs.acl)
    error_message = "S3 bucket ${attrs.bucket} must not use a public canned ACL (found ${attrs.acl})."
  }
}
