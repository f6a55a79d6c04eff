//! Encoding functions: base64decode, base64encode, jsondecode, jsonencode,
//! urlencode, and the policy framework's valuetostring.
//!
//! Default rules: unknown in (at any depth, for the encoders) gives unknown
//! out, except `valuetostring`, which the policy framework defines to render
//! unknown values as `(unknown)`; results are marked when any argument
//! contains a sensitive value (so a decoded sensitive document is sensitive
//! as a whole).
//!
//! `yamldecode` is not provided (no YAML parser in the dependency set).
//! `jsondecode` reads numbers as `i64`, `u64` (kept exact) or `f64`: decimals
//! with more than 17 significant digits lose precision, unlike cty.

use tfgate_plan::{Kind, Number, Object, Value};

use super::helpers::{invalid, Args, FnResult};
use super::FunctionError;
use crate::eval::budget::{self, SLOT};

pub(crate) fn jsondecode(args: &[Value]) -> FnResult {
    let mut a = Args::new(args);
    let text = a.string(0, "str")?;
    if let Some(u) = a.unknown_result() {
        return Ok(u);
    }
    // A JSON number or `[]` of two bytes becomes a value slot: the result can
    // be sixteen times the text. Checked before parsing.
    budget::work(text.len() as u64)?;
    budget::check_bytes((text.len() as u64).saturating_mul(SLOT / 2 + 1) + SLOT)?;
    let json: serde_json::Value = serde_json::from_str(&text).map_err(|e| {
        let what = if args[0].sensitive {
            // serde's messages quote only positions and expectations, but be
            // careful anyway: a sensitive document gets a generic message.
            "the given string is not valid JSON".to_string()
        } else {
            format!("invalid JSON: {e}")
        };
        invalid(0, "str", what)
    })?;
    a.ok(from_json(json))
}

fn from_json(j: serde_json::Value) -> Value {
    use serde_json::Value as J;
    match j {
        J::Null => Value::null(),
        J::Bool(b) => Value::bool(b),
        J::Number(n) => {
            let v = if let Some(i) = n.as_i64() {
                Number::Int(i)
            } else if n.is_u64() {
                Number::from_literal(&n.to_string()).unwrap_or(Number::Float(n.as_f64().unwrap_or(0.0)))
            } else {
                Number::Float(n.as_f64().unwrap_or(0.0))
            };
            Value::number(v)
        }
        J::String(s) => Value::string(s),
        J::Array(items) => Value::list(items.into_iter().map(from_json).collect()),
        J::Object(map) => Value::object(map.into_iter().map(|(k, v)| (k, from_json(v))).collect::<Object>()),
    }
}

pub(crate) fn jsonencode(args: &[Value]) -> FnResult {
    let a = Args::new(args);
    if !args[0].is_wholly_known() {
        return Ok(super::helpers::unknown(a.sensitive));
    }
    check_encoded_size(&args[0])?;
    a.ok(Value::string(json_encode(&args[0])))
}

/// Checks, before encoding, that JSON text for `v` fits in the budget. Six
/// times its measured size bounds the text: an escaped character takes at
/// most six bytes, and a slot (32 bytes) more than any number or punctuation.
fn check_encoded_size(v: &Value) -> Result<(), FunctionError> {
    let left = budget::bytes_left();
    let size = budget::measure(v, left / 6).unwrap_or(u64::MAX);
    budget::check_bytes(size.saturating_mul(6))
}

/// As [`check_encoded_size`], plus a line of indentation per slot.
fn check_pretty_size(v: &Value) -> Result<(), FunctionError> {
    let per_slot = 6 * SLOT + 2 + 2 * budget::MAX_VALUE_DEPTH as u64;
    let left = budget::bytes_left();
    let size = budget::measure(v, left / 6).unwrap_or(u64::MAX);
    budget::check_bytes((size / SLOT + 1).saturating_mul(per_slot).max(size.saturating_mul(6)))
}

/// Compact JSON as Terraform's `jsonencode` writes it: object keys sorted,
/// numbers in plain decimal, and `<`, `>`, `&`, U+2028, U+2029 escaped as
/// Go's encoder escapes them. The value must be wholly known; marks are
/// ignored (the caller marks the result).
pub(crate) fn json_encode(v: &Value) -> String {
    let mut out = String::new();
    write_json(v, None, 0, &mut out);
    out
}

/// Writes JSON; `indent` is the per-level indentation for pretty output.
/// Unknown values (only reachable from `valuetostring`) are written as the
/// string `"(unknown)"`.
fn write_json(v: &Value, indent: Option<&str>, depth: usize, out: &mut String) {
    let newline = |out: &mut String, depth: usize| {
        if let Some(ind) = indent {
            out.push('\n');
            for _ in 0..depth {
                out.push_str(ind);
            }
        }
    };
    match &v.kind {
        Kind::Null => out.push_str("null"),
        Kind::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Kind::Number(n) => out.push_str(&n.to_string()),
        Kind::String(s) => write_json_string(s, out),
        Kind::Unknown => write_json_string("(unknown)", out),
        Kind::List(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                newline(out, depth + 1);
                write_json(item, indent, depth + 1, out);
            }
            if !items.is_empty() {
                newline(out, depth);
            }
            out.push(']');
        }
        Kind::Object(obj) => {
            out.push('{');
            for (i, (k, item)) in obj.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                newline(out, depth + 1);
                write_json_string(k, out);
                out.push(':');
                if indent.is_some() {
                    out.push(' ');
                }
                write_json(item, indent, depth + 1, out);
            }
            if !obj.is_empty() {
                newline(out, depth);
            }
            out.push('}');
        }
    }
}

fn write_json_string(s: &str, out: &mut String) {
    out.reserve(s.len() + 2);
    out.push('"');
    // Runs of characters written as they are go out whole: only ASCII
    // characters and U+2028/U+2029 (bytes E2 80 A8/A9) are escaped, so a
    // run ends on a character boundary.
    let bytes = s.as_bytes();
    let mut run = 0;
    let mut i = 0;
    while i < bytes.len() {
        let (escaped, len): (Option<char>, usize) = match bytes[i] {
            b if b < 0x20 || matches!(b, b'"' | b'\\' | b'<' | b'>' | b'&') => (Some(char::from(b)), 1),
            0xE2 if bytes.get(i + 1) == Some(&0x80) && matches!(bytes.get(i + 2), Some(0xA8 | 0xA9)) => {
                (char::from_u32(if bytes[i + 2] == 0xA8 { 0x2028 } else { 0x2029 }), 3)
            }
            _ => (None, 1),
        };
        if let Some(c) = escaped {
            out.push_str(&s[run..i]);
            write_escaped(c, out);
            run = i + len;
        }
        i += len;
    }
    out.push_str(&s[run..]);
    out.push('"');
}

/// A character JSON strings escape (in the forms Terraform's `jsonencode` writes).
fn write_escaped(c: char, out: &mut String) {
    match c {
        '"' => out.push_str("\\\""),
        '\\' => out.push_str("\\\\"),
        '\n' => out.push_str("\\n"),
        '\r' => out.push_str("\\r"),
        '\t' => out.push_str("\\t"),
        '\u{8}' => out.push_str("\\b"),
        '\u{c}' => out.push_str("\\f"),
        c => {
            use std::fmt::Write as _;
            let _ = write!(out, "\\u{:04x}", c as u32);
        }
    }
}

/// `core::valuetostring(value)`: primitives as text, collections as JSON
/// indented by two spaces, `(null)` and `(unknown)` for null and unknown.
/// The result is sensitive when the value contains anything sensitive.
pub(crate) fn valuetostring(args: &[Value]) -> FnResult {
    let v = &args[0];
    let mark = v.contains_sensitive();
    let text = match &v.kind {
        Kind::Null => "(null)".to_string(),
        Kind::Unknown => "(unknown)".to_string(),
        Kind::String(s) => s.to_string(),
        Kind::Bool(b) => b.to_string(),
        Kind::Number(n) => n.to_string(),
        Kind::List(_) | Kind::Object(_) => {
            check_pretty_size(v)?;
            let mut out = String::new();
            write_json(v, Some("  "), 0, &mut out);
            out
        }
    };
    Ok(Value::string(text).mark_if(mark))
}

const B64: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

fn base64_encode(data: &[u8]) -> String {
    let mut out = String::with_capacity(data.len().div_ceil(3) * 4);
    for chunk in data.chunks(3) {
        let b = [chunk[0], *chunk.get(1).unwrap_or(&0), *chunk.get(2).unwrap_or(&0)];
        let n = (b[0] as u32) << 16 | (b[1] as u32) << 8 | b[2] as u32;
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(B64[(n >> (18 - 6 * i)) as usize & 63] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// Strict standard base64 with padding, as Go's `StdEncoding` decodes it
/// (line breaks are ignored, as Go ignores them).
fn base64_decode(text: &str) -> Option<Vec<u8>> {
    let clean: Vec<u8> = text.bytes().filter(|b| *b != b'\n' && *b != b'\r').collect();
    if clean.len() % 4 != 0 {
        return None;
    }
    let mut out = Vec::with_capacity(clean.len() / 4 * 3);
    let chunks = clean.len() / 4;
    for (ci, chunk) in clean.chunks(4).enumerate() {
        let mut n = 0u32;
        let mut pad = 0;
        for (i, &c) in chunk.iter().enumerate() {
            let v = match c {
                b'A'..=b'Z' => c - b'A',
                b'a'..=b'z' => c - b'a' + 26,
                b'0'..=b'9' => c - b'0' + 52,
                b'+' => 62,
                b'/' => 63,
                b'=' if ci == chunks - 1 && i >= 2 => {
                    pad += 1;
                    0
                }
                _ => return None,
            };
            if pad > 0 && c != b'=' {
                return None;
            }
            n = n << 6 | v as u32;
        }
        let bytes = [(n >> 16) as u8, (n >> 8) as u8, n as u8];
        out.extend_from_slice(&bytes[..3 - pad]);
    }
    Some(out)
}

pub(crate) fn base64encode(args: &[Value]) -> FnResult {
    let mut a = Args::new(args);
    let s = a.string(0, "str")?;
    if let Some(u) = a.unknown_result() {
        return Ok(u);
    }
    budget::check_bytes(SLOT + (s.len() as u64).div_ceil(3) * 4)?;
    a.ok(Value::string(base64_encode(s.as_bytes())))
}

pub(crate) fn base64decode(args: &[Value]) -> FnResult {
    let mut a = Args::new(args);
    let s = a.string(0, "str")?;
    if let Some(u) = a.unknown_result() {
        return Ok(u);
    }
    let bytes =
        base64_decode(&s).ok_or_else(|| invalid(0, "str", "the given value is not a valid base64-encoded string"))?;
    let text = String::from_utf8(bytes)
        .map_err(|_| invalid(0, "str", "the result of decoding the provided string is not valid UTF-8"))?;
    a.ok(Value::string(text))
}

/// `urlencode(str)`: Go's `url.QueryEscape` (spaces become `+`).
pub(crate) fn urlencode(args: &[Value]) -> FnResult {
    let mut a = Args::new(args);
    let s = a.string(0, "str")?;
    if let Some(u) = a.unknown_result() {
        return Ok(u);
    }
    budget::check_bytes(SLOT + 3 * s.len() as u64)?;
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => out.push(b as char),
            b' ' => out.push('+'),
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    a.ok(Value::string(out))
}

#[cfg(test)]
mod tests {
    use super::super::helpers::testing::*;
    use tfgate_plan::Value;

    /// The escaping written character by character (the first form).
    fn escaped_char_by_char(s: &str) -> String {
        let mut out = String::from('"');
        for c in s.chars() {
            match c {
                '"' => out.push_str("\\\""),
                '\\' => out.push_str("\\\\"),
                '\n' => out.push_str("\\n"),
                '\r' => out.push_str("\\r"),
                '\t' => out.push_str("\\t"),
                '\u{8}' => out.push_str("\\b"),
                '\u{c}' => out.push_str("\\f"),
                '<' | '>' | '&' | '\u{2028}' | '\u{2029}' => out.push_str(&format!("\\u{:04x}", c as u32)),
                c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
                c => out.push(c),
            }
        }
        out.push('"');
        out
    }

    #[test]
    fn json_strings_are_escaped_as_character_by_character() {
        let mut cases: Vec<String> = (0u32..0x80).filter_map(char::from_u32).map(String::from).collect();
        cases.extend(
            [
                "",
                "plain",
                "a\"b\\c",
                "<a href=\"x\">&amp;</a>",
                "tab\there\nnewline\r\u{8}\u{c}\u{1}\u{1f}\u{7f}",
                "\u{2028}\u{2029}",
                "x\u{2027}y\u{202a}z",
                "é€😀\u{2028}é",
                "\u{e2}\u{80}",
                "\u{20ac}\u{2080}\u{28a8}",
                "trailing<",
                ">leading",
                "ünïcödé & <tags>",
            ]
            .map(String::from),
        );
        for s in cases {
            let mut out = String::new();
            super::write_json_string(&s, &mut out);
            assert_eq!(out, escaped_char_by_char(&s), "{s:?}");
        }
    }

    const IAM_OBJECT_STATEMENT: &str = r#"{
      "Version": "2012-10-17",
      "Statement": {
        "Effect": "Allow",
        "Action": "s3:*",
        "Resource": "*"
      }
    }"#;

    const IAM_LIST_STATEMENT: &str = r#"{
      "Version": "2012-10-17",
      "Statement": [
        {"Sid": "Read", "Effect": "Allow", "Action": ["s3:GetObject", "s3:ListBucket"],
         "Resource": ["arn:aws:s3:::b", "arn:aws:s3:::b/*"],
         "Condition": {"Bool": {"aws:SecureTransport": "false"}}},
        {"Effect": "Deny", "NotAction": "iam:*", "Principal": {"AWS": "*"}, "Resource": "*"}
      ]
    }"#;

    #[test]
    fn jsondecode_iam_policies() {
        let doc = ok("jsondecode", vec![s(IAM_OBJECT_STATEMENT)]);
        assert_eq!(doc.get("Statement").and_then(|st| st.get("Action")), Some(&s("s3:*")));
        let doc = ok("jsondecode", vec![s(IAM_LIST_STATEMENT)]);
        let st = doc.get("Statement").unwrap().as_list().unwrap();
        assert_eq!(st.len(), 2);
        assert_eq!(st[0].get("Action"), Some(&strs(&["s3:GetObject", "s3:ListBucket"])));
        assert_eq!(st[1].get("NotAction"), Some(&s("iam:*")));
        assert_eq!(
            st[0].get("Condition").and_then(|c| c.get("Bool")).and_then(|c| c.get("aws:SecureTransport")),
            Some(&s("false"))
        );
    }

    #[test]
    fn jsondecode_scalars() {
        assert_eq!(ok("jsondecode", vec![s("42")]), n(42));
        assert_eq!(ok("jsondecode", vec![s("1.5")]), f(1.5));
        assert_eq!(ok("jsondecode", vec![s("null")]), null());
        assert_eq!(ok("jsondecode", vec![s("true")]), b(true));
        assert_eq!(ok("jsondecode", vec![s("18446744073709551615")]).to_string(), "18446744073709551615");
        assert!(err("jsondecode", vec![s("{nope")]).contains("invalid JSON"));
        assert!(!err("jsondecode", vec![sens(s("{hunter2"))]).contains("hunter2"));
    }

    #[test]
    fn jsonencode_terraform_style() {
        let v = obj(vec![("b", l(vec![n(1), f(2.5), b(true), null()])), ("a", s("<x>&\n"))]);
        assert_eq!(ok("jsonencode", vec![v]), s(r#"{"a":"\u003cx\u003e\u0026\n","b":[1,2.5,true,null]}"#));
        assert_eq!(ok("jsonencode", vec![null()]), s("null"));
        assert_eq!(ok("jsonencode", vec![l(vec![unk()])]), unk());
        assert_eq!(ok("jsonencode", vec![l(vec![sens(s("x"))])]), sens(s("[\"x\"]")));
        // Round trip.
        let doc = ok("jsondecode", vec![s(IAM_LIST_STATEMENT)]);
        let text = ok("jsonencode", vec![doc.clone()]);
        assert_eq!(ok("jsondecode", vec![text]), doc);
    }

    #[test]
    fn base64_round_trips() {
        for (plain, enc) in
            [("", ""), ("f", "Zg=="), ("fo", "Zm8="), ("foo", "Zm9v"), ("Hello World", "SGVsbG8gV29ybGQ=")]
        {
            assert_eq!(ok("base64encode", vec![s(plain)]), s(enc));
            assert_eq!(ok("base64decode", vec![s(enc)]), s(plain));
        }
        assert_eq!(ok("base64decode", vec![s("aMOp")]), s("hé"));
        assert!(err("base64decode", vec![s("Zm9")]).contains("not a valid base64"));
        assert!(err("base64decode", vec![s("Z=9v")]).contains("not a valid base64"));
        assert!(err("base64decode", vec![s("/w==")]).contains("UTF-8"));
        assert_eq!(ok("base64encode", vec![sens(s("x"))]), sens(s("eA==")));
        assert_eq!(ok("base64decode", vec![unk()]), unk());
    }

    #[test]
    fn urlencode_like_go() {
        assert_eq!(ok("urlencode", vec![s("Hello World!")]), s("Hello+World%21"));
        assert_eq!(ok("urlencode", vec![s("☃")]), s("%E2%98%83"));
        assert_eq!(ok("urlencode", vec![s("a-b_c.d~e/f")]), s("a-b_c.d~e%2Ff"));
    }

    #[test]
    fn valuetostring_renders() {
        assert_eq!(ok("valuetostring", vec![s("t3.micro")]), s("t3.micro"));
        assert_eq!(ok("valuetostring", vec![n(3)]), s("3"));
        assert_eq!(ok("valuetostring", vec![b(false)]), s("false"));
        assert_eq!(ok("valuetostring", vec![null()]), s("(null)"));
        assert_eq!(ok("valuetostring", vec![unk()]), s("(unknown)"));
        assert_eq!(
            ok("valuetostring", vec![obj(vec![("a", strs(&["x"])), ("b", obj(vec![]))])]),
            s("{\n  \"a\": [\n    \"x\"\n  ],\n  \"b\": {}\n}")
        );
        assert!(ok("valuetostring", vec![l(vec![sens(n(1))])]).sensitive);
        let _ = Value::null();
    }
}
