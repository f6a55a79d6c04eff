# A role's trust policy never lets any principal assume it.
resource_policy "aws_iam_role" "trust_no_wildcard" {
  enforcement_level = "mandatory"

  locals {
    doc        = core::jsondecode(attrs.assume_role_policy)
    statements = core::try(core::tolist(local.doc.Statement), [local.doc.Statement])
    wildcard = [
      for s in local.statements : s
      if s.Effect == "Allow" && (core::try(s.Principal, "") == "*" || core::try(s.Principal.AWS, "") == "*")
    ]
  }

  enforce {
    condition     = core::length(local.wildcard) == 0
    error_message = "IAM role ${attrs.name} can be assumed by any principal."
  }
}
