# Each scenario on its own provider configuration key: mocks are visible to
# tfgate::resources and tfgate::referenced.

policytest {
  targets = ["ebs-snapshot-encrypted.policy.hcl"]
}

resource "aws_ebs_volume" "plain" {
  attrs = { encrypted = false }
  meta  = { operation = "create", provider_config_key = "aws.plain" }
}

resource "aws_ebs_volume" "encrypted" {
  attrs = { encrypted = true }
  meta  = { operation = "create", provider_config_key = "aws.plain" }
}

resource "aws_ebs_snapshot" "of_plain" {
  expect_failure = true
  attrs          = { encrypted = null }
  meta           = { provider_config_key = "aws.plain", references = { "volume_id" = ["aws_ebs_volume.plain"] } }
}

resource "aws_ebs_snapshot" "of_encrypted" {
  attrs = { encrypted = null }
  meta  = { provider_config_key = "aws.plain", references = { "volume_id" = ["aws_ebs_volume.encrypted"] } }
}

resource "aws_ebs_snapshot" "existing_encrypted" {
  attrs = { encrypted = true }
  meta  = { operation = "no-op", provider_config_key = "aws.plain" }
}

resource "aws_ebs_snapshot_copy" "copy_of_plain" {
  expect_failure = true
  attrs          = { encrypted = false }
  meta           = { provider_config_key = "aws.plain", references = { "source_snapshot_id" = ["aws_ebs_snapshot.of_plain"] } }
}

resource "aws_ebs_snapshot_copy" "asks_encryption" {
  attrs = { encrypted = true }
  meta  = { provider_config_key = "aws.plain", references = { "source_snapshot_id" = ["aws_ebs_snapshot.of_plain"] } }
}

resource "aws_ebs_encryption_by_default" "on" {
  attrs = { enabled = true }
  meta  = { provider_config_key = "aws.covered" }
}

resource "aws_ebs_snapshot_copy" "covered_by_default" {
  attrs = { encrypted = false }
  meta  = { provider_config_key = "aws.covered", references = { "source_snapshot_id" = ["aws_ebs_snapshot.of_plain"] } }
}

# `volume_id = aws_ebs_volume.kept[each.key].id` names the whole block; the snapshot's known
# volume_id says which instance it copies, so a plain sibling neither fails nor clouds it.
resource "aws_ebs_volume" "kept_enc" {
  attrs = { id = "vol-kept-enc", encrypted = true }
  meta  = { address = "aws_ebs_volume.kept[\"enc\"]", operation = "no-op", provider_config_key = "aws.kept" }
}

resource "aws_ebs_volume" "kept_plain" {
  attrs = { id = "vol-kept-plain", encrypted = false }
  meta  = { address = "aws_ebs_volume.kept[\"plain\"]", operation = "no-op", provider_config_key = "aws.kept" }
}

resource "aws_ebs_snapshot" "of_kept_enc" {
  attrs = { encrypted = null, volume_id = "vol-kept-enc" }
  meta  = { provider_config_key = "aws.kept", references = { "volume_id" = ["aws_ebs_volume.kept"] } }
}

resource "aws_ebs_snapshot" "of_kept_plain" {
  expect_failure = true
  attrs          = { encrypted = null, volume_id = "vol-kept-plain" }
  meta           = { provider_config_key = "aws.kept", references = { "volume_id" = ["aws_ebs_volume.kept"] } }
}
