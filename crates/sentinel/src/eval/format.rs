//! How Sentinel shows values: `print` writes a top-level string as its
//! text and everything else in literal form (`[1, 2, 3]`, `{"a": 1}`).

use std::fmt::Write;

use crate::value::{Key, Value};

/// A value as `print` shows it.
pub fn format_value(v: &Value) -> String {
    match v.resolved() {
        Value::String(s) => s.to_string(),
        other => {
            let mut out = String::new();
            write_value(&mut out, other, 0);
            out
        }
    }
}

/// A float as Go's `%v` prints it: the shortest text that reads back the
/// same, in exponent form when the decimal exponent is below -4 or at least
/// 6 (so `123456.7` but `1e+06`).
pub(crate) fn format_float(f: f64) -> String {
    if f.is_nan() {
        return "NaN".into();
    }
    if f.is_infinite() {
        return if f > 0.0 { "+Inf".into() } else { "-Inf".into() };
    }
    let sci = format!("{f:e}");
    let (mant, exp) = sci.split_once('e').unwrap_or((&sci, "0"));
    let e: i32 = exp.parse().unwrap_or(0);
    if f != 0.0 && !(-4..6).contains(&e) {
        let (sign, digits) = match exp.strip_prefix('-') {
            Some(d) => ('-', d),
            None => ('+', exp),
        };
        return format!("{mant}e{sign}{digits:0>2}");
    }
    format!("{f}")
}

fn write_string(out: &mut String, s: &str) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c.is_control() => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

fn key_rank(k: &Key) -> u8 {
    match k {
        Key::Null => 0,
        Key::Bool(_) => 1,
        Key::Int(_) | Key::Float(_) => 2,
        Key::String(_) => 3,
    }
}

fn key_cmp(a: &Key, b: &Key) -> std::cmp::Ordering {
    key_rank(a).cmp(&key_rank(b)).then_with(|| match (a, b) {
        (Key::String(x), Key::String(y)) => x.cmp(y),
        (Key::Bool(x), Key::Bool(y)) => x.cmp(y),
        _ => {
            let f = |k: &Key| match k {
                Key::Int(i) => *i as f64,
                Key::Float(f) => *f,
                _ => 0.0,
            };
            f(a).total_cmp(&f(b))
        }
    })
}

/// How deep `print` shows nested lists and maps; deeper ones show as `...`
/// (the recursion stays bounded whatever a policy builds).
const MAX_SHOWN_DEPTH: usize = 1000;

pub(crate) fn write_value(out: &mut String, v: &Value, depth: usize) {
    if depth > MAX_SHOWN_DEPTH {
        out.push_str("...");
        return;
    }
    match v.resolved() {
        Value::Undefined => out.push_str("undefined"),
        Value::Null => out.push_str("null"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Int(i) => {
            let _ = write!(out, "{i}");
        }
        Value::Float(f) => out.push_str(&format_float(*f)),
        Value::String(s) => write_string(out, s),
        Value::List(l) => {
            out.push('[');
            for (i, e) in l.as_slice().iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                write_value(out, e, depth + 1);
            }
            out.push(']');
        }
        Value::Map(m) => {
            // Maps are unordered in Sentinel; keys are shown sorted so the
            // output is stable.
            let mut pairs: Vec<_> = m.iter().collect();
            pairs.sort_by(|a, b| key_cmp(a.0, b.0));
            out.push('{');
            for (i, (k, v)) in pairs.into_iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                write_value(out, &k.to_value(), depth + 1);
                out.push_str(": ");
                write_value(out, v, depth + 1);
            }
            out.push('}');
        }
        Value::Func(_) => out.push_str("func"),
        Value::Rule(r) => match r.downcast_ref::<super::RuleVal>().and_then(|r| r.memo.get()) {
            Some(v) => write_value(out, v, depth + 1),
            None => out.push_str("rule"),
        },
        Value::Object(o) => match o.as_plain() {
            Some(p) => write_value(out, &p, depth + 1),
            None => {
                let _ = write!(out, "<{}>", o.type_name());
            }
        },
        Value::Lazy(_) => out.push_str("undefined"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn floats_print_like_go() {
        assert_eq!(format_float(2.0), "2");
        assert_eq!(format_float(1.5), "1.5");
        assert_eq!(format_float(1e21), "1e+21");
        assert_eq!(format_float(1e6), "1e+06");
        assert_eq!(format_float(1234567.0), "1.234567e+06");
        assert_eq!(format_float(0.00001), "1e-05");
        assert_eq!(format_float(123456.789), "123456.789");
    }

    #[test]
    fn nested_strings_are_quoted_top_level_strings_are_not() {
        // functions/print: print("hello") shows hello; print([1, 2, 3]) shows [1, 2, 3].
        assert_eq!(format_value(&Value::string("hello")), "hello");
        let l = Value::list(vec![Value::Int(1), Value::string("a\"b"), Value::Null]);
        assert_eq!(format_value(&l), "[1, \"a\\\"b\", null]");
        let m = Value::map_from([("b", Value::Int(2)), ("a", Value::Bool(true))]);
        assert_eq!(format_value(&m), "{\"a\": true, \"b\": 2}");
    }

    #[test]
    fn very_deep_values_print_with_an_ellipsis() {
        let mut v = Value::Int(1);
        for _ in 0..5000 {
            v = Value::list(vec![v]);
        }
        let s =
            std::thread::Builder::new().stack_size(1 << 20).spawn(move || format_value(&v)).unwrap().join().unwrap();
        assert!(s.starts_with("[[[") && s.contains("..."));
    }
}
