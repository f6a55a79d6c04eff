# TFG-EC2-023: EBS volumes and snapshot copies use a customer managed KMS key, when required.

policy {
  tfgate {
    id       = "TFG-EC2-023"
    title    = "EBS volumes and snapshot copies use a customer managed KMS key (when required)"
    severity = "medium"
    controls = ["NIST 800-53 SC-12", "PCI DSS 3.6"]

    description = <<-EOT
      Judged only when the input `require_customer_managed_key` is `true` (default `false`:
      the policy then reports nothing). It then requires the encrypted `aws_ebs_volume`,
      `aws_ebs_snapshot_copy` and `aws_launch_template` EBS mappings of a plan to use a
      customer managed KMS key rather than the AWS managed key `aws/ebs`:

      - `kms_key_id` referring to an `aws_kms_key` or `aws_kms_alias` in the configuration,
        or set to a known key that is not `alias/aws/ebs`: pass;
      - `kms_key_id` set to `alias/aws/ebs` (or its ARN): fail;
      - `kms_key_id` not set: the account's default EBS key decides; an
        `aws_ebs_default_kms_key` on the same provider configuration passes, none fails
        (the default is then `aws/ebs`).

      Unencrypted volumes are TFG-EC2-020's finding and are not judged here.
    EOT

    rationale = <<-EOT
      The AWS managed key `aws/ebs` cannot be rotated on your schedule, disabled, or shared
      with another account, and its key policy cannot be changed: every principal in the
      account that may use EBS may use it. A customer managed key lets you restrict who can
      decrypt the data, revoke access by disabling the key, share encrypted snapshots with
      another account (impossible with `aws/ebs`), and log every use in CloudTrail under a
      key you own. Many compliance regimes (PCI DSS key management, NIST SC-12) ask for
      keys under the organisation's control.
    EOT

    violating_example = <<-EOT
      resource "aws_ebs_volume" "data" {
        availability_zone = "eu-west-1a"
        size              = 100
        encrypted         = true # no kms_key_id: the AWS managed key aws/ebs
      }
    EOT

    compliant_example = <<-EOT
      resource "aws_ebs_volume" "data" {
        availability_zone = "eu-west-1a"
        size              = 100
        encrypted         = true
        kms_key_id        = aws_kms_key.ebs.arn
      }
    EOT

    unknown_values = <<-EOT
      A `kms_key_id` known only after apply that refers to no KMS key or alias in the plan
      (a variable read at apply, a data source) is unknown. When the plan has no
      configuration for the resource, an unknown `kms_key_id` (unset, or computed) is
      unknown too. The account default is taken from this plan only: a default key set
      outside it is not seen, so set `kms_key_id` or manage the default here.
    EOT

    references = [
      "https://docs.aws.amazon.com/ebs/latest/userguide/ebs-encryption.html#ebs-encryption-key",
      "https://docs.aws.amazon.com/kms/latest/developerguide/concepts.html#customer-cmk",
      "https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/ebs_default_kms_key",
    ]
  }
}

input "require_customer_managed_key" {
  type        = bool
  default     = false
  description = "Require EBS volumes, snapshot copies and launch template EBS mappings to use a customer managed KMS key instead of aws/ebs."
  nullable    = false
}

locals {
  key_types = ["aws_kms_key", "aws_kms_alias", "aws_kms_replica_key", "aws_kms_external_key"]
  # Provider configurations whose account default EBS key is set in this plan.
  default_key_providers = [for d in tfgate::resources("aws_ebs_default_kms_key") : d.meta.provider_config_key]

  # Message parts shared by the blocks.
  key_unknown_text  = "kms_key_id is known only after apply and refers to no KMS key in this plan"
  use_customer_key  = "use a customer managed key (aws_kms_key)"
  set_customer_key  = "set kms_key_id to a customer managed key"
}

resource_policy "aws_ebs_volume" "volume_key" {
  enforcement_level = "mandatory"
  filter            = input.require_customer_managed_key && core::try(attrs.encrypted, null) != false

  locals {
    key       = core::try(attrs.kms_key_id, null)
    key_known = core::valuetostring(local.key) != "(unknown)"
    # Whether kms_key_id is set: the configuration says; without one, the planned value.
    configured     = core::try(meta.configured, null)
    sets_key       = local.configured != null ? core::contains(local.configured, "kms_key_id") : local.key != null
    sets_key_known = core::valuetostring(local.sets_key) != "(unknown)"

    # The questions: a key resource of this plan, the AWS managed key, an account default key.
    refers_to_key_resource = core::length([for r in tfgate::referenced("kms_key_id") : r if core::contains(local.key_types, r.meta.type)]) > 0
    is_aws_managed         = core::try(local.key == "alias/aws/ebs" || core::endswith(local.key, ":alias/aws/ebs"), false)
    has_default_key        = core::contains(local.default_key_providers, meta.provider_config_key)
    own_key_ok             = local.refers_to_key_resource || !local.is_aws_managed

    # Messages, from their parts.
    no_default       = "no aws_ebs_default_kms_key for provider configuration ${meta.provider_config_key} is in this plan"
    no_default_text  = "kms_key_id is not set and ${local.no_default}, so the volume uses the AWS managed key aws/ebs; ${local.set_customer_key}"
    aws_managed_text = "kms_key_id is the AWS managed key ${local.key}; ${local.use_customer_key}"
    set_unknown_text = "kms_key_id is known only after apply, and the plan has no configuration for this resource to tell whether it is set"
    own_key_text     = local.key_known ? local.aws_managed_text : local.key_unknown_text
    reason           = !local.sets_key_known ? local.set_unknown_text : (local.sets_key ? local.own_key_text : local.no_default_text)
  }

  enforce {
    condition     = local.sets_key ? local.own_key_ok : local.has_default_key
    error_message = "${meta.address}: ${local.reason}."
  }
}

resource_policy "aws_ebs_snapshot_copy" "snapshot_copy_key" {
  enforcement_level = "mandatory"
  filter            = input.require_customer_managed_key

  locals {
    key       = core::try(attrs.kms_key_id, null)
    key_known = core::valuetostring(local.key) != "(unknown)"

    refers_to_key_resource = core::length([for r in tfgate::referenced("kms_key_id") : r if core::contains(local.key_types, r.meta.type)]) > 0
    is_aws_managed         = core::try(local.key == "alias/aws/ebs" || core::endswith(local.key, ":alias/aws/ebs"), false)
    has_default_key        = core::contains(local.default_key_providers, meta.provider_config_key)
    key_ok                 = local.key == null ? local.has_default_key : !local.is_aws_managed

    no_default       = "no aws_ebs_default_kms_key for provider configuration ${meta.provider_config_key} is in this plan"
    no_default_text  = "kms_key_id is not set and ${local.no_default}, so the copy uses the AWS managed key aws/ebs (or the source's key); ${local.set_customer_key}"
    aws_managed_text = "kms_key_id is the AWS managed key ${local.key}; ${local.use_customer_key}"
    reason           = !local.key_known ? local.key_unknown_text : (local.key == null ? local.no_default_text : local.aws_managed_text)
  }

  enforce {
    condition     = local.refers_to_key_resource || local.key_ok
    error_message = "${meta.address}: ${local.reason}."
  }
}

resource_policy "aws_launch_template" "launch_template_key" {
  enforcement_level = "mandatory"
  filter            = input.require_customer_managed_key

  locals {
    # The mappings as planned. (Not try or coalesce over the list: they make a list holding
    # one value known only after apply wholly unknown, hiding the mappings that are known.)
    mappings_text = core::try(core::valuetostring(attrs.block_device_mappings), "(absent)")
    mappings      = core::contains(["(null)", "(absent)"], local.mappings_text) ? [] : attrs.block_device_mappings
    # kms_key_id is Optional only here: unset is a known null.
    ebs = core::flatten([for m in local.mappings : [
      for e in (m.ebs == null ? [] : m.ebs) : { device = m.device_name, key = e.kms_key_id, encrypted = e.encrypted == "true" || e.encrypted == true }
    ]])

    has_default_key = core::contains(local.default_key_providers, meta.provider_config_key)
    # A key referred to in the configuration is a customer managed one.
    refers_to_key_resource = core::length([for r in tfgate::referenced("block_device_mappings") : r if core::contains(local.key_types, r.meta.type)]) > 0

    # Each mapping on its own: does it use aws/ebs? Unencrypted ones are TFG-EC2-020's finding;
    # one whose key is known only after apply uses a key of this plan or cannot be told.
    uses_aws_key = [for e in local.ebs : !e.encrypted ? false : (
      core::valuetostring(e.key) == "(unknown)" ? (local.refers_to_key_resource ? false : null) :
      e.key == null ? !local.has_default_key :
      !local.refers_to_key_resource && (e.key == "alias/aws/ebs" || core::endswith(e.key, ":alias/aws/ebs"))
    )]
    answers   = [for a in local.uses_aws_key : core::valuetostring(a)] # "true", "false", "(null)" or "(unknown)"
    bad       = [for i, e in local.ebs : e.device if local.answers[i] == "true"]
    undecided = [for i, e in local.ebs : e.device if core::contains(["(null)", "(unknown)"], local.answers[i])]
    decided   = core::length(local.undecided) == 0

    unknown_reason = "${meta.address}: ebs.kms_key_id of block_device_mappings ${core::join(", ", local.undecided)} is known only after apply and refers to no KMS key in this plan"
    key_choices    = "kms_key_id unset without an aws_ebs_default_kms_key for provider configuration ${meta.provider_config_key}, or alias/aws/ebs"
  }

  enforce {
    condition     = core::length(local.bad) == 0 && (local.decided || tfgate::unknown(local.unknown_reason))
    error_message = "${meta.address}: block_device_mappings ${core::join(", ", local.bad)} use the AWS managed key aws/ebs (${local.key_choices}); ${local.set_customer_key}."
  }
}
