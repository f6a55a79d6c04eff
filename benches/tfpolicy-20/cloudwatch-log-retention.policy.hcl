# Logs are kept long enough for incident reviews, and not forever.
resource_policy "aws_cloudwatch_log_group" "retention" {
  enforcement_level = "advisory"

  enforce {
    condition     = attrs.retention_in_days >= 30 && attrs.retention_in_days <= 400
    error_message = "Log group ${attrs.name} keeps logs ${attrs.retention_in_days} days; 30 to 400 are allowed."
  }
}
