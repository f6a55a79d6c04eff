# TFG-EC2-015: security groups created by the plan are attached to something in it.

policy {
  tfgate {
    id       = "TFG-EC2-015"
    title    = "Security groups should be attached to a resource"
    severity = "low"
    controls = ["AWS FSBP EC2.22", "AWS Config ec2-security-group-attached-to-eni"]

    description = <<-EOT
      Reports an `aws_security_group` that no resource in the plan attaches. A group is
      attached when one of the arguments below refers to it in the configuration (also
      through module outputs and inputs), or holds its id (or, in `security_groups` and
      `security_group_names` lists, its name) as a known value:

      | Resource | Arguments |
      | --- | --- |
      | `aws_instance`, `aws_spot_instance_request` | `vpc_security_group_ids`, `security_groups` |
      | `aws_launch_template` | `vpc_security_group_ids`, `security_group_names`, `network_interfaces.security_groups` |
      | `aws_launch_configuration`, `aws_network_interface`, `aws_lb`, `aws_alb`, `aws_elb`, `aws_efs_mount_target`, `aws_mq_broker`, `aws_apprunner_vpc_connector` | `security_groups` |
      | `aws_network_interface_sg_attachment` | `security_group_id` |
      | `aws_db_instance`, `aws_rds_cluster`, `aws_docdb_cluster`, `aws_neptune_cluster`, `aws_redshift_cluster`, `aws_dms_replication_instance` | `vpc_security_group_ids` |
      | `aws_elasticache_cluster`, `aws_elasticache_replication_group`, `aws_memorydb_cluster`, `aws_vpc_endpoint` | `security_group_ids` |
      | `aws_route53_resolver_endpoint`, `aws_ec2_client_vpn_endpoint` | `security_group_ids` |
      | `aws_fsx_lustre_file_system`, `aws_fsx_windows_file_system`, `aws_fsx_ontap_file_system`, `aws_fsx_openzfs_file_system` | `security_group_ids` |
      | `aws_lambda_function`, `aws_eks_cluster`, `aws_codebuild_project` | `vpc_config.security_group_ids` |
      | `aws_opensearch_domain`, `aws_elasticsearch_domain` | `vpc_options.security_group_ids` |
      | `aws_ecs_service` | `network_configuration.security_groups` |
      | `aws_mwaa_environment` | `network_configuration.security_group_ids` |
      | `aws_batch_compute_environment` | `compute_resources.security_group_ids` |
      | `aws_msk_cluster` | `broker_node_group_info.security_groups` |
      | `aws_sagemaker_notebook_instance` | `security_groups` |
      | `aws_transfer_server` | `endpoint_details.security_group_ids` |
      | `aws_emr_cluster` | `ec2_attributes` (every group argument) |

      A group that is only the source or destination of other groups' rules is not attached:
      it admits nothing until a resource wears it.

      What the policy assumes: a group **created** in this plan is made for this
      configuration's resources, and the plan shows every resource that will wear it. A
      group that already exists may be attached outside the plan (other configurations,
      network interfaces that AWS services create), so it is unknown when nothing in the plan
      attaches it. A group created for other configurations to use (exported as an output)
      is reported: waive the finding for it.

      The policy is `advisory`: an unattached group is not a hole, but clutter that hides
      which rules matter and waits to be attached by mistake. Teams that keep their groups
      tidy raise the enforcement level of TFG-EC2-015.
    EOT

    rationale = <<-EOT
      Security groups that nothing uses accumulate rules that nobody reviews any more: when
      one is later attached (reused by name, picked in the console), it brings along ports
      opened for a purpose long gone. AWS Security Hub EC2.22 and the AWS Config rule
      ec2-security-group-attached-to-eni flag unused groups for this reason. Catching them
      in the plan keeps the inventory of groups equal to the set of access decisions that
      are in force.
    EOT

    violating_example = <<-EOT
      resource "aws_security_group" "old_admin" {
        name   = "old-admin"
        vpc_id = aws_vpc.main.id
        # no instance, interface, load balancer or database uses it
      }
    EOT

    compliant_example = <<-EOT
      resource "aws_security_group" "web" {
        name   = "web"
        vpc_id = aws_vpc.main.id
      }

      resource "aws_instance" "web" {
        ami                    = data.aws_ami.al2023.id
        instance_type          = "t3.micro"
        vpc_security_group_ids = [aws_security_group.web.id]
      }
    EOT

    unknown_values = <<-EOT
      Unknown when the plan cannot show every attachment:

      - the group already exists and nothing in the plan attaches it (attachments outside
        the plan may exist);
      - the plan has no `configuration` section, so references cannot be followed;
      - a resource in the plan sets one of the arguments above to groups it does not name:
        a value known only after apply that refers to no group in the configuration (a
        local value, a `dynamic` block, a data source). Any group could be among them.
    EOT

    references = [
      "https://docs.aws.amazon.com/securityhub/latest/userguide/ec2-controls.html#ec2-22",
      "https://docs.aws.amazon.com/config/latest/developerguide/ec2-security-group-attached-to-eni.html",
      "https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/security_group",
    ]
  }
}

locals {
  # Where each resource type attaches groups: the argument (a nested block's argument as
  # BLOCK.ARGUMENT) as the configuration names it.
  group_arguments = {
    aws_instance                        = ["vpc_security_group_ids", "security_groups"]
    aws_spot_instance_request           = ["vpc_security_group_ids", "security_groups"]
    aws_launch_template                 = ["vpc_security_group_ids", "security_group_names", "network_interfaces.security_groups"]
    aws_launch_configuration            = ["security_groups"]
    aws_network_interface               = ["security_groups"]
    aws_network_interface_sg_attachment = ["security_group_id"]
    aws_lb                              = ["security_groups"]
    aws_alb                             = ["security_groups"]
    aws_elb                             = ["security_groups"]
    aws_efs_mount_target                = ["security_groups"]
    aws_mq_broker                       = ["security_groups"]
    aws_apprunner_vpc_connector         = ["security_groups"]
    aws_sagemaker_notebook_instance     = ["security_groups"]
    aws_db_instance                     = ["vpc_security_group_ids"]
    aws_rds_cluster                     = ["vpc_security_group_ids"]
    aws_docdb_cluster                   = ["vpc_security_group_ids"]
    aws_neptune_cluster                 = ["vpc_security_group_ids"]
    aws_redshift_cluster                = ["vpc_security_group_ids"]
    aws_dms_replication_instance        = ["vpc_security_group_ids"]
    aws_elasticache_cluster             = ["security_group_ids"]
    aws_elasticache_replication_group   = ["security_group_ids"]
    aws_memorydb_cluster                = ["security_group_ids"]
    aws_vpc_endpoint                    = ["security_group_ids"]
    aws_route53_resolver_endpoint       = ["security_group_ids"]
    aws_ec2_client_vpn_endpoint         = ["security_group_ids"]
    aws_fsx_lustre_file_system          = ["security_group_ids"]
    aws_fsx_windows_file_system         = ["security_group_ids"]
    aws_fsx_ontap_file_system           = ["security_group_ids"]
    aws_fsx_openzfs_file_system         = ["security_group_ids"]
    aws_lambda_function                 = ["vpc_config.security_group_ids"]
    aws_eks_cluster                     = ["vpc_config.security_group_ids"]
    aws_codebuild_project               = ["vpc_config.security_group_ids"]
    aws_opensearch_domain               = ["vpc_options.security_group_ids"]
    aws_elasticsearch_domain            = ["vpc_options.security_group_ids"]
    aws_ecs_service                     = ["network_configuration.security_groups"]
    aws_mwaa_environment                = ["network_configuration.security_group_ids"]
    aws_batch_compute_environment       = ["compute_resources.security_group_ids"]
    aws_msk_cluster                     = ["broker_node_group_info.security_groups"]
    aws_transfer_server                 = ["endpoint_details.security_group_ids"]
    aws_emr_cluster                     = ["ec2_attributes"]
  }

  # Every attaching argument of every resource in the plan, once: the groups it refers to,
  # the text of its planned value (valuetostring shows a value known only after apply as
  # "(unknown)"), and whether the resource's configuration sets the argument (true too when the
  # plan has no configuration to tell: a short flag, not the list of arguments). Parts of `r` are
  # read by index: passing r.attrs to a function would copy every attribute. The same
  # comprehension is written three times, for instances' two arguments and for the rest:
  # each file-level local has a budget of its own (growing with the plan), and on a plan
  # with tens of thousands of instances three smaller indexes leave more room than one.
  instance_vpc_uses = core::flatten([for type in ["aws_instance", "aws_spot_instance_request"] : [
    for r in tfgate::resources(type) : {
      address    = r.address
      argument   = "vpc_security_group_ids"
      groups     = [for g in tfgate::referenced("vpc_security_group_ids", r.address) : g.address]
      text       = core::valuetostring(core::lookup(r.attrs, "vpc_security_group_ids", null))
      set_here   = core::valuetostring(r.meta.configured) == "(unknown)" || core::contains(core::coalesce(r.meta.configured, []), "vpc_security_group_ids")
    }
  ]])
  instance_name_uses = core::flatten([for type in ["aws_instance", "aws_spot_instance_request"] : [
    for r in tfgate::resources(type) : {
      address    = r.address
      argument   = "security_groups"
      groups     = [for g in tfgate::referenced("security_groups", r.address) : g.address]
      text       = core::valuetostring(core::lookup(r.attrs, "security_groups", null))
      set_here   = core::valuetostring(r.meta.configured) == "(unknown)" || core::contains(core::coalesce(r.meta.configured, []), "security_groups")
    }
  ]])
  other_uses = core::flatten([for type, arguments in local.group_arguments : [
    for r in tfgate::resources(type) : [
      for a in arguments : {
        address    = r.address
        argument   = a
        groups     = [for g in tfgate::referenced(a, r.address) : g.address]
        text       = core::valuetostring({
          # The argument's top-level attribute, read by name: a computed name (r.attrs[...])
          # would build every attribute of every resource of these types. A name missing
          # here is an evaluation error, not a group passed over. (lookup, not try: an
          # absent attribute is common here, and try builds an error to discard.)
          security_groups        = core::lookup(r.attrs, "security_groups", null)
          security_group_ids     = core::lookup(r.attrs, "security_group_ids", null)
          security_group_id      = core::lookup(r.attrs, "security_group_id", null)
          security_group_names   = core::lookup(r.attrs, "security_group_names", null)
          vpc_security_group_ids = core::lookup(r.attrs, "vpc_security_group_ids", null)
          network_interfaces     = core::lookup(r.attrs, "network_interfaces", null)
          vpc_config             = core::lookup(r.attrs, "vpc_config", null)
          vpc_options            = core::lookup(r.attrs, "vpc_options", null)
          network_configuration  = core::lookup(r.attrs, "network_configuration", null)
          compute_resources      = core::lookup(r.attrs, "compute_resources", null)
          broker_node_group_info = core::lookup(r.attrs, "broker_node_group_info", null)
          endpoint_details       = core::lookup(r.attrs, "endpoint_details", null)
          ec2_attributes         = core::lookup(r.attrs, "ec2_attributes", null)
        }[core::split(".", a)[0]])
        set_here   = core::valuetostring(r.meta.configured) == "(unknown)" || core::contains(core::coalesce(r.meta.configured, []), core::split(".", a)[0])
      }
    ]
  ] if !core::contains(["aws_instance", "aws_spot_instance_request"], type)])
  uses = core::concat(local.instance_vpc_uses, local.instance_name_uses, local.other_uses)

  # Ids anywhere in an argument's value; names only in security_groups lists.
  held_ids   = core::flatten([for u in local.uses : core::regexall("sg-[0-9a-f]+", u.text)])
  held_names = core::flatten([for u in local.uses : core::jsondecode(u.text)
    if core::contains(["security_groups", "security_group_names"], u.argument) && core::startswith(u.text, "[") && !core::strcontains(u.text, "(unknown)")
  ])
  held_set   = { for v in core::concat(local.held_ids, local.held_names) : v => true... }
  group_set  = { for g in core::flatten([for u in local.uses : u.groups]) : g => true... }
  # Arguments set to values known only after apply that refer to nothing: they may hold any
  # group. Set: the configuration sets the argument, or the plan has none to tell.
  unnamed = [for u in local.uses : "${u.argument} of ${u.address}"
    if core::length(u.groups) == 0 && core::strcontains(u.text, "(unknown)") && u.set_here
  ]
  # Its size, and for messages the first three and how many more (a large plan may hold
  # thousands): each group reads these, not the list itself, which would copy it.
  unnamed_count = core::length(local.unnamed)
  unnamed_more  = local.unnamed_count > 3 ? " and ${local.unnamed_count - 3} more arguments" : ""
  unnamed_text  = "${core::join(", ", core::slice(local.unnamed, 0, core::min(3, local.unnamed_count)))}${local.unnamed_more}"
}

resource_policy "aws_security_group" "sg_attached" {
  enforcement_level = "advisory"

  locals {
    # Attached: referred to, or its known id (or name) appears in an attaching argument.
    # (Indexing, not lookup: a function's arguments are walked whole, and the sets are large.)
    # A plan may leave id out of an existing group's values (hand-written or stripped plans):
    # then it matches nothing.
    id       = core::valuetostring(core::try(attrs.id, null))
    name     = core::valuetostring(core::try(attrs.name, null))
    by_ref   = core::try(local.group_set[meta.address], null) != null
    by_id    = local.id != "(unknown)" && core::try(local.held_set[local.id], null) != null
    by_name  = local.name != "(unknown)" && core::try(local.held_set[local.name], null) != null
    attached = local.by_ref || local.by_id || local.by_name
    # Unattached decides only when the plan shows every possible user: a group it creates,
    # a configuration to follow references in, and no argument holding groups it does not name.
    is_new      = core::contains(meta.actions, "create")
    has_config  = core::valuetostring(core::try(meta.configured, null)) != "(unknown)"
    all_visible = local.is_new && local.has_config && local.unnamed_count == 0
    decided     = local.attached || local.all_visible

    # Message parts.
    not_attached       = "no resource in this plan attaches this security group"
    unattached_message = "${local.not_attached} (created here, so nothing outside the plan uses it yet); attach it where it is needed or remove it"
    existing           = "it already exists and may be attached outside the plan"
    no_config          = "the plan has no configuration to follow references in"
    unnamed_groups     = "${local.unnamed_text} ${local.unnamed_count == 1 ? "holds" : "hold"} groups the plan does not name"
    why_hidden         = !local.is_new ? local.existing : (local.has_config ? local.unnamed_groups : local.no_config)
    hidden_reason      = "${meta.address}: ${local.not_attached}, but ${local.why_hidden}, so whether it is used cannot be decided at plan time."
  }

  enforce {
    condition     = local.decided ? local.attached : tfgate::unknown(local.hidden_reason)
    error_message = "${meta.address}: ${local.unattached_message}."
  }
}
