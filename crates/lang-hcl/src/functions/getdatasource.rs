//! `core::getdatasource(TYPE, FILTER)`: the one data source of a type whose
//! attributes match the filter (developer.hashicorp.com/terraform/policy/
//! reference/functions/getdatasource).
//!
//! tfpolicy hands the filter to the provider and returns what it reads.
//! tfgate calls no provider: it answers from the data sources the plan read
//! (`prior_state`), the reads deferred to apply (`resource_changes` with
//! action `read`, partly unknown) and, in tests, the `data` mocks. So:
//!
//! - a filter value matches an attribute equal to it; an object matches on
//!   the keys it gives (a nested block's other attributes are the
//!   provider's), a list matches a list of the same length whose elements
//!   match in some order (set-nested blocks such as `aws_ami`'s `filter` are
//!   unordered), and a string matches a number or bool of the same text (the
//!   provider converts the configuration to its schema's types);
//! - exactly one match gives its attributes, sensitive marks kept;
//! - a candidate whose match is decided only after apply (a deferred read)
//!   makes the result unknown;
//! - no match, or several different ones, is an error: a missing data source
//!   in the plan says nothing about the cloud, and guessing `null` would
//!   let a policy pass on an absence it never saw. `core::try` can still
//!   choose a fallback.

use tfgate_plan::{Kind, Object, Value};

/// What the candidates give for one filter.
#[derive(Debug, PartialEq)]
pub enum Lookup {
    /// Exactly one data source matches (or several identical ones).
    One(Value),
    /// Whether some candidate matches is known only after apply.
    Unknown,
    /// No candidate matches.
    None,
    /// This many different data sources match.
    Many(usize),
}

/// Chooses among the data sources of one type. `marked` says whether the
/// choice depended on a sensitive value (a compared attribute or the filter):
/// the result then carries the mark.
pub fn lookup(candidates: &[Value], filter: &Object) -> (Lookup, bool) {
    let mut marked = filter.iter().any(|(_, v)| v.contains_sensitive());
    let mut found: Vec<&Value> = Vec::new();
    let mut undecided = false;
    for c in candidates {
        marked |= c.sensitive || filter.iter().any(|(k, _)| c.get(k).is_some_and(Value::contains_sensitive));
        match matches_object(c, filter) {
            Some(true) => {
                if !found.contains(&c) {
                    found.push(c);
                }
            }
            Some(false) => {}
            None => undecided = true,
        }
    }
    let result = match (found.len(), undecided) {
        (n, _) if n > 1 => Lookup::Many(n),
        (_, true) => Lookup::Unknown,
        (1, false) => Lookup::One(found[0].clone()),
        _ => Lookup::None,
    };
    (result, marked)
}

/// Whether an attribute object matches every key of `filter` (`None`: only
/// known after apply). A key the object lacks reads as null.
fn matches_object(have: &Value, filter: &Object) -> Option<bool> {
    if have.is_unknown() {
        return None;
    }
    let null = Value::null();
    let mut undecided = false;
    for (k, want) in filter.iter() {
        let got = match &have.kind {
            Kind::Object(o) => o.get(k).unwrap_or(&null),
            _ => return Some(false),
        };
        match matches(got, want) {
            Some(true) => {}
            Some(false) => return Some(false),
            None => undecided = true,
        }
    }
    if undecided {
        None
    } else {
        Some(true)
    }
}

/// Whether an attribute value matches a filter value (see the module docs).
fn matches(have: &Value, want: &Value) -> Option<bool> {
    match (&have.kind, &want.kind) {
        (Kind::Unknown, _) | (_, Kind::Unknown) => None,
        (_, Kind::Object(w)) => match &have.kind {
            Kind::Object(_) => matches_object(have, w),
            _ => Some(false),
        },
        (Kind::List(h), Kind::List(w)) => matches_unordered(h, w),
        (Kind::String(s), Kind::Number(_) | Kind::Bool(_)) | (Kind::Number(_) | Kind::Bool(_), Kind::String(s)) => {
            let other = if matches!(have.kind, Kind::String(_)) { want } else { have };
            Some(crate::eval::values::to_string(other).ok().flatten().is_some_and(|t| t == s.as_str()))
        }
        _ => crate::eval::values::equals(have, want),
    }
}

/// Lists of the same length whose elements pair up: each wanted element
/// takes the first unused element that matches it, in order first.
fn matches_unordered(have: &[Value], want: &[Value]) -> Option<bool> {
    if have.len() != want.len() {
        return Some(false);
    }
    // In order first: lists usually are.
    let mut in_order = Some(true);
    for (h, w) in have.iter().zip(want) {
        match matches(h, w) {
            Some(true) => {}
            Some(false) => {
                in_order = Some(false);
                break;
            }
            None => in_order = None,
        }
    }
    if in_order != Some(false) {
        return in_order;
    }
    let mut used = vec![false; have.len()];
    let mut undecided = false;
    for w in want {
        let mut taken = false;
        for (i, h) in have.iter().enumerate() {
            if used[i] {
                continue;
            }
            match matches(h, w) {
                Some(true) => {
                    used[i] = true;
                    taken = true;
                    break;
                }
                None => undecided = true,
                Some(false) => {}
            }
        }
        if !taken && !undecided {
            return Some(false);
        }
    }
    if undecided {
        None
    } else {
        Some(true)
    }
}

#[cfg(test)]
mod tests {
    use super::super::helpers::testing::{b, l, n, obj, s, strs};
    use super::*;

    fn filter(pairs: Vec<(&str, Value)>) -> Object {
        match obj(pairs).kind {
            Kind::Object(o) => o,
            _ => unreachable!(),
        }
    }

    fn ami(id: &str, name: &str) -> Value {
        obj(vec![
            ("id", s(id)),
            ("most_recent", b(true)),
            ("owners", strs(&["amazon"])),
            (
                "filter",
                l(vec![
                    obj(vec![("name", s("name")), ("values", strs(&[name]))]),
                    obj(vec![("name", s("virtualization-type")), ("values", strs(&["hvm"]))]),
                ]),
            ),
        ])
    }

    #[test]
    fn the_one_match_is_returned_with_nested_blocks_in_any_order() {
        // The reference's aws_ami example: `filter` blocks given as a list of objects.
        let amis = [ami("ami-1", "amzn2-*"), ami("ami-2", "ubuntu-*")];
        let f = filter(vec![
            ("owners", strs(&["amazon"])),
            (
                "filter",
                l(vec![
                    obj(vec![("name", s("virtualization-type")), ("values", strs(&["hvm"]))]),
                    obj(vec![("name", s("name")), ("values", strs(&["ubuntu-*"]))]),
                ]),
            ),
        ]);
        let (got, marked) = lookup(&amis, &f);
        assert_eq!(got, Lookup::One(amis[1].clone()));
        assert!(!marked);
    }

    #[test]
    fn no_match_and_several_matches_are_told_apart() {
        let amis = [ami("ami-1", "a"), ami("ami-2", "b")];
        assert_eq!(lookup(&amis, &filter(vec![("id", s("ami-9"))])).0, Lookup::None);
        assert_eq!(lookup(&amis, &filter(vec![("owners", strs(&["amazon"]))])).0, Lookup::Many(2));
        // The same data source read twice (two modules) is one answer.
        let twice = [ami("ami-1", "a"), ami("ami-1", "a")];
        assert_eq!(lookup(&twice, &filter(vec![])).0, Lookup::One(twice[0].clone()));
        assert_eq!(lookup(&[], &filter(vec![])).0, Lookup::None);
    }

    #[test]
    fn a_deferred_read_that_may_match_makes_the_result_unknown() {
        let deferred = obj(vec![("function_name", s("f")), ("arn", Value::unknown())]);
        let f = filter(vec![("function_name", s("f"))]);
        // Its argument is known and matches: the object, unknown parts and all.
        assert_eq!(lookup(std::slice::from_ref(&deferred), &f).0, Lookup::One(deferred.clone()));
        let unknown_name = obj(vec![("function_name", Value::unknown())]);
        let other = obj(vec![("function_name", s("g"))]);
        assert_eq!(lookup(&[other.clone(), unknown_name.clone()], &f).0, Lookup::Unknown);
        assert_eq!(lookup(&[Value::unknown()], &f).0, Lookup::Unknown);
        // A candidate that cannot match does not make it unknown.
        let f2 = filter(vec![("function_name", s("zzz"))]);
        assert_eq!(lookup(&[other], &f2).0, Lookup::None);
    }

    #[test]
    fn strings_match_numbers_and_bools_of_the_same_text_and_missing_keys_read_as_null() {
        let ds = obj(vec![("port", n(443)), ("enabled", b(true))]);
        let f = filter(vec![("port", s("443")), ("enabled", s("true")), ("absent", Value::null())]);
        assert_eq!(lookup(std::slice::from_ref(&ds), &f).0, Lookup::One(ds.clone()));
        let f = filter(vec![("port", s("80"))]);
        assert_eq!(lookup(&[ds], &f).0, Lookup::None);
    }

    #[test]
    fn a_sensitive_compared_attribute_marks_the_choice() {
        let secret = obj(vec![("key_id", s("alias/k").into_sensitive()), ("id", s("1"))]);
        let plain = obj(vec![("key_id", s("alias/other")), ("id", s("2"))]);
        let (got, marked) = lookup(&[secret, plain.clone()], &filter(vec![("key_id", s("alias/other"))]));
        assert_eq!(got, Lookup::One(plain));
        assert!(marked, "which one matched depends on the secret");
        let (_, marked) = lookup(&[obj(vec![("id", s("1"))])], &filter(vec![("id", s("1").into_sensitive())]));
        assert!(marked);
    }
}
