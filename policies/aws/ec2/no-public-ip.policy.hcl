policy {
  tfgate {
    id       = "TFG-EC2-032"
    title    = "EC2 instances, launch templates, launch configurations and subnets must not assign public IP addresses"
    severity = "medium"
    controls = ["AWS FSBP EC2.9", "AWS FSBP EC2.15", "AWS FSBP EC2.25"]
    description = <<-EOT
      Rejects configurations that give EC2 instances a public IPv4 address:
      `aws_instance.associate_public_ip_address = true`,
      `aws_launch_template` network interfaces with `associate_public_ip_address = "true"`
      (a string in that resource), `aws_launch_configuration.associate_public_ip_address =
      true`, and `aws_subnet.map_public_ip_on_launch = true`.

      The instance, launch template and launch configuration blocks are `mandatory`. The subnet block is
      `advisory`: a subnet that maps public IPs exposes nothing by itself, public subnets
      are a normal part of many VPC designs, and every instance launched in one is judged by
      the instance and launch template blocks. It is reported so that the default can be
      switched off where it is not needed.
    EOT
    rationale = <<-EOT
      An instance with a public IPv4 address is reachable from the internet whenever a
      security group or network ACL rule allows it, so a single loose rule becomes an
      exposure. Workloads belong in private subnets behind load balancers, NAT gateways and
      Session Manager; public addresses also cost money since 2024. AWS Security Hub reports
      instances with public IPv4 addresses (EC2.9), subnets that assign them automatically
      (EC2.15) and launch templates that assign them to network interfaces (EC2.25).
      Launch configurations (the older Auto Scaling launch source) give every instance of
      their group a public address in the same way.

      A deliberate choice: a launch template without network interfaces passes, where a
      check that wants every template to declare an interface with
      `associate_public_ip_address = "false"` would report it. Such a template assigns
      nothing itself: an instance launched from it gets a public address only if its
      subnet maps one (reported by the subnet block) or if the launch asks for one (an
      `aws_instance` doing so is reported by the instance block).
    EOT
    violating_example = <<-EOT
      resource "aws_instance" "bastion" {
        ami                         = data.aws_ami.al2023.id
        instance_type               = "t3.micro"
        subnet_id                   = aws_subnet.public.id
        associate_public_ip_address = true
      }

      resource "aws_subnet" "public" {
        vpc_id                  = aws_vpc.main.id
        cidr_block              = "10.0.0.0/24"
        map_public_ip_on_launch = true
      }
    EOT
    compliant_example = <<-EOT
      resource "aws_instance" "app" {
        ami                         = data.aws_ami.al2023.id
        instance_type               = "t3.micro"
        subnet_id                   = aws_subnet.private.id
        associate_public_ip_address = false
      }

      resource "aws_subnet" "private" {
        vpc_id                  = aws_vpc.main.id
        cidr_block              = "10.0.10.0/24"
        map_public_ip_on_launch = false
      }
    EOT
    unknown_values = <<-EOT
      `aws_instance.associate_public_ip_address` is Optional+Computed: when the configuration
      does not set it, AWS decides from the subnet's setting at launch and the plan shows it
      as known after apply, so the verdict is unknown. Set it explicitly to `false` to pass.
      A launch template without network interfaces assigns nothing and passes (instances
      launched from it follow their subnet); a network interface whose
      `associate_public_ip_address` is unset (known null) passes too. In
      `aws_launch_configuration` the argument is Optional+Computed with current providers,
      so leaving it unset gives unknown, as for instances (older providers plan a known
      null, which passes: the instances follow their subnet). Any value known only after
      apply gives unknown.
    EOT
    references = [
      "https://docs.aws.amazon.com/securityhub/latest/userguide/ec2-controls.html#ec2-9",
      "https://docs.aws.amazon.com/securityhub/latest/userguide/ec2-controls.html#ec2-15",
      "https://docs.aws.amazon.com/securityhub/latest/userguide/ec2-controls.html#ec2-25",
      "https://docs.aws.amazon.com/vpc/latest/userguide/vpc-ip-addressing.html",
      "https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/using-instance-addressing.html",
    ]
  }
}

resource_policy "aws_instance" "instance_public_ip" {
  enforcement_level = "mandatory"

  locals {
    # valuetostring shows a value known only after apply as "(unknown)".
    setting = core::try(attrs.associate_public_ip_address, null)
    pending = core::valuetostring(local.setting) == "(unknown)"
    public  = local.setting == true

    subnet_decides = "left unset, the subnet's map_public_ip_on_launch decides at launch"
    undecidable    = "whether the instance gets a public IPv4 address cannot be decided at plan time"
    pending_reason = "${meta.address}: associate_public_ip_address is known only after apply (${local.subnet_decides}), so ${local.undecidable}."
    how_to_reach   = "reach the instance through a load balancer, Session Manager or a VPN"
  }

  enforce {
    condition     = local.pending ? tfgate::unknown(local.pending_reason) : !local.public
    error_message = "${meta.address}: associate_public_ip_address is true; set it to false and ${local.how_to_reach}."
  }
}

resource_policy "aws_launch_template" "launch_template_public_ip" {
  enforcement_level = "mandatory"

  locals {
    interfaces = core::coalesce(core::lookup(attrs, "network_interfaces", null), [])
    # A string in this resource: "true", "false" or null (unset).
    settings = [for n in local.interfaces : n.associate_public_ip_address]
    public   = [for v in local.settings : v == "true" || v == true]
  }

  enforce {
    condition     = !core::anytrue(local.public)
    error_message = "${meta.address}: network_interfaces[*].associate_public_ip_address is ${core::jsonencode(local.settings)}; set it to \"false\"."
  }
}

resource_policy "aws_launch_configuration" "launch_configuration_public_ip" {
  enforcement_level = "mandatory"

  locals {
    # A known null (older providers, unset): instances follow their subnet's setting,
    # judged on the subnet. valuetostring shows a value known only after apply as "(unknown)".
    setting = core::try(attrs.associate_public_ip_address, null)
    public  = local.setting == true
    pending = core::valuetostring(local.setting) == "(unknown)"

    pending_message = "associate_public_ip_address is known only after apply (the provider computes it when the configuration leaves it unset); set it to false"
    public_message  = "associate_public_ip_address is true, so every instance its Auto Scaling group launches gets a public IPv4 address; set it to false"
  }

  enforce {
    condition     = local.pending ? tfgate::unknown("${meta.address}: ${local.pending_message}.") : !local.public
    error_message = "${meta.address}: ${local.public_message}."
  }
}

resource_policy "aws_subnet" "subnet_map_public_ip" {
  enforcement_level = "advisory"

  locals {
    pending = core::valuetostring(attrs.map_public_ip_on_launch) == "(unknown)"
    public  = attrs.map_public_ip_on_launch == true

    undecidable    = "whether instances launched in the subnet get a public IPv4 address cannot be decided at plan time"
    pending_reason = "${meta.address}: map_public_ip_on_launch is known only after apply, so ${local.undecidable}."
    consequence    = "every instance launched in subnet ${attrs.cidr_block} gets a public IPv4 address"
  }

  enforce {
    condition     = local.pending ? tfgate::unknown(local.pending_reason) : !local.public
    error_message = "${meta.address}: map_public_ip_on_launch is true, so ${local.consequence}; set it to false unless the subnet is meant for internet-facing instances."
  }
}
