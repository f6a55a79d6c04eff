//! Execution limits (in the style of regorus' `execution_limits` tests):
//! every runaway policy must stop with the expected error kind, and every
//! arithmetic or recursion edge that once panicked or overflowed the stack
//! must give a clear error instead.

use std::collections::BTreeMap;

use tfgate_plan::Value;
use tfgate_policy::eval::{EvalError, Limits, NoResources};
use tfgate_policy::parse::parse_expression;
use tfgate_policy::run::evaluate_expression;
use tfgate_policy::SourceFile;

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
