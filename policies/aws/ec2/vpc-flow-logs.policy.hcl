# TFG-EC2-051: every VPC has a flow log.

policy {
  tfgate {
    id       = "TFG-EC2-051"
    title    = "VPCs should have flow logs"
    severity = "medium"
    controls = ["AWS FSBP EC2.6", "CIS AWS 3.7"]

    description = <<-EOT
      Reports an `aws_vpc` or `aws_default_vpc` that no `aws_flow_log` in the plan covers:
      a flow log covers the VPC when its `vpc_id` refers to the VPC in the configuration
      (`vpc_id = aws_vpc.main.id`, also through module outputs and inputs), or when its
      planned `vpc_id` is the VPC's known id (a literal, a variable or a data source naming
      a VPC that already exists). Flow logs on subnets or network interfaces only cover part
      of the VPC and do not count.

      Only a VPC this plan creates is reported as failing: nothing outside the plan can log
      it yet. A VPC that already exists (and every `aws_default_vpc`, which adopts the
      Region's existing default VPC) may have a flow log managed elsewhere, so without one
      in the plan its verdict is unknown.

      The policy is `advisory`: flow logs are often managed centrally (another
      configuration, an organisation-wide setup), which this plan cannot see. Teams that
      manage them with their VPCs raise the enforcement level of TFG-EC2-051.
    EOT

    rationale = <<-EOT
      VPC flow logs record which addresses talked to which, on which ports, and whether
      security groups and network ACLs accepted or rejected the traffic. Without them,
      an intrusion, data exfiltration or a misrouted connection leaves no network trace to
      investigate. AWS Security Hub EC2.6 and CIS AWS Foundations 3.7 require flow logging
      (at least of rejected traffic) in every VPC.
    EOT

    violating_example = <<-EOT
      resource "aws_vpc" "main" {
        cidr_block = "10.0.0.0/16"
      }
    EOT

    compliant_example = <<-EOT
      resource "aws_vpc" "main" {
        cidr_block = "10.0.0.0/16"
      }

      resource "aws_flow_log" "main" {
        vpc_id          = aws_vpc.main.id
        traffic_type    = "REJECT"
        log_destination = aws_s3_bucket.flow_logs.arn
        log_destination_type = "s3"
      }
    EOT

    unknown_values = <<-EOT
      - A VPC that already exists, or an `aws_default_vpc`, without a flow log in the plan:
        unknown (a flow log outside this configuration may cover it).
      - A flow log whose `vpc_id` is known only after apply and refers to no VPC in the
        plan (a data source read at apply, a module output that cannot be followed): it may
        cover any VPC, so a VPC it could cover is unknown, never a fail.
      - A VPC's id known only after apply (it is being created) is matched by reference.
    EOT

    references = [
      "https://docs.aws.amazon.com/securityhub/latest/userguide/ec2-controls.html#ec2-6",
      "https://docs.aws.amazon.com/vpc/latest/userguide/flow-logs.html",
      "https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/flow_log",
    ]
  }
}

locals {
  flow_logs = tfgate::resources("aws_flow_log")
  # Each flow log's vpc_id as text (valuetostring shows a value known only after apply as
  # "(unknown)") and the VPCs of the plan it refers to.
  flow_log_targets = [for f in local.flow_logs : {
    address = f.address
    vpc_id  = core::valuetostring(core::try(f.attrs.vpc_id, null))
    vpcs    = [for v in tfgate::referenced("vpc_id", f.address) : v.address if core::contains(["aws_vpc", "aws_default_vpc"], v.meta.type)]
  }]
  # Flow logs by the VPC address they refer to, and by the known VPC id they name: built once,
  # so each VPC is one lookup.
  vpc_log_pairs       = core::flatten([for f in local.flow_log_targets : [for v in f.vpcs : { vpc = v, log = f.address }]])
  logs_by_vpc_address = { for pair in local.vpc_log_pairs : pair.vpc => pair.log... }
  logs_by_vpc_id      = { for f in local.flow_log_targets : f.vpc_id => f.address... if !core::contains(["(unknown)", "(null)"], f.vpc_id) }
  # Flow logs that may cover any VPC: vpc_id known only after apply, referring to no VPC here.
  unplaced_logs  = [for f in local.flow_log_targets : f.address if f.vpc_id == "(unknown)" && core::length(f.vpcs) == 0]
  unplaced_count = core::length(local.unplaced_logs)
  unplaced_first = core::join(", ", core::slice(local.unplaced_logs, 0, core::min(3, local.unplaced_count)))
  unplaced_text  = "${local.unplaced_first}%{if local.unplaced_count > 3} and ${local.unplaced_count - 3} more%{endif}"
  unplaced_have  = local.unplaced_count == 1 ? "has a vpc_id" : "have vpc_ids"

  # Message parts shared by the blocks.
  undecidable  = "whether its traffic is logged cannot be decided from this plan"
  may_exist    = "a flow log outside this plan may cover it"
  not_referred = "no aws_flow_log in this plan has vpc_id referring to this VPC, so its traffic is not logged"
}

# The two VPC types ask the same questions. Block locals read `attrs` and `meta`, which the
# format cannot share between blocks of two resource types, so the block repeats; all it
# repeats is one lookup per way of covering a VPC, and the messages.
resource_policy "aws_vpc" "vpc_flow_log" {
  enforcement_level = "advisory"

  locals {
    # The questions: does a flow log of this plan cover the VPC (by reference or by its known
    # id)? If not, could one outside the plan, or one whose vpc_id is not known yet?
    by_reference = core::try(local.logs_by_vpc_address[meta.address], [])
    by_id        = core::try(local.logs_by_vpc_id[core::valuetostring(attrs.id)], [])
    logged       = core::length(local.by_reference) + core::length(local.by_id) > 0
    # A VPC this plan creates cannot be logged by anything outside it yet.
    created_here = core::contains(meta.actions, "create")
    decided      = local.created_here && local.unplaced_count == 0

    unplaced_why   = "${local.unplaced_text} ${local.unplaced_have} known only after apply that may name it"
    why_unknown    = local.created_here ? local.unplaced_why : "it already exists, and ${local.may_exist}"
    unknown_reason = "${meta.address}: no aws_flow_log in this plan covers this VPC, but ${local.why_unknown}; ${local.undecidable}."
    how_to_fix     = "add an aws_flow_log with vpc_id = ${meta.address}.id (or manage the flow log where it lives and waive this finding)"
  }

  enforce {
    condition     = local.logged || (local.decided ? false : tfgate::unknown(local.unknown_reason))
    error_message = "${meta.address}: ${local.not_referred}; ${local.how_to_fix}."
  }
}

resource_policy "aws_default_vpc" "default_vpc_flow_log" {
  enforcement_level = "advisory"

  locals {
    by_reference = core::try(local.logs_by_vpc_address[meta.address], [])
    by_id        = core::try(local.logs_by_vpc_id[core::valuetostring(attrs.id)], [])
    logged       = core::length(local.by_reference) + core::length(local.by_id) > 0
    # The default VPC always exists before the plan adopts it: without a flow log here, one
    # may exist elsewhere.
    unknown_reason = "${meta.address}: no aws_flow_log in this plan covers the default VPC, but it already exists and ${local.may_exist}; ${local.undecidable}."
  }

  enforce {
    condition     = local.logged || tfgate::unknown(local.unknown_reason)
    error_message = "${meta.address}: ${local.not_referred}."
  }
}
