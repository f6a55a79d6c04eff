policy {
  tfgate {
    id       = "TFG-EC2-020"
    title    = "EBS volumes must be encrypted"
    severity = "high"
    controls = ["AWS FSBP EC2.3"]
    description = <<-EOT
      Requires every EBS volume a plan creates or changes to be encrypted at rest:
      `aws_ebs_volume.encrypted`, the `root_block_device` and `ebs_block_device` blocks of
      `aws_instance`, and `block_device_mappings[*].ebs[*].encrypted` of
      `aws_launch_template` (a string there: `"true"`/`"false"`).

      A volume needs no setting of its own when EBS encryption by default is enabled for
      its account and Region, that is when an `aws_ebs_encryption_by_default` with
      `enabled = true` exists in the plan on the **same provider configuration**
      (`provider_config_key`). The setting of another provider configuration (another
      Region or account) never counts. A resource with several volumes takes the worst
      verdict of its volumes.
    EOT
    rationale = <<-EOT
      Unencrypted EBS volumes and their snapshots expose data to anyone who gets hold of a
      snapshot copy, a shared snapshot or the underlying storage, and data in transit between
      the instance and the volume is encrypted only when the volume is. EBS encryption uses
      KMS at no performance cost and also protects every snapshot taken from the volume.
      AWS Security Hub EC2.3 requires attached EBS volumes to be encrypted.

      Deliberate differences from EC2.3, which looks only at attached volumes: tfgate
      judges every `aws_ebs_volume` whether or not an `aws_volume_attachment` attaches it,
      since a volume created unencrypted stays so when it is attached later (and its
      snapshots too). An unattached volume that is encrypted passes: nothing requires a
      volume to be attached, and unattached volumes are a cost matter, not an exposure.
    EOT
    violating_example = <<-EOT
      resource "aws_ebs_volume" "data" {
        availability_zone = "eu-west-1a"
        size              = 500
        encrypted         = false
      }

      resource "aws_launch_template" "workers" {
        image_id = data.aws_ami.al2023.id
        block_device_mappings {
          device_name = "/dev/xvda"
          ebs {
            volume_size = 50        # encrypted not set: only as encrypted as the AMI snapshot
          }
        }
      }
    EOT
    compliant_example = <<-EOT
      resource "aws_ebs_volume" "data" {
        availability_zone = "eu-west-1a"
        size              = 500
        encrypted         = true
        kms_key_id        = aws_kms_key.ebs.arn
      }

      # Or, per account and Region (provider configuration):
      resource "aws_ebs_encryption_by_default" "this" {
        enabled = true
      }
    EOT
    unknown_values = <<-EOT
      In `aws_ebs_volume` and in the block devices of `aws_instance`, `encrypted` is
      Optional+Computed: left unset, it is known only after apply (AWS then follows the
      account default or the source snapshot) and the verdict is unknown, unless encryption
      by default is enabled on the same provider configuration in the plan. In
      `aws_launch_template`, `ebs.encrypted` is Optional only: left unset it is a known null,
      which fails (the volume is encrypted only if the AMI's snapshot is). An
      `aws_ebs_encryption_by_default` whose `enabled` is unknown makes an otherwise failing
      volume unknown. The account default is taken from this plan only; one set outside it
      (another configuration, the console) is not seen, so set `encrypted = true` or manage
      the default in the same configuration.
    EOT
    references = [
      "https://docs.aws.amazon.com/securityhub/latest/userguide/ec2-controls.html#ec2-3",
      "https://docs.aws.amazon.com/ebs/latest/userguide/ebs-encryption.html",
      "https://docs.aws.amazon.com/ebs/latest/userguide/encryption-by-default.html",
      "https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_LaunchTemplateEbsBlockDeviceRequest.html",
    ]
  }
}

# The account defaults in the plan. Each block below repeats the same `by_default` and
# `default_text`: a value is per resource type here, and the policy language has no functions.
locals {
  defaults = tfgate::resources("aws_ebs_encryption_by_default")
}

resource_policy "aws_ebs_volume" "volume_encrypted" {
  enforcement_level = "mandatory"

  locals {
    # The questions: is the volume encrypted, or does the account default encrypt it?
    is_encrypted = attrs.encrypted == true
    by_default   = core::anytrue([for d in local.defaults : d.meta.provider_config_key == meta.provider_config_key && d.attrs.enabled == true])

    # Message parts.
    provider        = core::try(core::coalesce(meta.provider_config_key, "(unknown)"), "(unknown)")
    default_unknown = "whether EBS encryption by default is enabled for provider configuration ${local.provider} is known only after apply"
    default_off     = "EBS encryption by default is not enabled for provider configuration ${local.provider} in this plan"
    default_text    = core::valuetostring(local.by_default) == "(unknown)" ? local.default_unknown : local.default_off
    encrypted_known = core::valuetostring(attrs.encrypted) != "(unknown)"
    encrypted_text  = local.encrypted_known ? "encrypted is ${core::jsonencode(attrs.encrypted)}" : "encrypted is known only after apply"
  }

  enforce {
    condition     = local.by_default || local.is_encrypted
    error_message = "${meta.address}: ${local.encrypted_text} and ${local.default_text}; set encrypted = true."
  }
}

resource_policy "aws_instance" "instance_volumes_encrypted" {
  enforcement_level = "mandatory"

  locals {
    # The block device lists; a list known only after apply has no volumes to read yet.
    blocks         = { for k in ["root_block_device", "ebs_block_device"] : k => core::lookup(attrs, k, null) }
    unknown_blocks = [for k, b in local.blocks : k if core::valuetostring(b) == "(unknown)"]
    volumes = core::flatten([for k, b in local.blocks : [
      for d in core::coalesce(b, []) : {
        field     = k == "root_block_device" ? "root_block_device.encrypted" : "ebs_block_device ${core::try(d.device_name, "?")} encrypted"
        encrypted = core::try(d.encrypted, null)
        state     = core::valuetostring(core::try(d.encrypted, null))
      }
    ] if !core::contains(local.unknown_blocks, k)])

    # The questions: are all the volumes it lists encrypted, is every list known, or does the
    # account default encrypt them?
    volumes_encrypted = core::alltrue([for v in local.volumes : v.encrypted == true])
    blocks_known      = core::length(local.unknown_blocks) == 0
    by_default        = core::anytrue([for d in local.defaults : d.meta.provider_config_key == meta.provider_config_key && d.attrs.enabled == true])

    # Message parts: the volumes that are not encrypted, then what is known only after apply.
    provider             = core::try(core::coalesce(meta.provider_config_key, "(unknown)"), "(unknown)")
    default_unknown      = "whether EBS encryption by default is enabled for provider configuration ${local.provider} is known only after apply"
    default_off          = "EBS encryption by default is not enabled for provider configuration ${local.provider} in this plan"
    default_text         = core::valuetostring(local.by_default) == "(unknown)" ? local.default_unknown : local.default_off
    plain_parts          = [for v in local.volumes : "${v.field} is ${core::jsonencode(v.encrypted)}" if !core::contains(["true", "(unknown)"], v.state)]
    unknown_block_parts  = [for k in local.unknown_blocks : "${k} is known only after apply"]
    unknown_volume_parts = [for v in local.volumes : "${v.field} is known only after apply" if v.state == "(unknown)"]
    volume_text          = core::join("; ", core::concat(local.plain_parts, local.unknown_block_parts, local.unknown_volume_parts))
    message              = "${meta.address}: ${local.volume_text}, and ${local.default_text}; set encrypted = true on every block device."
  }

  enforce {
    condition     = local.by_default || (local.volumes_encrypted && (local.blocks_known || tfgate::unknown(local.message)))
    error_message = local.message
  }
}

resource_policy "aws_launch_template" "launch_template_volumes_encrypted" {
  enforcement_level = "mandatory"

  locals {
    volumes = core::flatten([
      for m in core::coalesce(core::lookup(attrs, "block_device_mappings", null), []) : [
        for e in core::coalesce(m.ebs, []) : { device = m.device_name, encrypted = e.encrypted }
      ]
    ])
    # The questions: does every mapping ask for encryption (a string in this resource, "true"
    # or "false"; a known null means not requested), or does the account default encrypt it?
    asks_encryption = [for v in local.volumes : v.encrypted == "true" || v.encrypted == true]
    by_default      = core::anytrue([for d in local.defaults : d.meta.provider_config_key == meta.provider_config_key && d.attrs.enabled == true])

    # Message parts.
    provider        = core::try(core::coalesce(meta.provider_config_key, "(unknown)"), "(unknown)")
    default_unknown = "whether EBS encryption by default is enabled for provider configuration ${local.provider} is known only after apply"
    default_off     = "EBS encryption by default is not enabled for provider configuration ${local.provider} in this plan"
    default_text    = core::valuetostring(local.by_default) == "(unknown)" ? local.default_unknown : local.default_off
    plain = [for i, v in local.volumes : "block_device_mappings ${v.device} ebs.encrypted is ${core::jsonencode(v.encrypted)}" if !local.asks_encryption[i]]
  }

  enforce {
    condition     = local.by_default || core::alltrue(local.asks_encryption)
    error_message = "${meta.address}: ${core::join("; ", local.plain)}, and ${local.default_text}; set encrypted = true in every ebs block."
  }
}
