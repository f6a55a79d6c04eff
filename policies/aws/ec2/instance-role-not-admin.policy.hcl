policy {
  tfgate {
    id       = "TFG-EC2-040"
    title    = "EC2 instance roles must not have administrator access"
    severity = "critical"
    controls = ["AWS FSBP IAM.1", "CIS AWS 1.16"]
    description = <<-EOT
      Rejects an `aws_instance` whose instance profile's role carries administrator access:
      the AWS managed `AdministratorAccess` policy, or any policy document with an `Allow`
      statement whose `Action` is `"*"` on `Resource` `"*"`.

      The chain is followed through the plan: the instance's `iam_instance_profile` → the
      `aws_iam_instance_profile` (by configuration reference, or by name) → its `role` →
      the `aws_iam_role` (by reference, or by name) → every `aws_iam_role_policy_attachment`
      and `aws_iam_role_policy` whose `role` refers to that role (by reference, or by name),
      the `aws_iam_policy` an attachment's `policy_arn` refers to (by reference, or by ARN),
      and the role's own `managed_policy_arns` and `inline_policy` when the configuration
      sets them. Policy documents are decoded: `Statement` may be one object or a list,
      `Action` and `Resource` a string or a list, and the document compact `jsonencode`
      output or verbatim JSON. `Deny` statements never make a role admin.
      Modules are followed (references through module outputs and inputs).
    EOT
    rationale = <<-EOT
      Every process on an instance, and anyone who gets code execution on it (an
      application bug, SSRF to the instance metadata service, a leaked SSH key), can use the
      instance role's temporary credentials. A role with `*` on `*` turns one compromised
      host into a compromised AWS account: the attacker can create users, read every bucket,
      disable logging and delete backups. Instance roles should grant only what the workload
      needs. AWS Security Hub IAM.1 and the CIS AWS Foundations Benchmark ("IAM policies
      that allow full *:* administrative privileges are not attached") flag such policies.
    EOT
    violating_example = <<-EOT
      resource "aws_iam_role" "app" {
        name               = "app"
        assume_role_policy = data.aws_iam_policy_document.ec2_assume.json
      }

      resource "aws_iam_role_policy_attachment" "app_admin" {
        role       = aws_iam_role.app.name
        policy_arn = "arn:aws:iam::aws:policy/AdministratorAccess"
      }

      resource "aws_iam_instance_profile" "app" {
        name = "app"
        role = aws_iam_role.app.name
      }

      resource "aws_instance" "app" {
        ami                  = data.aws_ami.al2023.id
        instance_type        = "t3.small"
        iam_instance_profile = aws_iam_instance_profile.app.name
      }
    EOT
    compliant_example = <<-EOT
      resource "aws_iam_role_policy_attachment" "app_ssm" {
        role       = aws_iam_role.app.name
        policy_arn = "arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore"
      }

      resource "aws_iam_role_policy" "app_bucket" {
        role = aws_iam_role.app.id
        policy = jsonencode({
          Version = "2012-10-17"
          Statement = [{
            Effect   = "Allow"
            Action   = ["s3:GetObject"]
            Resource = "arn:aws:s3:::app-assets/*"
          }]
        })
      }
    EOT
    unknown_values = <<-EOT
      Configuration references decide first, so values known only after apply (a role name
      from `name_prefix`, a `policy_arn` of a policy created in the same plan) do not get in
      the way when the configuration refers to the resource. When neither a reference nor a
      known value resolves a link (for example a profile whose `role` comes from a local
      value computed after apply), the verdict is unknown unless an administrator grant is
      found anyway. The planned `iam_instance_profile` says whether a profile is worn: a known
      null or empty value (a variable left null) is none and passes; a known name is judged
      even when the configuration does not set it (a profile attached outside Terraform, as
      the state shows); a value known only after apply counts as a profile when the
      configuration sets one.
      A plan without a configuration section (stripped or generated) is judged on its
      planned values: the instance's `iam_instance_profile` (null or empty: no profile;
      known only after apply: unknown), and the roles' own `managed_policy_arns` and
      `inline_policy` as planned.
      Profiles, roles and policies that the plan does not manage (created elsewhere) cannot
      be inspected: only the grants in this plan are judged, so an admin role managed
      outside this configuration is not detected. A policy document that is not valid JSON
      is treated as granting nothing.
    EOT
    references = [
      "https://docs.aws.amazon.com/securityhub/latest/userguide/iam-controls.html#iam-1",
      "https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_use_switch-role-ec2.html",
      "https://docs.aws.amazon.com/aws-managed-policy/latest/reference/AdministratorAccess.html",
      "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_statement.html",
      "https://docs.aws.amazon.com/IAM/latest/UserGuide/best-practices.html#grant-least-privilege",
      "https://www.cisecurity.org/benchmark/amazon_web_services",
    ]
  }
}

# What every instance is judged against, computed once per plan.
locals {
  admin_arn = "arn:aws:iam::aws:policy/AdministratorAccess"

  # Every policy document in the plan, keyed by where it is: customer managed policies, inline
  # role policies, and roles' own inline_policy blocks (ADDRESS#INDEX). One list, so that the
  # administrator test below is written once.
  documents = core::concat(
    [for p in tfgate::resources("aws_iam_policy") : { key = p.address, policy = p.attrs.policy }],
    [for p in tfgate::resources("aws_iam_role_policy") : { key = p.address, policy = p.attrs.policy }],
    # (A list known only after apply has no keys yet: role_admin is then unknown.)
    core::flatten([for r in tfgate::resources("aws_iam_role") : [
      for i, ip in core::coalesce(core::try(r.attrs.inline_policy, null), []) : { key = "${r.address}#${i}", policy = ip.policy }
    ] if core::valuetostring(core::try(r.attrs.inline_policy, null)) != "(unknown)"]),
  )
  # Administrator access: one statement allows every action on every resource.
  admin_document = { for d in local.documents : d.key => core::anytrue([
    for st in core::flatten([core::try(core::jsondecode(d.policy).Statement, [])]) :
    core::try(st.Effect, "") == "Allow"
    && core::anytrue([for a in core::flatten([core::try(st.Action, [])]) : a == "*" || a == "*:*"])
    && core::anytrue([for r in core::flatten([core::try(st.Resource, [])]) : r == "*"])
  ]) }

  # A role's own lists count where its configuration sets them; without a configuration, as planned.
  role_admin = { for r in tfgate::resources("aws_iam_role") : r.address => (
    (local.own_list[r.address].managed_policy_arns ? core::contains(core::coalesce(core::try(r.attrs.managed_policy_arns, null), []), local.admin_arn) : false)
    || (local.own_list[r.address].inline_policy ? core::anytrue([
      for i, ip in core::coalesce(core::try(r.attrs.inline_policy, null), []) : local.admin_document["${r.address}#${i}"]
    ]) : false)
  ) }
  own_list = { for r in tfgate::resources("aws_iam_role") : r.address => {
    for k in ["managed_policy_arns", "inline_policy"] : k => core::valuetostring(core::try(r.meta.configured, [])) == "(unknown)" || core::contains(core::try(r.meta.configured, []), k)
  } }

  # Grants to roles: the role by reference, or by name; the policy by reference, or by ARN.
  attachment_grants = [for g in tfgate::resources("aws_iam_role_policy_attachment") : {
    address   = g.address
    role      = g.attrs.role
    role_refs = [for r in tfgate::referenced("role", g.address) : r.address if r.meta.type == "aws_iam_role"]
    admin = core::anytrue(core::concat(
      [for r in tfgate::referenced("policy_arn", g.address) : local.admin_document[r.address] if r.meta.type == "aws_iam_policy"],
      core::length([for r in tfgate::referenced("policy_arn", g.address) : r if r.meta.type == "aws_iam_policy"]) > 0 ? [] : core::concat(
        [g.attrs.policy_arn == local.admin_arn],
        [for p in tfgate::resources("aws_iam_policy") : local.admin_document[p.address] && p.attrs.arn == g.attrs.policy_arn],
      ),
    ))
  }]
  inline_grants = [for g in tfgate::resources("aws_iam_role_policy") : {
    address   = g.address
    role      = g.attrs.role
    role_refs = [for r in tfgate::referenced("role", g.address) : r.address if r.meta.type == "aws_iam_role"]
    admin     = local.admin_document[g.address]
  }]
  grants = core::concat(local.attachment_grants, local.inline_grants)
}

resource_policy "aws_instance" "instance_role_not_admin" {
  enforcement_level = "mandatory"

  locals {
    # Does the instance wear a profile? A known planned name says yes, a known null or "" says no,
    # whatever the configuration sets (a profile attached outside it is still worn; a variable
    # left null attaches none). A value known only after apply is a profile when the
    # configuration sets one; without a configuration, that is not known.
    no_config      = core::valuetostring(core::try(meta.configured, null)) == "(unknown)"
    planned_name   = core::valuetostring(core::try(attrs.iam_instance_profile, null))
    wears_named    = !core::contains(["(null)", "", "(unknown)"], local.planned_name)
    wears_none     = core::contains(["(null)", ""], local.planned_name)
    has_profile = local.wears_named || (!local.wears_none && (local.no_config
      ? !core::contains([null, ""], core::try(attrs.iam_instance_profile, null))
    : core::contains(meta.configured, "iam_instance_profile")))
    named       = core::try(attrs.iam_instance_profile, null) != null

    # The instance's profiles, then each profile's roles: by reference first, by name otherwise.
    profile_refs = [for p in tfgate::referenced("iam_instance_profile") : p if p.meta.type == "aws_iam_instance_profile"]
    # (By known names only: a profile whose name is known only after apply cannot be the one a
    # known name refers to.)
    profiles_by_name = !local.wears_named ? [] : [for p in tfgate::resources("aws_iam_instance_profile") : p if core::valuetostring(p.attrs.name) == local.planned_name]
    profiles         = !local.has_profile ? [] : (core::length(local.profile_refs) > 0 ? local.profile_refs : local.profiles_by_name)
    chains = [for p in local.profiles : {
      profile   = p.address
      role_name = p.attrs.role
      role_refs = [for r in tfgate::referenced("role", p.address) : r.address if r.meta.type == "aws_iam_role"]
    }]
    roles = [for c in local.chains : core::length(c.role_refs) > 0 ? c.role_refs
    : [for r in tfgate::resources("aws_iam_role") : r.address if r.attrs.name == c.role_name]]

    # Per profile: the grants aimed at its role (by reference, or by name), and whether the role
    # has administrator access through them or its own lists.
    targets_role = [for i, c in local.chains : [for g in local.grants : core::length(g.role_refs) > 0
    ? core::anytrue([for a in g.role_refs : core::contains(local.roles[i], a)]) : g.role == c.role_name]]
    admin = [for i, c in local.chains : core::anytrue(core::concat(
      [for j, g in local.grants : g.admin && local.targets_role[i][j]],
      [for r in local.roles[i] : local.role_admin[r]],
    ))]
    # A role is resolved when found by reference, or named by a known value. A profile whose
    # role is null grants nothing (TFG-EC2-042 reports it as not needed).
    resolved = [for i, c in local.chains : core::length(local.roles[i]) > 0 || c.role_name != null]
    no_role  = [for i, c in local.chains : core::length(c.role_refs) == 0 && c.role_name == null]

    # The questions.
    profile_found  = core::length(local.profiles) > 0 || local.named
    roles_resolved = core::alltrue([for i, c in local.chains : local.resolved[i] || local.no_role[i]])
    role_is_admin  = core::anytrue(local.admin)
    not_admin      = !local.has_profile || (local.profile_found && !local.role_is_admin && local.roles_resolved)
    decided        = core::valuetostring(local.not_admin) != "(unknown)"

    # Message parts: what grants administrator access, or what is known only after apply.
    admin_grants  = core::flatten([for i, c in local.chains : [for j, g in local.grants : g.address if g.admin && local.targets_role[i][j]]])
    chain_text    = core::join(", ", [for c in local.chains : "${c.profile} (role ${core::coalesce(c.role_name, "unset")})"])
    source_text   = core::length(local.admin_grants) > 0 ? core::join(", ", local.admin_grants) : "the role's own managed_policy_arns or inline_policy"
    profile_pends = core::valuetostring(local.has_profile) == "(unknown)" || core::valuetostring(local.chains) == "(unknown)"
    name_pends    = core::length(local.profiles) == 0 && core::valuetostring(local.named) == "(unknown)"
    profile_waits = local.profile_pends || local.name_pends
    unknown_parts = local.profile_waits ? ["iam_instance_profile is known only after apply, so its profile and role cannot be found"] : core::concat(
      [for i, c in local.chains : "the role of ${c.profile} is known only after apply" if core::valuetostring(local.resolved[i]) == "(unknown)"],
      [for i, c in local.chains : "whether the role of ${c.profile} has administrator access is known only after apply (a policy document or policy ARN is)"
      if core::valuetostring(local.resolved[i]) == "true" && core::valuetostring(local.admin[i]) == "(unknown)"],
    )
    unknown_reason = "${meta.address}: ${core::join("; ", local.unknown_parts)}"
    profile_text   = "iam_instance_profile ${core::jsonencode(attrs.iam_instance_profile)} → ${local.chain_text}"
  }

  enforce {
    # Unresolvable profile names (value known only after apply, no reference) stay unknown.
    condition     = local.decided ? local.not_admin : tfgate::unknown(local.unknown_reason)
    error_message = "${meta.address}: ${local.profile_text} has administrator access through ${local.source_text}; grant the instance only the actions it needs."
  }
}
