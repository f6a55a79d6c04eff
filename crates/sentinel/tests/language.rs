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
        if let Some((_, want)) = line.split_once("// =>") {
            expected_prints.push(want.strip_prefix(' ').unwrap_or(want).trim_end().to_string());
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

cases!(
    append_not_a_list,
    arithmetic,
    arithmetic_type_error,
    assignment,
    assignment_list_out_of_range,
    assignment_not_a_collection,
    assignment_unknown_variable,
    builtins,
    comparison,
    control_flow,
    delete_not_a_map,
    division_by_zero,
    else_operator,
    emptiness,
    error_builtin,
    for_not_a_collection,
    function_arity,
    function_without_return,
    functions,
    import_after_statement,
    import_missing,
    index_error,
    index_slice,
    lex_error_string,
    literals,
    main_rule,
    matches,
    matches_error,
    no_main,
    param_after_statement,
    param_conflict,
    param_required,
    params,
    parse_error_place,
    parse_error_unexpected,
    precedence,
    print,
    quantifiers,
    rule_values,
    rules,
    scope,
    scope_for_block,
    selector_assignment,
    set_operator_error,
    set_operators,
    undefined,
    undefined_variable,
);

/// The Sentinel fixtures folder (see sentinel-common: never copied into the
/// repository). `None` when it is missing outside CI.
fn fixtures_dir() -> Option<std::path::PathBuf> {
    let dir = match std::env::var("TFGATE_SENTINEL_FIXTURES") {
        Ok(d) => std::path::PathBuf::from(d),
        Err(_) => std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/fixtures/sentinel"),
    };
    if dir.is_dir() {
        return Some(dir);
    }
    if std::env::var("CI").as_deref() == Ok("true") {
        panic!("Sentinel fixtures not found at {}", dir.display());
    }
    eprintln!("skipped: Sentinel fixtures not found at {}", dir.display());
    None
}

fn sentinel_files(dir: &std::path::Path, out: &mut Vec<std::path::PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    let mut entries: Vec<_> = entries.flatten().map(|e| e.path()).collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            sentinel_files(&p, out);
        } else if p.extension().is_some_and(|e| e == "sentinel") {
            out.push(p);
        }
    }
}

#[test]
fn every_fixture_sentinel_file_parses() {
    let Some(dir) = fixtures_dir() else { return };
    let mut files = Vec::new();
    sentinel_files(&dir, &mut files);
    assert!(files.len() >= 386, "expected at least 386 .sentinel files under {}, found {}", dir.display(), files.len());
    let mut failures = Vec::new();
    for f in &files {
        let src = std::fs::read_to_string(f).unwrap();
        if let Err(d) = Program::parse(&f.display().to_string(), &src) {
            failures.push(d[0].to_string());
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} files failed to parse:\n{}",
        failures.len(),
        files.len(),
        failures.join("\n")
    );
}

struct AnyImport;

impl tfgate_sentinel::Imports for AnyImport {
    fn resolve(&self, _name: &str) -> Option<Value> {
        Some(Value::Map(tfgate_sentinel::Map::new()))
    }
}

#[test]
fn every_fixture_mock_file_loads_as_a_module() {
    let Some(dir) = fixtures_dir() else { return };
    let mut files = Vec::new();
    sentinel_files(&dir, &mut files);
    let mocks: Vec<_> =
        files.iter().filter(|f| f.file_name().is_some_and(|n| n.to_string_lossy().starts_with("mock-"))).collect();
    assert!(!mocks.is_empty());
    let mut failures = Vec::new();
    for f in &mocks {
        let src = std::fs::read_to_string(f).unwrap();
        let program = Program::parse(&f.display().to_string(), &src).unwrap();
        // Mocks import `strings` and `types` for their functions; loading
        // only needs the names to exist.
        match tfgate_sentinel::load_module(&program, &AnyImport, &Limits::default()) {
            Ok(v) => assert!(v.as_map().is_some_and(|m| !m.is_empty()), "{}: empty namespace", f.display()),
            Err(e) => failures.push(e.to_string()),
        }
    }
    assert!(failures.is_empty(), "{} of {} mocks failed:\n{}", failures.len(), mocks.len(), failures.join("\n"));
}

// ---- limits and hostile input: errors with a place, never a crash ----

fn eval_with(source: &str, limits: &Limits) -> tfgate_sentinel::Evaluation {
    let p = Program::parse("limits.sentinel", source).unwrap_or_else(|d| panic!("{}", d[0]));
    evaluate(&p, &NoImports, &IndexMap::new(), limits)
}

fn parse_err(source: &str) -> tfgate_sentinel::Diagnostic {
    match Program::parse("hostile.sentinel", source) {
        Ok(_) => panic!("expected a parse error"),
        Err(d) => d.into_iter().next().unwrap(),
    }
}

#[test]
fn deeply_nested_input_is_a_parse_error_not_a_stack_overflow() {
    for src in [
        format!("x = {}1{}", "(".repeat(100_000), ")".repeat(100_000)),
        format!("x = {}1", "-".repeat(100_000)),
        format!("x = {}{}", "[".repeat(100_000), "]".repeat(100_000)),
        format!("x = 1{}", " + 1".repeat(100_000)),
        format!("x = a{}", ".b".repeat(100_000)),
        format!("x = {}1{}", "{\"k\": ".repeat(100_000), "}".repeat(100_000)),
        format!("x = {}", "func() { return ".repeat(100_000)),
    ] {
        let d = parse_err(&src);
        assert!(d.message.contains("nesting too deep"), "{d}");
        assert_eq!(d.line, 1);
    }
}

#[test]
fn moderately_nested_expressions_parse_and_evaluate() {
    let src = format!(
        "x = {}1{}\ny = 0{}\nmain = rule {{ x == 1 and y == 200 }}",
        "(".repeat(150),
        ")".repeat(150),
        " + 1".repeat(200)
    );
    let ev = eval_with(&src, &Limits::default());
    assert_eq!(ev.outcome.map(|v| format_value(&v)), Ok("true".to_string()));
}

#[test]
fn unbounded_recursion_stops_at_the_call_depth_limit() {
    let src = "f = func(n) { return f(n + 1) }\nx = f(0)\nmain = rule { true }";
    let ev = eval_with(src, &Limits::default());
    let e = ev.outcome.unwrap_err();
    assert!(e.message.contains("call depth limit reached: more than 500 nested calls"), "{e}");
    assert_eq!((e.file.as_str(), e.line), ("limits.sentinel", 1));
}

#[test]
fn deep_expressions_inside_deep_recursion_stop_at_the_nesting_limit() {
    let deep = format!("{}n{}", "(".repeat(300), ")".repeat(300));
    let src = format!("f = func(n) {{ return f({deep} + 1) }}\nx = f(0)\nmain = rule {{ true }}");
    let ev = eval_with(&src, &Limits::default());
    let e = ev.outcome.unwrap_err();
    assert!(e.message.contains("limit reached"), "{e}");
}

#[test]
fn long_loops_stop_at_the_step_limit() {
    let src = "n = 0\nfor range(1000) as i {\n  for range(1000) as j { n += 1 }\n}\nmain = rule { true }";
    let limits = Limits { max_steps: 100_000, ..Limits::default() };
    let e = eval_with(src, &limits).outcome.unwrap_err();
    assert!(e.message.contains("execution limit reached: more than 100000 evaluation steps"), "{e}");
    assert_eq!(e.line, 3);
    // The same loop within a generous limit completes.
    let ev = eval_with(&src.replace("main = rule { true }", "main = rule { n == 1000000 }"), &Limits::default());
    assert!(ev.passed());
}

#[test]
fn values_growing_past_the_size_limit_stop_with_an_error() {
    let src = "s = \"xxxxxxxxxx\"\nfor range(40) as i {\n  s = s + s\n}\nmain = rule { true }";
    let limits = Limits { max_value_bytes: 1 << 20, ..Limits::default() };
    let e = eval_with(src, &limits).outcome.unwrap_err();
    assert!(e.message.contains("value too large"), "{e}");
    assert_eq!(e.line, 3);
    let l = "l = [1]\nfor range(40) as i {\n  l += l\n}\nmain = rule { true }";
    assert!(eval_with(l, &limits).outcome.unwrap_err().message.contains("value too large"));
    let r = eval_with("l = range(100000000)\nmain = rule { true }", &limits).outcome.unwrap_err();
    assert!(r.message.contains("value too large"), "{r}");
}

#[test]
fn a_rule_that_refers_to_itself_is_an_error() {
    let e = eval_with("r = rule { r }\nmain = rule { r }", &Limits::default()).outcome.unwrap_err();
    assert!(e.message.contains("rule refers to itself"), "{e}");
}

#[test]
fn a_policy_building_a_very_deep_value_neither_crashes_nor_hangs() {
    let src = "a = []\nb = []\nfor range(300000) as i {\n  a = [a]\n  b = [b]\n}\nc = a\nprint(length(a), a == c)\nmain = rule { a == b }";
    let ev = eval_with(src, &Limits::default());
    assert_eq!(ev.prints, "1 true\n");
    // Identical values are equal; past the comparison depth a structural
    // comparison is undefined rather than a crash.
    assert_eq!(ev.outcome.map(|v| format_value(&v)), Ok("undefined".to_string()));
}

#[test]
fn runtime_errors_do_not_echo_the_values_they_reject() {
    // A plan value may be sensitive; error messages name types, not contents.
    for expr in ["int(secret)", "float(secret)", "bool(secret)", "\"x\" matches secret"] {
        let src = format!("secret = \"hunter2(\"\nx = {expr}\nmain = rule {{ true }}");
        let e = eval_with(&src, &Limits::default()).outcome.unwrap_err();
        assert!(!e.message.contains("hunter2"), "{expr}: {e}");
        assert_eq!(e.line, 2, "{expr}: {e}");
    }
}

#[test]
fn rule_results_name_each_rule_where_it_is_declared_in_evaluation_order() {
    let src = "# Checks things.\n# Second line.\n\nimport_free = 1\n  inner = rule { true }\nmain = rule {\n  inner and false\n}\n";
    let p = Program::parse("p.sentinel", src).unwrap();
    assert_eq!(p.description(), Some("Checks things.\nSecond line."));
    let ev = evaluate(&p, &NoImports, &IndexMap::new(), &Limits::default());
    let got: Vec<_> =
        ev.rules.iter().map(|r| (r.name.as_str(), format_value(&r.value), r.file.as_str(), r.line, r.column)).collect();
    assert_eq!(got, vec![("inner", "true".into(), "p.sentinel", 5, 3), ("main", "false".into(), "p.sentinel", 6, 1)]);
    assert!(!ev.passed());
    assert_eq!(Program::parse("q", "x = 1 # not leading\nmain = rule { true }").unwrap().description(), None);
    assert_eq!(
        Program::parse("q", "/* Block\n * text */\nmain = rule { true }").unwrap().description(),
        Some("Block\ntext")
    );
}
