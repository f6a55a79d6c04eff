//! Collection functions.
//!
//! Lists stand for lists, sets and tuples; objects for maps and objects.
//! Functions that select or rearrange values (`concat`, `element`, `flatten`,
//! `keys`, `lookup`, `merge`, `reverse`, `slice`, `values`, `zipmap`, …)
//! follow the pass-through rule of [`super::helpers`]: values keep their own
//! marks and inherit the marks of what they were taken from. Functions whose
//! result depends on comparing or inspecting element values (`contains`,
//! `distinct`, `index`, `sort`, the set operations, …) follow the default
//! rule and mark the whole result when anything sensitive took part.

use tfgate_plan::{Kind, Number, Object, Value};
use unicode_segmentation::UnicodeSegmentation;

use super::helpers::{
    dedupe, equals, inherit, invalid, primitive_bool, primitive_number, sort_set, type_desc, unknown, whole, Args,
    FnResult,
};
use super::FunctionError;
use crate::eval::budget::{self, SLOT};

/// `length(value)`: elements of a list or object, characters of a string.
/// Known when the collection itself is known, even if its elements are not.
/// Marked only when the collection (or string) itself is marked, as in
/// Terraform: the number of elements of a list does not reveal their values.
pub(crate) fn length(args: &[Value]) -> FnResult {
    let v = &args[0];
    let count = match &v.kind {
        Kind::Unknown => return Ok(unknown(v.sensitive)),
        Kind::List(items) => items.len(),
        Kind::Object(obj) => obj.len(),
        // Characters as a reader sees them: grapheme clusters, as Terraform.
        Kind::String(s) => s.graphemes(true).count(),
        Kind::Null => return Err(invalid(0, "value", "argument must not be null")),
        _ => {
            return Err(invalid(
                0,
                "value",
                format_args!("collection or structural type is required, got {}", v.type_name()),
            ))
        }
    };
    Ok(Value::number(count).mark_if(v.sensitive))
}

/// `contains(list, value)`: true as soon as a known element equals the value;
/// otherwise unknown if any comparison was undecidable, else false.
pub(crate) fn contains(args: &[Value]) -> FnResult {
    let mut a = Args::new(args);
    let items = a.list(0, "list")?;
    if let Some(u) = a.unknown_result() {
        return Ok(u);
    }
    let needle = &args[1];
    let mut undecided = false;
    for item in items {
        match equals(item, needle) {
            Some(true) => return a.ok(Value::bool(true)),
            Some(false) => {}
            None => undecided = true,
        }
    }
    if undecided {
        return Ok(unknown(a.sensitive));
    }
    a.ok(Value::bool(false))
}

/// `concat(lists...)`.
pub(crate) fn concat(args: &[Value]) -> FnResult {
    let mut a = Args::new(args);
    let mut out = Vec::new();
    for (i, arg) in args.iter().enumerate() {
        let items = a.list(i, "seqs")?;
        out.extend(items.iter().map(|v| inherit(v, arg.sensitive)));
    }
    if a.unknown_result().is_some() {
        return Ok(unknown(args.iter().any(|v| v.sensitive)));
    }
    Ok(Value::list(out))
}

/// `flatten(list)`: nested lists are spliced in, recursively. An unknown
/// nested list makes the length unknown, so the whole result is unknown.
pub(crate) fn flatten(args: &[Value]) -> FnResult {
    let mut a = Args::new(args);
    let items = a.list(0, "list")?;
    if a.unknown_result().is_some() {
        return Ok(unknown(args[0].sensitive));
    }
    let mut out = Vec::new();
    let mut marks = args[0].sensitive;
    if !flatten_into(items, args[0].sensitive, &mut out, &mut marks) {
        return Ok(unknown(marks));
    }
    Ok(Value::list(out))
}

/// Returns false when an unknown element was met (the flattened length is
/// then unknown).
fn flatten_into(items: &[Value], mark: bool, out: &mut Vec<Value>, marks: &mut bool) -> bool {
    for item in items {
        match &item.kind {
            Kind::List(inner) => {
                *marks |= item.sensitive;
                if !flatten_into(inner, mark || item.sensitive, out, marks) {
                    return false;
                }
            }
            Kind::Unknown => {
                *marks |= item.sensitive;
                return false;
            }
            _ => out.push(inherit(item, mark)),
        }
    }
    true
}

/// `distinct(list)`: first occurrences, in order.
pub(crate) fn distinct(args: &[Value]) -> FnResult {
    let mut a = Args::new(args);
    let items = a.list(0, "list")?;
    if items.iter().any(|v| !v.is_wholly_known()) {
        a.set_unknown();
    }
    if let Some(u) = a.unknown_result() {
        return Ok(u);
    }
    a.ok(Value::list(dedupe(items.iter().cloned())?))
}

/// `keys(map)`: sorted keys. Marked when the map itself is marked.
pub(crate) fn keys(args: &[Value]) -> FnResult {
    let mut a = Args::new(args);
    let obj = a.object(0, "inputMap")?;
    let Some(obj) = obj else {
        return Ok(unknown(args[0].sensitive));
    };
    let out = obj.keys().map(Value::string).collect();
    Ok(Value::list(out).mark_if(args[0].sensitive))
}

/// `values(map)`: values in key order, pass-through.
pub(crate) fn values(args: &[Value]) -> FnResult {
    let mut a = Args::new(args);
    let Some(obj) = a.object(0, "mapping")? else {
        return Ok(unknown(args[0].sensitive));
    };
    let mark = args[0].sensitive;
    Ok(Value::list(obj.values().map(|v| inherit(v, mark)).collect()))
}

/// `lookup(map, key[, default])`.
pub(crate) fn lookup(args: &[Value]) -> FnResult {
    let mut a = Args::new(args);
    let obj = a.object(0, "inputMap")?;
    let key = a.string(1, "key")?;
    let mark = args[0].sensitive || args[1].sensitive;
    let (Some(obj), false) = (obj, args[1].is_unknown()) else {
        return Ok(unknown(mark || args.get(2).is_some_and(Value::contains_sensitive)));
    };
    match obj.get(&key) {
        Some(v) => Ok(inherit(v, mark)),
        None => match args.get(2) {
            Some(default) => Ok(inherit(default, mark)),
            None => Err(FunctionError::at(
                1,
                if args[1].sensitive {
                    "the given key does not exist in the map".to_string()
                } else {
                    format!("lookup failed to find key {}", tfgate_plan::quote(&key))
                },
            )),
        },
    }
}

/// `merge(maps...)`: later keys win; null arguments are skipped.
pub(crate) fn merge(args: &[Value]) -> FnResult {
    let mut a = Args::new(args);
    // Collected, then sorted once (later arguments win): inserting one by
    // one is quadratic in the size of the result.
    let mut pairs: Vec<(&str, Value)> = Vec::new();
    let mut mark = false;
    for (i, arg) in args.iter().enumerate() {
        if arg.is_null() {
            continue;
        }
        mark |= arg.sensitive;
        if let Some(obj) = a.object(i, "maps")? {
            pairs.extend(obj.iter().map(|(k, v)| (k, inherit(v, arg.sensitive))));
        }
    }
    if a.unknown_result().is_some() {
        return Ok(unknown(mark));
    }
    Ok(Value::object(pairs.into_iter().collect()))
}

/// `element(list, index)`: the index wraps around.
pub(crate) fn element(args: &[Value]) -> FnResult {
    let mut a = Args::new(args);
    let items = a.list(0, "list")?;
    let idx = a.int(1, "index")?;
    let mark = args[0].sensitive || args[1].sensitive;
    if a.unknown_result().is_some() {
        return Ok(unknown(mark));
    }
    if items.is_empty() {
        return Err(invalid(0, "list", "cannot use element function with an empty list"));
    }
    if idx < 0 {
        return Err(invalid(1, "index", "cannot use element function with a negative index"));
    }
    let i = (idx as usize) % items.len();
    Ok(inherit(&items[i], mark))
}

/// `index(list, value)`: position of the first equal element.
pub(crate) fn index(args: &[Value]) -> FnResult {
    let mut a = Args::new(args);
    let items = a.list(0, "list")?;
    if args[1].is_unknown() {
        a.set_unknown();
    }
    if let Some(u) = a.unknown_result() {
        return Ok(u);
    }
    for (i, item) in items.iter().enumerate() {
        match equals(item, &args[1]) {
            Some(true) => return a.ok(Value::number(i)),
            Some(false) => {}
            // An undecidable element before the match: the position is unknown.
            None => return Ok(unknown(a.sensitive)),
        }
    }
    Err(FunctionError::at(1, "item not found"))
}

/// `slice(list, start, end)`: end exclusive.
pub(crate) fn slice(args: &[Value]) -> FnResult {
    let mut a = Args::new(args);
    let items = a.list(0, "list")?;
    let start = a.int(1, "start_index")?;
    let end = a.int(2, "end_index")?;
    let mark = args.iter().any(|v| v.sensitive);
    if a.unknown_result().is_some() {
        return Ok(unknown(mark));
    }
    if start < 0 {
        return Err(invalid(1, "start_index", "must be greater than or equal to 0"));
    }
    if end as u64 > items.len() as u64 || end < 0 {
        return Err(invalid(2, "end_index", "index out of range"));
    }
    if start > end {
        return Err(invalid(1, "start_index", "must be less than or equal to end_index"));
    }
    let out = items[start as usize..end as usize].iter().map(|v| inherit(v, mark)).collect();
    Ok(Value::list(out))
}

/// `reverse(list)`.
pub(crate) fn reverse(args: &[Value]) -> FnResult {
    let mut a = Args::new(args);
    let items = a.list(0, "list")?;
    if a.unknown_result().is_some() {
        return Ok(unknown(args[0].sensitive));
    }
    let mark = args[0].sensitive;
    Ok(Value::list(items.iter().rev().map(|v| inherit(v, mark)).collect()))
}

/// `sort(list)`: lexicographic order of the elements as strings (numbers are
/// converted to strings first, as in Terraform).
pub(crate) fn sort(args: &[Value]) -> FnResult {
    let mut a = Args::new(args);
    let mut items = a.strings(0, "list")?;
    if let Some(u) = a.unknown_result() {
        return Ok(u);
    }
    let n = items.len() as u64;
    budget::work(n * (64 - n.leading_zeros() as u64) + items.iter().map(|s| s.len() as u64).sum::<u64>())?;
    items.sort();
    a.ok(Value::list(items.into_iter().map(Value::string).collect()))
}

/// `coalesce(vals...)`: the first argument that is neither null nor an empty
/// string. Unknown as soon as an unknown argument comes before the answer.
/// The result inherits the marks of every argument examined before it (their
/// being null or empty decided the result).
pub(crate) fn coalesce(args: &[Value]) -> FnResult {
    let mut mark = false;
    for v in args {
        match &v.kind {
            Kind::Unknown => return Ok(unknown(mark || v.sensitive)),
            Kind::Null => mark |= v.sensitive,
            Kind::String(s) if s.is_empty() => mark |= v.sensitive,
            _ => return Ok(inherit(v, mark)),
        }
    }
    Err(FunctionError::new("no non-null, non-empty-string arguments"))
}

/// `coalescelist(lists...)`: the first non-empty list.
pub(crate) fn coalescelist(args: &[Value]) -> FnResult {
    let mut mark = false;
    for (i, v) in args.iter().enumerate() {
        match &v.kind {
            Kind::Unknown => return Ok(unknown(mark || v.sensitive)),
            Kind::Null => mark |= v.sensitive,
            Kind::List(items) if items.is_empty() => mark |= v.sensitive,
            Kind::List(_) => return Ok(inherit(v, mark)),
            _ => return Err(invalid(i, "vals", "list required")),
        }
    }
    Err(FunctionError::new("no non-null arguments"))
}

/// `compact(list)`: drops nulls and empty strings. Unknown when an element is
/// unknown (it might be empty). Default rule for marks: which elements were
/// dropped depends on their values.
pub(crate) fn compact(args: &[Value]) -> FnResult {
    let mut a = Args::new(args);
    let items = a.list(0, "list")?;
    if items.iter().any(Value::is_unknown) {
        a.set_unknown();
    }
    if let Some(u) = a.unknown_result() {
        return Ok(u);
    }
    let mut out = Vec::new();
    for (j, item) in items.iter().enumerate() {
        match &item.kind {
            Kind::Null => {}
            Kind::String(s) if s.is_empty() => {}
            Kind::String(_) => out.push(item.clone()),
            Kind::Number(_) | Kind::Bool(_) => {
                out.push(Value::string(super::helpers::primitive_string(item).unwrap_or_default()))
            }
            _ => return Err(invalid(0, "list", format_args!("element {j}: string required, got {}", type_desc(item)))),
        }
    }
    a.ok(Value::list(out))
}

/// `zipmap(keys, values)`.
pub(crate) fn zipmap(args: &[Value]) -> FnResult {
    let mut a = Args::new(args);
    let ks = a.strings(0, "keys")?;
    let vs = a.list(1, "values")?;
    let kmark = args[0].contains_sensitive();
    let mark = kmark || args[1].sensitive;
    if a.unknown_result().is_some() {
        return Ok(unknown(mark));
    }
    if ks.len() != vs.len() {
        return Err(FunctionError::new(format!(
            "number of keys ({}) does not match number of values ({})",
            ks.len(),
            vs.len()
        )));
    }
    let obj: Object = ks.into_iter().zip(vs.iter()).map(|(k, v)| (k, inherit(v, args[1].sensitive))).collect();
    Ok(Value::object(obj).mark_if(kmark))
}

/// `matchkeys(values, keys, searchset)`: the elements of `values` whose
/// corresponding element of `keys` is in `searchset`.
pub(crate) fn matchkeys(args: &[Value]) -> FnResult {
    let mut a = Args::new(args);
    let vals = a.list(0, "values")?;
    let ks = a.list(1, "keys")?;
    let search = a.list(2, "searchset")?;
    if a.unknown_result().is_some() {
        return Ok(unknown(a.sensitive));
    }
    if vals.len() != ks.len() {
        return Err(FunctionError::new("length of keys and values should be equal"));
    }
    // Every key is compared with the whole search set.
    budget::work((ks.len() as u64).saturating_mul(search.len() as u64).saturating_mul(budget::COMPARISON))?;
    let mut out = Vec::new();
    for (v, k) in vals.iter().zip(ks) {
        let mut hit = Some(false);
        for s in search {
            match equals(k, s) {
                Some(true) => {
                    hit = Some(true);
                    break;
                }
                None => hit = None,
                Some(false) => {}
            }
        }
        match hit {
            Some(true) => out.push(v.clone()),
            Some(false) => {}
            None => return Ok(unknown(a.sensitive)),
        }
    }
    a.ok(Value::list(out))
}

/// Extracts wholly known set arguments, or `None` when any is unknown.
fn set_args(args: &[Value], name: &str) -> Result<Option<Vec<Vec<Value>>>, FunctionError> {
    let mut a = Args::new(args);
    let mut sets = Vec::with_capacity(args.len());
    for i in 0..args.len() {
        let items = a.list(i, name)?;
        sets.push(dedupe(items.iter().cloned())?);
    }
    if a.unknown_result().is_some() || args.iter().any(|v| !v.is_wholly_known()) {
        return Ok(None);
    }
    Ok(Some(sets))
}

fn set_result(args: &[Value], mut items: Vec<Value>) -> FnResult {
    sort_set(&mut items);
    Ok(Value::list(items).mark_if(super::helpers::deep_sensitive(args)))
}

fn member(set: &[Value], v: &Value) -> Result<bool, FunctionError> {
    budget::work(set.len() as u64 * budget::COMPARISON)?;
    Ok(set.iter().any(|x| equals(x, v) == Some(true)))
}

/// Keeps the elements for which `keep` holds, stopping at its first error.
fn filter_members(
    items: Vec<Value>,
    mut keep: impl FnMut(&Value) -> Result<bool, FunctionError>,
) -> Result<Vec<Value>, FunctionError> {
    let mut out = Vec::new();
    for v in items {
        if keep(&v)? {
            out.push(v);
        }
    }
    Ok(out)
}

pub(crate) fn setunion(args: &[Value]) -> FnResult {
    let Some(sets) = set_args(args, "first_set")? else {
        return Ok(unknown(super::helpers::deep_sensitive(args)));
    };
    set_result(args, dedupe(sets.into_iter().flatten())?)
}

pub(crate) fn setintersection(args: &[Value]) -> FnResult {
    let Some(mut sets) = set_args(args, "first_set")? else {
        return Ok(unknown(super::helpers::deep_sensitive(args)));
    };
    let first = sets.remove(0);
    let out = filter_members(first, |v| {
        for s in &sets {
            if !member(s, v)? {
                return Ok(false);
            }
        }
        Ok(true)
    })?;
    set_result(args, out)
}

pub(crate) fn setsubtract(args: &[Value]) -> FnResult {
    let Some(sets) = set_args(args, "a")? else {
        return Ok(unknown(super::helpers::deep_sensitive(args)));
    };
    let out = filter_members(sets[0].clone(), |v| Ok(!member(&sets[1], v)?))?;
    set_result(args, out)
}

/// `setproduct(sets...)`: every combination, as lists, in argument order.
pub(crate) fn setproduct(args: &[Value]) -> FnResult {
    let mut a = Args::new(args);
    let mut lists = Vec::with_capacity(args.len());
    for i in 0..args.len() {
        lists.push(a.list(i, "sets")?);
    }
    if let Some(u) = a.unknown_result() {
        return Ok(u);
    }
    let total: u64 = lists.iter().map(|l| l.len() as u64).product();
    if total > 1_000_000 {
        return Err(FunctionError::new("the product has too many elements"));
    }
    // Each element of list i appears in total / len(i) combinations; checked
    // before the product is built.
    let mut size = total.saturating_mul(SLOT * (lists.len() as u64 + 1));
    for list in &lists {
        let copies = total / list.len().max(1) as u64;
        for item in list.iter() {
            // Too big or too deep to measure: too big to copy.
            let one = budget::measure(item, budget::bytes_left()).unwrap_or(u64::MAX);
            size = size.saturating_add(one.saturating_mul(copies));
        }
    }
    budget::check_bytes(size)?;
    let mut combos: Vec<Vec<Value>> = vec![Vec::new()];
    for list in &lists {
        let mut next = Vec::with_capacity(combos.len() * list.len());
        for combo in &combos {
            for item in list.iter() {
                let mut c = combo.clone();
                c.push(item.clone());
                next.push(c);
            }
        }
        combos = next;
    }
    a.ok(Value::list(combos.into_iter().map(Value::list).collect()))
}

/// `range([start,] limit[, step])`, at most 1024 elements as in Terraform.
pub(crate) fn range(args: &[Value]) -> FnResult {
    let mut a = Args::new(args);
    let nums: Vec<f64> =
        (0..args.len()).map(|i| a.f64(i, ["start", "limit", "step"][i.min(2)])).collect::<Result<_, _>>()?;
    if let Some(u) = a.unknown_result() {
        return Ok(u);
    }
    let (start, limit, step) = match nums.as_slice() {
        [limit] => (0.0, *limit, 1.0),
        [start, limit] => (*start, *limit, if limit >= start { 1.0 } else { -1.0 }),
        [start, limit, step] => (*start, *limit, *step),
        _ => unreachable!("arity is checked by the caller"),
    };
    if step == 0.0 {
        return Err(invalid(args.len() - 1, "step", "step must not be zero"));
    }
    if (limit > start && step < 0.0) || (limit < start && step > 0.0) {
        return Err(invalid(args.len() - 1, "step", "step must move from start towards limit"));
    }
    let mut out = Vec::new();
    let mut x = start;
    while (step > 0.0 && x < limit) || (step < 0.0 && x > limit) {
        if out.len() >= 1024 {
            return Err(FunctionError::new(
                "more than 1024 values were generated; either decrease the difference between start and end or use a smaller step",
            ));
        }
        out.push(Value::number(x));
        x += step;
    }
    a.ok(Value::list(out))
}

/// `chunklist(list, size)`: size 0 gives the whole list as one chunk.
pub(crate) fn chunklist(args: &[Value]) -> FnResult {
    let mut a = Args::new(args);
    let items = a.list(0, "list")?;
    let size = a.int(1, "size")?;
    let mark = args[0].sensitive || args[1].sensitive;
    if a.unknown_result().is_some() {
        return Ok(unknown(mark));
    }
    if size < 0 {
        return Err(invalid(1, "size", "the size argument must be positive"));
    }
    let items: Vec<Value> = items.iter().map(|v| inherit(v, mark)).collect();
    if size == 0 {
        return Ok(Value::list(vec![Value::list(items)]));
    }
    Ok(Value::list(items.chunks(size as usize).map(|c| Value::list(c.to_vec())).collect()))
}

/// `one(list)`: null for an empty list, the element for a single one.
pub(crate) fn one(args: &[Value]) -> FnResult {
    let mut a = Args::new(args);
    let items = a.list(0, "list")?;
    let mark = args[0].sensitive;
    if a.unknown_result().is_some() {
        return Ok(unknown(mark));
    }
    match items {
        [] => Ok(Value::null().mark_if(mark)),
        [x] => Ok(inherit(x, mark)),
        _ => Err(invalid(0, "list", "must be a list, set, or tuple value with either zero or one elements")),
    }
}

/// `sum(list)`.
pub(crate) fn sum(args: &[Value]) -> FnResult {
    let mut a = Args::new(args);
    let items = a.list(0, "list")?;
    if let Some(u) = a.unknown_result() {
        return Ok(u);
    }
    if items.is_empty() {
        return Err(invalid(0, "list", "cannot sum an empty list"));
    }
    let mut int_sum: Option<i64> = Some(0);
    let mut float_sum = 0.0;
    let mut undecided = false;
    for (j, item) in items.iter().enumerate() {
        if item.is_unknown() {
            undecided = true;
            continue;
        }
        if item.is_null() {
            return Err(invalid(0, "list", "argument must be list, set, or tuple of number values"));
        }
        let n: Number = primitive_number(item)
            .ok_or_else(|| invalid(0, "list", format_args!("element {j}: number required, got {}", type_desc(item))))?;
        int_sum =
            int_sum.and_then(|s| whole(&n).filter(|_| matches!(n, Number::Int(_))).and_then(|i| s.checked_add(i)));
        float_sum += n.as_f64();
    }
    if undecided {
        return Ok(unknown(a.sensitive));
    }
    let total = match int_sum {
        Some(i) => Value::number(i),
        None => Value::number(float_sum),
    };
    a.ok(total)
}

/// `transpose(map of lists of strings)`.
pub(crate) fn transpose(args: &[Value]) -> FnResult {
    let mut a = Args::new(args);
    let Some(obj) = a.object(0, "values")? else {
        return Ok(unknown(a.sensitive));
    };
    if !args[0].is_wholly_known() {
        return Ok(unknown(a.sensitive));
    }
    let mut out: Vec<(String, Vec<Value>)> = Vec::new();
    for (k, v) in obj.iter() {
        let items = v.as_list().ok_or_else(|| invalid(0, "values", "map of list of string required"))?;
        for item in items {
            let name = super::helpers::primitive_string(item)
                .ok_or_else(|| invalid(0, "values", "map of list of string required"))?;
            match out.iter_mut().find(|(n, _)| *n == name) {
                Some((_, ks)) => ks.push(Value::string(k)),
                None => out.push((name, vec![Value::string(k)])),
            }
        }
    }
    let obj: Object = out.into_iter().map(|(k, v)| (k, Value::list(v))).collect();
    a.ok(Value::object(obj))
}

/// `alltrue(list)`: a known false (or null) element decides false even when
/// others are unknown; otherwise unknown if any element is.
pub(crate) fn alltrue(args: &[Value]) -> FnResult {
    bool_fold(args, false)
}

/// `anytrue(list)`: a known true element decides true even when others are
/// unknown; otherwise unknown if any element is. Nulls count as false.
pub(crate) fn anytrue(args: &[Value]) -> FnResult {
    bool_fold(args, true)
}

/// Shared by alltrue (`decisive = false`) and anytrue (`decisive = true`).
fn bool_fold(args: &[Value], decisive: bool) -> FnResult {
    let mut a = Args::new(args);
    let items = a.list(0, "list")?;
    if let Some(u) = a.unknown_result() {
        return Ok(u);
    }
    let mut undecided = false;
    for (j, item) in items.iter().enumerate() {
        let v = match &item.kind {
            Kind::Unknown => {
                undecided = true;
                continue;
            }
            Kind::Null => false,
            _ => primitive_bool(item).ok_or_else(|| {
                invalid(0, "list", format_args!("element {j}: bool required, got {}", type_desc(item)))
            })?,
        };
        if v == decisive {
            return a.ok(Value::bool(decisive));
        }
    }
    if undecided {
        return Ok(unknown(a.sensitive));
    }
    a.ok(Value::bool(!decisive))
}

#[cfg(test)]
mod tests {
    use super::super::helpers::testing::*;
    use tfgate_plan::Value;

    #[test]
    fn length_counts() {
        assert_eq!(ok("length", vec![strs(&["a", "b"])]), n(2));
        assert_eq!(ok("length", vec![obj(vec![("a", n(1))])]), n(1));
        assert_eq!(ok("length", vec![s("héllo")]), n(5));
        // One thumbs-up with a skin-tone modifier, and an e with a combining accent.
        assert_eq!(ok("length", vec![s("\u{1F44D}\u{1F3FD}e\u{301}")]), n(2));
        assert_eq!(ok("length", vec![l(vec![unk(), unk()])]), n(2));
        assert_eq!(ok("length", vec![unk()]), unk());
        // Elements' marks do not mark the count; the list's own mark does.
        assert_eq!(ok("length", vec![l(vec![sens(s("x"))])]), n(1));
        assert_eq!(ok("length", vec![sens(strs(&["x"]))]), sens(n(1)));
        assert!(err("length", vec![n(1)]).contains("collection"));
        assert!(err("length", vec![null()]).contains("null"));
    }

    #[test]
    fn contains_three_valued() {
        assert_eq!(ok("contains", vec![strs(&["a", "b"]), s("b")]), b(true));
        assert_eq!(ok("contains", vec![strs(&["a", "b"]), s("c")]), b(false));
        assert_eq!(ok("contains", vec![l(vec![unk(), s("b")]), s("b")]), b(true));
        assert_eq!(ok("contains", vec![l(vec![unk(), s("b")]), s("c")]), unk());
        assert_eq!(ok("contains", vec![strs(&["a"]), unk()]), unk());
        assert_eq!(ok("contains", vec![unk(), s("a")]), unk());
        assert_eq!(ok("contains", vec![strs(&[]), unk()]), b(false));
        assert_eq!(ok("contains", vec![l(vec![sens(s("a"))]), s("a")]), sens(b(true)));
        assert_eq!(ok("contains", vec![l(vec![n(1), n(2)]), f(2.0)]), b(true));
        assert!(err("contains", vec![s("abc"), s("a")]).contains("\"list\""));
    }

    #[test]
    fn concat_flatten() {
        assert_eq!(ok("concat", vec![strs(&["a"]), strs(&["b", "c"])]), strs(&["a", "b", "c"]));
        assert_eq!(ok("concat", vec![strs(&["a"]), unk()]), unk());
        assert_eq!(ok("concat", vec![strs(&["a"]), sens(strs(&["b"]))]), l(vec![s("a"), sens(s("b"))]));
        assert_eq!(
            ok("flatten", vec![l(vec![strs(&["a", "b"]), strs(&[]), l(vec![strs(&["c"])]), s("d")])]),
            strs(&["a", "b", "c", "d"])
        );
        assert_eq!(ok("flatten", vec![l(vec![strs(&["a"]), unk()])]), unk());
        assert_eq!(ok("flatten", vec![l(vec![sens(strs(&["a"])), strs(&["b"])])]), l(vec![sens(s("a")), s("b")]));
    }

    #[test]
    fn distinct_keys_values() {
        assert_eq!(ok("distinct", vec![strs(&["a", "b", "a", "c"])]), strs(&["a", "b", "c"]));
        assert_eq!(ok("distinct", vec![l(vec![s("a"), unk()])]), unk());
        let m = obj(vec![("b", n(2)), ("a", sens(n(1)))]);
        assert_eq!(ok("keys", vec![m.clone()]), strs(&["a", "b"]));
        assert_eq!(ok("values", vec![m.clone()]), l(vec![sens(n(1)), n(2)]));
        assert_eq!(ok("keys", vec![sens(m.clone())]), sens(strs(&["a", "b"])));
        assert_eq!(ok("keys", vec![unk()]), unk());
        assert!(err("keys", vec![strs(&["a"])]).contains("map"));
    }

    #[test]
    fn lookup_merge() {
        let m = obj(vec![("a", s("x")), ("b", unk())]);
        assert_eq!(ok("lookup", vec![m.clone(), s("a")]), s("x"));
        assert_eq!(ok("lookup", vec![m.clone(), s("b")]), unk());
        assert_eq!(ok("lookup", vec![m.clone(), s("c"), s("d")]), s("d"));
        assert_eq!(ok("lookup", vec![m.clone(), unk(), s("d")]), unk());
        assert_eq!(ok("lookup", vec![sens(m.clone()), s("a")]), sens(s("x")));
        assert!(err("lookup", vec![m.clone(), s("zz")]).contains("zz"));
        assert_eq!(
            ok("merge", vec![obj(vec![("a", n(1)), ("b", n(2))]), null(), obj(vec![("b", n(3))])]),
            obj(vec![("a", n(1)), ("b", n(3))])
        );
        assert_eq!(ok("merge", vec![]), obj(vec![]));
        assert_eq!(ok("merge", vec![obj(vec![]), unk()]), unk());
        assert_eq!(
            ok("merge", vec![sens(obj(vec![("a", n(1))])), obj(vec![("b", n(2))])]),
            obj(vec![("a", sens(n(1))), ("b", n(2))])
        );
        assert!(err("merge", vec![strs(&["a"])]).contains("map"));
    }

    #[test]
    fn element_index_slice_reverse() {
        let list = strs(&["a", "b", "c"]);
        assert_eq!(ok("element", vec![list.clone(), n(1)]), s("b"));
        assert_eq!(ok("element", vec![list.clone(), n(4)]), s("b"));
        assert_eq!(ok("element", vec![list.clone(), unk()]), unk());
        assert_eq!(ok("element", vec![list.clone(), sens(n(0))]), sens(s("a")));
        assert!(err("element", vec![strs(&[]), n(0)]).contains("empty"));
        assert!(err("element", vec![list.clone(), n(-1)]).contains("negative"));
        assert_eq!(ok("index", vec![list.clone(), s("c")]), n(2));
        assert_eq!(ok("index", vec![l(vec![s("a"), unk()]), s("a")]), n(0));
        assert_eq!(ok("index", vec![l(vec![unk(), s("a")]), s("a")]), unk());
        assert!(err("index", vec![list.clone(), s("z")]).contains("not found"));
        assert_eq!(ok("index", vec![strs(&[]), unk()]), unk());
        assert_eq!(ok("index", vec![unk(), s("a")]), unk());
        assert_eq!(ok("slice", vec![list.clone(), n(1), n(3)]), strs(&["b", "c"]));
        assert_eq!(ok("slice", vec![list.clone(), n(1), n(1)]), strs(&[]));
        assert!(err("slice", vec![list.clone(), n(2), n(1)]).contains("less than"));
        assert!(err("slice", vec![list.clone(), n(0), n(4)]).contains("out of range"));
        assert_eq!(ok("reverse", vec![list.clone()]), strs(&["c", "b", "a"]));
        assert_eq!(ok("reverse", vec![unk()]), unk());
    }

    #[test]
    fn sort_coalesce_compact() {
        assert_eq!(ok("sort", vec![strs(&["e", "d", "a", "x"])]), strs(&["a", "d", "e", "x"]));
        assert_eq!(ok("sort", vec![l(vec![n(10), n(9)])]), strs(&["10", "9"]));
        assert_eq!(ok("sort", vec![l(vec![s("b"), unk()])]), unk());
        assert_eq!(ok("sort", vec![l(vec![s("b"), sens(s("a"))])]), sens(strs(&["a", "b"])));
        assert_eq!(ok("coalesce", vec![null(), s(""), s("b")]), s("b"));
        assert_eq!(ok("coalesce", vec![n(1), unk()]), n(1));
        assert_eq!(ok("coalesce", vec![null(), unk(), s("x")]), unk());
        assert_eq!(ok("coalesce", vec![sens(null()), s("x")]), sens(s("x")));
        assert!(err("coalesce", vec![null(), s("")]).contains("no non-null"));
        assert_eq!(ok("coalescelist", vec![strs(&[]), strs(&["a"])]), strs(&["a"]));
        assert_eq!(ok("coalescelist", vec![unk(), strs(&["a"])]), unk());
        assert_eq!(ok("compact", vec![l(vec![s("a"), null(), s(""), s("b")])]), strs(&["a", "b"]));
        assert_eq!(ok("compact", vec![l(vec![s("a"), unk()])]), unk());
    }

    #[test]
    fn zipmap_matchkeys() {
        assert_eq!(
            ok("zipmap", vec![strs(&["a", "b"]), l(vec![n(1), sens(n(2))])]),
            obj(vec![("a", n(1)), ("b", sens(n(2)))])
        );
        assert!(err("zipmap", vec![strs(&["a"]), strs(&[])]).contains("does not match"));
        assert_eq!(ok("zipmap", vec![l(vec![unk()]), strs(&["x"])]), unk());
        assert_eq!(
            ok("matchkeys", vec![strs(&["i-1", "i-2", "i-3"]), strs(&["a", "b", "a"]), strs(&["a"])]),
            strs(&["i-1", "i-3"])
        );
    }

    #[test]
    fn set_operations() {
        assert_eq!(ok("setunion", vec![strs(&["b", "a"]), strs(&["c", "a"])]), strs(&["a", "b", "c"]));
        assert_eq!(
            ok("setintersection", vec![strs(&["a", "b", "c"]), strs(&["b", "c", "d"]), strs(&["c", "b"])]),
            strs(&["b", "c"])
        );
        assert_eq!(ok("setsubtract", vec![strs(&["a", "b", "c"]), strs(&["a", "c"])]), strs(&["b"]));
        assert_eq!(ok("setunion", vec![strs(&["a"]), l(vec![unk()])]), unk());
        assert_eq!(ok("setsubtract", vec![strs(&["a"]), l(vec![sens(s("b"))])]), sens(strs(&["a"])));
        assert_eq!(
            ok("setproduct", vec![strs(&["a", "b"]), strs(&["x", "y"])]),
            l(vec![strs(&["a", "x"]), strs(&["a", "y"]), strs(&["b", "x"]), strs(&["b", "y"])])
        );
        assert_eq!(ok("setproduct", vec![strs(&["a"]), strs(&[])]), l(vec![]));
    }

    #[test]
    fn range_chunklist_one_sum() {
        assert_eq!(ok("range", vec![n(3)]), l(vec![n(0), n(1), n(2)]));
        assert_eq!(ok("range", vec![n(1), n(4)]), l(vec![n(1), n(2), n(3)]));
        assert_eq!(ok("range", vec![n(4), n(1)]), l(vec![n(4), n(3), n(2)]));
        assert_eq!(ok("range", vec![n(0), n(1), f(0.25)]), l(vec![n(0), f(0.25), f(0.5), f(0.75)]));
        assert!(err("range", vec![n(0), n(5), n(0)]).contains("zero"));
        assert!(err("range", vec![n(5000)]).contains("1024"));
        assert_eq!(ok("range", vec![unk()]), unk());
        assert_eq!(ok("chunklist", vec![strs(&["a", "b", "c"]), n(2)]), l(vec![strs(&["a", "b"]), strs(&["c"])]));
        assert_eq!(ok("chunklist", vec![strs(&["a"]), n(0)]), l(vec![strs(&["a"])]));
        assert_eq!(ok("one", vec![strs(&[])]), null());
        assert_eq!(ok("one", vec![strs(&["a"])]), s("a"));
        assert_eq!(ok("one", vec![unk()]), unk());
        assert!(err("one", vec![strs(&["a", "b"])]).contains("zero or one"));
        assert_eq!(ok("sum", vec![l(vec![n(1), n(2), n(3)])]), n(6));
        assert_eq!(ok("sum", vec![l(vec![n(1), f(0.5)])]), f(1.5));
        assert_eq!(ok("sum", vec![l(vec![n(1), unk()])]), unk());
        assert_eq!(ok("sum", vec![l(vec![n(1), sens(n(2))])]), sens(n(3)));
        assert!(err("sum", vec![l(vec![])]).contains("empty"));
    }

    #[test]
    fn transpose_map() {
        let m = obj(vec![("a", strs(&["1", "2"])), ("b", strs(&["2", "3"]))]);
        assert_eq!(
            ok("transpose", vec![m]),
            obj(vec![("1", strs(&["a"])), ("2", strs(&["a", "b"])), ("3", strs(&["b"]))])
        );
        assert_eq!(ok("transpose", vec![obj(vec![("a", l(vec![unk()]))])]), unk());
    }

    #[test]
    fn alltrue_anytrue() {
        assert_eq!(ok("alltrue", vec![l(vec![])]), b(true));
        assert_eq!(ok("alltrue", vec![l(vec![b(true), s("true")])]), b(true));
        assert_eq!(ok("alltrue", vec![l(vec![b(true), unk()])]), unk());
        assert_eq!(ok("alltrue", vec![l(vec![unk(), b(false)])]), b(false));
        assert_eq!(ok("alltrue", vec![l(vec![b(true), null()])]), b(false));
        assert_eq!(ok("anytrue", vec![l(vec![])]), b(false));
        assert_eq!(ok("anytrue", vec![l(vec![unk(), b(true)])]), b(true));
        assert_eq!(ok("anytrue", vec![l(vec![unk(), b(false)])]), unk());
        assert_eq!(ok("anytrue", vec![l(vec![null(), b(false)])]), b(false));
        assert_eq!(ok("anytrue", vec![l(vec![sens(b(true))])]), sens(b(true)));
        assert_eq!(ok("alltrue", vec![unk()]), unk());
        assert!(err("alltrue", vec![l(vec![n(1)])]).contains("bool required"));
        let _ = Value::null();
    }
}
