# A team policy next to the built-in library: instances carry the tags the
# cost reports group by. Which tags is an input, set in ../tfgate.hcl.

policy {
  tfgate {
    id       = "ACME-TAGS-001"
    title    = "EC2 instances and launch templates carry the required tags"
    severity = "low"
  }
}

input "required_tags" {
  type        = list(string)
  default     = ["owner"]
  description = "Tag keys every instance must have."
}

resource_policy "aws_instance" "instance_tags" {
  enforcement_level = "advisory"
  operations        = ["create", "update"]

  locals {
    tags    = core::coalesce(core::try(attrs.tags, null), {})
    missing = [for k in input.required_tags : k if !core::contains(core::keys(local.tags), k)]
  }

  enforce {
    condition     = core::length(local.missing) == 0
    error_message = "${meta.address} has no ${core::join(", ", local.missing)} tag"
  }
}

resource_policy "aws_launch_template" "launch_template_tags" {
  enforcement_level = "advisory"
  operations        = ["create", "update"]

  locals {
    tags    = core::coalesce(core::try(attrs.tags, null), {})
    missing = [for k in input.required_tags : k if !core::contains(core::keys(local.tags), k)]
  }

  enforce {
    condition     = core::length(local.missing) == 0
    error_message = "${meta.address} has no ${core::join(", ", local.missing)} tag"
  }
}
