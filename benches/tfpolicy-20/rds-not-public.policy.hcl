# Databases are reachable from inside the VPC only.
resource_policy "aws_db_instance" "not_publicly_accessible" {
  enforcement_level = "mandatory"

  enforce {
    condition     = core::try(attrs.publicly_accessible, false) != true
    error_message = "RDS instance ${attrs.identifier} must not be publicly accessible."
  }
}
