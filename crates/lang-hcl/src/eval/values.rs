//! Operations on values with Terraform's (cty's) rules for unknown and
//! sensitive operands.
//!
//! - Any operator with an unknown operand gives unknown, except the logical
//!   operators where cty's `And`/`Or` decide from one known operand:
//!   `false && unknown` and `unknown && false` are `false`, `true || unknown`
//!   and `unknown || true` are `true`.
//! - The result of every operator is sensitive when any operand contains a
//!   sensitive value (cty unmarks deeply and re-marks the result).
//! - `==` compares without type conversion (`1 == "1"` is false); between
//!   collections it is element-wise, and the first element pair that cannot
//!   be decided makes the whole comparison unknown, as cty does.

use std::cmp::Ordering;

use tfgate_plan::{Kind, Number, Value};

use crate::ast::BinaryOp;

/// Three-valued equality: `None` when it cannot be decided yet. One
/// definition serves `==` and the functions (`contains`, `index`, sets…):
/// a known difference anywhere decides, unknown parts elsewhere
/// notwithstanding; otherwise any unknown part leaves it undecided.
pub fn equals(a: &Value, b: &Value) -> Option<bool> {
    crate::functions::helpers::equals(a, b)
}

/// Converts for arithmetic and comparison: numbers, and strings that
/// hold a number (Terraform converts `"5"` to `5`). `Ok(None)` for unknown.
pub fn to_number(v: &Value) -> Result<Option<Number>, String> {
    match &v.kind {
        Kind::Unknown => Ok(None),
        Kind::Number(n) => Ok(Some(n.clone())),
        Kind::String(s) => {
            let t = s.trim();
            let bad = || format!("a number is required, but the string {} is not a number", quoted(v));
            if t.is_empty() || t.contains(|c: char| c.is_alphabetic() && c != 'e' && c != 'E') {
                return Err(bad());
            }
            Number::from_literal(t).map(Some).ok_or_else(bad)
        }
        Kind::Null => Err("a number is required, but the value is null".into()),
        _ => Err(format!("a number is required, but the value is a {}", v.type_name())),
    }
}

/// Converts for logical operators and conditions: bools and the strings
/// `"true"`/`"false"`. `Ok(None)` for unknown.
pub fn to_bool(v: &Value) -> Result<Option<bool>, String> {
    match &v.kind {
        Kind::Unknown => Ok(None),
        Kind::Bool(b) => Ok(Some(*b)),
        Kind::String(s) if s == "true" => Ok(Some(true)),
        Kind::String(s) if s == "false" => Ok(Some(false)),
        Kind::Null => Err("a bool is required, but the value is null".into()),
        _ => Err(format!("a bool is required, but the value is a {}", v.type_name())),
    }
}

/// Converts a primitive to a string, as template interpolation and object
/// keys do. `Ok(None)` for unknown.
pub fn to_string(v: &Value) -> Result<Option<String>, String> {
    match &v.kind {
        Kind::Unknown => Ok(None),
        Kind::String(s) => Ok(Some(s.to_string())),
        Kind::Number(n) => Ok(Some(n.to_string())),
        Kind::Bool(b) => Ok(Some(b.to_string())),
        Kind::Null => Err("the value is null".into()),
        _ => Err(format!("a string is required, but the value is a {}", v.type_name())),
    }
}

fn quoted(v: &Value) -> String {
    if v.sensitive {
        tfgate_plan::SENSITIVE_TEXT.to_string()
    } else {
        v.to_string()
    }
}

/// Applies a binary operator to two evaluated operands.
pub fn binary(op: BinaryOp, a: &Value, b: &Value) -> Result<Value, String> {
    let marked = a.contains_sensitive() || b.contains_sensitive();
    let result = match op {
        BinaryOp::Eq => bool_or_unknown(equals(a, b)),
        BinaryOp::NotEq => bool_or_unknown(equals(a, b).map(|x| !x)),
        BinaryOp::And | BinaryOp::Or => {
            let x = to_bool(a).map_err(|e| format!("Unsuitable value for left operand: {e}"))?;
            let y = to_bool(b).map_err(|e| format!("Unsuitable value for right operand: {e}"))?;
            let and = op == BinaryOp::And;
            match (x, y) {
                (Some(x), Some(y)) => Value::bool(if and { x && y } else { x || y }),
                // cty: one known operand that decides the result is enough.
                (Some(v), None) | (None, Some(v)) if v != and => Value::bool(v),
                _ => Value::unknown(),
            }
        }
        _ => {
            let x = to_number(a).map_err(|e| format!("Unsuitable value for left operand: {e}"))?;
            let y = to_number(b).map_err(|e| format!("Unsuitable value for right operand: {e}"))?;
            let (Some(x), Some(y)) = (x, y) else {
                return Ok(Value::unknown().mark_if(marked));
            };
            match op {
                BinaryOp::Less => Value::bool(cmp(&x, &y)? == Ordering::Less),
                BinaryOp::LessEq => Value::bool(cmp(&x, &y)? != Ordering::Greater),
                BinaryOp::Greater => Value::bool(cmp(&x, &y)? == Ordering::Greater),
                BinaryOp::GreaterEq => Value::bool(cmp(&x, &y)? != Ordering::Less),
                _ => Value::number(arith(op, &x, &y)?),
            }
        }
    };
    Ok(result.mark_if(marked))
}

fn bool_or_unknown(b: Option<bool>) -> Value {
    b.map_or(Value::unknown(), Value::bool)
}

fn cmp(x: &Number, y: &Number) -> Result<Ordering, String> {
    x.partial_cmp(y).ok_or_else(|| "numbers cannot be compared".to_string())
}

/// Arithmetic: exact on integers while they fit, floating point otherwise.
///
/// Every integer operation is checked. Terraform's numbers are arbitrary
/// precision, so an overflowing integer result (`i64::MAX + 1`,
/// `i64::MIN / -1`) is not an error there: we give the nearest `f64`, as
/// for any other result beyond `i64`; only a result beyond `f64` (infinite
/// or NaN) is an error.
pub fn arith(op: BinaryOp, x: &Number, y: &Number) -> Result<Number, String> {
    if let (Number::Int(a), Number::Int(b)) = (x, y) {
        let exact = match op {
            BinaryOp::Add => a.checked_add(*b),
            BinaryOp::Sub => a.checked_sub(*b),
            BinaryOp::Mul => a.checked_mul(*b),
            BinaryOp::Div if *b == 0 => return Err("can't divide by zero".into()),
            // `checked_rem`: `i64::MIN % -1` overflows (and would panic).
            BinaryOp::Div if a.checked_rem(*b) == Some(0) => a.checked_div(*b),
            BinaryOp::Mod if *b == 0 => return Err("can't use modulo by zero".into()),
            BinaryOp::Mod => a.checked_rem(*b),
            _ => None,
        };
        if let Some(n) = exact {
            return Ok(Number::Int(n));
        }
    }
    let (a, b) = (x.as_f64(), y.as_f64());
    let r = match op {
        BinaryOp::Add => a + b,
        BinaryOp::Sub => a - b,
        BinaryOp::Mul => a * b,
        BinaryOp::Div => {
            if b == 0.0 {
                return Err("can't divide by zero".into());
            }
            a / b
        }
        BinaryOp::Mod => {
            if b == 0.0 {
                return Err("can't use modulo by zero".into());
            }
            a % b
        }
        _ => return Err(format!("{} is not an arithmetic operator", op.symbol())),
    };
    if !r.is_finite() {
        return Err("the result is out of range".into());
    }
    Ok(Number::from(r))
}

/// `-x` and `!x`.
pub fn negate(v: &Value) -> Result<Value, String> {
    let n = to_number(v).map_err(|e| format!("Unsuitable value for unary operand: {e}"))?;
    Ok(match n {
        None => Value::unknown(),
        Some(n) => Value::number(arith(BinaryOp::Sub, &Number::Int(0), &n)?),
    }
    .mark_if(v.contains_sensitive()))
}

pub fn not(v: &Value) -> Result<Value, String> {
    let b = to_bool(v).map_err(|e| format!("Unsuitable value for unary operand: {e}"))?;
    Ok(b.map_or(Value::unknown(), |b| Value::bool(!b)).mark_if(v.contains_sensitive()))
}
