//! The built-in functions (spec: Built-in Functions; functions/*): append,
//! delete, error, keys, length, print, range, values, the conversions int,
//! float, string and bool, and typeof.

use std::sync::Arc;

use crate::ast::{Expr, ExprKind, Pos};
use crate::eval::scope::Scope;
use crate::eval::{format_float, format_value, EResult, Interp};
use crate::value::{Key, List, Value};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Builtin {
    Append,
    Delete,
    Error,
    Keys,
    Length,
    Print,
    Range,
    Values,
    Int,
    Float,
    String,
    Bool,
    Typeof,
}

impl Builtin {
    pub(crate) fn from_name(name: &str) -> Option<Builtin> {
        Some(match name {
            "append" => Builtin::Append,
            "delete" => Builtin::Delete,
            "error" => Builtin::Error,
            "keys" => Builtin::Keys,
            "length" => Builtin::Length,
            "print" => Builtin::Print,
            "range" => Builtin::Range,
            "values" => Builtin::Values,
            "int" => Builtin::Int,
            "float" => Builtin::Float,
            "string" => Builtin::String,
            "bool" => Builtin::Bool,
            "typeof" => Builtin::Typeof,
            _ => return None,
        })
    }

    fn name(self) -> &'static str {
        match self {
            Builtin::Append => "append",
            Builtin::Delete => "delete",
            Builtin::Error => "error",
            Builtin::Keys => "keys",
            Builtin::Length => "length",
            Builtin::Print => "print",
            Builtin::Range => "range",
            Builtin::Values => "values",
            Builtin::Int => "int",
            Builtin::Float => "float",
            Builtin::String => "string",
            Builtin::Bool => "bool",
            Builtin::Typeof => "typeof",
        }
    }
}

/// A call written as `name(args)`: `append` and `delete` change the
/// variable (or element) named by their first argument in place.
pub(crate) fn call_builtin(
    it: &mut Interp<'_>,
    b: Builtin,
    args: &[Expr],
    env: &Arc<Scope>,
    pos: Pos,
) -> EResult<Value> {
    if matches!(b, Builtin::Append | Builtin::Delete)
        && matches!(args.last(), Some(a) if matches!(a.kind, ExprKind::Spread(_)))
    {
        return spread_mutation(it, b, args, env, pos);
    }
    if matches!(b, Builtin::Append | Builtin::Delete) {
        if args.len() != 2 {
            return Err(it.error(pos, format!("{}: expected 2 arguments, got {}", b.name(), args.len())));
        }
        let second = it.eval(&args[1], env)?;
        // A plain variable is taken out and put back so a shared list or
        // map is not copied on every call.
        if let ExprKind::Ident(name) = &args[0].kind {
            if let Some(mut target) = env.take(name) {
                let r = mutate(it, b, &mut target, second, pos);
                env.assign(name, target);
                return r;
            }
        }
        let mut target = it.eval(&args[0], env)?;
        mutate(it, b, &mut target, second, pos)?;
        if matches!(args[0].kind, ExprKind::Index(..)) {
            it.assign_place(&args[0], target, env)?;
        }
        return Ok(Value::Undefined);
    }
    let Some(vals) = it.eval_args(args, env)? else { return Ok(Value::Undefined) };
    call_builtin_values(it, b, vals, pos)
}

/// `append`/`delete` with a spread last argument: `append(l, [v]...)`
/// changes `l` as `append(l, v)` does; `append([l, v]...)` changes only a
/// copy (as `append([1], 2)` does).
fn spread_mutation(it: &mut Interp<'_>, b: Builtin, args: &[Expr], env: &Arc<Scope>, pos: Pos) -> EResult<Value> {
    let Some(vals) = it.eval_args(args, env)? else { return Ok(Value::Undefined) };
    if vals.len() != 2 {
        return Err(it.error(pos, format!("{}: expected 2 arguments, got {}", b.name(), vals.len())));
    }
    let mut vals = vals.into_iter();
    let (first, second) = (vals.next().unwrap_or(Value::Undefined), vals.next().unwrap_or(Value::Undefined));
    if args.len() == 1 {
        let mut copy = first;
        return mutate(it, b, &mut copy, second, pos);
    }
    // The target is a place, evaluated again as the two-argument form does.
    let mut target = match &args[0].kind {
        ExprKind::Ident(name) => match env.take(name) {
            Some(mut target) => {
                // Not shared with the evaluated copy, so not copied.
                drop(first);
                let r = mutate(it, b, &mut target, second, pos);
                env.assign(name, target);
                return r;
            }
            None => first,
        },
        _ => first,
    };
    mutate(it, b, &mut target, second, pos)?;
    if matches!(args[0].kind, ExprKind::Index(..)) {
        it.assign_place(&args[0], target, env)?;
    }
    Ok(Value::Undefined)
}

fn mutate(it: &mut Interp<'_>, b: Builtin, target: &mut Value, v: Value, pos: Pos) -> EResult<Value> {
    if matches!(target, Value::Lazy(_) | Value::Sensitive(_)) {
        *target = target.resolved().clone();
    }
    match (b, &mut *target) {
        (Builtin::Append, Value::List(l)) => {
            l.make_mut().push(v);
            it.check_size(pos, target)?;
            Ok(Value::Undefined)
        }
        (Builtin::Delete, Value::Map(m)) => {
            if let Some(k) = Key::from_value(&v) {
                if m.get(&k).is_some() {
                    m.make_mut().shift_remove(&k);
                }
            }
            Ok(Value::Undefined)
        }
        (Builtin::Append, other) => {
            Err(it.error(pos, format!("append: the first argument must be a list, got {}", other.type_name())))
        }
        (_, other) => {
            Err(it.error(pos, format!("delete: the first argument must be a map, got {}", other.type_name())))
        }
    }
}

fn arity(it: &Interp<'_>, b: Builtin, args: &[Value], n: usize, pos: Pos) -> EResult<()> {
    if args.len() != n {
        return Err(it.error(
            pos,
            format!("{}: expected {n} argument{}, got {}", b.name(), if n == 1 { "" } else { "s" }, args.len()),
        ));
    }
    Ok(())
}

/// Formats `print` / `error` arguments: space separated.
fn joined(args: &[Value]) -> String {
    args.iter().map(format_value).collect::<Vec<_>>().join(" ")
}

/// A call with evaluated arguments (also a built-in passed as a value).
pub(crate) fn call_builtin_values(it: &mut Interp<'_>, b: Builtin, mut args: Vec<Value>, pos: Pos) -> EResult<Value> {
    match b {
        Builtin::Append | Builtin::Delete => {
            arity(it, b, &args, 2, pos)?;
            let v = args.pop().unwrap_or(Value::Undefined);
            let mut target = args.pop().unwrap_or(Value::Undefined);
            mutate(it, b, &mut target, v, pos)
        }
        Builtin::Print => {
            let text = joined(&args);
            it.prints.push_str(&text);
            it.prints.push('\n');
            Ok(Value::Bool(true))
        }
        Builtin::Error => Err(it.error(pos, joined(&args))),
        Builtin::Length => {
            arity(it, b, &args, 1, pos)?;
            match args[0].resolved() {
                Value::Undefined => Ok(Value::Undefined),
                Value::String(s) => Ok(Value::Int(s.len() as i64)),
                Value::List(l) => Ok(Value::Int(l.len() as i64)),
                Value::Map(m) => Ok(Value::Int(m.len() as i64)),
                other => {
                    Err(it
                        .error(pos, format!("length: cannot take the length of a value of type {}", other.type_name())))
                }
            }
        }
        Builtin::Keys | Builtin::Values => {
            arity(it, b, &args, 1, pos)?;
            match args[0].resolved() {
                Value::Undefined => Ok(Value::Undefined),
                Value::Map(m) => Ok(Value::List(List::new(if b == Builtin::Keys {
                    m.iter().map(|(k, _)| k.to_value()).collect()
                } else {
                    m.iter().map(|(_, v)| v.clone()).collect()
                }))),
                other => {
                    Err(it.error(pos, format!("{}: the argument must be a map, got {}", b.name(), other.type_name())))
                }
            }
        }
        Builtin::Range => {
            if args.is_empty() || args.len() > 3 {
                return Err(it.error(pos, format!("range: expected 1 to 3 arguments, got {}", args.len())));
            }
            if args.iter().any(Value::is_undefined) {
                return Ok(Value::Undefined);
            }
            let mut nums = Vec::with_capacity(3);
            for a in &args {
                match a.as_int() {
                    Some(i) => nums.push(i),
                    None => return Err(it.error(pos, format!("range: arguments must be ints, got {}", a.type_name()))),
                }
            }
            let (start, end, step) = match nums[..] {
                [e] => (0, e, 1),
                [s, e] => (s, e, 1),
                [s, e, st] => (s, e, st),
                _ => unreachable!("checked above"),
            };
            if step == 0 {
                return Err(it.error(pos, "range: step must not be zero"));
            }
            let count = if step > 0 {
                if end > start {
                    ((end as i128 - start as i128 + step as i128 - 1) / step as i128) as u64
                } else {
                    0
                }
            } else if start > end {
                ((start as i128 - end as i128 + (-(step as i128)) - 1) / -(step as i128)) as u64
            } else {
                0
            };
            if count.saturating_mul(24) > it.limits.max_value_bytes {
                return Err(it.error(pos, format!("value too large: range of {count} elements")));
            }
            let mut out = Vec::with_capacity(count as usize);
            let mut x = start;
            for _ in 0..count {
                out.push(Value::Int(x));
                x = x.wrapping_add(step);
            }
            Ok(Value::List(List::new(out)))
        }
        Builtin::Int => {
            arity(it, b, &args, 1, pos)?;
            Ok(match args[0].resolved() {
                Value::Int(i) => Value::Int(*i),
                // Rounded down (spec: Type Conversion).
                Value::Float(f) => {
                    let f = f.floor();
                    if !f.is_finite() || f < i64::MIN as f64 || f >= i64::MAX as f64 {
                        return Err(it.error(pos, format!("int: {} is out of range", format_float(f))));
                    }
                    Value::Int(f as i64)
                }
                Value::Bool(b) => Value::Int(*b as i64),
                Value::String(s) => match parse_int(s) {
                    Some(i) => Value::Int(i),
                    None => return Err(it.error(pos, "int: the string is not an integer literal")),
                },
                _ => Value::Undefined,
            })
        }
        Builtin::Float => {
            arity(it, b, &args, 1, pos)?;
            Ok(match args[0].resolved() {
                Value::Float(f) => Value::Float(*f),
                Value::Int(i) => Value::Float(*i as f64),
                Value::Bool(b) => Value::Float(if *b { 1.0 } else { 0.0 }),
                Value::String(s) => match parse_float(s) {
                    Some(f) => Value::Float(f),
                    None => return Err(it.error(pos, "float: the string is not a float literal")),
                },
                _ => Value::Undefined,
            })
        }
        Builtin::String => {
            arity(it, b, &args, 1, pos)?;
            Ok(match args[0].resolved() {
                Value::String(s) => Value::String(s.clone()),
                Value::Int(i) => Value::string(i.to_string()),
                // "%f": six digits after the point.
                Value::Float(f) => Value::string(format!("{f:.6}")),
                Value::Bool(b) => Value::string(if *b { "true" } else { "false" }),
                _ => Value::Undefined,
            })
        }
        Builtin::Bool => {
            arity(it, b, &args, 1, pos)?;
            Ok(match args[0].resolved() {
                Value::Bool(b) => Value::Bool(*b),
                Value::String(s) => {
                    match &**s {
                        "1" | "t" | "T" | "TRUE" | "true" | "True" => Value::Bool(true),
                        "0" | "f" | "F" | "FALSE" | "false" | "False" => Value::Bool(false),
                        _ => return Err(it.error(
                            pos,
                            "bool: the string is not one of 1, t, T, TRUE, true, True, 0, f, F, FALSE, false, False",
                        )),
                    }
                }
                Value::Int(i) => Value::Bool(*i != 0),
                Value::Float(f) => Value::Bool(*f != 0.0),
                _ => Value::Undefined,
            })
        }
        Builtin::Typeof => {
            arity(it, b, &args, 1, pos)?;
            Ok(Value::string(args[0].type_name()))
        }
    }
}

/// An int from text, by the syntax of integer literals (with an optional sign).
fn parse_int(s: &str) -> Option<i64> {
    let t = s.trim();
    let (neg, body) = match t.strip_prefix('-') {
        Some(r) => (true, r),
        None => (false, t.strip_prefix('+').unwrap_or(t)),
    };
    let mag: i128 = if let Some(h) = body.strip_prefix("0x").or_else(|| body.strip_prefix("0X")) {
        i128::from_str_radix(h, 16).ok()?
    } else if body.len() > 1 && body.starts_with('0') {
        i128::from_str_radix(&body[1..], 8).ok()?
    } else {
        if body.is_empty() || !body.bytes().all(|c| c.is_ascii_digit()) {
            return None;
        }
        body.parse::<i128>().ok()?
    };
    let v = if neg { -mag } else { mag };
    i64::try_from(v).ok()
}

fn parse_float(s: &str) -> Option<f64> {
    let t = s.trim();
    if t.is_empty() || t.bytes().any(|c| c.is_ascii_alphabetic() && c != b'e' && c != b'E') {
        return None;
    }
    t.parse::<f64>().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn int_strings_follow_literal_syntax() {
        assert_eq!(parse_int("42"), Some(42));
        assert_eq!(parse_int("-0x10"), Some(-16));
        assert_eq!(parse_int("0600"), Some(0o600));
        assert_eq!(parse_int("12a"), None);
        assert_eq!(parse_int("99999999999999999999"), None);
        assert_eq!(parse_float("1.5e3"), Some(1500.0));
        assert_eq!(parse_float("inf"), None);
    }
}
