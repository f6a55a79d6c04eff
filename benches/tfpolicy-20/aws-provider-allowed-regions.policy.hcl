# Resources are created in the regions the organisation operates in.
input "allowed_regions" {
  type    = list(string)
  default = ["us-east-1", "us-west-2", "eu-west-1"]
}

provider_policy "aws" "allowed_regions" {
  enforcement_level = "mandatory"

  enforce {
    condition     = core::contains(input.allowed_regions, core::try(attrs.region, ""))
    error_message = "AWS provider region ${core::try(attrs.region, "(not set)")} is not allowed."
  }
}
