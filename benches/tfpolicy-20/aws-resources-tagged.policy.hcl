# Every taggable AWS resource names its environment, with a known value.
locals {
  environments = ["dev", "staging", "prod"]
}

resource_policy "aws_*" "environment_tag" {
  enforcement_level = "advisory"
  filter            = core::try(attrs.tags, null) != null

  enforce {
    condition     = core::contains(local.environments, core::lookup(attrs.tags, "env", ""))
    error_message = "${meta.type} must have an env tag, one of ${core::join(", ", local.environments)}."
  }
}
