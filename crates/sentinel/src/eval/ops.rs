//! Operators on values: comparison, arithmetic, set inclusion. Each returns
//! the result or a message in Sentinel's words; the evaluator adds the place.

use std::cmp::Ordering;

use crate::ast::BinOp;
use crate::value::{Key, List, Value};

/// The plain value an import object stands for, when it has one.
fn plain(v: &Value) -> std::borrow::Cow<'_, Value> {
    match v.resolved() {
        Value::Object(o) => match o.as_plain() {
            Some(p) => std::borrow::Cow::Owned(p),
            None => std::borrow::Cow::Borrowed(v.resolved()),
        },
        other => std::borrow::Cow::Borrowed(other),
    }
}

/// `a == b`: `None` is `undefined` (an undefined operand, or operands of
/// types that cannot be compared). `null` equals only `null`.
pub(crate) fn equals(a: &Value, b: &Value) -> Option<bool> {
    // Too deep to compare is undefined, like any other incomparable pair.
    equals_at(a, b, 0).unwrap_or(None)
}

/// How deep equality looks into nested lists and maps; deeper values are
/// not compared (the result is `undefined`), so the recursion stays bounded.
const MAX_COMPARE_DEPTH: usize = 1000;

/// `None` when the values nest deeper than [`MAX_COMPARE_DEPTH`].
fn equals_at(a: &Value, b: &Value, depth: usize) -> Option<Option<bool>> {
    if depth > MAX_COMPARE_DEPTH {
        return None;
    }
    let (a, b) = (plain(a), plain(b));
    Some(match (&*a, &*b) {
        (Value::Undefined, _) | (_, Value::Undefined) => None,
        (Value::Null, Value::Null) => Some(true),
        (Value::Null, _) | (_, Value::Null) => Some(false),
        (Value::Bool(x), Value::Bool(y)) => Some(x == y),
        (Value::Int(x), Value::Int(y)) => Some(x == y),
        (Value::Int(_) | Value::Float(_), Value::Int(_) | Value::Float(_)) => Some(a.as_f64() == b.as_f64()),
        (Value::String(x), Value::String(y)) => Some(x == y),
        (Value::List(x), Value::List(y)) => {
            if x.ptr_eq(y) {
                return Some(Some(true));
            }
            if x.len() != y.len() {
                return Some(Some(false));
            }
            for (p, q) in x.as_slice().iter().zip(y.as_slice()) {
                if equals_at(p, q, depth + 1)? != Some(true) {
                    return Some(Some(false));
                }
            }
            Some(true)
        }
        (Value::Map(x), Value::Map(y)) => {
            if x.ptr_eq(y) {
                return Some(Some(true));
            }
            if x.len() != y.len() {
                return Some(Some(false));
            }
            for (k, v) in x.iter() {
                match y.get(k) {
                    Some(w) => {
                        if equals_at(v, w, depth + 1)? != Some(true) {
                            return Some(Some(false));
                        }
                    }
                    None => return Some(Some(false)),
                }
            }
            Some(true)
        }
        _ => None,
    })
}

/// Ordering for `<`, `<=`, `>`, `>=`: numbers and strings only; anything
/// else is `undefined` (`None`).
pub(crate) fn compare(a: &Value, b: &Value) -> Option<Ordering> {
    let (a, b) = (plain(a), plain(b));
    match (&*a, &*b) {
        (Value::Int(x), Value::Int(y)) => Some(x.cmp(y)),
        (Value::Int(_) | Value::Float(_), Value::Int(_) | Value::Float(_)) => a.as_f64()?.partial_cmp(&b.as_f64()?),
        (Value::String(x), Value::String(y)) => Some(x.as_bytes().cmp(y.as_bytes())),
        _ => None,
    }
}

/// `coll contains item`: `Ok(None)` is `undefined`.
pub(crate) fn contains(coll: &Value, item: &Value) -> Result<Option<bool>, String> {
    let coll = plain(coll);
    match &*coll {
        Value::Undefined => Ok(None),
        Value::List(l) => Ok(Some(l.as_slice().iter().any(|e| equals(e, item) == Some(true)))),
        Value::Map(m) => Ok(Some(Key::from_value(item).is_some_and(|k| m.get(&k).is_some()))),
        Value::String(s) => match plain(item).resolved() {
            Value::String(sub) => Ok(Some(s.contains(&**sub))),
            Value::Undefined => Ok(None),
            other => Err(format!("cannot test whether a string contains a value of type {}", other.type_name())),
        },
        other => Err(format!(
            "cannot test inclusion in a value of type {}; it must be a list, map or string",
            other.type_name()
        )),
    }
}

fn type_err(op: &str, a: &Value, b: &Value) -> String {
    format!("unsupported operand types for {op}: {} and {}", a.type_name(), b.type_name())
}

/// Arithmetic (`+ - * / %`), with Go's integer rules: wrapping overflow,
/// division truncated towards zero, an error on division by zero.
pub(crate) fn arith(op: BinOp, a: &Value, b: &Value) -> Result<Value, String> {
    let (pa, pb) = (plain(a), plain(b));
    let (a, b) = (&*pa, &*pb);
    let sym = match op {
        BinOp::Add => "+",
        BinOp::Sub => "-",
        BinOp::Mul => "*",
        BinOp::Div => "/",
        _ => "%",
    };
    match (a, b) {
        (Value::Undefined, _) | (_, Value::Undefined) => Ok(Value::Undefined),
        (Value::Int(x), Value::Int(y)) => {
            let (x, y) = (*x, *y);
            Ok(Value::Int(match op {
                BinOp::Add => x.wrapping_add(y),
                BinOp::Sub => x.wrapping_sub(y),
                BinOp::Mul => x.wrapping_mul(y),
                BinOp::Div | BinOp::Mod if y == 0 => return Err("division by zero".into()),
                // MIN / -1 is MIN and MIN % -1 is 0 (spec: Integer operators).
                BinOp::Div => x.wrapping_div(y),
                _ => x.wrapping_rem(y),
            }))
        }
        (Value::Int(_) | Value::Float(_), Value::Int(_) | Value::Float(_)) => {
            let (x, y) = (a.as_f64().unwrap_or(0.0), b.as_f64().unwrap_or(0.0));
            Ok(Value::Float(match op {
                BinOp::Add => x + y,
                BinOp::Sub => x - y,
                BinOp::Mul => x * y,
                BinOp::Div => x / y,
                _ => x % y,
            }))
        }
        (Value::String(x), Value::String(y)) if op == BinOp::Add => {
            let mut s = String::with_capacity(x.len() + y.len());
            s.push_str(x);
            s.push_str(y);
            Ok(Value::String(s.into()))
        }
        (Value::List(x), Value::List(y)) if op == BinOp::Add => {
            let mut v = Vec::with_capacity(x.len() + y.len());
            v.extend_from_slice(x.as_slice());
            v.extend_from_slice(y.as_slice());
            Ok(Value::List(List::new(v)))
        }
        _ => Err(type_err(sym, a, b)),
    }
}
