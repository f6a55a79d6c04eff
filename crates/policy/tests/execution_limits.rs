//! Execution limits (in the style of regorus' `execution_limits` tests):
//! every runaway policy must stop with the expected error kind, and every
//! arithmetic or recursion edge that once panicked or overflowed the stack
//! must give a clear error instead.

use std::collections::BTreeMap;

use tfgate_plan::Value;
use tfgate_policy::eval::{EvalError, EvalErrorKind, Limits, NoResources};
use tfgate_policy::parse::parse_expression;
use tfgate_policy::run::evaluate_expression;
use tfgate_policy::run::{Evaluator, PolicyOutcome, Status, Target};
use tfgate_policy::SourceFile;
use tfgate_policy::{load_policy_source, PolicyError, PolicyFile, PolicyKind};

fn eval(src: &str) -> Result<Value, EvalError> {
    eval_with(src, Limits::default())
}

fn eval_with(src: &str, limits: Limits) -> Result<Value, EvalError> {
    let e = parse_expression(&SourceFile::new("case.hcl", src)).unwrap_or_else(|d| panic!("{}", d.render()));
    evaluate_expression(&e, &BTreeMap::new(), &NoResources, limits)
}

fn eval_vars(src: &str, vars: &[(&str, Value)]) -> Result<Value, EvalError> {
    let e = parse_expression(&SourceFile::new("case.hcl", src)).unwrap_or_else(|d| panic!("{}", d.render()));
    let vars: BTreeMap<String, Value> = vars.iter().map(|(k, v)| (k.to_string(), v.clone())).collect();
    evaluate_expression(&e, &vars, &NoResources, Limits::default())
}

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
        assert_eq!(num(&v), 9.223372036854775808e18, "{src}");
    }
    let v = eval_vars("x / -1", &[("x", Value::number(i64::MIN))]).unwrap();
    assert_eq!(num(&v), 9.223372036854775808e18);
    assert_eq!(num(&eval("-9223372036854775808 / 2").unwrap()), -4.611686018427387904e18);
}

#[test]
fn min_int_siblings_do_not_panic() {
    let m = ("x", Value::number(i64::MIN));
    assert_eq!(num(&eval_vars("x % -1", &[m.clone()]).unwrap()), 0.0);
    assert_eq!(num(&eval_vars("-x", &[m.clone()]).unwrap()), 9.223372036854775808e18);
    assert_eq!(num(&eval_vars("x - 1", &[m.clone()]).unwrap()), -9.223372036854775808e18);
    assert_eq!(num(&eval_vars("x * -1", &[m.clone()]).unwrap()), 9.223372036854775808e18);
    assert_eq!(eval_vars("abs(x)", &[m.clone()]).unwrap().to_string(), "9223372036854775808");
    assert_eq!(num(&eval_vars("pow(x, 2)", &[m.clone()]).unwrap()), 8.507059173023462e37);
    assert_eq!(num(&eval_vars("ceil(x)", &[m.clone()]).unwrap()), -9.223372036854775808e18);
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
        kind: PolicyKind::Resource,
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
