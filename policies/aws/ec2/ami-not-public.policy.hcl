policy {
  tfgate {
    id       = "TFG-EC2-031"
    title    = "AMIs must not be shared publicly"
    severity = "high"
    controls = []
    description = <<-EOT
      Rejects `aws_ami_launch_permission` with `group = "all"`, which makes an AMI public:
      every AWS account can launch it and copy its snapshots. Launch permissions for a
      specific account, organization or organizational unit pass.
    EOT
    rationale = <<-EOT
      An AMI holds full disk images. Images built from running systems regularly contain
      credentials, SSH keys, configuration files, source code and customer data, and once an
      AMI is public anyone can launch it or copy its snapshots and read them. Share images
      with the accounts, organizations or OUs that need them, and turn on block public
      access for AMIs in each Region.
    EOT
    violating_example = <<-EOT
      resource "aws_ami_launch_permission" "public" {
        image_id = aws_ami_from_instance.golden.id
        group    = "all"
      }
    EOT
    compliant_example = <<-EOT
      resource "aws_ami_launch_permission" "partner" {
        image_id   = aws_ami_from_instance.golden.id
        account_id = "210987654321"
      }

      resource "aws_ami_launch_permission" "org" {
        image_id         = aws_ami_from_instance.golden.id
        organization_arn = "arn:aws:organizations::111122223333:organization/o-exampleorgid"
      }
    EOT
    unknown_values = <<-EOT
      A `group` known only after apply gives an unknown verdict. `group` is Optional only,
      so leaving it unset is a known null and passes.
    EOT
    references = [
      "https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/sharingamis-intro.html",
      "https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/block-public-access-to-amis.html",
      "https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_LaunchPermission.html",
    ]
  }
}

resource_policy "aws_ami_launch_permission" "ami_not_public" {
  enforcement_level = "mandatory"

  enforce {
    condition     = attrs.group != "all"
    error_message = "${meta.address}: group is \"all\", which makes AMI ${attrs.image_id} public; grant launch permission to account_id, organization_arn or organizational_unit_arn instead."
  }
}
