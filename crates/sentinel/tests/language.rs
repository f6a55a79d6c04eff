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
    break_outside_loop,
    builtins,
    comparison,
    continue_outside_loop,
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
    return_outside_function,
    rule_values,
    rules,
    scope,
    scope_for_block,
    selector_assignment,
    set_operator_error,
    set_operators,
    spread_arguments,
    spread_arity,
    spread_not_a_list,
    spread_not_last,
    undefined,
    undefined_variable,
);

/// The Sentinel fixtures folder (see sentinel-common: never copied into the
/// repository). `None` when it is missing outside CI.
fn fixtures_dir() -> Option<std::path::PathBuf> {
    tfgate_test_support::sentinel_fixtures()
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

struct Shared(Value);

impl tfgate_sentinel::Imports for Shared {
    fn resolve(&self, name: &str) -> Option<Value> {
        (name == "m").then(|| self.0.clone())
    }
}

#[test]
fn policies_on_several_threads_may_share_a_module_rule() {
    // A module's namespace is shared; its rule is evaluated by whichever
    // policy needs it first, and others at the same moment get its value
    // too (not a false "refers to itself" cycle).
    let module = Program::parse("m.sentinel", "slow = rule { all range(100000) as i { i >= 0 } }").unwrap();
    let ns = tfgate_sentinel::load_module(&module, &NoImports, &Limits::default()).unwrap();
    let policy = Program::parse("p.sentinel", "import \"m\"\nmain = rule { m.slow }").unwrap();
    let barrier = std::sync::Barrier::new(6);
    std::thread::scope(|s| {
        let handles: Vec<_> = (0..6)
            .map(|_| {
                s.spawn(|| {
                    barrier.wait();
                    evaluate(&policy, &Shared(ns.clone()), &IndexMap::new(), &Limits::default())
                })
            })
            .collect();
        for h in handles {
            let ev = h.join().unwrap();
            assert!(ev.passed(), "{:?}", ev.outcome);
        }
    });
}

/// Timing: `cargo test --release -p tfgate-sentinel --test language -- --ignored --nocapture`.
#[test]
#[ignore = "timing; run in release with --ignored --nocapture"]
fn filter_map_all_over_100k_resources_timing() {
    use tfgate_sentinel::{Key, Map};
    let n = 100_000;
    let resources = (0..n).map(|i| {
        let tags = Value::map_from([("env", Value::string(if i % 2 == 0 { "prod" } else { "dev" }))]);
        let after = Value::map_from([("tags", tags), ("size", Value::Int(i as i64))]);
        let change = Value::map_from([("actions", Value::list(vec![Value::string("create")])), ("after", after)]);
        let kind = if i % 4 == 0 { "aws_s3_bucket" } else { "aws_instance" };
        let r = Value::map_from([
            ("address", Value::string(format!("{kind}.r{i}"))),
            ("type", Value::string(kind)),
            ("change", change),
        ]);
        (Key::from(format!("{kind}.r{i}")), r)
    });
    let plan = Shared(Value::map_from([("resources", Value::Map(Map::from_pairs(resources)))]));
    let src = r#"import "m"
found = filter m.resources as _, r { r.type is "aws_instance" and r.change.after.tags.env is not "prod" and r.change.actions contains "create" }
addresses = map found as _, r { r.address }
main = rule { length(found) == 50000 and length(addresses) == 50000 and all m.resources as _, r { r.change.after.size >= 0 } }
"#;
    let p = Program::parse("bench.sentinel", src).unwrap();
    let mut ms = Vec::new();
    for _ in 0..5 {
        let t = std::time::Instant::now();
        let ev = evaluate(&p, &plan, &IndexMap::new(), &Limits::default());
        ms.push(t.elapsed().as_secs_f64() * 1000.0);
        assert!(ev.passed(), "{:?}", ev.outcome);
    }
    ms.sort_by(f64::total_cmp);
    println!("filter + map + all over {n} resources (250k iterations): median {:.1} ms", ms[2]);
}

#[test]
fn random_token_soup_never_panics() {
    // Deterministic xorshift so a failure reproduces.
    let mut state: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    let vocab = [
        "x",
        "y",
        "f",
        "main",
        "=",
        "+=",
        "rule",
        "{",
        "}",
        "(",
        ")",
        "[",
        "]",
        ",",
        ":",
        ".",
        "\n",
        "1",
        "0",
        "-1",
        "2.5",
        "\"s\"",
        "`r`",
        "true",
        "false",
        "null",
        "undefined",
        "and",
        "or",
        "xor",
        "not",
        "!",
        "is",
        "empty",
        "defined",
        "in",
        "contains",
        "matches",
        "else",
        "when",
        "all",
        "any",
        "filter",
        "map",
        "as",
        "for",
        "if",
        "case",
        "return",
        "break",
        "continue",
        "func",
        "param",
        "default",
        "import",
        "+",
        "-",
        "*",
        "/",
        "%",
        "==",
        "<",
        ">=",
        "length",
        "append",
        "delete",
        "keys",
        "range",
        "print",
        "error",
        "int",
        "string",
        "#c\n",
        ";",
    ];
    let limits = Limits { max_steps: 20_000, ..Limits::default() };
    let mut parsed = 0;
    for _ in 0..3000 {
        let len = 1 + (next() % 40) as usize;
        let src: Vec<&str> = (0..len).map(|_| vocab[(next() % vocab.len() as u64) as usize]).collect();
        let src = src.join(" ");
        if let Ok(p) = Program::parse("soup.sentinel", &src) {
            parsed += 1;
            let _ = evaluate(&p, &NoImports, &IndexMap::new(), &limits);
            let _ = tfgate_sentinel::load_module(&p, &NoImports, &limits);
        }
    }
    assert!(parsed > 0, "the generator should produce some valid programs");
}

#[test]
fn truncated_fixture_files_never_panic_the_parser() {
    let Some(dir) = fixtures_dir() else { return };
    let mut files = Vec::new();
    sentinel_files(&dir, &mut files);
    for f in files.iter().step_by(25) {
        let src = std::fs::read_to_string(f).unwrap();
        let cuts: Vec<usize> = (0..src.len()).step_by(97).filter(|&i| src.is_char_boundary(i)).collect();
        for cut in cuts {
            let _ = Program::parse("cut.sentinel", &src[..cut]);
        }
    }
}

#[test]
fn self_sharing_values_and_map_growth_stay_bounded() {
    // 2^60 logical elements: printing and comparing must stop, not hang.
    let src = "a = [1]\nb = [1]\nfor range(60) as i {\n  a = [a, a]\n  b = [b, b]\n}\nprint(a)\nmain = rule { a == b }";
    let ev = eval_with(src, &Limits::default());
    assert!(ev.prints.len() < 5 << 20 && ev.prints.contains("...") && ev.prints.ends_with("]\n"));
    assert_eq!(ev.outcome.map(|v| format_value(&v)), Ok("undefined".to_string()));
    // A map grown key by key stops at the size limit.
    let limits = Limits { max_value_bytes: 1 << 16, ..Limits::default() };
    let e =
        eval_with("m = {}\nfor range(2000) as i {\n  m[i] = i\n}\nmain = rule { true }", &limits).outcome.unwrap_err();
    assert!(e.message.contains("value too large"), "{e}");
    assert_eq!(e.line, 3);
}
