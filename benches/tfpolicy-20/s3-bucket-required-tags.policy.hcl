# Every S3 bucket carries the tags the cost and ownership reports group by.
input "required_tags" {
  type    = list(string)
  default = ["env", "team"]
}

resource_policy "aws_s3_bucket" "required_tags" {
  enforcement_level = "mandatory"

  locals {
    tags    = core::try(attrs.tags, null) == null ? {} : attrs.tags
    missing = [for t in input.required_tags : t if !core::contains(core::keys(local.tags), t)]
  }

  enforce {
    condition     = core::length(local.missing) == 0
    error_message = "S3 bucket ${attrs.bucket} is missing the tags: ${core::join(", ", local.missing)}."
  }
}
