# TFG-EC2-024: data volumes of instances are not deleted with the instance.

policy {
  tfgate {
    id       = "TFG-EC2-024"
    title    = "EBS data volumes should not be deleted when their instance terminates"
    severity = "low"
    controls = ["AWS Well-Architected REL09-BP01"]

    description = <<-EOT
      Reports `aws_instance` data volumes (`ebs_block_device` blocks) whose
      `delete_on_termination` is `true`, which is the provider's default when the block
      leaves it unset: terminating or replacing the instance then deletes the data with it.
      The root volume (`root_block_device`) is not judged; it holds the operating system,
      which is rebuilt from the AMI. Volumes attached with `aws_volume_attachment` are
      separate resources and are never deleted with the instance.

      The policy is `advisory`: stateless instances whose data volumes are scratch space
      are meant to lose them. Teams that keep data on instance volumes raise the
      enforcement level of TFG-EC2-024.
    EOT

    rationale = <<-EOT
      An instance is replaced more often than one expects: a changed AMI, user data or
      instance type in Terraform, a scale-in, a spot interruption, a mistaken `terminate`.
      A data volume with `delete_on_termination = true` goes with it, and only a snapshot
      (if there is one) brings the data back. Keeping data volumes (and backing them up)
      separates the data's lifetime from the instance's, as AWS's reliability pillar
      recommends.
    EOT

    violating_example = <<-EOT
      resource "aws_instance" "db" {
        ami           = data.aws_ami.al2023.id
        instance_type = "r6i.large"

        ebs_block_device {
          device_name = "/dev/sdf"
          volume_size = 500
          encrypted   = true
          # delete_on_termination defaults to true: the data goes with the instance
        }
      }
    EOT

    compliant_example = <<-EOT
      resource "aws_instance" "db" {
        ami           = data.aws_ami.al2023.id
        instance_type = "r6i.large"

        ebs_block_device {
          device_name           = "/dev/sdf"
          volume_size           = 500
          encrypted             = true
          delete_on_termination = false
        }
      }
    EOT

    unknown_values = <<-EOT
      A `delete_on_termination` known only after apply gives unknown. `ebs_block_device`
      itself known only after apply (left to the provider) holds no data volume the
      configuration asked for, and passes.
    EOT

    references = [
      "https://docs.aws.amazon.com/ebs/latest/userguide/ebs-attaching-volume.html",
      "https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/preserving-volumes-on-termination.html",
      "https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/instance#ebs-ephemeral-and-root-block-devices",
    ]
  }
}

resource_policy "aws_instance" "instance_data_volumes" {
  enforcement_level = "advisory"

  locals {
    # A block list known only after apply (left to the provider) holds no volume the
    # configuration asked for; an absent or null one holds none. (try would turn a list with
    # unknown parts, such as volume ids, into an unknown: only its length goes through try.)
    count   = core::try(core::length(attrs.ebs_block_device), 0)
    listed  = core::valuetostring(local.count) != "(unknown)" && local.count > 0
    volumes = local.listed ? attrs.ebs_block_device : []
    deleted  = [for v in local.volumes : core::try(v.delete_on_termination, true) != false]
    doomed   = [for i, v in local.volumes : core::try(v.device_name, "?") if local.deleted[i]]
    pending  = [for i, v in local.volumes : core::try(v.device_name, "?") if core::valuetostring(local.deleted[i]) == "(unknown)"]

    pending_message = "delete_on_termination of ebs_block_device ${core::join(", ", local.pending)} is known only after apply"
    doomed_verb     = core::length(local.doomed) == 1 ? "is" : "are"
    when_deleted    = "when the instance terminates or is replaced (delete_on_termination is true, the default)"
    doomed_message  = "ebs_block_device ${core::join(", ", local.doomed)} ${local.doomed_verb} deleted ${local.when_deleted}; set delete_on_termination = false for data you need to keep"
    doomed_known    = core::valuetostring(core::length(local.doomed)) != "(unknown)"
  }

  enforce {
    condition     = !core::anytrue(local.deleted)
    error_message = "${meta.address}: ${local.doomed_known ? local.doomed_message : local.pending_message}."
  }
}
