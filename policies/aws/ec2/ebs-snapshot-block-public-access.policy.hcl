policy {
  tfgate {
    id       = "TFG-EC2-030"
    title    = "EBS snapshot block public access must block all sharing"
    severity = "high"
    controls = []
    description = <<-EOT
      Requires `aws_ebs_snapshot_block_public_access`, the account- and Region-wide block
      public access setting for EBS snapshots, to have `state = "block-all-sharing"`.
      `"block-new-sharing"` (snapshots already public stay public) and `"unblocked"` fail.
      The accepted states are the `allowed_states` input.
    EOT
    rationale = <<-EOT
      A public EBS snapshot can be copied by any AWS account and turned into a volume, which
      exposes the whole disk: application data, credentials, keys and logs. Block public
      access in "block-all-sharing" mode stops new public sharing in the Region and also
      makes snapshots that are already shared publicly private again; "block-new-sharing"
      leaves those existing snapshots public. The AWS Config rule
      ebs-snapshot-block-public-access is NON_COMPLIANT unless all public sharing is blocked.
    EOT
    violating_example = <<-EOT
      resource "aws_ebs_snapshot_block_public_access" "this" {
        state = "block-new-sharing"
      }
    EOT
    compliant_example = <<-EOT
      resource "aws_ebs_snapshot_block_public_access" "this" {
        state = "block-all-sharing"
      }
    EOT
    unknown_values = <<-EOT
      `state` known only after apply gives an unknown verdict. The setting is per account and
      Region (provider configuration): manage one per Region you use. A plan without the
      resource is not judged (the current setting of the account is not visible in a plan).
    EOT
    references = [
      "https://docs.aws.amazon.com/ebs/latest/userguide/block-public-access-snapshots.html",
      "https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_EnableSnapshotBlockPublicAccess.html",
      "https://docs.aws.amazon.com/config/latest/developerguide/ebs-snapshot-block-public-access.html",
    ]
  }
}

input "allowed_states" {
  type        = list(string)
  default     = ["block-all-sharing"]
  description = "States of snapshot block public access that pass."
}

resource_policy "aws_ebs_snapshot_block_public_access" "snapshot_block_public_access" {
  enforcement_level = "mandatory"

  locals {
    allowed    = core::contains(input.allowed_states, attrs.state)
    pending    = core::valuetostring(attrs.state) == "(unknown)"
    state_text = local.pending ? "state is known only after apply" : "state is ${core::jsonencode(attrs.state)}"
    state_is   = "${local.state_text} for provider configuration ${meta.provider_config_key}"
  }

  enforce {
    condition     = local.allowed
    error_message = "${meta.address}: ${local.state_is}; set state = \"block-all-sharing\" so that no snapshot in the Region can be public."
  }
}
