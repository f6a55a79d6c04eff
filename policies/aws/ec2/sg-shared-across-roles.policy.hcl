# TFG-EC2-016: a security group is not shared by instances of different roles.

policy {
  tfgate {
    id       = "TFG-EC2-016"
    title    = "Security groups should not be shared by instances of different roles"
    severity = "low"
    controls = ["AWS Well-Architected SEC05-BP02", "NIST 800-53 AC-4"]

    description = <<-EOT
      Reports an `aws_security_group` attached to `aws_instance`s of different roles. An
      instance wears the group when its `vpc_security_group_ids` or `security_groups` refer
      to the group in the configuration, or hold its known id or name.

      An instance's role is what it is allowed to do and what it is for:

      - its IAM instance profile (the `aws_iam_instance_profile` its `iam_instance_profile`
        refers to, or the profile's name); an instance without one has the role "no
        instance profile";
      - its `Role` tag (`Role` or `role`), when it has one.

      Two instances have different roles when their instance profiles differ, or when both
      carry a `Role` tag and the tags differ.

      What the policy assumes: a group **created** in this plan is worn only by the
      instances the plan shows. A group that already exists may be worn by instances
      outside the plan, so when the plan's instances agree on a role the verdict is unknown.
      Instances whose groups are known only after apply and named by no reference are not
      counted.

      The policy is `advisory`: groups meant for every instance (a monitoring agent's port,
      a bastion's SSH) are shared on purpose; waive the finding for them. Teams that keep one
      group per role raise the enforcement level of TFG-EC2-016.
    EOT

    rationale = <<-EOT
      A security group is an access decision: "these hosts may receive this traffic". When
      the web servers and the database administration hosts wear the same group, every rule
      opened for one role opens the other too, and a compromised web server reaches
      whatever the administration hosts may reach. One group per role keeps each rule's
      reach equal to its purpose and lets rules refer to a role by its group (AWS
      Well-Architected SEC05-BP02, NIST 800-53 AC-4 flow enforcement).
    EOT

    violating_example = <<-EOT
      resource "aws_instance" "web" {
        iam_instance_profile   = aws_iam_instance_profile.web.name
        vpc_security_group_ids = [aws_security_group.app.id]
        # ...
      }

      resource "aws_instance" "reporting" {
        iam_instance_profile   = aws_iam_instance_profile.reporting.name
        vpc_security_group_ids = [aws_security_group.app.id] # the same group
        # ...
      }
    EOT

    compliant_example = <<-EOT
      resource "aws_instance" "web" {
        iam_instance_profile   = aws_iam_instance_profile.web.name
        vpc_security_group_ids = [aws_security_group.web.id]
        # ...
      }

      resource "aws_instance" "reporting" {
        iam_instance_profile   = aws_iam_instance_profile.reporting.name
        vpc_security_group_ids = [aws_security_group.reporting.id]
        # ...
      }
    EOT

    unknown_values = <<-EOT
      An instance profile or `Role` tag known only after apply (and, for the profile, not
      referring to a profile in the configuration) makes the verdict unknown, unless the
      known roles already differ. A group that already exists, whose instances in the plan
      agree on a role, is unknown: instances outside the plan may wear it too. So is a group
      created in a plan without a `configuration` section (references cannot be followed).
    EOT

    references = [
      "https://docs.aws.amazon.com/vpc/latest/userguide/vpc-security-groups.html",
      "https://docs.aws.amazon.com/wellarchitected/latest/security-pillar/sec_network_protection_layered.html",
      "https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/instance",
    ]
  }
}

locals {
  # Per instance: its role, and the groups it wears, by reference or by known ids and
  # names. valuetostring shows a value known only after apply as "(unknown)". The role is
  # the profile referred to (by its name when known, so that a reference and the same name
  # agree), else the profile's name ("no instance profile" when it has none); and the Role
  # tag ("(null)" when it has none). One entry holds both, so that the indexes below read
  # each instance's role from its own entry: indexing another local by a variable
  # (local.roles[i]) would copy that whole list once per group worn.
  worn = [for r in tfgate::resources("aws_instance") : {
    refs = [
      for g in core::concat(tfgate::referenced("vpc_security_group_ids", r.address), tfgate::referenced("security_groups", r.address)) : g.address
    ]
    held = core::regexall("[^\"\\[\\],\\s]+", core::join(" ", [
      core::valuetostring(core::try(r.attrs.vpc_security_group_ids, null)), core::valuetostring(core::try(r.attrs.security_groups, null))
    ]))
    role = {
      address = r.address
      profile = core::concat(
        [for p in tfgate::referenced("iam_instance_profile", r.address) :
          core::valuetostring(p.attrs.name) == "(unknown)" ? p.address : p.attrs.name if p.meta.type == "aws_iam_instance_profile"
        ],
        [for n in [core::valuetostring(core::try(r.attrs.iam_instance_profile, null))] : core::contains(["(null)", ""], n) ? "no instance profile" : n],
      )[0]
      tag = core::valuetostring(core::try(r.attrs.tags["Role"], r.attrs.tags["role"], null))
    }
  }]
  # Who wears which group: by the group's address, or by a known id or name.
  wearers_by_ref  = { for m in core::flatten([for w in local.worn : [for g in w.refs : { group = g, role = w.role }]]) : m.group => m.role... }
  wearers_by_held = { for m in core::flatten([for w in local.worn : [for h in w.held : { held = h, role = w.role }]]) : m.held => m.role... }
  # An id or name known only after apply, or null, names no group.
  no_name = ["(unknown)", "(null)"]
}

resource_policy "aws_security_group" "sg_single_role" {
  enforcement_level = "advisory"

  locals {
    # The instances that wear it. (Indexing, not lookup: a function's arguments are walked
    # whole, and the indexes are large.) A plan may leave id out of an existing group's values
    # (hand-written or stripped plans): then it matches nothing.
    id   = core::valuetostring(core::try(attrs.id, null))
    name = core::valuetostring(core::try(attrs.name, null))
    worn_by = core::distinct(core::concat(
      core::try(local.wearers_by_ref[meta.address], []),
      core::contains(local.no_name, local.id) ? [] : core::try(local.wearers_by_held[local.id], []),
      core::contains(local.no_name, local.name) ? [] : core::try(local.wearers_by_held[local.name], []),
    ))

    # The questions: do its wearers' known roles differ? Is any wearer's role known only
    # after apply? Does the plan show every wearer (a group it creates, with a configuration
    # to follow references in)?
    profiles    = core::distinct([for w in local.worn_by : w.profile if w.profile != "(unknown)"])
    tags        = core::distinct([for w in local.worn_by : w.tag if !core::contains(["(null)", "(unknown)"], w.tag)])
    mixed       = core::length(local.profiles) > 1 || core::length(local.tags) > 1
    pending     = [for w in local.worn_by : w.address if w.profile == "(unknown)" || w.tag == "(unknown)"]
    roles_known = core::length(local.pending) == 0
    is_new      = core::contains(meta.actions, "create")
    has_config  = core::valuetostring(core::try(meta.configured, null)) != "(unknown)"
    all_seen    = local.is_new && local.has_config
    decided     = local.mixed || (local.roles_known && local.all_seen)

    # Messages name one wearer per role, and the first three instances whose role is pending:
    # a group may be worn by thousands.
    one_per_role = { for w in local.worn_by : "${w.profile}|${w.tag}" => w... }
    roles = [for k, ws in local.one_per_role : {
      first   = ws[0].address
      more    = core::length(ws) > 1 ? " and ${core::length(ws) - 1} more" : ""
      profile = ws[0].profile != "no instance profile" ? "instance profile ${ws[0].profile}" : ws[0].profile
      tag     = ws[0].tag != "(null)" ? ", Role ${ws[0].tag}" : ""
    }]
    wearers       = [for r in local.roles : "${r.first}${r.more} (${r.profile}${r.tag})"]
    pending_count = core::length(local.pending)
    pending_more  = local.pending_count > 3 ? " and ${local.pending_count - 3} more instances" : ""
    pending_text  = "${core::join(", ", core::slice(local.pending, 0, core::min(3, local.pending_count)))}${local.pending_more}"
    own_groups    = "give each role its own group so that a rule opened for one does not open the others"
    roles_message = "instances of different roles wear this security group: ${core::join(", ", local.wearers)}; ${local.own_groups}"

    pending_roles = "the instance profile or Role tag of ${local.pending_text} is known only after apply"
    no_config     = "the plan has no configuration to follow references in"
    existing      = "the security group already exists and instances outside the plan may wear it"
    why_open      = !local.roles_known ? local.pending_roles : (local.has_config ? local.existing : local.no_config)
    open_reason   = "${meta.address}: ${local.why_open}, so whether instances of different roles share it cannot be decided at plan time."
  }

  enforce {
    condition     = local.decided ? !local.mixed : tfgate::unknown(local.open_reason)
    error_message = "${meta.address}: ${local.roles_message}."
  }
}
