# The simplest IMDSv2 rule: every EC2 instance that will exist after apply
# must require session tokens for the instance metadata service.
#
# This is the rule of the ground truth written by ../shared/tools/gen_plan.py
# (`--truth`). The built-in library's rule (policies/aws/ec2/) is stricter
# about what AWS will really do: launch templates, account defaults and a
# disabled endpoint.

policy {
  tfgate {
    id          = "EXAMPLE-IMDSV2"
    title       = "EC2 instances require IMDSv2"
    description = "Instances must set metadata_options.http_tokens to \"required\"."
    severity    = "high"
  }
}

resource_policy "aws_instance" "imdsv2_required" {
  enforcement_level = "mandatory"
  # Unchanged instances too: an existing instance without IMDSv2 is as exposed as a new one.
  operations = ["create", "update", "no-op"]

  locals {
    # metadata_options is a nested block, written as a list; when the
    # configuration leaves it out it is unknown until apply.
    tokens = core::try(attrs.metadata_options[0].http_tokens, null)
  }

  enforce {
    condition     = local.tokens == "required"
    error_message = "IMDSv2 is not required: metadata_options.http_tokens is ${local.tokens == null ? "not set" : local.tokens}, must be \"required\"."
  }
}
