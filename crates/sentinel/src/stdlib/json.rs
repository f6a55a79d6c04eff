//! `json`: parse and write JSON (imports/json.mdx).

use super::{any_undefined, arity, fail, float_text, no_such, plain, str_arg};
use crate::value::value_from_json as from_json;
use crate::value::{Key, Object, ObjectError, Value};

pub(super) struct Json;

impl Object for Json {
    fn type_name(&self) -> &str {
        "json"
    }

    fn get(&self, _name: &str) -> Result<Value, ObjectError> {
        Ok(Value::Undefined)
    }

    fn call(&self, name: &str, args: Vec<Value>) -> Result<Value, ObjectError> {
        match name {
            "unmarshal" => {
                arity("json.unmarshal", &args, 1, 1)?;
                if any_undefined(&args) {
                    return Ok(Value::Undefined);
                }
                let s = str_arg("json.unmarshal", &args, 0)?;
                let v: serde_json::Value = serde_json::from_str(s).map_err(|e| fail(format!("json.unmarshal: {e}")))?;
                Ok(from_json(&v))
            }
            "marshal" => {
                arity("json.marshal", &args, 1, 1)?;
                let mut out = String::new();
                // Functions and undefined have no JSON form: the result is
                // undefined, as the page says.
                Ok(if write_json(&args[0], &mut out, 0) { Value::from(out) } else { Value::Undefined })
            }
            _ => Err(no_such("json", name)),
        }
    }
}

/// Writes `v` as compact JSON the way Go's encoder does (map keys sorted,
/// `<`, `>` and `&` escaped). False when `v` holds something JSON cannot.
fn write_json(v: &Value, out: &mut String, depth: usize) -> bool {
    if depth > 512 {
        return false;
    }
    match plain(v) {
        Value::Null => out.push_str("null"),
        Value::Bool(b) => out.push_str(if b { "true" } else { "false" }),
        Value::Int(i) => out.push_str(&i.to_string()),
        Value::Float(f) => {
            if !f.is_finite() {
                return false;
            }
            out.push_str(&json_float(f));
        }
        Value::String(s) => write_str(&s, out),
        Value::List(l) => {
            out.push('[');
            for (i, item) in l.as_slice().iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                if !write_json(item, out, depth + 1) {
                    return false;
                }
            }
            out.push(']');
        }
        Value::Map(m) => {
            let mut pairs: Vec<(String, &Value)> = Vec::with_capacity(m.len());
            for (k, v) in m.iter() {
                let key = match k {
                    Key::String(s) => s.to_string(),
                    Key::Int(i) => i.to_string(),
                    Key::Float(f) => float_text(*f),
                    Key::Bool(b) => b.to_string(),
                    Key::Null => "null".to_string(),
                };
                pairs.push((key, v));
            }
            pairs.sort_by(|a, b| a.0.cmp(&b.0));
            out.push('{');
            for (i, (k, v)) in pairs.into_iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_str(&k, out);
                out.push(':');
                if !write_json(v, out, depth + 1) {
                    return false;
                }
            }
            out.push('}');
        }
        _ => return false,
    }
    true
}

/// A float as Go's JSON encoder writes it: plain digits, with an exponent
/// (`1e-7`, `1e+21`) only below 1e-6 and from 1e21 up.
fn json_float(f: f64) -> String {
    let a = f.abs();
    if a != 0.0 && !(1e-6..1e21).contains(&a) {
        let s = format!("{f:e}");
        let (m, e) = s.split_once('e').unwrap_or((&s, "0"));
        return match e.strip_prefix('-') {
            Some(neg) => format!("{m}e-{neg}"),
            None => format!("{m}e+{e}"),
        };
    }
    format!("{f}")
}

fn write_str(s: &str, out: &mut String) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '<' | '>' | '&' | '\u{2028}' | '\u{2029}' => out.push_str(&format!("\\u{:04x}", c as u32)),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
}
