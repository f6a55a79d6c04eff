//! Planned actions (`change.actions`), as one enum.

use std::fmt;

/// What Terraform plans to do with one resource instance object.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Action {
    /// Nothing changes (`["no-op"]`).
    NoOp,
    /// A new object is created (`["create"]`).
    Create,
    /// A data source read deferred to apply.
    Read,
    /// The object is changed in place (`["update"]`).
    Update,
    /// The object is destroyed (`["delete"]`).
    Delete,
    /// Replace, destroying the old object first (the default).
    DeleteThenCreate,
    /// Replace with `create_before_destroy`.
    CreateThenDelete,
    /// Drop from state, keep the real object (`removed { destroy = false }`).
    Forget,
    /// Terraform: replace, keeping the old object.
    CreateThenForget,
    /// OpenTofu: replace, keeping the old object.
    ForgetThenCreate,
    /// A combination this version of tfgate does not know; kept verbatim.
    Other(Vec<String>),
}

impl Action {
    /// Reads `change.actions`. Membership, not string joining, decides.
    pub fn from_list<S: AsRef<str>>(actions: &[S]) -> Action {
        let list: Vec<&str> = actions.iter().map(AsRef::as_ref).collect();
        match list.as_slice() {
            ["no-op"] => Action::NoOp,
            ["create"] => Action::Create,
            ["read"] => Action::Read,
            ["update"] => Action::Update,
            ["delete"] => Action::Delete,
            ["delete", "create"] => Action::DeleteThenCreate,
            ["create", "delete"] => Action::CreateThenDelete,
            ["forget"] => Action::Forget,
            ["create", "forget"] => Action::CreateThenForget,
            ["forget", "create"] => Action::ForgetThenCreate,
            _ => Action::Other(list.iter().map(|s| s.to_string()).collect()),
        }
    }

    /// The action list as the plan writes it.
    pub fn as_list(&self) -> Vec<&str> {
        match self {
            Action::NoOp => vec!["no-op"],
            Action::Create => vec!["create"],
            Action::Read => vec!["read"],
            Action::Update => vec!["update"],
            Action::Delete => vec!["delete"],
            Action::DeleteThenCreate => vec!["delete", "create"],
            Action::CreateThenDelete => vec!["create", "delete"],
            Action::Forget => vec!["forget"],
            Action::CreateThenForget => vec!["create", "forget"],
            Action::ForgetThenCreate => vec!["forget", "create"],
            Action::Other(list) => list.iter().map(String::as_str).collect(),
        }
    }

    /// One word for summaries: `create`, `update`, `replace`, `delete`, …
    pub fn summary_word(&self) -> &str {
        match self {
            Action::NoOp => "no-op",
            Action::Create => "create",
            Action::Read => "read",
            Action::Update => "update",
            Action::Delete => "delete",
            Action::DeleteThenCreate | Action::CreateThenDelete => "replace",
            Action::Forget => "forget",
            Action::CreateThenForget | Action::ForgetThenCreate => "replace-forget",
            Action::Other(_) => "other",
        }
    }

    /// True for every kind of replacement, whichever order it runs in and
    /// whether the old object is destroyed or forgotten.
    pub fn is_replace(&self) -> bool {
        matches!(
            self,
            Action::DeleteThenCreate | Action::CreateThenDelete | Action::CreateThenForget | Action::ForgetThenCreate
        )
    }

    /// True when an object will exist after apply: everything but pure
    /// deletes and forgets.
    pub fn exists_after_apply(&self) -> bool {
        match self {
            Action::Delete | Action::Forget => false,
            Action::Other(list) => list.iter().any(|a| a == "create" || a == "update"),
            _ => true,
        }
    }

    /// True when the plan changes something (anything but no-op).
    pub fn is_change(&self) -> bool {
        !matches!(self, Action::NoOp)
    }

    /// True when `action` (`"create"`, `"delete"`, …) is one of the plan's
    /// words for this change (see [`Action::as_list`]).
    pub fn contains(&self, action: &str) -> bool {
        self.as_list().contains(&action)
    }
}

impl fmt::Display for Action {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.as_list().join(", "))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_documented_combination() {
        let cases: &[(&[&str], Action)] = &[
            (&["no-op"], Action::NoOp),
            (&["create"], Action::Create),
            (&["read"], Action::Read),
            (&["update"], Action::Update),
            (&["delete"], Action::Delete),
            (&["delete", "create"], Action::DeleteThenCreate),
            (&["create", "delete"], Action::CreateThenDelete),
            (&["forget"], Action::Forget),
            (&["create", "forget"], Action::CreateThenForget),
            (&["forget", "create"], Action::ForgetThenCreate),
        ];
        for (list, action) in cases {
            let parsed = Action::from_list(list);
            assert_eq!(&parsed, action);
            assert_eq!(parsed.as_list(), *list);
        }
        assert!(Action::CreateThenDelete.is_replace());
        assert!(Action::ForgetThenCreate.exists_after_apply());
        assert!(!Action::Forget.exists_after_apply());
        assert!(!Action::Delete.exists_after_apply());
        assert!(Action::DeleteThenCreate.contains("delete"));
    }

    #[test]
    fn unknown_combinations_are_kept() {
        let a = Action::from_list(&["create", "frobnicate"]);
        assert_eq!(a, Action::Other(vec!["create".into(), "frobnicate".into()]));
        assert!(a.exists_after_apply());
        assert_eq!(a.to_string(), "create, frobnicate");
    }
}
