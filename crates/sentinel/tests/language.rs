//! Data-driven language cases: one `.sentinel` file per construct under
//! `tests/language/`. A file states what it expects in comments:
//!
//! - `print(x)   // => text`: the lines `print` writes, in order;
//! - `//! main = value`: the value of `main`, as `print` shows it;
//! - `//! rule NAME = value`: a rule's value, as `print` shows it;
//! - `//! error: text`: the run stops with an error containing `text`;
//! - `//! at: LINE:COLUMN`: the error's (or parse error's) place;
//! - `//! parse-error: text`: parsing fails with a message containing `text`;
//! - `//! param NAME = value`: a parameter override (an int, a string in
//!   quotes, true or false).
//!
//! Every expectation comes from the Sentinel documentation; each file cites
//! the page it follows.

use indexmap::IndexMap;
use tfgate_sentinel::{evaluate, format_value, Limits, NoImports, Program, Value};

fn run_case(name: &str) {
    let path = format!("{}/tests/language/{name}.sentinel", env!("CARGO_MANIFEST_DIR"));
    let source = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    let mut expected_prints = Vec::new();
    let mut expected_main = None;
    let mut expected_rules = Vec::new();
    let mut expected_error = None;
    let mut expected_at = None;
    let mut expected_parse_error = None;
    let mut params = IndexMap::new();
    for line in source.lines() {
        if let Some((_, want)) = line.split_once("// => ") {
            expected_prints.push(want.trim_end().to_string());
        }
        let Some(d) = line.trim_start().strip_prefix("//! ") else { continue };
        if let Some(v) = d.strip_prefix("main = ") {
            expected_main = Some(v.to_string());
        } else if let Some(r) = d.strip_prefix("rule ") {
            let (n, v) = r.split_once(" = ").expect("rule NAME = value");
            expected_rules.push((n.to_string(), v.to_string()));
        } else if let Some(v) = d.strip_prefix("error: ") {
            expected_error = Some(v.to_string());
        } else if let Some(v) = d.strip_prefix("at: ") {
            let (l, c) = v.split_once(':').expect("at: LINE:COLUMN");
            expected_at = Some((l.parse::<u32>().unwrap(), c.parse::<u32>().unwrap()));
        } else if let Some(v) = d.strip_prefix("parse-error: ") {
            expected_parse_error = Some(v.to_string());
        } else if let Some(p) = d.strip_prefix("param ") {
            let (n, v) = p.split_once(" = ").expect("param NAME = value");
            let val = if let Some(s) = v.strip_prefix('"') {
                Value::string(s.trim_end_matches('"'))
            } else if let Ok(i) = v.parse::<i64>() {
                Value::Int(i)
            } else {
                Value::Bool(v == "true")
            };
            params.insert(n.to_string(), val);
        }
    }
    let file = format!("{name}.sentinel");
    let program = match Program::parse(&file, &source) {
        Ok(p) => {
            assert!(expected_parse_error.is_none(), "{name}: expected a parse error, parsing succeeded");
            p
        }
        Err(diags) => {
            let d = &diags[0];
            let want = expected_parse_error.unwrap_or_else(|| panic!("{name}: unexpected parse error: {d}"));
            assert!(d.message.contains(&want), "{name}: parse error {d} does not contain {want:?}");
            assert_eq!(d.file, file);
            if let Some((l, c)) = expected_at {
                assert_eq!((d.line, d.column), (l, c), "{name}: parse error place ({d})");
            }
            return;
        }
    };
    let ev = evaluate(&program, &NoImports, &params, &Limits::default());
    let prints: Vec<&str> = ev.prints.lines().collect();
    assert_eq!(prints, expected_prints, "{name}: prints");
    match (&ev.outcome, &expected_error) {
        (Err(e), Some(want)) => {
            assert!(e.message.contains(want.as_str()), "{name}: error {e} does not contain {want:?}");
            if let Some((l, c)) = expected_at {
                assert_eq!((e.line, e.column), (l, c), "{name}: error place ({e})");
            }
        }
        (Err(e), None) => panic!("{name}: unexpected error: {e}"),
        (Ok(v), Some(want)) => panic!("{name}: expected an error containing {want:?}, main was {}", format_value(v)),
        (Ok(v), None) => {
            if let Some(m) = &expected_main {
                assert_eq!(&format_value(v), m, "{name}: main");
            }
        }
    }
    for (n, want) in &expected_rules {
        let got =
            ev.rules.iter().find(|r| &r.name == n).unwrap_or_else(|| panic!("{name}: rule {n} was not evaluated"));
        assert_eq!(&format_value(&got.value), want, "{name}: rule {n}");
    }
}

macro_rules! cases {
    ($($name:ident),* $(,)?) => {
        $(
            #[test]
            fn $name() {
                run_case(stringify!($name));
            }
        )*
    };
}

cases!(main_rule);
