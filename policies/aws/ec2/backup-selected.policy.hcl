# TFG-EC2-060: EBS volumes and instances are selected by an AWS Backup plan.

policy {
  tfgate {
    id       = "TFG-EC2-060"
    title    = "EBS volumes and EC2 instances should be selected by an AWS Backup plan"
    severity = "medium"
    controls = ["AWS FSBP EC2.28", "AWS Well-Architected REL09-BP01", "NIST 800-53 CP-9"]

    description = <<-EOT
      Reports an `aws_ebs_volume` or `aws_instance` that no `aws_backup_selection` in the plan
      selects. A selection selects a resource as AWS Backup does:

      - `resources` (any of them) names it: by a reference in the configuration
        (`resources = [aws_ebs_volume.data.arn]`), by its known ARN, or by an ARN pattern
        with `*` wildcards (`arn:aws:ec2:*:*:volume/*`, `*`); with no `resources`, every
        resource matches;
      - `not_resources` does not name it (the same way);
      - one of its `selection_tag`s (`STRINGEQUALS`) matches the resource's tags, when it
        has any;
      - every `condition` (`string_equals`, `string_like`, `string_not_equals`,
        `string_not_like` on `aws:ResourceTag/KEY`) holds.

      The tags are `tags_all` (with the provider's default tags) when the plan has it,
      `tags` otherwise. A volume attached (`aws_volume_attachment`) to a selected instance
      passes too: an instance's backup includes its attached volumes.

      What the policy assumes: a plan that holds backup selections holds every selection
      meant for its resources, so a resource none of them selects fails. A plan without any
      `aws_backup_selection` leaves backup to something else (another configuration, an AWS
      Organizations backup policy): every volume and instance is unknown, not failed.

      The policy is `advisory`, as backups are often assigned centrally; teams that manage
      backup plans with their workloads raise the enforcement level of TFG-EC2-060.
    EOT

    rationale = <<-EOT
      A volume or instance that no backup plan selects has no recovery point: a deleted
      volume, a ransomware-encrypted disk or a failed instance is lost with its data. AWS
      Security Hub EC2.28 requires EBS volumes to be covered by a backup plan, and the
      Well-Architected reliability pillar (REL09-BP01) and NIST CP-9 ask for backups of all
      data that must be recovered. Assigning resources in the same plan that creates them
      makes the protection part of the change under review.
    EOT

    violating_example = <<-EOT
      resource "aws_backup_selection" "prod" {
        name         = "prod"
        plan_id      = aws_backup_plan.daily.id
        iam_role_arn = aws_iam_role.backup.arn
        resources    = ["arn:aws:ec2:*:*:volume/*"]

        condition {
          string_equals {
            key   = "aws:ResourceTag/backup"
            value = "daily"
          }
        }
      }

      resource "aws_ebs_volume" "scratch" {
        availability_zone = "eu-west-1a"
        size              = 100
        encrypted         = true
        # no backup = "daily" tag: not selected
      }
    EOT

    compliant_example = <<-EOT
      resource "aws_ebs_volume" "data" {
        availability_zone = "eu-west-1a"
        size              = 100
        encrypted         = true
        tags              = { backup = "daily" }
      }
    EOT

    unknown_values = <<-EOT
      Unknown when no `aws_backup_selection` is in the plan, or when a selection might select
      the resource but the plan cannot tell: its tags, or the selection's `resources`, are
      known only after apply without a reference that decides, or an ARN pattern names an
      account (the plan does not record the account a new resource is created in). The
      message names the selections that could not be decided.
    EOT

    references = [
      "https://docs.aws.amazon.com/securityhub/latest/userguide/ec2-controls.html#ec2-28",
      "https://docs.aws.amazon.com/aws-backup/latest/devguide/assigning-resources-json.html",
      "https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/backup_selection",
    ]
  }
}

locals {
  # ARN globs become anchored regular expressions: regex characters escaped, `*` as `.*`.
  regex_special = "/([.+?^$(){}|\\[\\]\\\\])/"
  # Tag conditions by operator.
  condition_operators = {
    string_equals     = { like = false, negate = false }
    string_not_equals = { like = false, negate = true }
    string_like       = { like = true, negate = false }
    string_not_like   = { like = true, negate = true }
  }

  # Each selection as the plan shows it. valuetostring shows values known only after apply as
  # "(unknown)": a resources list known only after apply has no pattern to read yet.
  selection_parts = [for s in tfgate::resources("aws_backup_selection") : {
    address    = s.address
    referred   = [for r in tfgate::referenced("resources", s.address) : r.address]
    excluded   = [for r in tfgate::referenced("not_resources", s.address) : r.address]
    unnamed    = core::strcontains(core::valuetostring(core::try(s.attrs.resources, null)), "(unknown)")
    globs      = core::valuetostring(core::try(s.attrs.resources, null)) == "(unknown)" ? [] : core::coalesce(s.attrs.resources, [])
    not_globs  = core::valuetostring(core::try(s.attrs.not_resources, null)) == "(unknown)" ? [] : core::coalesce(s.attrs.not_resources, [])
    tags       = [for t in core::coalesce(core::try(s.attrs.selection_tag, null), []) : t if core::upper(t.type) == "STRINGEQUALS"]
    conditions = core::coalesce(core::try(s.attrs.condition, null), [])
  }]
  # The same, with its patterns and tag conditions ready to match.
  selections = [for s in local.selection_parts : {
    address      = s.address
    referred     = s.referred
    excluded     = s.excluded
    unnamed      = s.unnamed
    tags         = s.tags
    patterns     = [for g in s.globs : "^${core::replace(core::replace(g, local.regex_special, "\\$1"), "*", ".*")}$" if core::valuetostring(g) != "(unknown)"]
    not_patterns = [for g in s.not_globs : "^${core::replace(core::replace(g, local.regex_special, "\\$1"), "*", ".*")}$" if core::valuetostring(g) != "(unknown)"]
    conditions = core::flatten([for c in s.conditions : [
      for op, kind in local.condition_operators : [for e in core::coalesce(c[op], []) : {
        key    = core::trimprefix(e.key, "aws:ResourceTag/")
        like   = kind.like
        negate = kind.negate
        value  = kind.like ? "^${core::replace(core::replace(e.value, local.regex_special, "\\$1"), "*", ".*")}$" : e.value
      }]
    ]])
  }]

  # Instances and volumes with what a selection can match: the ARN (a stand-in with the
  # resource type when it is known only after apply) and the tags. Computed only when the
  # plan has selections.
  candidates = core::length(local.selections) == 0 ? [] : core::concat(
    [for r in tfgate::resources("aws_instance") : {
      address  = r.address
      arn      = core::valuetostring(core::try(r.attrs.arn, null))
      stand_in = "arn:aws:ec2:region:account:instance/id"
      tags     = core::try(r.attrs.tags_all, r.attrs.tags)
    }],
    [for r in tfgate::resources("aws_ebs_volume") : {
      address  = r.address
      arn      = core::valuetostring(core::try(r.attrs.arn, null))
      stand_in = "arn:aws:ec2:region:account:volume/id"
      tags     = core::try(r.attrs.tags_all, r.attrs.tags)
    }],
  )

  # Per candidate and selection: "yes", "no", or "maybe" (the plan cannot tell). For an ARN
  # not yet known, a pattern must match whatever the region and account: one that names
  # them is a "maybe".
  any_region_account = "/^\\^arn:([^:]*):([^:]*):[^:]*:[^:]*:/"
  verdicts = { for c in local.candidates : c.address => [for s in local.selections : {
    selection = s.address
    by_ref    = core::contains(s.referred, c.address)
    any       = core::length(s.patterns) == 0 && !s.unnamed
    unnamed   = s.unnamed && core::length(s.referred) == 0
    patterns = [for p in s.patterns : (
      c.arn != "(unknown)" ? (core::length(core::regexall(p, c.arn)) > 0 ? "yes" : "no") :
      core::length(core::regexall(p, c.stand_in)) > 0 ? "yes" :
      core::length(core::regexall(core::replace(p, local.any_region_account, "^arn:$1:$2:.*:.*:"), c.stand_in)) > 0 ? "maybe" : "no"
    )]
    # Exclusions, tags and conditions: true, false or unknown (tags known only after apply).
    others = core::valuetostring(
      !core::contains(s.excluded, c.address)
      && !core::anytrue([for p in s.not_patterns : core::length(core::regexall(p, c.arn != "(unknown)" ? c.arn : c.stand_in)) > 0])
      && (core::length(s.tags) == 0 || core::anytrue([for t in s.tags : core::try(c.tags[t.key], null) == t.value]))
      && core::alltrue([for e in s.conditions :
        e.negate != (e.like ? core::length(core::regexall(e.value, core::try(c.tags[e.key], ""))) > 0 : core::try(c.tags[e.key], null) == e.value)
      ])
    )
  }] }
  states = { for k, vs in local.verdicts : k => [for v in vs : {
    selection = v.selection
    resources = v.by_ref || v.any || core::contains(v.patterns, "yes") ? "yes" : v.unnamed || core::contains(v.patterns, "maybe") ? "maybe" : "no"
    others    = v.others
  }] }
  resources_maybe = "its resources are known only after apply, or its ARN pattern names a region or account the plan does not record for a resource not yet created"
  outcomes = { for k, vs in local.states : k => [for v in vs : {
    selection = v.selection
    state     = v.resources == "no" || v.others == "false" ? "no" : v.resources == "yes" && v.others == "true" ? "yes" : "maybe"
    why       = v.resources == "maybe" ? "${v.selection} (${local.resources_maybe})" : "${v.selection} (the resource's tags are known only after apply)"
  }] }

  # The instances each volume is attached to (aws_volume_attachment): backed up with them.
  attached_to = { for p in core::flatten([for a in tfgate::resources("aws_volume_attachment") : [
    for v in tfgate::referenced("volume_id", a.address) : { volume = v.address, instances = [for i in tfgate::referenced("instance_id", a.address) : i.address] }
  ]]) : p.volume => p.instances... }

  # Shared by both blocks: whether the plan has a selection at all, and the unknown reasons
  # (target address, and for the second the undecided selections, "selects" or "select" and
  # the kind of target).
  no_selections    = core::length(local.selections) == 0
  elsewhere        = "another configuration, an AWS Organizations backup policy"
  none_format      = "%s: no aws_backup_selection is in this plan, so whether a backup plan selects this %s (${local.elsewhere}) cannot be decided at plan time."
  undecided_format = "%s: whether %s %s this %s cannot be decided at plan time."
}

resource_policy "aws_ebs_volume" "volume_backup_selected" {
  enforcement_level = "advisory"

  locals {
    # Selected itself, or through an instance it is attached to.
    via       = core::flatten(core::lookup(local.attached_to, meta.address, []))
    mine      = core::flatten([for k in core::concat([meta.address], local.via) : core::lookup(local.outcomes, k, [])])
    selected  = [for v in local.mine : v.selection if v.state == "yes"]
    undecided = core::distinct([for v in local.mine : v.why if v.state == "maybe"])

    # The questions: selected? by a selection that cannot tell? (and local.no_selections)
    is_selected  = core::length(local.selected) > 0
    is_undecided = core::length(local.undecided) > 0

    selects          = core::length(local.undecided) == 1 ? "selects" : "select"
    undecided_reason = core::format(local.undecided_format, meta.address, core::join(", ", local.undecided), local.selects, "volume")
    none_reason      = core::format(local.none_format, meta.address, "volume")
    how_selected     = "(by ARN, pattern or tags) or an instance it is attached to"
    not_message      = "no aws_backup_selection in this plan selects this volume ${local.how_selected}, so it has no backups; add it to a selection or tag it as one selects"
  }

  enforce {
    condition     = local.is_selected || (local.no_selections ? tfgate::unknown(local.none_reason) : local.is_undecided ? tfgate::unknown(local.undecided_reason) : false)
    error_message = "${meta.address}: ${local.not_message}."
  }
}

# The volume block's questions about an instance itself. Block locals read `meta`, which the
# format cannot share between blocks of two resource types, so these few lines repeat.
resource_policy "aws_instance" "instance_backup_selected" {
  enforcement_level = "advisory"

  locals {
    mine      = core::lookup(local.outcomes, meta.address, [])
    selected  = [for v in local.mine : v.selection if v.state == "yes"]
    undecided = [for v in local.mine : v.why if v.state == "maybe"]

    is_selected  = core::length(local.selected) > 0
    is_undecided = core::length(local.undecided) > 0

    selects          = core::length(local.undecided) == 1 ? "selects" : "select"
    undecided_reason = core::format(local.undecided_format, meta.address, core::join(", ", local.undecided), local.selects, "instance")
    none_reason      = core::format(local.none_format, meta.address, "instance")
    not_message      = "no aws_backup_selection in this plan selects this instance (by ARN, pattern or tags), so it has no backups; add it to a selection or tag it as one selects"
  }

  enforce {
    condition     = local.is_selected || (local.no_selections ? tfgate::unknown(local.none_reason) : local.is_undecided ? tfgate::unknown(local.undecided_reason) : false)
    error_message = "${meta.address}: ${local.not_message}."
  }
}
