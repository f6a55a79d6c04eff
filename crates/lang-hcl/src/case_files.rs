//! Data-driven evaluator tests: every `tests/cases/*.hcl` file holds
//! `case "name" { … }` blocks:
//!
//! ```hcl
//! case "unknown plus one is unknown" {
//!   vars      = { u = "<unknown>", s = { __sensitive = "hunter2" } }
//!   expr      = u + 1            # the expression under test, written as HCL
//!   expect    = "<unknown>"      # expected value (marks ignored here)
//!   sensitive = false            # whether the result contains a sensitive value (default false)
//! }
//! ```
//!
//! Other keys: `expect_error = "substring"`, `message = true` (render `expr`
//! as an `error_message` and compare the text), `max_steps = N`, `max_depth = N`,
//! `hidden = ["text", …]` (more strings that must appear in no error message
//! and no displayed result).
//!
//! Every case also checks that neither its error message nor its result as
//! displayed or written as JSON shows the test secret `hunter2` in any form
//! (as is, upper case, reversed, base64, hex): whatever a case does with a
//! secret, nothing derived from it may be printed.
//! Markers inside `vars` and `expect`: the string `"<unknown>"` is an unknown
//! value, `{ __sensitive = v }` is `v` marked sensitive.

use std::collections::BTreeMap;
use std::path::Path;

use crate::diagnostic::SourceFile;
use crate::eval::{Limits, ResourceSource};
use crate::load::const_eval;
use crate::parse::{parse_file, RawBlock};
use crate::run::{evaluate_expression, render_message};
use tfgate_plan::{Kind, Value};

/// Two `aws_s3_bucket`s, one `aws_instance` and one `aws_db_instance` with a
/// sensitive password, for `getresources` cases.
struct Fixture;

impl ResourceSource for Fixture {
    fn resources(&self, t: &str) -> Vec<Value> {
        let bucket = |name: &str, acl: Value| Value::object_from([("bucket", Value::string(name)), ("acl", acl)]);
        match t {
            "aws_s3_bucket" => {
                vec![bucket("logs", Value::string("private")), bucket("www", Value::string("public-read"))]
            }
            "aws_instance" => {
                vec![Value::object_from([("id", Value::unknown()), ("instance_type", Value::string("t3.micro"))])]
            }
            "aws_db_instance" => vec![Value::object_from([
                ("engine", Value::string("postgres")),
                ("password", Value::string("hunter2").into_sensitive()),
            ])],
            _ => Vec::new(),
        }
    }
}

/// Applies the markers.
fn decode(v: Value) -> Value {
    match v.kind {
        Kind::String(s) if s == "<unknown>" => Value::unknown(),
        Kind::Object(o) if o.len() == 1 && o.contains_key("__sensitive") => {
            decode(o.into_iter().next().expect("one pair").1).into_sensitive()
        }
        Kind::Object(o) => Value::object(o.into_iter().map(|(k, v)| (k, decode(v))).collect()),
        Kind::List(items) => Value::list(items.into_iter().map(decode).collect()),
        kind => Value::new(kind),
    }
}

/// Structural equality ignoring marks; numbers compare by value.
fn same(a: &Value, b: &Value) -> bool {
    match (&a.kind, &b.kind) {
        (Kind::List(x), Kind::List(y)) => x.len() == y.len() && x.iter().zip(y).all(|(l, r)| same(l, r)),
        (Kind::Object(x), Kind::Object(y)) => {
            x.len() == y.len() && x.iter().zip(y.iter()).all(|((k1, v1), (k2, v2))| k1 == k2 && same(v1, v2))
        }
        (x, y) => x == y,
    }
}

/// Shows a value with its marks, for failure messages (test data only).
fn show(v: &Value) -> String {
    let inner = match &v.kind {
        Kind::List(items) => format!("[{}]", items.iter().map(show).collect::<Vec<_>>().join(", ")),
        Kind::Object(o) => {
            format!("{{{}}}", o.iter().map(|(k, v)| format!("{k} = {}", show(v))).collect::<Vec<_>>().join(", "))
        }
        _ => Value { kind: v.kind.clone(), sensitive: false }.to_string(),
    };
    if v.sensitive {
        format!("sensitive({inner})")
    } else {
        inner
    }
}

/// The test secret `hunter2` as it is, upper case, reversed, in base64
/// (of the secret alone, without padding) and in hex.
const SECRET_FORMS: &[&str] = &["hunter2", "HUNTER2", "2retnuh", "aHVudGVyMg", "68756e74657232"];

fn run_case(file: &SourceFile, b: &RawBlock) -> Result<(), String> {
    let attr = |n: &str| b.body.attrs.iter().find(|a| a.name == n);
    let constant = |n: &str| -> Option<Value> {
        attr(n).map(|a| const_eval(&a.expr).unwrap_or_else(|e| panic!("{}: bad `{n}`: {e}", file.name())))
    };
    let vars: BTreeMap<String, Value> = match constant("vars").map(|v| v.kind) {
        Some(Kind::Object(o)) => o.into_iter().map(|(k, v)| (k, decode(v))).collect(),
        None => BTreeMap::new(),
        Some(_) => return Err("`vars` must be an object".into()),
    };
    let expr = &attr("expr").ok_or("missing `expr`")?.expr;
    let mut limits = Limits::default();
    if let Some(n) = constant("max_steps").and_then(|v| v.as_number().and_then(|n| n.as_i64())) {
        limits.max_steps = n as u64;
    }
    if let Some(n) = constant("max_depth").and_then(|v| v.as_number().and_then(|n| n.as_i64())) {
        limits.max_depth = n as usize;
    }
    let message = constant("message").and_then(|v| v.as_bool()).unwrap_or(false);
    let mut hidden: Vec<String> = SECRET_FORMS.iter().map(|s| s.to_string()).collect();
    if let Some(extra) = constant("hidden") {
        let items = extra.as_list().ok_or("`hidden` must be a list of strings")?;
        hidden.extend(
            items
                .iter()
                .map(|i| i.as_str().map(str::to_string).ok_or("`hidden` must be a list of strings"))
                .collect::<Result<Vec<_>, _>>()?,
        );
    }
    let result = if message {
        render_message(expr, &vars, limits).map(Value::string)
    } else {
        evaluate_expression(expr, &vars, &Fixture, limits)
    };
    let shown = match &result {
        Err(e) => e.message.clone(),
        Ok(v) => format!("{v}\n{}", v.to_redacted_json()),
    };
    if let Some(h) = hidden.iter().find(|h| shown.contains(h.as_str())) {
        return Err(format!("the output shows a secret ({h:?}): {shown}"));
    }
    if let Some(want) = constant("expect_error") {
        let want = want.as_str().ok_or("`expect_error` must be a string")?.to_string();
        return match result {
            Err(e) if e.message.contains(&want) => Ok(()),
            Err(e) => Err(format!("expected an error containing {want:?}, got error {:?}", e.message)),
            Ok(v) => Err(format!("expected an error containing {want:?}, got {}", show(&v))),
        };
    }
    let got = result.map_err(|e| format!("unexpected error: {}", e.message))?;
    let want = decode(constant("expect").ok_or("missing `expect` or `expect_error`")?);
    if !same(&got, &want) {
        return Err(format!("expected {}, got {}", show(&want), show(&got)));
    }
    let want_sensitive = constant("sensitive").and_then(|v| v.as_bool()).unwrap_or(false);
    if got.contains_sensitive() != want_sensitive {
        return Err(format!("expected sensitive = {want_sensitive}, got {}", show(&got)));
    }
    if message && got.as_str().is_some_and(|s| s.contains("hunter2")) {
        return Err("a message shows a secret".into());
    }
    Ok(())
}

#[test]
fn evaluator_cases() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/cases");
    let mut paths: Vec<_> = std::fs::read_dir(&dir).expect("cases dir").map(|e| e.expect("entry").path()).collect();
    paths.sort();
    let mut total = 0;
    let mut failures = Vec::new();
    for path in paths.iter().filter(|p| p.extension().is_some_and(|e| e == "hcl")) {
        let text = std::fs::read_to_string(path).expect("read case file");
        let file = SourceFile::new(path.file_name().unwrap().to_string_lossy(), text);
        let body = parse_file(&file).unwrap_or_else(|d| panic!("{}", d.render()));
        assert!(body.attrs.is_empty(), "{}: only case blocks are allowed", file.name());
        for b in &body.blocks {
            assert_eq!(b.ident, "case", "{}: only case blocks are allowed", file.name());
            total += 1;
            if let Err(e) = run_case(&file, b) {
                let line = file.location(b.span.start).line;
                failures.push(format!("{}:{line} case {:?}: {e}", file.name(), b.labels[0].0));
            }
        }
    }
    assert!(failures.is_empty(), "{} of {total} cases failed:\n{}", failures.len(), failures.join("\n"));
    assert!(total >= 100, "only {total} cases found");
    println!("{total} evaluator cases passed");
}
