# PostgreSQL major versions still in standard support.
input "minimum_postgres_major" {
  type    = number
  default = 14
}

resource_policy "aws_db_instance" "supported_engine_version" {
  enforcement_level = "mandatory_overridable"
  filter            = attrs.engine == "postgres"

  locals {
    major = core::tonumber(core::split(".", attrs.engine_version)[0])
  }

  enforce {
    condition     = local.major >= input.minimum_postgres_major
    error_message = "RDS instance ${attrs.identifier} runs PostgreSQL ${attrs.engine_version}; ${input.minimum_postgres_major} or later is required."
  }
}
