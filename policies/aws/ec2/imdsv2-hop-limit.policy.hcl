# TFG-EC2-006: the IMDSv2 PUT response hop limit stays low.
#
# The same question for four resource types that take a `metadata_options` block (instances,
# spot requests, launch templates, launch configurations): block locals read `attrs` and `meta`,
# and the format cannot share them between resource types, so those blocks repeat; they differ
# only in who the token can reach. The account defaults resource has its own attribute.

policy {
  tfgate {
    id       = "TFG-EC2-006"
    title    = "IMDS PUT response hop limit is at most max_hop_limit (default 1)"
    severity = "medium"
    controls = ["AWS Control Tower CT.EC2.PR.2"]

    description = <<-EOT
      Wherever metadata options are set, `http_put_response_hop_limit` must be at most the
      input `max_hop_limit` (default 1):

      - `aws_instance`, `aws_spot_instance_request`, `aws_launch_template` and
        `aws_launch_configuration`: `metadata_options[0].http_put_response_hop_limit`, when
        the configuration sets a `metadata_options` block (or the plan shows one it does not
        record, such as a `dynamic` block: known on a create, or changed from the state) and
        the endpoint is not `disabled`;
      - `aws_ec2_instance_metadata_defaults`: `http_put_response_hop_limit`, when the
        configuration sets it; `-1` means no preference and is not a setting.

      Resources that set no metadata options are not judged (they get the template's,
      the account's or AWS's default of 1; the template and the defaults resource are
      judged themselves).

      The policy is `advisory`: a hop limit of 2 is a common, deliberate choice for
      container hosts (EKS nodes, ECS on EC2 with bridge networking), where the container
      is one hop away from the instance. Teams that allow it set `max_hop_limit = 2`;
      teams that want the gate to block raise the enforcement level of TFG-EC2-006.
    EOT

    rationale = <<-EOT
      The hop limit is the IP TTL of the IMDSv2 token response. With 1, the token cannot
      leave the instance's own network stack: a request forwarded by a container, a proxy
      or a compromised neighbour on a further hop never receives it. Each extra hop widens
      who can obtain a token and read the instance role's credentials. AWS recommends 1,
      and 2 in container environments; AWS Control Tower's proactive control CT.EC2.PR.2
      requires launch templates to keep it at 1.

      HashiCorp's Sentinel policy `ec2-metadata-imdsv2-required` does not look at the hop
      limit.
    EOT

    violating_example = <<-EOT
      resource "aws_launch_template" "workers" {
        metadata_options {
          http_tokens                 = "required"
          http_put_response_hop_limit = 3
        }
      }
    EOT

    compliant_example = <<-EOT
      resource "aws_instance" "app" {
        ami           = "ami-0123456789abcdef0"
        instance_type = "t3.micro"

        metadata_options {
          http_tokens                 = "required"
          http_put_response_hop_limit = 1
        }
      }

      # With input max_hop_limit = 2, for container hosts:
      resource "aws_launch_template" "eks_nodes" {
        metadata_options {
          http_tokens                 = "required"
          http_put_response_hop_limit = 2
        }
      }
    EOT

    unknown_values = <<-EOT
      A hop limit known only after apply gives an unknown verdict. Terraform cannot tell
      a nested argument left unset from one set to a computed value, so a
      `metadata_options` block that leaves `http_put_response_hop_limit` out is unknown
      on create (known, from the state, on update).
    EOT

    references = [
      "https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/configuring-instance-metadata-options.html",
      "https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/instancedata-data-retrieval.html#imds-considerations",
      "https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_ModifyInstanceMetadataDefaults.html",
      "https://docs.aws.amazon.com/controltower/latest/controlreference/ec2-rules.html#ct-ec2-pr-2-description",
      "https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/instance#http_put_response_hop_limit",
      "https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/ec2_instance_metadata_defaults",
    ]
  }
}

input "max_hop_limit" {
  type        = number
  default     = 1
  description = "The largest http_put_response_hop_limit allowed (1 to 64). 1 keeps the IMDSv2 token on the instance; 2 lets containers on the instance reach it."
  nullable    = false
}

locals {
  # Message parts shared by the blocks.
  allowed     = "at most ${input.max_hop_limit} is allowed"
  travels     = "the IMDSv2 token can travel that many network hops"
  lower_it    = "lower it (2 is enough for containers on the host)"
  hop_pending = "metadata_options[0].http_put_response_hop_limit is known only after apply (${local.allowed})"
}

resource_policy "aws_instance" "instance" {
  enforcement_level = "advisory"
  # Reads prior_attrs, so the list must be explicit: the default one, unchanged resources included.
  operations        = ["create", "update", "no-op"]

  # Only where metadata options are set and the endpoint is not off.
  filter = local.sets_options && local.endpoint != "disabled"

  locals {
    # Known options on a create, or changed from the state, can only come from the
    # configuration, which does not record `dynamic` blocks: they count as set.
    options_text  = core::try(core::valuetostring(attrs.metadata_options), "(unknown)")
    options_known = !core::contains(["(unknown)", "(null)", "[]"], local.options_text)
    changed       = core::contains(["create", "replace"], meta.operation) || local.options_text != core::try(core::valuetostring(prior_attrs.metadata_options), null)
    configures    = core::try(core::contains(meta.configured, "metadata_options"), core::try(core::length(attrs.metadata_options), 0) > 0)
    sets_options  = (local.options_known && local.changed) || local.configures
    endpoint      = core::try(attrs.metadata_options[0].http_endpoint, null)
    hop_limit     = core::try(attrs.metadata_options[0].http_put_response_hop_limit, null)
    hop_known     = core::valuetostring(local.hop_limit) != "(unknown)"
    over          = "metadata_options.http_put_response_hop_limit is ${local.hop_limit} and ${local.allowed}: ${local.travels} from the instance; ${local.lower_it}"
  }

  enforce {
    # null: not set; -1: no preference.
    condition     = local.hop_limit == null || local.hop_limit == -1 || local.hop_limit <= input.max_hop_limit
    error_message = local.hop_known ? local.over : local.hop_pending
  }
}

resource_policy "aws_spot_instance_request" "spot_instance_request" {
  enforcement_level = "advisory"
  # Reads prior_attrs, so the list must be explicit: the default one, unchanged resources included.
  operations        = ["create", "update", "no-op"]

  # Only where metadata options are set and the endpoint is not off.
  filter = local.sets_options && local.endpoint != "disabled"

  locals {
    # Known options on a create, or changed from the state, can only come from the
    # configuration, which does not record `dynamic` blocks: they count as set.
    options_text  = core::try(core::valuetostring(attrs.metadata_options), "(unknown)")
    options_known = !core::contains(["(unknown)", "(null)", "[]"], local.options_text)
    changed       = core::contains(["create", "replace"], meta.operation) || local.options_text != core::try(core::valuetostring(prior_attrs.metadata_options), null)
    configures    = core::try(core::contains(meta.configured, "metadata_options"), core::try(core::length(attrs.metadata_options), 0) > 0)
    sets_options  = (local.options_known && local.changed) || local.configures
    endpoint      = core::try(attrs.metadata_options[0].http_endpoint, null)
    hop_limit     = core::try(attrs.metadata_options[0].http_put_response_hop_limit, null)
    hop_known     = core::valuetostring(local.hop_limit) != "(unknown)"
    over          = "metadata_options.http_put_response_hop_limit is ${local.hop_limit} and ${local.allowed}: ${local.travels} from the instance; ${local.lower_it}"
  }

  enforce {
    # null: not set; -1: no preference.
    condition     = local.hop_limit == null || local.hop_limit == -1 || local.hop_limit <= input.max_hop_limit
    error_message = local.hop_known ? local.over : local.hop_pending
  }
}

resource_policy "aws_launch_template" "launch_template" {
  enforcement_level = "advisory"
  # Reads prior_attrs, so the list must be explicit: the default one, unchanged resources included.
  operations        = ["create", "update", "no-op"]

  # Only where metadata options are set and the endpoint is not off.
  filter = local.sets_options && local.endpoint != "disabled"

  locals {
    # Known options on a create, or changed from the state, can only come from the
    # configuration, which does not record `dynamic` blocks: they count as set.
    options_text  = core::try(core::valuetostring(attrs.metadata_options), "(unknown)")
    options_known = !core::contains(["(unknown)", "(null)", "[]"], local.options_text)
    changed       = core::contains(["create", "replace"], meta.operation) || local.options_text != core::try(core::valuetostring(prior_attrs.metadata_options), null)
    configures    = core::try(core::contains(meta.configured, "metadata_options"), core::try(core::length(attrs.metadata_options), 0) > 0)
    sets_options  = (local.options_known && local.changed) || local.configures
    endpoint      = core::try(attrs.metadata_options[0].http_endpoint, null)
    hop_limit     = core::try(attrs.metadata_options[0].http_put_response_hop_limit, null)
    hop_known     = core::valuetostring(local.hop_limit) != "(unknown)"
    hop_limit_is  = "metadata_options.http_put_response_hop_limit is ${local.hop_limit}"
    over          = "${local.hop_limit_is} and ${local.allowed}: ${local.travels} from the instances launched from this template; ${local.lower_it}"
  }

  enforce {
    # null: not set; -1: no preference.
    condition     = local.hop_limit == null || local.hop_limit == -1 || local.hop_limit <= input.max_hop_limit
    error_message = local.hop_known ? local.over : local.hop_pending
  }
}

resource_policy "aws_launch_configuration" "launch_configuration" {
  enforcement_level = "advisory"
  # Reads prior_attrs, so the list must be explicit: the default one, unchanged resources included.
  operations        = ["create", "update", "no-op"]

  # Only where metadata options are set and the endpoint is not off.
  filter = local.sets_options && local.endpoint != "disabled"

  locals {
    # Known options on a create, or changed from the state, can only come from the
    # configuration, which does not record `dynamic` blocks: they count as set.
    options_text  = core::try(core::valuetostring(attrs.metadata_options), "(unknown)")
    options_known = !core::contains(["(unknown)", "(null)", "[]"], local.options_text)
    changed       = core::contains(["create", "replace"], meta.operation) || local.options_text != core::try(core::valuetostring(prior_attrs.metadata_options), null)
    configures    = core::try(core::contains(meta.configured, "metadata_options"), core::try(core::length(attrs.metadata_options), 0) > 0)
    sets_options  = (local.options_known && local.changed) || local.configures
    endpoint      = core::try(attrs.metadata_options[0].http_endpoint, null)
    hop_limit     = core::try(attrs.metadata_options[0].http_put_response_hop_limit, null)
    hop_known     = core::valuetostring(local.hop_limit) != "(unknown)"
    hop_limit_is  = "metadata_options.http_put_response_hop_limit is ${local.hop_limit}"
    over          = "${local.hop_limit_is} and ${local.allowed}: ${local.travels} from the instances launched from this configuration; ${local.lower_it}"
  }

  enforce {
    # null: not set; -1: no preference.
    condition     = local.hop_limit == null || local.hop_limit == -1 || local.hop_limit <= input.max_hop_limit
    error_message = local.hop_known ? local.over : local.hop_pending
  }
}

resource_policy "aws_ec2_instance_metadata_defaults" "account_defaults" {
  enforcement_level = "advisory"

  filter = local.sets_hop_limit

  locals {
    hop_limit      = core::try(attrs.http_put_response_hop_limit, null)
    sets_hop_limit = core::try(core::contains(meta.configured, "http_put_response_hop_limit"), local.hop_limit != null)
    pending        = "http_put_response_hop_limit is known only after apply (${local.allowed})"
    who            = "every instance launched on this provider configuration without its own hop limit"
    over           = "http_put_response_hop_limit is ${local.hop_limit} and ${local.allowed}: ${local.who} lets the IMDSv2 token travel that many network hops; ${local.lower_it}"
  }

  enforce {
    # null: not set; -1: no preference.
    condition     = local.hop_limit == null || local.hop_limit == -1 || local.hop_limit <= input.max_hop_limit
    error_message = core::valuetostring(local.hop_limit) == "(unknown)" ? local.pending : local.over
  }
}
