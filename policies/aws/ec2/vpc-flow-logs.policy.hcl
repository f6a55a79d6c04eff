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
      (`vpc_id = aws_vpc.main.id`, also through module outputs and inputs). Flow logs on
      subnets or network interfaces only cover part of the VPC and do not count.

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
      The verdict rests on configuration references, not on values, so values known only
      after apply never make it unknown. A flow log whose `vpc_id` is a literal id, a
      variable or a data source cannot be matched to a VPC and does not count.
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
}

resource_policy "aws_vpc" "vpc_flow_log" {
  enforcement_level = "advisory"

  locals {
    covering = [for f in local.flow_logs : f.address if core::contains([for v in tfgate::referenced("vpc_id", f.address) : v.address], meta.address)]
  }

  enforce {
    condition     = core::length(local.covering) > 0
    error_message = "${meta.address}: no aws_flow_log in this plan has vpc_id referring to this VPC, so its traffic is not logged; add an aws_flow_log with vpc_id = ${meta.address}.id (or manage the flow log where it lives and waive this finding)."
  }
}

resource_policy "aws_default_vpc" "default_vpc_flow_log" {
  enforcement_level = "advisory"

  locals {
    covering = [for f in local.flow_logs : f.address if core::contains([for v in tfgate::referenced("vpc_id", f.address) : v.address], meta.address)]
  }

  enforce {
    condition     = core::length(local.covering) > 0
    error_message = "${meta.address}: no aws_flow_log in this plan has vpc_id referring to this VPC, so its traffic is not logged; add an aws_flow_log with vpc_id = ${meta.address}.id (or manage the flow log where it lives and waive this finding)."
  }
}
