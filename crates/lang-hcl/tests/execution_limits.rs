//! Execution limits (in the style of regorus' `execution_limits` tests):
//! every runaway policy must stop with the expected error kind, and every
//! arithmetic or recursion edge that once panicked or overflowed the stack
//! must give a clear error instead.

use std::collections::BTreeMap;

use tfgate_lang_hcl::{
    load_policy_source, EvalError, EvalErrorKind, Evaluator, Expression, Limits, NoResources, PolicyError, PolicyFile,
    PolicyOutcome, SourceFile, Status, Target, TargetKind,
};
use tfgate_plan::Value;

fn eval(src: &str) -> Result<Value, EvalError> {
    eval_with(src, Limits::default())
}

fn eval_with(src: &str, limits: Limits) -> Result<Value, EvalError> {
    let e = Expression::parse(&SourceFile::new("case.hcl", src)).unwrap_or_else(|d| panic!("{}", d.render()));
    e.evaluate(&BTreeMap::new(), &NoResources, limits)
}

fn eval_vars(src: &str, vars: &[(&str, Value)]) -> Result<Value, EvalError> {
    let e = Expression::parse(&SourceFile::new("case.hcl", src)).unwrap_or_else(|d| panic!("{}", d.render()));
    let vars: BTreeMap<String, Value> = vars.iter().map(|(k, v)| (k.to_string(), v.clone())).collect();
    e.evaluate(&vars, &NoResources, Limits::default())
}

/// 2^63: one past i64::MAX.
const TWO_63: f64 = (1u64 << 63) as f64;

fn num(v: &Value) -> f64 {
    v.as_number().unwrap_or_else(|| panic!("not a number: {v:?}")).as_f64()
}

// ---- arithmetic edges that once panicked ----

#[test]
fn min_int_divided_by_minus_one_does_not_panic() {
    // Terraform numbers are arbitrary precision: 2^63, here as the nearest f64.
    for src in [
        "-9223372036854775808 / -1",
        "tonumber(\"-9223372036854775808\") / -1",
        "parseint(\"-9223372036854775808\", 10) / -1",
        "parseint(\"-8000000000000000\", 16) / -1",
    ] {
        let v = eval(src).unwrap_or_else(|e| panic!("{src}: {e}"));
        assert_eq!(num(&v), TWO_63, "{src}");
    }
    let v = eval_vars("x / -1", &[("x", Value::number(i64::MIN))]).unwrap();
    assert_eq!(num(&v), TWO_63);
    assert_eq!(num(&eval("-9223372036854775808 / 2").unwrap()), -TWO_63 / 2.0);
}

#[test]
fn min_int_siblings_do_not_panic() {
    let m = ("x", Value::number(i64::MIN));
    assert_eq!(num(&eval_vars("x % -1", std::slice::from_ref(&m)).unwrap()), 0.0);
    assert_eq!(num(&eval_vars("-x", std::slice::from_ref(&m)).unwrap()), TWO_63);
    assert_eq!(num(&eval_vars("x - 1", std::slice::from_ref(&m)).unwrap()), -TWO_63);
    assert_eq!(num(&eval_vars("x * -1", std::slice::from_ref(&m)).unwrap()), TWO_63);
    assert_eq!(eval_vars("abs(x)", std::slice::from_ref(&m)).unwrap().to_string(), "9223372036854775808");
    assert_eq!(num(&eval_vars("pow(x, 2)", std::slice::from_ref(&m)).unwrap()), TWO_63 * TWO_63);
    assert_eq!(num(&eval_vars("ceil(x)", std::slice::from_ref(&m)).unwrap()), -TWO_63);
    assert!(eval("pow(2, 9223372036854775807)").unwrap_err().message.contains("not a finite number"));
    assert!(eval("1e308 * 10").unwrap_err().message.contains("out of range"));
    assert!(eval_vars("x % 0", &[m]).unwrap_err().message.contains("modulo by zero"));
}

#[test]
fn huge_arguments_to_functions_do_not_panic() {
    for (src, want) in [
        ("cidrsubnet(\"10.0.0.0/8\", 9223372036854775807, 1)", "insufficient address space"),
        ("cidrsubnets(\"10.0.0.0/8\", 9223372036854775807)", "insufficient address space"),
        ("cidrsubnet(\"10.0.0.0/8\", 8, -9223372036854775808)", "does not accommodate"),
        ("cidrhost(\"10.0.0.0/8\", -9223372036854775808)", "does not fit"),
        ("timeadd(\"2024-01-01T00:00:00Z\", \"-9223372036854775808h\")", "out of range"),
        ("timeadd(\"2024-01-01T00:00:00Z\", \"99999999999999999999h\")", "out of range"),
        ("timeadd(\"9999-12-31T23:59:59Z\", \"1h\")", "out of range"),
        ("range(-9223372036854775808, 9223372036854775807, 1)", "more than 1024 values"),
        ("format(\"%0999999999d\", 1)", "must not exceed"),
        ("format(\"%.999999999f\", 1)", "must not exceed"),
        ("element([1, 2], -9223372036854775808)", "negative index"),
        ("slice([1, 2], -9223372036854775808, 1)", "greater than or equal to 0"),
        ("[1, 2][-9223372036854775808]", "out of range"),
    ] {
        let e = eval(src).expect_err(src);
        assert!(e.message.contains(want), "{src}: {}", e.message);
    }
    for (src, want) in [
        ("substr(\"abc\", 9223372036854775807, 9223372036854775807)", "\"\""),
        ("substr(\"abc\", -9223372036854775808, 2)", "\"ab\""),
        ("substr(\"abc\", 1, -9223372036854775808)", "\"bc\""),
        ("range(0, 10, 9223372036854775807)", "[0]"),
        ("element([1, 2], 9223372036854775807)", "2"),
        ("chunklist([1, 2], 9223372036854775807)", "[[1, 2]]"),
    ] {
        let v = eval(src).unwrap_or_else(|e| panic!("{src}: {e}"));
        assert_eq!(v.to_string(), want, "{src}");
    }
}

// ---- recursion over user-controlled depth ----

/// `n` locals, each referring to the previous one.
fn local_chain(n: usize, last: &str) -> String {
    let mut src = String::from("locals {\n  l0 = 1\n");
    for i in 1..n {
        src.push_str(&format!("  l{i} = local.l{} + 1\n", i - 1));
    }
    src.push_str(&format!("  l{n} = {last}\n}}\n"));
    src.push_str(&format!(
        "resource_policy \"aws_instance\" \"chain\" {{\n  enforce {{\n    condition = local.l{n} > 0\n  }}\n}}\n"
    ));
    src
}

#[test]
fn a_chain_of_45000_locals_loads_and_stops_with_a_depth_error() {
    let f = load_policy_source("chain.policy.hcl", local_chain(45_000, "local.l44999")).expect("loads");
    let e = evaluate_first(&f).expect_err("too deep");
    assert_eq!(e.kind, EvalErrorKind::DepthLimit);
    assert!(e.message.contains("nesting deeper than 128"), "{}", e.message);
}

#[test]
fn a_cycle_at_the_end_of_a_long_chain_is_found() {
    // l45000 -> l0 closes nothing; make l0 refer to the last one instead.
    let src = local_chain(45_000, "local.l44999").replacen("l0 = 1", "l0 = local.l45000", 1);
    let Err(PolicyError::Invalid(d)) = load_policy_source("cycle.policy.hcl", src) else { panic!("no cycle found") };
    let cycle = d.iter().find(|x| x.message == "Cycle in local values").expect("cycle diagnostic");
    let label = cycle.label.as_deref().unwrap_or_default();
    assert!(label.starts_with("l0 -> l45000 -> l44999 -> "), "{}", &label[..80.min(label.len())]);
    assert!(label.ends_with(" -> l1 -> l0"));
}

fn evaluate_first(f: &PolicyFile) -> Result<Value, EvalError> {
    evaluate_first_with(f, Limits::default())
}

fn evaluate_first_with(f: &PolicyFile, limits: Limits) -> Result<Value, EvalError> {
    let ev = Evaluator::new(f, &BTreeMap::new(), &NoResources, limits).expect("inputs");
    let target = Target {
        kind: TargetKind::Resource,
        name: "aws_instance".into(),
        attrs: Value::object_from([("id", Value::string("i-1"))]),
        prior_attrs: Value::null(),
        meta: Value::object_from([("address", Value::string("aws_instance.x"))]),
        actions: vec!["create".into()],
    };
    match ev.evaluate(&f.policies[0], &target) {
        PolicyOutcome::Evaluated { results, .. } => match &results[0].error {
            Some(e) => Err(e.clone()),
            None => Ok(Value::bool(results[0].status == Status::Pass)),
        },
        other => panic!("{other:?}"),
    }
}

// ---- runaway policies: each must stop with the expected limit ----

/// A policy file with `locals` and one resource policy whose condition is
/// `condition`.
fn policy(locals: &str, condition: &str) -> PolicyFile {
    let src = format!(
        "locals {{\n{locals}\n}}\nresource_policy \"aws_instance\" \"runaway\" {{\n  enforce {{\n    condition = {condition}\n  }}\n}}\n"
    );
    load_policy_source("runaway.policy.hcl", src).unwrap_or_else(|e| panic!("{e}"))
}

/// `l0 = first`, then `n` locals each defined by `step` with `{prev}`
/// standing for the previous local and `{i}` for its own number.
fn doubling(first: &str, step: &str, n: usize) -> String {
    let mut s = format!("  l0 = {first}\n");
    for i in 1..=n {
        let def = step.replace("{prev}", &format!("local.l{}", i - 1)).replace("{i}", &i.to_string());
        s.push_str(&format!("  l{i} = {def}\n"));
    }
    s
}

/// Lower limits than the defaults, so that the debug-built tests stop
/// runaways quickly; the defaults are exercised by the tests that say so
/// (and were measured on a release build, see the report of the change).
fn small() -> Limits {
    Limits { max_steps: 200_000, max_value_bytes: 32 << 20, max_work: 32 << 20, ..Limits::default() }
}

#[track_caller]
fn stops_with(f: &PolicyFile, kind: EvalErrorKind, words: &str) -> EvalError {
    stops_with_limits(f, small(), kind, words)
}

#[track_caller]
fn stops_with_limits(f: &PolicyFile, limits: Limits, kind: EvalErrorKind, words: &str) -> EvalError {
    let e = evaluate_first_with(f, limits).expect_err("the runaway policy must stop");
    assert_eq!(e.kind, kind, "{}", e.message);
    assert!(e.message.contains(words), "{}", e.message);
    e
}

const VALUE_LIMIT: &str = "value size limit exceeded";
const WORK_LIMIT: &str = "work limit exceeded";

#[test]
fn forty_locals_doubling_a_string_stop_at_the_value_limit() {
    let f = policy(&doubling("\"xxxxxxxx\"", "\"${{prev}}${{prev}}\"", 40), "length(local.l40) > 0");
    // With the default limits.
    let e = stops_with_limits(&f, Limits::default(), EvalErrorKind::ValueLimit, VALUE_LIMIT);
    // The error names the limit, its flag and the place in the policy.
    assert!(e.message.contains("--max-value-bytes"), "{}", e.message);
    let d = f.diagnostic(&e).render();
    assert!(d.contains("runaway.policy.hcl:"), "{d}");
}

#[test]
fn forty_locals_doubling_a_list_with_concat_stop_at_the_value_limit() {
    let f = policy(&doubling("[\"x\"]", "concat({prev}, {prev})", 40), "length(local.l40) > 0");
    stops_with(&f, EvalErrorKind::ValueLimit, VALUE_LIMIT);
}

#[test]
fn forty_locals_doubling_an_object_stop_at_the_value_limit() {
    // New keys each time, so that the entries really double; no `for`
    // (which would meet the step limit first, as the next case does).
    let f = policy(
        &doubling(
            "{ a = 1 }",
            "zipmap(concat(keys({prev}), formatlist(\"%s-{i}\", keys({prev}))), concat(values({prev}), values({prev})))",
            40,
        ),
        // In steps of ten, so that no single reference recurses too deep.
        "length([local.l10, local.l20, local.l30, local.l40]) > 0",
    );
    stops_with(&f, EvalErrorKind::ValueLimit, VALUE_LIMIT);
    let f = policy(
        &doubling("{ a = 1 }", "merge({prev}, { for k, v in {prev} : \"${k}-{i}\" => v })", 40),
        "length(local.l40) > 0",
    );
    stops_with(&f, EvalErrorKind::StepLimit, "step limit exceeded");
    // Objects share their entries when copied, but walking one that holds
    // the same object twice per level is exponential work all the same.
    let f = policy(&doubling("{ a = 1 }", "{ a = {prev}, b = {prev} }", 40), "length(local.l40) > 0");
    stops_with(&f, EvalErrorKind::ValueLimit, VALUE_LIMIT);
}

#[test]
fn nested_for_expressions_doubling_a_list_stop_at_the_value_limit() {
    // No locals: each level copies its variable twice.
    let mut e = String::from("[\"x\"]");
    for _ in 0..26 {
        e = format!("[for x in [{e}] : [x, x]]");
    }
    let f = policy("  unused = 1", &format!("length({e}) > 0"));
    stops_with(&f, EvalErrorKind::ValueLimit, VALUE_LIMIT);
}

#[test]
fn join_amplification_stops_before_the_string_is_built() {
    // Each local joins 1024 copies of the previous one.
    let f = policy(&doubling("\"xxxxxxxx\"", "join({prev}, range(1024))", 3), "length(local.l3) > 0");
    stops_with(&f, EvalErrorKind::ValueLimit, VALUE_LIMIT);
}

#[test]
fn replace_amplification_stops_before_the_string_is_built() {
    // Every "x" becomes the whole string: the size squares per local.
    let f = policy(&doubling("\"xxxxxxxx\"", "replace({prev}, \"x\", {prev})", 8), "length(local.l8) > 0");
    stops_with(&f, EvalErrorKind::ValueLimit, VALUE_LIMIT);
    let f = policy(
        &doubling("\"xxxxxxxx\"", "replace({prev}, \"/(x)/\", \"$${1}${{prev}}\")", 10),
        "length(local.l10) > 0",
    );
    stops_with(&f, EvalErrorKind::ValueLimit, VALUE_LIMIT);
    let dollars = "$0".repeat(4096);
    let f = policy(
        &format!("  big = \"{}\"\n", "x".repeat(1 << 17)),
        &format!("length(replace(local.big, \"/.+/\", \"{dollars}\")) > 0"),
    );
    stops_with(&f, EvalErrorKind::ValueLimit, VALUE_LIMIT);
}

#[test]
fn other_amplifying_functions_stop_before_building() {
    let big = doubling("\"xxxxxxxx\"", "\"${{prev}}${{prev}}\"", 19); // l19: 4 MiB
    for (condition, kind, words) in [
        // One argument repeated by an explicit index.
        (format!("length(format(\"{}\", local.l19)) > 0", "%[1]s".repeat(200)), EvalErrorKind::ValueLimit, VALUE_LIMIT),
        (
            format!("length(formatlist(\"{}\", range(1024))) > 0", "%[1]4096d".repeat(200)),
            EvalErrorKind::ValueLimit,
            VALUE_LIMIT,
        ),
        (
            "length(indent(65536, replace(local.l19, \"x\", \"\\n\"))) > 0".to_string(),
            EvalErrorKind::ValueLimit,
            VALUE_LIMIT,
        ),
        ("length(split(\"\", local.l19)) > 0".to_string(), EvalErrorKind::ValueLimit, VALUE_LIMIT),
        (
            "length(setproduct(range(1000), range(1000), [local.l10])) > 0".to_string(),
            EvalErrorKind::ValueLimit,
            VALUE_LIMIT,
        ),
        (
            "length(jsondecode(\"[${join(\",\", [for i in range(1024) : local.l10])}]\")) > 0".to_string(),
            EvalErrorKind::ValueLimit,
            VALUE_LIMIT,
        ),
        (
            "length(jsonencode(replace(local.l19, \"x\", \"<\"))) > 0".to_string(),
            EvalErrorKind::ValueLimit,
            VALUE_LIMIT,
        ),
    ] {
        let f = policy(&big, &condition);
        let e = evaluate_first_with(&f, small()).expect_err(&condition);
        assert_eq!(e.kind, kind, "{}: {}", &condition[..60.min(condition.len())], e.message);
        assert!(e.message.contains(words), "{}", e.message);
    }
}

#[test]
fn quadratic_set_functions_stop_at_the_work_limit() {
    // A million numbers, a thousand of them distinct: pairwise comparison.
    let million = "flatten([for i in range(1000) : range(1000)])";
    let limits = Limits { max_work: 32 << 20, ..Limits::default() };
    for condition in [
        format!("length(distinct({million})) > 0"),
        format!("length(setunion({million}, [])) > 0"),
        format!("length(toset({million})) > 0"),
        format!("length(setintersection({million}, {million})) > 0"),
        format!("length(matchkeys({million}, {million}, {million})) > 0"),
    ] {
        let f = policy("  unused = 1", &condition);
        stops_with_limits(&f, limits, EvalErrorKind::WorkLimit, WORK_LIMIT);
    }
    // Strings are deduplicated by hashing: linear work.
    let f = policy(
        "  unused = 1",
        "length(distinct(flatten([for i in range(100) : [for j in range(1000) : \"n${j}\"]]))) == 1000",
    );
    assert_eq!(evaluate_first_with(&f, limits), Ok(Value::bool(true)));
}

#[test]
fn regexall_153600_times_on_a_4mb_string_stops_at_the_work_limit() {
    let big = doubling("\"xxxxxxxx\"", "\"${{prev}}${{prev}}\"", 19); // 4 MiB
    let f = policy(
        &big,
        "length(flatten([for i in range(1024) : [for j in range(150) : regexall(\"y\", local.l19)]])) == 0",
    );
    // With the default limits.
    stops_with_limits(&f, Limits::default(), EvalErrorKind::WorkLimit, WORK_LIMIT);
    // The same string read from the plan is not a copy the policy makes,
    // but the regular expression work is counted all the same.
    let f = policy(
        "  unused = 1",
        "length(flatten([for i in range(1024) : [for j in range(150) : regexall(\"y\", attrs.user_data)]])) == 0",
    );
    let attrs = Value::object_from([("user_data", Value::string("x".repeat(4 << 20)))]);
    let e = evaluate_with_attrs(&f, attrs).expect_err("stops");
    assert_eq!(e.kind, EvalErrorKind::WorkLimit, "{}", e.message);
}

#[test]
fn limits_can_be_raised_and_lowered() {
    let f = policy(&doubling("\"xxxxxxxx\"", "\"${{prev}}${{prev}}\"", 10), "length(local.l10) == 8192");
    assert_eq!(evaluate_first(&f), Ok(Value::bool(true)));
    let small = Limits { max_value_bytes: 8192, ..Limits::default() };
    let e = evaluate_first_with(&f, small).expect_err("8 KiB is not enough for 16 KiB of strings");
    assert_eq!(e.kind, EvalErrorKind::ValueLimit);
    assert!(e.message.contains("more than 8192 bytes"), "{}", e.message);
    let f = policy("  s = \"abc\"", "length(regexall(\"b\", local.s)) == 1");
    let e = evaluate_first_with(&f, Limits { max_work: 2, ..Limits::default() }).expect_err("work");
    assert_eq!(e.kind, EvalErrorKind::WorkLimit);
    assert!(e.message.contains("more than 2 units") && e.message.contains("--max-work"), "{}", e.message);
}

#[test]
fn try_and_can_do_not_catch_a_limit() {
    let locals = doubling("\"xxxxxxxx\"", "\"${{prev}}${{prev}}\"", 40);
    for condition in ["can(local.l40)", "try(local.l40, true) != \"\""] {
        stops_with(&policy(&locals, condition), EvalErrorKind::ValueLimit, VALUE_LIMIT);
    }
}

#[test]
fn a_value_nested_deeper_than_the_limit_stops_with_a_depth_error() {
    // Each local wraps the previous in a list; referring to them in
    // increasing order caches each, so no single evaluation is deep, yet
    // the value grows a level per local.
    let locals = doubling("[]", "[{prev}]", 2000);
    let refs: Vec<String> = (1..=50).map(|i| format!("local.l{}", i * 40)).collect();
    let f = policy(&locals, &format!("length([{}]) > 0", refs.join(", ")));
    stops_with(&f, EvalErrorKind::DepthLimit, "Value nested deeper than 512 levels");
}

#[test]
fn deeply_nested_json_is_an_error() {
    let deep = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
    let f = policy("  unused = 1", "length(jsondecode(attrs.doc)) > 0");
    let e = evaluate_with_attrs(&f, Value::object_from([("doc", Value::string(deep))])).expect_err("too deep");
    assert_eq!(e.kind, EvalErrorKind::Invalid);
    assert!(e.message.contains("recursion limit"), "{}", e.message);
}

#[test]
fn deeply_nested_policy_expressions_are_syntax_errors() {
    for e in [
        format!("{}true{}", "(".repeat(100_000), ")".repeat(100_000)),
        format!("{}1{} == 1", "[".repeat(100_000), "]".repeat(100_000)),
        format!("{}1{} == 1", "abs(".repeat(100_000), ")".repeat(100_000)),
        format!("{}true", "!".repeat(100_000)),
        format!("1{} > 0", " + 1".repeat(100_000)),
        format!("\"{}x{}\" == \"x\"", "${\"".repeat(100_000), "\"}".repeat(100_000)),
    ] {
        let src =
            format!("resource_policy \"aws_instance\" \"deep\" {{\n  enforce {{\n    condition = {e}\n  }}\n}}\n");
        let err = load_policy_source("deep.policy.hcl", src).expect_err("too deep").to_string();
        let label = err.lines().last().unwrap_or_default();
        assert!(err.contains("Invalid syntax"), "{}", &err[..300.min(err.len())]);
        assert!(label.contains("expected at most"), "{label}");
    }
    // Within the parser's limits, evaluation nesting is bounded too.
    let e = format!("{}true{}", "(".repeat(60), ")".repeat(60));
    let f = policy("  unused = 1", &e);
    assert_eq!(evaluate_first(&f), Ok(Value::bool(true)));
    let e = evaluate_first_with(&f, Limits { max_depth: 32, ..Limits::default() }).expect_err("deep");
    assert_eq!(e.kind, EvalErrorKind::DepthLimit);
}

fn evaluate_with_attrs(f: &PolicyFile, attrs: Value) -> Result<Value, EvalError> {
    let ev = Evaluator::new(f, &BTreeMap::new(), &NoResources, Limits::default()).expect("inputs");
    let target = Target {
        kind: TargetKind::Resource,
        name: "aws_instance".into(),
        attrs,
        prior_attrs: Value::null(),
        meta: Value::object_from([("address", Value::string("aws_instance.x"))]),
        actions: vec!["create".into()],
    };
    match ev.evaluate(&f.policies[0], &target) {
        PolicyOutcome::Evaluated { results, .. } => match &results[0].error {
            Some(e) => Err(e.clone()),
            None => Ok(Value::bool(results[0].status == Status::Pass)),
        },
        other => panic!("{other:?}"),
    }
}

#[test]
fn copying_a_large_plan_value_in_a_loop_stops_at_the_work_limit() {
    let f = policy(
        "  unused = 1",
        "length(flatten([for i in range(1000) : [for j in range(200) : length(attrs.list)]])) > 0",
    );
    let list = Value::list((0..100_000).map(Value::number).collect());
    let e = evaluate_with_attrs(&f, Value::object_from([("list", list.clone())])).expect_err("stops");
    assert_eq!(e.kind, EvalErrorKind::WorkLimit, "{}", e.message);
    // Reading a small part of a large value is cheap.
    let f = policy("  unused = 1", "length([for i in range(100) : [for j in range(200) : attrs.list[5]]]) > 0");
    assert_eq!(evaluate_with_attrs(&f, Value::object_from([("list", list)])), Ok(Value::bool(true)));
}

#[test]
fn parseint_of_a_million_digits_stops_at_the_work_limit() {
    // Quadratic base conversion.
    let f = policy(&doubling("\"11111111\"", "\"${{prev}}${{prev}}\"", 17), "parseint(local.l17, 10) > 0");
    stops_with(&f, EvalErrorKind::WorkLimit, WORK_LIMIT);
    let f = policy("  unused = 1", &format!("parseint(\"{}\", 16) > 0", "f".repeat(1000)));
    assert_eq!(evaluate_first_with(&f, small()), Ok(Value::bool(true)));
}

#[test]
fn reading_part_of_a_large_local_counts_the_part() {
    // An object is shared when copied: reading one attribute of a large
    // object local a thousand times is cheap, and so stays within the limit.
    let f = policy(
        "  big = { for i in range(1000) : \"k${i}\" => \"${i}-xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\" }",
        "length(flatten([for i in range(1000) : [for j in range(100) : local.big.k5]])) > 0",
    );
    let tight = Limits { max_value_bytes: 64 << 20, ..Limits::default() };
    assert_eq!(evaluate_first_with(&f, tight), Ok(Value::bool(true)));
    // The whole object each time is a hundred thousand copies of it.
    let f = policy(
        "  big = { for i in range(1000) : \"k${i}\" => \"${i}-xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\" }",
        "length(flatten([for i in range(1000) : [for j in range(100) : local.big]])) > 0",
    );
    stops_with_limits(&f, tight, EvalErrorKind::ValueLimit, VALUE_LIMIT);
}

/// No resources, but a plan of `n` resource instances as far as budgets go.
struct PlanOfSize(u64);

impl tfgate_lang_hcl::ResourceSource for PlanOfSize {
    fn resources(&self, _resource_type: &str) -> Vec<Value> {
        Vec::new()
    }
    fn instance_count(&self) -> u64 {
        self.0
    }
}

fn evaluate_on_plan_of(f: &PolicyFile, limits: Limits, instances: u64) -> Result<Value, EvalError> {
    let source = PlanOfSize(instances);
    let ev = Evaluator::new(f, &BTreeMap::new(), &source, limits).expect("inputs");
    let target = Target {
        kind: TargetKind::Resource,
        name: "aws_instance".into(),
        attrs: Value::object_from([("id", Value::string("i-1"))]),
        prior_attrs: Value::null(),
        meta: Value::object_from([("address", Value::string("aws_instance.x"))]),
        actions: vec!["create".into()],
    };
    match ev.evaluate(&f.policies[0], &target) {
        PolicyOutcome::Evaluated { results, .. } => match &results[0].error {
            Some(e) => Err(e.clone()),
            None => Ok(Value::bool(results[0].status == Status::Pass)),
        },
        other => panic!("{other:?}"),
    }
}

#[test]
fn a_file_level_local_has_a_budget_of_its_own_that_grows_with_the_plan() {
    // About 30,000 steps: beyond the 20,000 of one evaluation, within
    // 20,000 + 100 per instance on a plan of 1,000 instances.
    let limits = Limits { max_steps: 20_000, ..Limits::default() };
    let index = "[for i in range(1000) : [for j in range(10) : j]]";
    let f = policy(&format!("  index = {index}"), "length(local.index) > 0");
    assert_eq!(evaluate_on_plan_of(&f, limits, 1_000), Ok(Value::bool(true)));
    // The target is not charged for it: the condition may take most of its
    // own budget besides (about 15,000 steps).
    let f = policy(
        &format!("  index = {index}"),
        "length(local.index) + length([for i in range(1000) : [for j in range(5) : j]]) > 0",
    );
    assert_eq!(evaluate_on_plan_of(&f, limits, 1_000), Ok(Value::bool(true)));
    // On a small plan the same local is beyond its budget: still an error
    // (fail closed), naming the local and the limit.
    let e = evaluate_on_plan_of(&f, limits, 10).expect_err("beyond the budget of a small plan");
    assert_eq!(e.kind, EvalErrorKind::StepLimit, "{}", e.message);
    assert!(
        e.message.contains("the file-level local value \"index\" took more than 21000 steps")
            && e.message.contains("the step limit of 20000 plus 100 per resource instance in the plan"),
        "{}",
        e.message
    );
    // And the grown budget is bounded: a local beyond it stops.
    let f = policy("  index = [for i in range(1000) : [for j in range(200) : j]]", "length(local.index) > 0");
    let e = evaluate_on_plan_of(&f, limits, 1_000).expect_err("beyond the grown budget");
    assert_eq!(e.kind, EvalErrorKind::StepLimit, "{}", e.message);
    assert!(e.message.contains("\"index\" took more than 120000 steps"), "{}", e.message);
}

#[test]
fn a_file_level_local_has_a_work_budget_of_its_own() {
    // A regular expression over 400 bytes, a thousand times: 400,000 units.
    let limits = Limits { max_work: 200_000, ..Limits::default() };
    let local = "  words = [for i in range(1000) : length(regexall(\"x\", format(\"%0400d\", i)))]";
    let f = policy(local, "length(local.words) > 0");
    let e = evaluate_on_plan_of(&f, limits, 0).expect_err("beyond the work budget");
    assert_eq!(e.kind, EvalErrorKind::WorkLimit, "{}", e.message);
    assert!(e.message.contains("file-level local value \"words\""), "{}", e.message);
    assert_eq!(evaluate_on_plan_of(&f, limits, 10_000), Ok(Value::bool(true)));
}

#[test]
fn a_file_level_local_has_a_value_budget_of_its_own() {
    // Two locals of about 600 KB each: together beyond the 1 MB of one
    // evaluation, each within its own budget. (In objects, which a reference
    // shares rather than copies.)
    let limits = Limits { max_value_bytes: 1 << 20, ..Limits::default() };
    let local = |name: &str| format!("  {name} = {{ v = [for i in range(1000) : format(\"%0500d\", i)] }}");
    let f = policy(&format!("{}\n{}", local("a"), local("b")), "length(local.a.v[999]) + length(local.b.v[999]) > 0");
    assert_eq!(evaluate_on_plan_of(&f, limits, 0), Ok(Value::bool(true)));
    // One local beyond its budget stops, naming the local and the budget.
    let f = policy("  big = { v = [for i in range(1000) : format(\"%02000d\", i)] }", "length(local.big.v[999]) > 0");
    let e = evaluate_on_plan_of(&f, limits, 0).expect_err("beyond the value budget");
    assert_eq!(e.kind, EvalErrorKind::ValueLimit, "{}", e.message);
    assert!(e.message.contains("file-level local value \"big\" built more than 1048576 bytes"), "{}", e.message);
    // A larger plan grows the budget: 1 MB + 4 KiB x 1,000.
    assert_eq!(evaluate_on_plan_of(&f, limits, 1_000), Ok(Value::bool(true)));
}
