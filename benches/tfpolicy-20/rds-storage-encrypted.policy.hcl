# Database storage, snapshots and backups are encrypted.
resource_policy "aws_db_instance" "storage_encrypted" {
  enforcement_level = "mandatory"

  enforce {
    condition     = attrs.storage_encrypted == true
    error_message = "RDS instance ${attrs.identifier} must have storage_encrypted = true."
  }
}
