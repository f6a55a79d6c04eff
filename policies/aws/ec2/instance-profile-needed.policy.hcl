# TFG-EC2-042: an instance profile's role has permissions to give.

policy {
  tfgate {
    id       = "TFG-EC2-042"
    title    = "Instance profiles should have a role with policies attached"
    severity = "low"
    controls = ["AWS Well-Architected SEC03-BP02", "NIST 800-53 CM-7"]

    description = <<-EOT
      Reports an `aws_iam_instance_profile` that gives an instance nothing to use: it has no
      role, or its role has no policy. The role's policies are, in this plan:

      - `aws_iam_role_policy_attachment` and `aws_iam_role_policy` whose `role` refers to the
        role (in the configuration) or names it;
      - `aws_iam_policy_attachment` whose `roles` refer to or name it;
      - the role's own `managed_policy_arns` and `inline_policy` blocks.

      What the policy assumes: a role **created** in this plan has only the policies this
      plan attaches until something else applies. A role that already exists may have
      policies attached outside Terraform; its planned `managed_policy_arns` and
      `inline_policy`, which the AWS provider reads from the account, decide when they are
      known, and the verdict is unknown otherwise. A role that is not in the plan (a name
      from a variable, another configuration) is unknown.

      The policy is `advisory`: an unused profile grants nothing, but it is a credential the
      instance carries for no purpose. Teams that keep their IAM tidy raise the enforcement
      level of TFG-EC2-042.
    EOT

    rationale = <<-EOT
      An instance profile hands the instance temporary credentials through the metadata
      service. When its role grants nothing, the profile has no purpose: it widens what an
      attacker on the instance can obtain (credentials that a later policy attachment, made
      for another workload sharing the role, silently empowers) and it hides which instances
      really need AWS access. Removing unneeded profiles, or giving each profile exactly the
      policies its workload uses, follows least functionality (NIST CM-7) and the
      Well-Architected advice to grant least privilege (SEC03-BP02).
    EOT

    violating_example = <<-EOT
      resource "aws_iam_role" "web" {
        name               = "web"
        assume_role_policy = data.aws_iam_policy_document.ec2_assume.json
      }

      resource "aws_iam_instance_profile" "web" {
        name = "web"
        role = aws_iam_role.web.name # and no policy attached to the role
      }
    EOT

    compliant_example = <<-EOT
      resource "aws_iam_instance_profile" "web" {
        name = "web"
        role = aws_iam_role.web.name
      }

      resource "aws_iam_role_policy_attachment" "web_ssm" {
        role       = aws_iam_role.web.name
        policy_arn = "arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore"
      }
    EOT

    unknown_values = <<-EOT
      A profile whose role is not in the plan, or an existing role whose attached policies the
      plan does not show (an AWS provider that does not read `managed_policy_arns`, or values
      known only after apply), is unknown: its policies may be attached outside this plan.
      An attachment whose role is known only after apply and refers to no resource in the
      plan may attach to any role: a profile whose role shows no policy is then unknown,
      naming the attachment.
    EOT

    references = [
      "https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_use_switch-role-ec2_instance-profiles.html",
      "https://docs.aws.amazon.com/wellarchitected/latest/security-pillar/sec_permissions_least_privileges.html",
      "https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/iam_instance_profile",
    ]
  }
}

locals {
  # Every attachment in the plan as the roles it refers to and the role names it holds.
  # Names known only after apply are left out: they can match only by reference.
  attachments = core::concat(
    [for a in core::concat(tfgate::resources("aws_iam_role_policy_attachment"), tfgate::resources("aws_iam_role_policy")) : {
      address = a.address
      refs    = [for r in tfgate::referenced("role", a.address) : r.address]
      names   = [for n in [a.attrs.role] : n if core::valuetostring(n) != "(unknown)"]
    }],
    [for a in tfgate::resources("aws_iam_policy_attachment") : {
      address = a.address
      refs    = [for r in tfgate::referenced("roles", a.address) : r.address]
      names   = core::valuetostring(a.attrs.roles) == "(unknown)" ? [] : [for n in core::coalesce(a.attrs.roles, []) : n if core::valuetostring(n) != "(unknown)"]
    }],
  )
  # Attachments whose role is known only after apply and refers to no resource here: they may
  # attach a policy to any role.
  unplaced       = [for a in local.attachments : a.address if core::length(a.refs) == 0 && core::length(a.names) == 0]
  unplaced_count = core::length(local.unplaced)
  unplaced_first = core::join(", ", core::slice(local.unplaced, 0, core::min(3, local.unplaced_count)))
  unplaced_text  = "${local.unplaced_first}%{if local.unplaced_count > 3} and ${local.unplaced_count - 3} more%{endif}"
}

resource_policy "aws_iam_instance_profile" "instance_profile_needed" {
  enforcement_level = "advisory"

  locals {
    # The role: by reference first, by a known name otherwise. valuetostring shows a value
    # known only after apply as "(unknown)", which is no role's name.
    role_name = core::valuetostring(core::try(attrs.role, null))
    referred  = [for r in tfgate::referenced("role") : r if r.meta.type == "aws_iam_role"]
    named     = [for r in tfgate::resources("aws_iam_role") : r if core::valuetostring(r.attrs.name) == local.role_name]
    roles     = core::concat(local.referred, local.named)
    # (core::try would make the whole role unknown: its id is known only after apply.)
    role_found = core::length(local.roles) > 0
    role       = local.role_found ? local.roles[0] : { address = "", attrs = {}, meta = {} }
    role_key   = core::valuetostring(core::lookup(local.role.attrs, "name", null))

    # Its policies: attachments in the plan (by reference or by name), and the role's own
    # arguments where known.
    attached = [for a in local.attachments : a.address
      if local.role_found && (core::contains(a.refs, local.role.address) || core::contains(a.names, local.role_key))
    ]
    managed       = core::lookup(local.role.attrs, "managed_policy_arns", null)
    inline        = core::lookup(local.role.attrs, "inline_policy", null)
    managed_known = core::valuetostring(local.managed) != "(unknown)"
    inline_known  = core::valuetostring(local.inline) != "(unknown)"
    managed_arns  = local.managed_known ? core::coalesce(local.managed, []) : []
    inline_list   = local.inline_known ? core::coalesce(local.inline, []) : []
    inline_named  = [for i in local.inline_list : "inline policy ${core::valuetostring(i.name)}" if !core::contains(["", "(null)"], core::valuetostring(i.policy))]
    own           = core::concat(local.managed_arns, local.inline_named)

    # A new role's arguments that its configuration does not set hold nothing; an existing
    # role's were read from the account, when the plan shows them (known and present).
    role_is_new = core::contains(core::lookup(local.role.meta, "actions", []), "create")
    configured       = core::lookup(local.role.meta, "configured", null)
    configured_known = core::valuetostring(local.configured) != "(unknown)"
    unset = [for n in ["managed_policy_arns", "inline_policy"] : n
      if local.role_is_new && local.configured_known && !core::contains(core::coalesce(local.configured, []), n)
    ]
    # Shown: unset on a new role, or known and present (null says "none" only for a new role).
    role_arguments = { managed_policy_arns = local.managed, inline_policy = local.inline }
    shown = core::alltrue([for n, v in local.role_arguments :
      core::contains(local.unset, n) || (core::valuetostring(v) != "(unknown)" && (v != null || local.role_is_new))
    ])

    no_role    = local.role_name == "(null)"
    has_policy = core::length(local.attached) > 0 || core::length(local.own) > 0
    decided    = local.no_role || local.has_policy || (local.role_found && local.shown && local.unplaced_count == 0)

    # Messages, from their parts.
    no_role_message   = "the instance profile has no role, so an instance launched with it gets no credentials; remove the profile"
    where_looked      = local.role_is_new ? "in this plan" : "(in this plan, nor in the account as the provider read it)"
    allows_nothing    = "so the profile gives its instances credentials that allow nothing"
    no_policy_message = "role ${local.role.address} has no policy attached ${local.where_looked}, ${local.allows_nothing}; attach the policies the workload needs or remove the profile"
    role_not_here     = "role ${local.role_name} is not in this plan"
    policies_hidden   = "the policies attached to the existing role ${local.role.address} are not shown in this plan"
    maybe_attached    = "role ${local.role.address} has no policy attached in this plan, but the role of ${local.unplaced_text} is known only after apply and may be this one"
    hidden_reason     = !local.role_found ? local.role_not_here : (!local.shown ? local.policies_hidden : local.maybe_attached)
    outside_reason    = "${meta.address}: ${local.hidden_reason}, so whether the profile's role allows anything cannot be decided at plan time."
  }

  enforce {
    condition     = local.decided ? !local.no_role && local.has_policy : tfgate::unknown(local.outside_reason)
    error_message = "${meta.address}: ${local.no_role ? local.no_role_message : local.no_policy_message}."
  }
}
