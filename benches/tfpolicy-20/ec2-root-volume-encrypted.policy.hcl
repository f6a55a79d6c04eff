# Root volumes are encrypted.
resource_policy "aws_instance" "root_volume_encrypted" {
  enforcement_level = "mandatory"

  enforce {
    condition     = core::alltrue([for d in core::try(attrs.root_block_device, []) : core::try(d.encrypted, false) == true])
    error_message = "EC2 instance root volumes must be encrypted."
  }
}
