# The .policy.hcl twin of benches/sentinel/imdsv2-required.sentinel.
resource_policy "aws_instance" "imdsv2_required" {
  enforce {
    condition     = try(attrs.metadata_options[0].http_tokens, null) == "required"
    error_message = "${meta.address} has metadata_options.0.http_tokens ${try(attrs.metadata_options[0].http_tokens, "null")}, not one of [\"required\"]"
  }
}
