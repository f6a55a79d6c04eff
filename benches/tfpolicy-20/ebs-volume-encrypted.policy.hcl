# Data volumes are encrypted.
resource_policy "aws_ebs_volume" "encrypted" {
  enforcement_level = "mandatory"

  enforce {
    condition     = attrs.encrypted == true
    error_message = "EBS volume in ${attrs.availability_zone} must be encrypted."
  }
}
