# Only the instance families the platform team budgets for.
input "allowed_families" {
  type    = list(string)
  default = ["t3", "m6i", "c6i"]
}

resource_policy "aws_instance" "allowed_instance_types" {
  enforcement_level = "mandatory_overridable"

  locals {
    family = core::split(".", attrs.instance_type)[0]
  }

  enforce {
    condition     = core::contains(input.allowed_families, local.family)
    error_message = "Instance type ${attrs.instance_type} is not in the allowed families: ${core::join(", ", input.allowed_families)}."
  }
}
