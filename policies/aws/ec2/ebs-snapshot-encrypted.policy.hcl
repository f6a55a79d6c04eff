# TFG-EC2-022: EBS snapshots that the plan creates or copies are encrypted.

policy {
  tfgate {
    id       = "TFG-EC2-022"
    title    = "EBS snapshots and snapshot copies must be encrypted"
    severity = "high"
    controls = ["AWS FSBP EC2.3", "NIST 800-53 SC-28"]

    description = <<-EOT
      Requires the snapshots a plan creates or copies to be encrypted at rest:

      - `aws_ebs_snapshot` takes the encryption of its volume: it passes when its own
        `encrypted` is known true (an existing snapshot), or when the `aws_ebs_volume` its
        `volume_id` refers to in the configuration is encrypted (`encrypted = true`, or EBS
        encryption by default enabled on the volume's provider configuration for a volume
        this plan creates); it fails when that volume is known to be unencrypted;
      - `aws_ebs_snapshot_copy` passes with `encrypted = true`, or when EBS encryption by
        default is enabled on its own provider configuration (copies of unencrypted
        snapshots are then encrypted), or when the `aws_ebs_snapshot` its
        `source_snapshot_id` refers to passes (a copy of an encrypted snapshot is always
        encrypted); it fails when `encrypted` is not true and that source snapshot is known
        to be unencrypted.
    EOT

    rationale = <<-EOT
      A snapshot holds a full copy of the volume's data. Unencrypted snapshots can be shared
      with other accounts or made public, copied to other Regions and restored to volumes
      that nobody watches; every copy is readable by whoever obtains it. Encrypted
      snapshots stay under KMS key policies, cannot be made public, and volumes restored
      from them are encrypted too. AWS Security Hub EC2.3 covers attached volumes; the
      snapshots taken from them need the same protection.
    EOT

    violating_example = <<-EOT
      resource "aws_ebs_volume" "data" {
        availability_zone = "eu-west-1a"
        size              = 100
        encrypted         = false
      }

      resource "aws_ebs_snapshot" "data" {
        volume_id = aws_ebs_volume.data.id # unencrypted volume: unencrypted snapshot
      }

      resource "aws_ebs_snapshot_copy" "dr" {
        source_snapshot_id = aws_ebs_snapshot.data.id
        source_region      = "eu-west-1"
        encrypted          = false
      }
    EOT

    compliant_example = <<-EOT
      resource "aws_ebs_snapshot_copy" "dr" {
        source_snapshot_id = aws_ebs_snapshot.data.id
        source_region      = "eu-west-1"
        encrypted          = true
        kms_key_id         = aws_kms_key.dr.arn
      }
    EOT

    unknown_values = <<-EOT
      When the volume (or source snapshot) is not managed in this plan (a literal id, a
      variable, a data source), nothing in the plan shows whether it is encrypted: the
      verdict is unknown unless the resource's own values decide. A volume whose `encrypted`
      is known only after apply gives unknown, and so does an account default whose
      `enabled` is. `volume_id = aws_ebs_volume.data[each.key].id` is recorded in the plan as a
      reference to the whole `count`/`for_each` block. When the snapshot's `volume_id` is known
      and equals one instance's `id`, that instance decides; otherwise, when the instances agree
      the verdict follows them, and when some are encrypted and some not, the plan does not say
      which one the snapshot copies, and the verdict is unknown (never a fail caused by a
      sibling volume).
    EOT

    references = [
      "https://docs.aws.amazon.com/ebs/latest/userguide/ebs-encryption.html",
      "https://docs.aws.amazon.com/ebs/latest/userguide/ebs-copy-snapshot.html",
      "https://docs.aws.amazon.com/ebs/latest/userguide/encryption-by-default.html",
      "https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/ebs_snapshot",
      "https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/ebs_snapshot_copy",
    ]
  }
}

locals {
  # Provider configurations whose account and Region encrypt new volumes and copies by default.
  encrypting_providers = [for d in tfgate::resources("aws_ebs_encryption_by_default") : d.meta.provider_config_key if d.attrs.enabled == true]
  # Whether each volume is encrypted: it says so, or this plan creates it on a provider
  # configuration that encrypts new volumes by default. Worked out once per plan for both
  # blocks: a snapshot of a `count`/`for_each` block has every instance as a candidate.
  volume_encrypted = { for v in tfgate::resources("aws_ebs_volume") : v.address => v.attrs.encrypted == true || (
    core::contains(["create", "replace"], v.meta.operation) && core::contains(local.encrypting_providers, v.meta.provider_config_key)
  ) }
  # The same answers grouped by block (module instance and name).
  block_flags = { for v in tfgate::resources("aws_ebs_volume") : "${v.meta.module_path} ${v.meta.name}" => local.volume_encrypted[v.address]... }
  # How many instances each block has (known even when some flags are not: `try` would hide those).
  block_sizes = { for b, flags in local.block_flags : b => core::length(flags) }
  # Whether a known `encrypted` is set (a snapshot's is computed: known for an existing one only).
  unset = ["(unknown)", "(null)"]
}

resource_policy "aws_ebs_snapshot" "snapshot_encrypted" {
  enforcement_level = "mandatory"

  locals {
    # The volumes volume_id refers to. `volume_id = aws_ebs_volume.data[each.key].id` names
    # every instance of the block, in address order. When the first and the last are
    # instances of one block and there are as many as the block has, they are the whole
    # block: its flags, worked out once per plan, decide without a walk over the instances
    # for each snapshot.
    refs         = tfgate::referenced("volume_id")
    ref_count    = core::length(local.refs)
    ends         = [for i in [0, local.ref_count - 1] : local.refs[i] if local.ref_count > 0]
    end_blocks   = [for r in local.ends : r.meta.type == "aws_ebs_volume" ? "${r.meta.module_path} ${r.meta.name}" : ""]
    block        = core::try(local.end_blocks[0], "")
    whole_block  = local.block != "" && local.block == local.end_blocks[1] && local.ref_count == core::try(local.block_sizes[local.block], 0)
    volumes      = [for r in local.refs : r.address if r.meta.type == "aws_ebs_volume"]
    volume_count = local.whole_block ? local.ref_count : core::length(local.volumes)
    volume_flags = local.whole_block ? local.block_flags[local.block] : [for v in local.volumes : local.volume_encrypted[v]]

    # The questions. Its own `encrypted`, when known, decides; else its volumes in this plan.
    # Instances of one block that all agree decide; instances that disagree cannot (never a
    # fail by a sibling).
    own_known      = !core::contains(local.unset, core::try(core::valuetostring(attrs.encrypted), "(unknown)"))
    own_encrypted  = core::try(attrs.encrypted, null) == true
    volume_in_plan = local.volume_count > 0
    by_volumes     = !local.own_known && local.volume_in_plan
    all_encrypted  = core::alltrue(local.volume_flags)
    none_encrypted = !core::anytrue(local.volume_flags)
    volumes_agree  = local.all_encrypted || local.none_encrypted
    from_volumes   = local.volumes_agree ? local.all_encrypted : tfgate::unknown(local.which_reason)
    encrypted      = local.by_volumes ? local.from_volumes : local.own_encrypted

    # Message parts.
    volume_names    = core::join(", ", local.volumes)
    encrypted_count = core::length([for f in local.volume_flags : f if f])
    which_instances = "one of ${local.volume_count} instances of one aws_ebs_volume block (${local.encrypted_count} encrypted, ${local.volume_count - local.encrypted_count} not)"
    which_reason    = "${meta.address}: volume_id is known only after apply and refers to ${local.which_instances}; the plan does not say which one this snapshot copies."
    copies_one      = "one of ${local.volume_names}, none of which is encrypted or covered"
    copies          = local.volume_count > 1 ? local.copies_one : "${local.volume_names}, which is not encrypted and not covered"
    plain_message   = "the snapshot copies ${local.copies} by EBS encryption by default in this plan, so the snapshot is not encrypted; encrypt the volume"
    pending_message = "whether ${local.volume_names} is encrypted (its encrypted, or EBS encryption by default) is known only after apply"
    no_volume       = "volume_id refers to no aws_ebs_volume in this plan, so whether the snapshot is encrypted is known only after apply"
    volumes_pending = core::valuetostring(local.all_encrypted) == "(unknown)"
    volume_message  = local.volumes_pending ? local.pending_message : local.plain_message
    own_message     = local.own_known ? "the snapshot is not encrypted" : local.no_volume
  }

  enforce {
    condition     = local.encrypted
    error_message = "${meta.address}: ${local.by_volumes ? local.volume_message : local.own_message}."
  }
}

resource_policy "aws_ebs_snapshot_copy" "snapshot_copy_encrypted" {
  enforcement_level = "mandatory"

  locals {
    sources = [for r in tfgate::referenced("source_snapshot_id") : r if r.meta.type == "aws_ebs_snapshot"]
    # Per source snapshot: its known `encrypted`, else whether its volumes in this plan are
    # encrypted. A source whose volume_id names a whole count/for_each block has several
    # candidate volumes: they decide when they agree; when they differ it is unknown, never a
    # pass because one sibling is encrypted.
    source_flags = { for s in local.sources : s.address => [
      for v in tfgate::referenced("volume_id", s.address) : local.volume_encrypted[v.address] if v.meta.type == "aws_ebs_volume"
    ] }
    source_facts = [for s in local.sources : {
      address   = s.address
      own_known = !core::contains(local.unset, core::try(core::valuetostring(s.attrs.encrypted), "(unknown)"))
      own       = core::try(s.attrs.encrypted, null) == true
      # No volume in this plan: not encrypted.
      all   = core::length(local.source_flags[s.address]) > 0 && core::alltrue(local.source_flags[s.address])
      agree = core::alltrue(local.source_flags[s.address]) || !core::anytrue(local.source_flags[s.address])
    }]
    which_reason = core::join(" ", [
      "whether the source snapshot %s is encrypted is known only after apply: its volume_id refers to instances of one",
      "aws_ebs_volume block that differ in encryption, and the plan does not say which one it copies",
    ])
    source_encrypted = [for s in local.source_facts : s.own_known ? s.own : (
      s.agree ? s.all : tfgate::unknown("${meta.address}: ${core::format(local.which_reason, s.address)}")
    )]

    # The questions: the copy asks for encryption, or its account encrypts by default, or
    # its sources in this plan are encrypted. With no source in the plan, the source decides
    # at apply: unknown for a new copy (its id is known only after apply); an existing copy's
    # state shows whether it is encrypted.
    asks_encryption   = core::try(attrs.encrypted, null) == true
    by_default        = core::contains(local.encrypting_providers, meta.provider_config_key)
    source_in_plan    = core::length(local.sources) > 0
    sources_encrypted = core::alltrue(local.source_encrypted)
    # Compared with a string no id equals: false for a known id, unknown for an id known only after apply.
    pending_id = core::try(attrs.id, "") == "(decided at apply)"
    encrypted  = local.asks_encryption || local.by_default || (local.source_in_plan ? local.sources_encrypted : local.pending_id)

    # Message parts.
    created         = core::contains(["create", "replace"], meta.operation)
    own_setting     = "encrypted is ${core::jsonencode(core::try(attrs.encrypted, null))}"
    source_names    = core::join(", ", [for s in local.sources : s.address])
    sources_pending = core::valuetostring(local.sources_encrypted) == "(unknown)"
    no_default      = "EBS encryption by default is not enabled for provider configuration ${meta.provider_config_key} in this plan"
    pending_message = "${local.own_setting} and whether the source snapshot ${local.source_names} is encrypted is known only after apply; set encrypted = true"
    plain_message   = "${local.own_setting}, the source snapshot ${local.source_names} is not encrypted and ${local.no_default}; set encrypted = true"
    outside_source  = "source_snapshot_id refers to no aws_ebs_snapshot in this plan, so whether the copy is encrypted is known only after apply"
    no_source       = "${local.own_setting} and ${local.outside_source}; set encrypted = true"
    existing_plain  = "the snapshot copy is not encrypted (${local.own_setting}); copy it again with encrypted = true"
    source_message  = local.sources_pending ? local.pending_message : local.plain_message
    outside_message = local.created ? local.no_source : local.existing_plain
  }

  enforce {
    condition     = local.encrypted
    error_message = "${meta.address}: ${local.source_in_plan ? local.source_message : local.outside_message}."
  }
}
