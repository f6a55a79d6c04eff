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
      found anyway. An instance without `iam_instance_profile` in its configuration passes.
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

# What every instance is judged against, computed once per plan: the IAM
# grants in the plan and whether each gives administrator access.
locals {
  admin_arn = "arn:aws:iam::aws:policy/AdministratorAccess"

  # Customer managed policies in the plan, with whether their document is admin.
  customer_policies = [for pol in tfgate::resources("aws_iam_policy") : {
    address = pol.address
    arn     = pol.attrs.arn
    admin = core::anytrue([
      for s in core::flatten([core::try(core::jsondecode(pol.attrs.policy).Statement, [])]) :
      core::try(s.Effect, "") == "Allow"
      && core::anytrue([for a in core::flatten([core::try(s.Action, [])]) : a == "*" || a == "*:*"])
      && core::anytrue([for r in core::flatten([core::try(s.Resource, [])]) : r == "*"])
    ])
  }]

  # Managed policy attachments: the role they name or refer to, and whether they grant admin.
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
    admin = (core::length(g.policy_refs) > 0
      ? core::anytrue([for c in local.customer_policies : c.admin if core::contains(g.policy_refs, c.address)])
      : (g.arn == local.admin_arn || core::anytrue([for c in local.customer_policies : c.admin && c.arn == g.arn])))
  }]

  # Inline role policies.
  inline_grants = [for g in tfgate::resources("aws_iam_role_policy") : {
    address   = g.address
    role      = g.attrs.role
    role_refs = [for r in tfgate::referenced("role", g.address) : r.address if r.meta.type == "aws_iam_role"]
    admin = core::anytrue([
      for s in core::flatten([core::try(core::jsondecode(g.attrs.policy).Statement, [])]) :
      core::try(s.Effect, "") == "Allow"
      && core::anytrue([for a in core::flatten([core::try(s.Action, [])]) : a == "*" || a == "*:*"])
      && core::anytrue([for r in core::flatten([core::try(s.Resource, [])]) : r == "*"])
    ])
  }]
  grants = core::concat(local.attachment_grants, local.inline_grants)
}

resource_policy "aws_instance" "instance_role_not_admin" {
  enforcement_level = "mandatory"

  locals {

    # The instance's profiles: by reference first, by name otherwise.
    profile_set  = core::contains(meta.configured, "iam_instance_profile")
    profile_refs = [for p in tfgate::referenced("iam_instance_profile") : p if p.meta.type == "aws_iam_instance_profile"]
    profiles = (!local.profile_set ? [] : core::length(local.profile_refs) > 0 ? local.profile_refs
      : [for p in tfgate::resources("aws_iam_instance_profile") : p if p.attrs.name == attrs.iam_instance_profile])

    # Each profile's role: by reference first, by name otherwise.
    with_role_refs = [for p in local.profiles : {
      address   = p.address
      role_name = p.attrs.role
      role_refs = [for r in tfgate::referenced("role", p.address) : r if r.meta.type == "aws_iam_role"]
    }]
    with_roles = [for p in local.with_role_refs : {
      address   = p.address
      role_name = p.role_name
      roles = (core::length(p.role_refs) > 0 ? p.role_refs
        : [for r in tfgate::resources("aws_iam_role") : r if r.attrs.name == p.role_name])
    }]
    chains = [for p in local.with_roles : {
      profile    = p.address
      role_name  = p.role_name
      role_addrs = [for r in p.roles : r.address]
      roles      = p.roles
    }]

    verdicts = [for c in local.chains : {
      # Grants of this role: by reference when the grant refers to a role, by name otherwise.
      admin_grants = [for g in local.grants : g.address if g.admin && (core::length(g.role_refs) > 0
        ? core::anytrue([for a in g.role_refs : core::contains(c.role_addrs, a)])
      : g.role == c.role_name)]
      admin = core::anytrue(core::concat(
        [for g in local.grants : g.admin && (core::length(g.role_refs) > 0
          ? core::anytrue([for a in g.role_refs : core::contains(c.role_addrs, a)])
        : g.role == c.role_name)],
        [for r in c.roles :
          (core::contains(core::try(r.meta.configured, []), "managed_policy_arns") ? core::contains(core::coalesce(r.attrs.managed_policy_arns, []), local.admin_arn) : false)
          || (core::contains(core::try(r.meta.configured, []), "inline_policy") ? core::anytrue([
            for ip in core::coalesce(r.attrs.inline_policy, []) : core::anytrue([
              for s in core::flatten([core::try(core::jsondecode(ip.policy).Statement, [])]) :
              core::try(s.Effect, "") == "Allow"
              && core::anytrue([for a in core::flatten([core::try(s.Action, [])]) : a == "*" || a == "*:*"])
              && core::anytrue([for x in core::flatten([core::try(s.Resource, [])]) : x == "*"])
            ])
          ]) : false)
        ],
      ))
      # The role is known: found by reference, or named by a known value.
      resolved = core::length(c.role_addrs) > 0 || c.role_name != null
      text     = "${c.profile} (role ${core::coalesce(c.role_name, "unset")})"
    }]
    admin_sources = core::flatten([for v in local.verdicts : v.admin_grants])
  }

  enforce {
    # Unresolvable profile names (value known only after apply, no reference) stay unknown.
    condition = (!local.profile_set || (
      (core::length(local.profiles) > 0 || core::try(attrs.iam_instance_profile, null) != null)
      && core::alltrue([for v in local.verdicts : !v.admin && v.resolved])
    ))
    error_message = "${meta.address}: iam_instance_profile ${core::jsonencode(attrs.iam_instance_profile)} → ${core::join(", ", [for v in local.verdicts : v.text])} has administrator access through ${core::length(local.admin_sources) > 0 ? core::join(", ", local.admin_sources) : "the role's own managed_policy_arns or inline_policy"}; grant the instance only the actions it needs."
  }
}
