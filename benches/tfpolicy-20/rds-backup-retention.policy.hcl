# Automated backups are kept at least a week.
resource_policy "aws_db_instance" "backup_retention" {
  enforcement_level = "advisory"

  enforce {
    condition     = core::try(attrs.backup_retention_period, 0) >= 7
    error_message = "RDS instance ${attrs.identifier} keeps backups ${attrs.backup_retention_period} days; 7 or more are required."
  }
}
