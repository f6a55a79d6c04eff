# TFG-EC2-041: instance roles do not get wildcard actions on sensitive services.

policy {
  tfgate {
    id       = "TFG-EC2-041"
    title    = "EC2 instance roles must not allow wildcard IAM, EC2 or role-assumption actions"
    severity = "high"
    controls = ["AWS FSBP IAM.21", "CIS AWS 1.16"]

    description = <<-EOT
      Follows an `aws_instance`'s `iam_instance_profile` to its role, as TFG-EC2-040 does
      (by configuration reference, else by name: profile → role → `aws_iam_role_policy`,
      `aws_iam_role_policy_attachment` and the `aws_iam_policy` it attaches, and the role's
      own `inline_policy` and `managed_policy_arns`), and fails when an `Allow` statement of
      any of those documents grants:

      - `iam:*` or `ec2:*`, on any resource;
      - `iam:PassRole`, `sts:AssumeRole` or `sts:*` on `Resource = "*"`;

      or when the role has the AWS managed policy `IAMFullAccess` or `AmazonEC2FullAccess`.
      Documents built with `data "aws_iam_policy_document"` are judged as the JSON the
      plan holds for them. Action names are compared without regard to case, as IAM does.
      `Action = "*"` (administrator access) is TFG-EC2-040's finding, not this one's.
    EOT

    rationale = <<-EOT
      An instance role's credentials can be read by anything that runs on the instance, and
      through IMDSv1 by a server-side request forgery. `iam:*` lets that code create users,
      keys and policies (administrator access one step away); `iam:PassRole` on every role
      lets it launch compute with any role in the account; `sts:AssumeRole` on every role
      lets it become any role that trusts the account; `ec2:*` lets it read every instance's
      user data, snapshot and share volumes, open security groups and launch instances.
      AWS Security Hub IAM.21 reports customer managed policies with wildcard actions for
      services, and CIS AWS 1.16 asks for no full administrative privileges.
    EOT

    violating_example = <<-EOT
      data "aws_iam_policy_document" "ops" {
        statement {
          actions   = ["ec2:*", "iam:PassRole"]
          resources = ["*"]
        }
      }

      resource "aws_iam_role_policy" "ops" {
        role   = aws_iam_role.app.id
        policy = data.aws_iam_policy_document.ops.json
      }
    EOT

    compliant_example = <<-EOT
      data "aws_iam_policy_document" "ops" {
        statement {
          actions   = ["ec2:DescribeInstances", "ec2:CreateTags"]
          resources = ["*"]
        }
        statement {
          actions   = ["iam:PassRole"]
          resources = [aws_iam_role.worker.arn]
        }
      }
    EOT

    unknown_values = <<-EOT
      As in TFG-EC2-040: references decide first, so values known only after apply do not
      get in the way when the configuration refers to the resource; a link that neither a
      reference nor a known value resolves makes the verdict unknown unless a sensitive
      grant is found anyway. A policy document known only after apply (a policy document
      data source that depends on a resource created in the same plan) may grant anything:
      an instance whose role it is attached to is unknown, naming it, unless a sensitive
      grant is found anyway; it does not touch instances of other roles. Grants managed
      outside this plan are not seen.
    EOT

    references = [
      "https://docs.aws.amazon.com/securityhub/latest/userguide/iam-controls.html#iam-21",
      "https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_use_passrole.html",
      "https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_use_switch-role-ec2.html",
      "https://docs.aws.amazon.com/aws-managed-policy/latest/reference/IAMFullAccess.html",
      "https://docs.aws.amazon.com/aws-managed-policy/latest/reference/AmazonEC2FullAccess.html",
    ]
  }
}

# The IAM grants in the plan and the sensitive actions each allows, computed once per plan.
locals {
  # Any resource, and only on Resource "*".
  wildcard_actions = ["iam:*", "ec2:*"]
  any_role_actions = ["iam:passrole", "sts:assumerole", "sts:*"]
  managed_grants = {
    "arn:aws:iam::aws:policy/IAMFullAccess"       = ["iam:*"]
    "arn:aws:iam::aws:policy/AmazonEC2FullAccess" = ["ec2:*"]
  }

  # Customer managed policies in the plan, with the sensitive actions of their document.
  # A document known only after apply may grant anything: `pending`.
  customer_policies = [for pol in tfgate::resources("aws_iam_policy") : {
    address = pol.address
    arn     = pol.attrs.arn
    pending = core::valuetostring(core::try(pol.attrs.policy, null)) == "(unknown)"
    actions = core::valuetostring(core::try(pol.attrs.policy, null)) == "(unknown)" ? [] : core::flatten([
      for s in core::flatten([core::try(core::jsondecode(pol.attrs.policy).Statement, [])]) : [
        for a in core::flatten([core::try(s.Action, [])]) : a
        if core::try(s.Effect, "") == "Allow" && (
          core::contains(local.wildcard_actions, core::lower(a))
          || (core::contains(local.any_role_actions, core::lower(a)) && core::contains(core::flatten([core::try(s.Resource, [])]), "*"))
        )
      ]
    ])
  }]

  # Managed policy attachments: the role they name or refer to, and what they grant.
  # The attached policy: by reference first (its ARN may be known only after apply), then an
  # AWS managed policy by its ARN, then a customer managed one by its ARN.
  attachments = [for g in tfgate::resources("aws_iam_role_policy_attachment") : {
    address     = g.address
    role        = g.attrs.role
    role_refs   = [for r in tfgate::referenced("role", g.address) : r.address if r.meta.type == "aws_iam_role"]
    policy_refs = [for r in tfgate::referenced("policy_arn", g.address) : r.address if r.meta.type == "aws_iam_policy"]
    arn         = g.attrs.policy_arn
  }]
  attachment_grants = [for g in local.attachments : {
    address   = g.address
    role      = g.role
    role_refs = g.role_refs
    pending   = core::anytrue([for c in local.customer_policies : c.pending if core::contains(g.policy_refs, c.address)])
    actions = (core::length(g.policy_refs) > 0
      ? core::flatten([for c in local.customer_policies : c.actions if core::contains(g.policy_refs, c.address)])
      : core::try(core::startswith(g.arn, "arn:aws:iam::aws:policy/"), false) ? core::lookup(local.managed_grants, g.arn, [])
    : core::flatten([for c in local.customer_policies : c.actions if c.arn == g.arn]))
  }]

  # Inline role policies.
  inline_grants = [for g in tfgate::resources("aws_iam_role_policy") : {
    address   = g.address
    role      = g.attrs.role
    role_refs = [for r in tfgate::referenced("role", g.address) : r.address if r.meta.type == "aws_iam_role"]
    pending   = core::valuetostring(core::try(g.attrs.policy, null)) == "(unknown)"
    actions = core::valuetostring(core::try(g.attrs.policy, null)) == "(unknown)" ? [] : core::flatten([
      for s in core::flatten([core::try(core::jsondecode(g.attrs.policy).Statement, [])]) : [
        for a in core::flatten([core::try(s.Action, [])]) : a
        if core::try(s.Effect, "") == "Allow" && (
          core::contains(local.wildcard_actions, core::lower(a))
          || (core::contains(local.any_role_actions, core::lower(a)) && core::contains(core::flatten([core::try(s.Resource, [])]), "*"))
        )
      ]
    ])
  }]
  # Grants that matter to a role: those with a sensitive action, and those whose document is
  # known only after apply.
  grants = [for g in core::concat(local.attachment_grants, local.inline_grants) : g if core::length(g.actions) > 0 || g.pending]
}

resource_policy "aws_instance" "instance_role_sensitive_wildcards" {
  enforcement_level = "mandatory"

  locals {
    # The instance's profiles and their roles: by reference first, by name otherwise.
    # Without a configuration in the plan, the planned value tells whether a profile is set.
    # As in TFG-EC2-040: a known planned name is worn, a known null or "" is none, whatever the
    # configuration sets; a value known only after apply is a profile when the configuration
    # sets one.
    configured   = core::try(meta.configured, null)
    planned_name = core::valuetostring(core::try(attrs.iam_instance_profile, null))
    wears_named  = !core::contains(["(null)", "", "(unknown)"], local.planned_name)
    wears_none   = core::contains(["(null)", ""], local.planned_name)
    profile_set = local.wears_named || (!local.wears_none && (core::valuetostring(local.configured) == "(unknown)"
      ? core::try(attrs.iam_instance_profile, null) != null
    : core::contains(core::coalesce(local.configured, []), "iam_instance_profile")))
    profile_refs = [for p in tfgate::referenced("iam_instance_profile") : p if p.meta.type == "aws_iam_instance_profile"]
    profiles = (!local.profile_set ? [] : core::length(local.profile_refs) > 0 ? local.profile_refs
      : [for p in tfgate::resources("aws_iam_instance_profile") : p if local.wears_named && core::valuetostring(p.attrs.name) == local.planned_name])
    chains = [for p in local.profiles : {
      profile   = p.address
      role_name = p.attrs.role
      roles = (core::length([for r in tfgate::referenced("role", p.address) : r if r.meta.type == "aws_iam_role"]) > 0
        ? [for r in tfgate::referenced("role", p.address) : r if r.meta.type == "aws_iam_role"]
      : [for r in tfgate::resources("aws_iam_role") : r if r.attrs.name == p.attrs.role])
    }]

    # Per chain: the grants of its role (by reference when the grant refers to a role, by
    # name otherwise) and the role's own managed_policy_arns and inline_policy.
    findings = core::flatten([for c in local.chains : core::concat(
      [for g in local.grants : "${g.address} (${core::join(", ", g.actions)})" if core::length(g.actions) > 0 && (core::length(g.role_refs) > 0
        ? core::anytrue([for a in g.role_refs : core::contains([for r in c.roles : r.address], a)])
      : g.role == c.role_name)],
      core::flatten([for r in c.roles : [
        for arn in(core::contains(core::try(r.meta.configured, []), "managed_policy_arns") ? core::coalesce(r.attrs.managed_policy_arns, []) : []) :
        "${r.address} managed_policy_arns ${arn} (${core::join(", ", local.managed_grants[arn])})" if core::contains(core::keys(local.managed_grants), arn)
      ]]),
      core::flatten([for r in c.roles : [
        for ip in(core::contains(core::try(r.meta.configured, []), "inline_policy") ? core::coalesce(r.attrs.inline_policy, []) : []) : [
          for s in core::flatten([core::try(core::jsondecode(ip.policy).Statement, [])]) : [
            for a in core::flatten([core::try(s.Action, [])]) : "${r.address} inline_policy ${ip.name} (${a})"
            if core::try(s.Effect, "") == "Allow" && (
              core::contains(local.wildcard_actions, core::lower(a))
              || (core::contains(local.any_role_actions, core::lower(a)) && core::contains(core::flatten([core::try(s.Resource, [])]), "*"))
            )
          ]
        ]
      ]]),
    )])
    # Grants to the instance's roles whose document is known only after apply.
    pending = core::flatten([for c in local.chains : [
      for g in local.grants : g.address if g.pending && (core::length(g.role_refs) > 0
        ? core::anytrue([for a in g.role_refs : core::contains([for r in c.roles : r.address], a)])
      : g.role == c.role_name)
    ]])
    shown_clean    = "no sensitive wildcard is granted where the plan shows the policy"
    pending_reason = "${meta.address}: ${local.shown_clean}, but the policy document granted through ${core::join(", ", local.pending)} is known only after apply"
    no_pending     = core::length(local.pending) == 0 ? true : tfgate::unknown(local.pending_reason)
    # The role is known: found by reference, or named by a known value.
    resolved = core::alltrue([for c in local.chains : core::length(c.roles) > 0 || c.role_name != null])
    found    = core::length(local.profiles) > 0 || core::try(attrs.iam_instance_profile, null) != null

    findings_known  = core::valuetostring(core::length(local.findings)) != "(unknown)"
    granted_message = "the instance role allows sensitive wildcard actions through ${core::join("; ", local.findings)}; grant only the actions and resources the instance needs"
    pending_message = "the instance profile's role is known only after apply, so its grants cannot be judged at plan time"
  }

  enforce {
    # Unresolvable profile names (value known only after apply, no reference) stay unknown.
    # A document known only after apply leaves the verdict open unless a grant already fails it.
    condition     = !local.profile_set || (core::length(local.findings) == 0 && local.found && local.resolved && local.no_pending)
    error_message = "${meta.address}: ${local.findings_known && core::length(local.findings) > 0 ? local.granted_message : local.pending_message}."
  }
}
