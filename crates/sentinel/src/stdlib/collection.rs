//! `collection`, `collection/lists` and `collection/maps`: helpers for lists
//! and maps (imports/collection.mdx, imports/collection/lists.mdx,
//! imports/collection/maps.mdx).

use std::cmp::Ordering;

use super::{any_undefined, arity, call_func, fail, no_caller, no_such, str_arg, type_err, values_equal, FuncCaller};
use crate::value::{Key, List, Map, Object, ObjectError, Value};

// ---------------------------------------------------------------------------
// collection

pub(super) struct Collection;

impl Object for Collection {
    fn type_name(&self) -> &str {
        "collection"
    }

    fn get(&self, _name: &str) -> Result<Value, ObjectError> {
        Ok(Value::Undefined)
    }

    fn call(&self, name: &str, args: Vec<Value>) -> Result<Value, ObjectError> {
        self.call_with(name, args, &mut no_caller)
    }
}

impl Collection {
    pub(super) fn call_with(
        &self,
        name: &str,
        args: Vec<Value>,
        caller: &mut FuncCaller<'_>,
    ) -> Result<Value, ObjectError> {
        let f = format!("collection.{name}");
        let f = f.as_str();
        match name {
            "filter" | "find" | "matches" => arity(f, &args, 2, 2)?,
            "reduce" => arity(f, &args, 2, 3)?,
            _ => return Err(no_such("collection", name)),
        }
        if args[0].is_undefined() {
            return Ok(Value::Undefined);
        }
        let items = Items::of(f, &args[0])?;
        match name {
            "filter" => {
                let keep = |k: Option<&Key>, v: &Value| predicate(f, caller, &args[1], k, v);
                items.select(keep)
            }
            "find" => {
                for (k, v) in items.pairs() {
                    if predicate(f, caller, &args[1], k.as_ref(), &v)? {
                        return Ok(v);
                    }
                }
                Ok(Value::Undefined)
            }
            "matches" => {
                let partial = args[1].as_map().ok_or_else(|| type_err(f, 2, "a map", &args[1]))?;
                items.select(|_, v| Ok(partial_match(v, partial)))
            }
            "reduce" => {
                let mut pairs = items.pairs().into_iter();
                // Without an initial value the first element starts the
                // accumulation.
                let mut acc = match args.get(2) {
                    Some(init) => init.clone(),
                    None => match pairs.next() {
                        Some((_, v)) => v,
                        None => return Ok(Value::Undefined),
                    },
                };
                for (k, v) in pairs {
                    let call_args = match k {
                        Some(k) => vec![acc, k.to_value(), v],
                        None => vec![acc, v],
                    };
                    acc = call_func(f, caller, &args[1], call_args)?;
                }
                Ok(acc)
            }
            _ => unreachable!("checked above"),
        }
    }
}

/// A list or a map, walked element by element (maps as key and value).
enum Items<'a> {
    List(&'a List),
    Map(&'a Map),
}

impl<'a> Items<'a> {
    fn of(f: &str, v: &'a Value) -> Result<Items<'a>, ObjectError> {
        match v.resolved() {
            Value::List(l) => Ok(Items::List(l)),
            Value::Map(m) => Ok(Items::Map(m)),
            _ => Err(type_err(f, 1, "a list or a map", v)),
        }
    }

    fn pairs(&self) -> Vec<(Option<Key>, Value)> {
        match self {
            Items::List(l) => l.as_slice().iter().map(|v| (None, v.clone())).collect(),
            Items::Map(m) => m.iter().map(|(k, v)| (Some(k.clone()), v.clone())).collect(),
        }
    }

    /// The elements `keep` accepts: a list from a list, a map of the kept
    /// pairs from a map.
    fn select(
        &self,
        mut keep: impl FnMut(Option<&Key>, &Value) -> Result<bool, ObjectError>,
    ) -> Result<Value, ObjectError> {
        match self {
            Items::List(l) => {
                let mut out = Vec::new();
                for v in l.as_slice() {
                    if keep(None, v)? {
                        out.push(v.clone());
                    }
                }
                Ok(Value::list(out))
            }
            Items::Map(m) => {
                let mut out = Vec::new();
                for (k, v) in m.iter() {
                    if keep(Some(k), v)? {
                        out.push((k.clone(), v.clone()));
                    }
                }
                Ok(Value::Map(Map::from_pairs(out)))
            }
        }
    }
}

/// Calls a predicate with the element (lists) or the key and value (maps);
/// anything but a bool is an error, so a mistyped predicate cannot silently
/// drop elements.
fn predicate(
    f: &str,
    caller: &mut FuncCaller<'_>,
    pred: &Value,
    key: Option<&Key>,
    v: &Value,
) -> Result<bool, ObjectError> {
    let call_args = match key {
        Some(k) => vec![k.to_value(), v.clone()],
        None => vec![v.clone()],
    };
    let r = call_func(f, caller, pred, call_args)?;
    r.as_bool().ok_or_else(|| fail(format!("{f}: the predicate must return a bool, got {}", r.type_name())))
}

/// Deep partial comparison: every key of `partial` is in `v` with a value
/// that matches (maps partially, everything else by equality).
fn partial_match(v: &Value, partial: &Map) -> bool {
    let Some(m) = v.as_map() else { return false };
    partial.iter().all(|(k, want)| match (m.get(k), want.as_map()) {
        (Some(got), Some(sub)) => partial_match(got, sub),
        (Some(got), None) => values_equal(got, want),
        (None, _) => false,
    })
}

// ---------------------------------------------------------------------------
// collection/lists

pub(super) struct Lists;

impl Object for Lists {
    fn type_name(&self) -> &str {
        "collection/lists"
    }

    fn get(&self, _name: &str) -> Result<Value, ObjectError> {
        Ok(Value::Undefined)
    }

    fn call(&self, name: &str, args: Vec<Value>) -> Result<Value, ObjectError> {
        self.call_with(name, args, &mut no_caller)
    }
}

impl Lists {
    pub(super) fn call_with(
        &self,
        name: &str,
        args: Vec<Value>,
        caller: &mut FuncCaller<'_>,
    ) -> Result<Value, ObjectError> {
        let f = format!("lists.{name}");
        let f = f.as_str();
        match name {
            "concat" => arity(f, &args, 2, usize::MAX)?,
            "sort" => arity(f, &args, 2, 2)?,
            "sum" => arity(f, &args, 1, 1)?,
            _ => return Err(no_such("collection/lists", name)),
        }
        if any_undefined(&args) {
            return Ok(Value::Undefined);
        }
        let list = |i: usize| args[i].as_list().ok_or_else(|| type_err(f, i + 1, "a list", &args[i]));
        match name {
            "concat" => {
                let mut out = Vec::new();
                for i in 0..args.len() {
                    out.extend_from_slice(list(i)?.as_slice());
                }
                Ok(Value::list(out))
            }
            "sum" => {
                let mut total = 0.0;
                for v in list(0)?.as_slice() {
                    match v.resolved() {
                        Value::Int(_) | Value::Float(_) => total += v.as_f64().unwrap_or(0.0),
                        other => {
                            return Err(fail(format!(
                                "{f}: the list must hold only ints and floats, found {}",
                                other.type_name()
                            )))
                        }
                    }
                }
                Ok(Value::Float(total))
            }
            "sort" => {
                let items = list(0)?.as_slice().to_vec();
                let mut cmp = |a: &Value, b: &Value| -> Result<Ordering, ObjectError> {
                    let r = call_func(f, caller, &args[1], vec![a.clone(), b.clone()])?;
                    match r.as_int() {
                        Some(n) if n < 0 => Ok(Ordering::Less),
                        Some(0) => Ok(Ordering::Equal),
                        Some(_) => Ok(Ordering::Greater),
                        None => {
                            Err(fail(format!("{f}: the sort function must return -1, 0 or 1, got {}", r.type_name())))
                        }
                    }
                };
                Ok(Value::list(merge_sort(items, &mut cmp)?))
            }
            _ => unreachable!("checked above"),
        }
    }
}

/// A stable merge sort with a comparator that may fail. (The standard sort
/// may panic when a comparator is not a total order, which a policy's
/// function need not be.)
fn merge_sort(
    mut v: Vec<Value>,
    cmp: &mut dyn FnMut(&Value, &Value) -> Result<Ordering, ObjectError>,
) -> Result<Vec<Value>, ObjectError> {
    if v.len() <= 1 {
        return Ok(v);
    }
    let right = v.split_off(v.len() / 2);
    let (left, right) = (merge_sort(v, cmp)?, merge_sort(right, cmp)?);
    let mut out = Vec::with_capacity(left.len() + right.len());
    let (mut l, mut r) = (left.into_iter().peekable(), right.into_iter().peekable());
    while let (Some(a), Some(b)) = (l.peek(), r.peek()) {
        if cmp(b, a)? == Ordering::Less {
            out.extend(r.next());
        } else {
            out.extend(l.next());
        }
    }
    out.extend(l);
    out.extend(r);
    Ok(out)
}

// ---------------------------------------------------------------------------
// collection/maps

pub(super) struct Maps;

impl Object for Maps {
    fn type_name(&self) -> &str {
        "collection/maps"
    }

    fn get(&self, _name: &str) -> Result<Value, ObjectError> {
        Ok(Value::Undefined)
    }

    fn call(&self, name: &str, args: Vec<Value>) -> Result<Value, ObjectError> {
        let f = format!("maps.{name}");
        let f = f.as_str();
        match name {
            "get" => arity(f, &args, 2, 3)?,
            "has" | "pick" => arity(f, &args, 2, 2)?,
            "set" => arity(f, &args, 3, 3)?,
            _ => return Err(no_such("collection/maps", name)),
        }
        if name == "get" {
            let default = args.get(2).cloned().unwrap_or(Value::Undefined);
            if args[0].is_undefined() || args[1].is_undefined() {
                return Ok(default);
            }
            check_map(f, &args[0])?;
            let path = parse_path(f, str_arg(f, &args, 1)?)?;
            return Ok(match get_path(&args[0], &path) {
                Some(v) if !v.is_undefined() => v,
                _ => default,
            });
        }
        if args[..2].iter().any(Value::is_undefined) {
            return Ok(Value::Undefined);
        }
        check_map(f, &args[0])?;
        match name {
            "has" => {
                let path = parse_path(f, str_arg(f, &args, 1)?)?;
                Ok(Value::Bool(get_path(&args[0], &path).is_some_and(|v| !v.is_undefined())))
            }
            "pick" => {
                let paths = args[1].as_list().ok_or_else(|| type_err(f, 2, "a list of paths", &args[1]))?;
                let mut out = Value::Map(Map::new());
                for p in paths.as_slice() {
                    let p = p
                        .as_str()
                        .ok_or_else(|| fail(format!("{f}: every path must be a string, got {}", p.type_name())))?;
                    if let Some(picked) = pick(&args[0], &parse_path(f, p)?) {
                        out = merge(out, picked);
                    }
                }
                Ok(out)
            }
            "set" => {
                let path = parse_path(f, str_arg(f, &args, 1)?)?;
                set_path(f, Some(&args[0]), &path, &args[2])
            }
            _ => unreachable!("checked above"),
        }
    }
}

fn check_map(f: &str, v: &Value) -> Result<(), ObjectError> {
    match v.as_map() {
        Some(_) => Ok(()),
        None => Err(type_err(f, 1, "a map", v)),
    }
}

/// Paths longer than this are refused (setting one builds that many nested
/// maps).
const MAX_PATH_SEGMENTS: usize = 256;

fn parse_path<'a>(f: &str, p: &'a str) -> Result<Vec<&'a str>, ObjectError> {
    if p.is_empty() {
        return Ok(Vec::new());
    }
    let segs: Vec<&str> = p.split('.').collect();
    if segs.len() > MAX_PATH_SEGMENTS {
        return Err(fail(format!("{f}: the path has more than {MAX_PATH_SEGMENTS} parts")));
    }
    Ok(segs)
}

/// A map's value for a path segment: the string key, or the integer key the
/// segment spells.
fn map_child(m: &Map, seg: &str) -> Option<Value> {
    m.get_str(seg).cloned().or_else(|| seg.parse::<i64>().ok().and_then(|i| m.get(&Key::Int(i)).cloned()))
}

fn list_index(l: &List, seg: &str) -> Option<usize> {
    seg.parse::<usize>().ok().filter(|&i| i < l.len())
}

/// The value at `path`, `None` when it does not exist. A `*` segment maps the
/// rest of the path over every element of a list.
fn get_path(v: &Value, path: &[&str]) -> Option<Value> {
    let Some((seg, rest)) = path.split_first() else { return Some(v.clone()) };
    match v.resolved() {
        Value::List(l) if *seg == "*" => {
            Some(Value::list(l.as_slice().iter().filter_map(|e| get_path(e, rest)).collect()))
        }
        Value::List(l) => get_path(l.get(list_index(l, seg)?)?, rest),
        Value::Map(m) => get_path(&map_child(m, seg)?, rest),
        _ => None,
    }
}

/// The part of `v` that `path` selects, keeping its structure (a list keeps
/// only the selected elements).
fn pick(v: &Value, path: &[&str]) -> Option<Value> {
    let Some((seg, rest)) = path.split_first() else { return Some(v.clone()) };
    match v.resolved() {
        Value::List(l) if *seg == "*" => Some(Value::list(l.as_slice().iter().filter_map(|e| pick(e, rest)).collect())),
        Value::List(l) => Some(Value::list(vec![pick(l.get(list_index(l, seg)?)?, rest)?])),
        Value::Map(m) => {
            let child = map_child(m, seg)?;
            let key = if m.get_str(seg).is_some() { Key::from(*seg) } else { Key::Int(seg.parse().ok()?) };
            Some(Value::Map(Map::from_pairs([(key, pick(&child, rest)?)])))
        }
        _ => None,
    }
}

/// Merges two picks: maps key by key, lists one after the other.
fn merge(a: Value, b: Value) -> Value {
    match (a.resolved(), b.resolved()) {
        (Value::Map(x), Value::Map(y)) => {
            let mut out = x.clone();
            for (k, v) in y.iter() {
                let merged = match out.get(k) {
                    Some(old) => merge(old.clone(), v.clone()),
                    None => v.clone(),
                };
                out.make_mut().insert(k.clone(), merged);
            }
            Value::Map(out)
        }
        (Value::List(x), Value::List(y)) => {
            let mut out = x.clone();
            out.make_mut().extend_from_slice(y.as_slice());
            Value::List(out)
        }
        _ => b,
    }
}

/// A copy of `v` with `value` at `path`; missing maps on the way are created.
fn set_path(f: &str, v: Option<&Value>, path: &[&str], value: &Value) -> Result<Value, ObjectError> {
    let Some((seg, rest)) = path.split_first() else { return Ok(value.clone()) };
    match v.map(Value::resolved) {
        Some(Value::List(l)) if *seg == "*" => {
            let items: Result<Vec<Value>, ObjectError> =
                l.as_slice().iter().map(|e| set_path(f, Some(e), rest, value)).collect();
            Ok(Value::list(items?))
        }
        Some(Value::List(l)) => {
            let i = list_index(l, seg)
                .ok_or_else(|| fail(format!("{f}: {seg:?} is not an index of a list of {}", l.len())))?;
            let mut out = l.clone();
            let new = set_path(f, l.get(i), rest, value)?;
            out.make_mut()[i] = new;
            Ok(Value::List(out))
        }
        Some(Value::Map(m)) => {
            let child = map_child(m, seg);
            let key = if m.get_str(seg).is_none() && child.is_some() {
                Key::Int(seg.parse().unwrap_or_default())
            } else {
                Key::from(*seg)
            };
            let new = set_path(f, child.as_ref(), rest, value)?;
            let mut out = m.clone();
            out.make_mut().insert(key, new);
            Ok(Value::Map(out))
        }
        None | Some(Value::Undefined) | Some(Value::Null) => {
            let new = set_path(f, None, rest, value)?;
            Ok(Value::Map(Map::from_pairs([(Key::from(*seg), new)])))
        }
        Some(other) => Err(fail(format!("{f}: cannot set {seg:?} inside a {}", other.type_name()))),
    }
}
