# Objects at rest are encrypted with S3-managed or KMS keys.
locals {
  allowed_algorithms = ["AES256", "aws:kms", "aws:kms:dsse"]
}

resource_policy "aws_s3_bucket" "encryption_at_rest" {
  enforcement_level = "mandatory"

  locals {
    algorithms = flatten([
      for c in core::try(attrs.server_side_encryption_configuration, []) : [
        for r in c.rule : [
          for d in r.apply_server_side_encryption_by_default : d.sse_algorithm
        ]
      ]
    ])
  }

  enforce {
    condition     = core::length(local.algorithms) > 0 && core::alltrue([for a in local.algorithms : core::contains(local.allowed_algorithms, a)])
    error_message = "S3 bucket ${attrs.bucket} must encrypt objects with one of ${core::join(", ", local.allowed_algorithms)}."
  }
}
