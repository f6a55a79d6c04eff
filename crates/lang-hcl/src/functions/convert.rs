//! Type conversion: tobool, tolist, tomap, tonumber, toset, tostring.
//!
//! As in Terraform, `null` converts to `null`, an unknown value stays unknown,
//! and conversion keeps marks where they are: the result carries the
//! argument's own mark and nested values keep theirs (Terraform's conversion
//! functions handle marks precisely rather than by the default rule).
//! `toset` is the exception: deduplicating compares values, so its result is
//! marked when any element is sensitive.

use tfgate_plan::{Kind, Value};

use super::helpers::{
    dedupe, invalid, parse_number, primitive_bool, primitive_string, shown, sort_set, type_desc, unify_primitives,
    unknown, FnResult,
};

fn passthrough(v: &Value) -> Option<Value> {
    match v.kind {
        Kind::Null | Kind::Unknown => Some(v.clone()),
        _ => None,
    }
}

pub(crate) fn tostring(args: &[Value]) -> FnResult {
    let v = &args[0];
    if let Some(p) = passthrough(v) {
        return Ok(p);
    }
    primitive_string(v)
        .map(|s| Value::string(s).mark_if(v.sensitive))
        .ok_or_else(|| invalid(0, "v", format_args!("cannot convert {} to string", type_desc(v))))
}

pub(crate) fn tonumber(args: &[Value]) -> FnResult {
    let v = &args[0];
    if let Some(p) = passthrough(v) {
        return Ok(p);
    }
    match &v.kind {
        Kind::Number(_) => Ok(v.clone()),
        Kind::String(s) => parse_number(s).map(|n| Value::number(n).mark_if(v.sensitive)).ok_or_else(|| {
            // Never echo a sensitive string in an error message.
            let shown = shown(v, s);
            invalid(
                0,
                "v",
                format_args!(
                    "cannot convert {shown} to number; given string must be a decimal representation of a number"
                ),
            )
        }),
        _ => Err(invalid(0, "v", format_args!("cannot convert {} to number", type_desc(v)))),
    }
}

pub(crate) fn tobool(args: &[Value]) -> FnResult {
    let v = &args[0];
    if let Some(p) = passthrough(v) {
        return Ok(p);
    }
    match primitive_bool(v) {
        Some(x) if !matches!(v.kind, Kind::Number(_)) => Ok(Value::bool(x).mark_if(v.sensitive)),
        _ => {
            let what = match &v.kind {
                Kind::String(s) if !v.sensitive => format!(
                    "cannot convert {} to bool; only the strings \"true\" or \"false\" are allowed",
                    tfgate_plan::quote(s)
                ),
                Kind::String(_) => {
                    "cannot convert this string to bool; only the strings \"true\" or \"false\" are allowed".to_string()
                }
                _ => format!("cannot convert {} to bool", type_desc(v)),
            };
            Err(invalid(0, "v", what))
        }
    }
}

/// The elements of a value that converts to a list or set, or `None`.
fn elements(v: &Value) -> Option<Vec<Value>> {
    v.as_list().map(|items| unify_primitives(items.to_vec()))
}

pub(crate) fn tolist(args: &[Value]) -> FnResult {
    let v = &args[0];
    if let Some(p) = passthrough(v) {
        return Ok(p);
    }
    let items = elements(v)
        .ok_or_else(|| invalid(0, "v", format_args!("cannot convert {} to list of any single type", type_desc(v))))?;
    Ok(Value::list(items).mark_if(v.sensitive))
}

pub(crate) fn toset(args: &[Value]) -> FnResult {
    let v = &args[0];
    if let Some(p) = passthrough(v) {
        return Ok(p);
    }
    let items = elements(v)
        .ok_or_else(|| invalid(0, "v", format_args!("cannot convert {} to set of any single type", type_desc(v))))?;
    let mark = v.contains_sensitive();
    // A set with unknown elements has an unknown length: duplicates may
    // collapse once the values are known.
    if items.iter().any(|i| !i.is_wholly_known()) {
        return Ok(unknown(mark));
    }
    let mut out = dedupe(items)?;
    sort_set(&mut out);
    Ok(Value::list(out).mark_if(mark))
}

pub(crate) fn tomap(args: &[Value]) -> FnResult {
    let v = &args[0];
    if let Some(p) = passthrough(v) {
        return Ok(p);
    }
    let obj = v
        .as_object()
        .ok_or_else(|| invalid(0, "v", format_args!("cannot convert {} to map of any single type", type_desc(v))))?;
    let keys: Vec<&str> = obj.keys().collect();
    let values = unify_primitives(obj.values().cloned().collect());
    Ok(Value::object_from(keys.into_iter().zip(values)).mark_if(v.sensitive))
}

/// `issensitive(value)`: whether the value itself is marked sensitive (the
/// top-level mark, as Terraform checks it). Decidable for unknown values too:
/// sensitivity comes from the configuration, not from the value. The answer
/// is not itself sensitive. (`nonsensitive` is deliberately not provided:
/// policies must not be able to strip a sensitive mark.)
pub(crate) fn issensitive(args: &[Value]) -> FnResult {
    Ok(Value::bool(args[0].sensitive))
}

/// `sensitive(value)`: the value marked sensitive.
pub(crate) fn sensitive(args: &[Value]) -> FnResult {
    Ok(args[0].clone().into_sensitive())
}

#[cfg(test)]
mod tests {
    use super::super::helpers::testing::*;

    #[test]
    fn primitives() {
        assert_eq!(ok("tostring", vec![n(1)]), s("1"));
        assert_eq!(ok("tostring", vec![f(1.5)]), s("1.5"));
        assert_eq!(ok("tostring", vec![b(true)]), s("true"));
        assert_eq!(ok("tostring", vec![null()]), null());
        assert!(err("tostring", vec![strs(&[])]).contains("cannot convert tuple to string"));
        assert_eq!(ok("tonumber", vec![s("42")]), n(42));
        assert_eq!(ok("tonumber", vec![s("1.5")]), f(1.5));
        assert!(err("tonumber", vec![s("no")]).contains("cannot convert \"no\" to number"));
        assert!(!err("tonumber", vec![sens(s("hunter2"))]).contains("hunter2"));
        assert_eq!(ok("tobool", vec![s("true")]), b(true));
        assert_eq!(ok("tobool", vec![b(false)]), b(false));
        assert!(err("tobool", vec![s("yes")]).contains("only the strings"));
        assert!(err("tobool", vec![n(1)]).contains("cannot convert number to bool"));
    }

    #[test]
    fn collections() {
        assert_eq!(ok("tolist", vec![l(vec![s("a"), n(1)])]), strs(&["a", "1"]));
        assert_eq!(ok("toset", vec![strs(&["b", "a", "b"])]), strs(&["a", "b"]));
        assert_eq!(ok("toset", vec![l(vec![n(3), n(1), n(3)])]), l(vec![n(1), n(3)]));
        assert_eq!(ok("tomap", vec![obj(vec![("a", n(1)), ("b", s("x"))])]), obj(vec![("a", s("1")), ("b", s("x"))]));
        assert!(err("tomap", vec![strs(&["a"])]).contains("cannot convert tuple to map"));
        assert!(err("tolist", vec![obj(vec![])]).contains("cannot convert object to list"));
    }

    #[test]
    fn issensitive_reads_the_mark() {
        assert_eq!(ok("issensitive", vec![sens(s("x"))]), b(true));
        assert_eq!(ok("sensitive", vec![s("x")]), sens(s("x")));
        assert_eq!(ok("issensitive", vec![ok("sensitive", vec![unk()])]), b(true));
        assert_eq!(ok("issensitive", vec![sens(unk())]), b(true));
        assert_eq!(ok("issensitive", vec![s("x")]), b(false));
        assert_eq!(ok("issensitive", vec![unk()]), b(false));
        assert_eq!(ok("issensitive", vec![l(vec![sens(s("x"))])]), b(false));
    }

    #[test]
    fn unknown_and_sensitive() {
        assert_eq!(ok("tostring", vec![unk()]), unk());
        assert_eq!(ok("tonumber", vec![sens(s("5"))]), sens(n(5)));
        assert_eq!(ok("tostring", vec![sens(unk())]), sens(unk()));
        assert_eq!(ok("toset", vec![l(vec![s("a"), unk()])]), unk());
        assert_eq!(ok("toset", vec![l(vec![s("a"), sens(s("b"))])]), sens(l(vec![s("a"), sens(s("b"))])));
        // tolist keeps element marks where they are.
        assert_eq!(ok("tolist", vec![l(vec![s("a"), sens(s("b"))])]), l(vec![s("a"), sens(s("b"))]));
        assert_eq!(ok("tolist", vec![l(vec![s("a"), unk()])]), l(vec![s("a"), unk()]));
    }
}
