//! Reading locals in place: `local.x[i]`, `local.x.a` and `input.x[i]` read
//! the cached value without copying it first, and must give exactly what
//! reading a copy gave: the element, its marks and the container's, the same
//! errors, and the same budget charges.

use std::collections::BTreeMap;

use tfgate_lang_hcl::{
    load_policy_source, EnforceResult, EvalErrorKind, Evaluator, Limits, NoResources, PolicyOutcome, Status, Target,
    TargetKind,
};
use tfgate_plan::Value;

/// Evaluates the only policy of a file (file `locals`, block `locals`, one
/// `enforce` whose condition and message are given) against one instance.
fn run(file_locals: &str, block_locals: &str, condition: &str, message: &str, limits: Limits) -> EnforceResult {
    let src = format!(
        "locals {{\n{file_locals}\n}}\nresource_policy \"aws_instance\" \"t\" {{\n  locals {{\n{block_locals}\n  }}\n  \
         enforce {{\n    condition = {condition}\n    error_message = {message}\n  }}\n}}\n"
    );
    let f = load_policy_source("reads.policy.hcl", src).unwrap_or_else(|e| panic!("{e}"));
    let ev = Evaluator::new(&f, &BTreeMap::new(), &NoResources, limits).expect("inputs");
    let target = Target {
        kind: TargetKind::Resource,
        name: "aws_instance".into(),
        attrs: Value::object_from([("id", Value::string("i-1")), ("n", Value::number(1))]),
        prior_attrs: Value::null(),
        meta: Value::object_from([("address", Value::string("aws_instance.x"))]),
        actions: vec!["create".into()],
    };
    match ev.evaluate(&f.policies[0], &target) {
        PolicyOutcome::Evaluated { mut results, .. } => results.remove(0),
        other => panic!("{other:?}"),
    }
}

fn failing_message(file_locals: &str, block_locals: &str, message: &str) -> String {
    let r = run(file_locals, block_locals, "false", message, Limits::default());
    assert_eq!(r.status, Status::Fail, "{:?}", r.error);
    r.error_message.expect("a message")
}

#[test]
fn an_element_of_a_local_list_read_by_a_variable_index() {
    for (file, block, read) in [
        ("  xs = [\"a\", \"b\", \"c\"]", "", "local.xs"),
        ("", "    xs = [\"a\", \"b\", \"c\"]", "local.xs"),
        ("  o = { xs = [\"a\", \"b\", \"c\"] }", "", "local.o.xs"),
    ] {
        let msg = failing_message(file, block, &format!("core::join(\",\", [for i in [2, 0, attrs.n] : {read}[i]])"));
        assert_eq!(msg, "c,a,b", "{read}");
    }
}

#[test]
fn a_read_in_place_keeps_the_marks_of_the_element_and_of_the_container() {
    // A secret element is hidden; its neighbours are not.
    let file = "  xs = [\"a\", core::sensitive(\"hunter2\"), \"c\"]";
    let msg = failing_message(file, "", "\"${local.xs[attrs.n - 1]} ${local.xs[attrs.n]}\"");
    assert_eq!(msg, "a (sensitive value)");
    // A secret list hides every element read from it, by either kind of index.
    let block = "    xs = core::sensitive([\"a\", \"b\"])";
    let msg = failing_message("", block, "\"${local.xs[attrs.n]} ${local.xs[0]}\"");
    assert_eq!(msg, "(sensitive value) (sensitive value)");
    // An object inside a secret object, then an attribute of it.
    let block = "    o = core::sensitive({ inner = { name = \"x\" } })";
    let msg = failing_message("", block, "\"${local.o[\"inner\"].name}\"");
    assert_eq!(msg, "(sensitive value)");
}

#[test]
fn errors_of_a_read_in_place_are_those_of_a_copy() {
    let r = run("  xs = [\"a\", \"b\", \"c\"]", "", "local.xs[attrs.n + 4] == \"a\"", "\"m\"", Limits::default());
    assert_eq!(r.status, Status::Error);
    let e = r.error.expect("an error");
    assert_eq!(e.message, "Invalid index: the list has 3 elements, so index 5 is out of range");
    // The length of a secret list is not shown.
    let r = run("", "    xs = core::sensitive([1])", "local.xs[attrs.n + 4] == 1", "\"m\"", Limits::default());
    let e = r.error.expect("an error");
    assert!(e.message.contains("(sensitive value) is out of range"), "{}", e.message);
    assert!(e.sensitive);
    // A local that failed gives its own error to every reader, each time.
    let r = run("", "    bad = [null.x]", "local.bad[attrs.n] == local.bad[0]", "\"m\"", Limits::default());
    let e = r.error.expect("an error");
    assert!(e.message.contains("Attempt to get attribute from null value"), "{}", e.message);
}

#[test]
fn a_read_in_place_is_charged_as_the_copy_was() {
    // 1,000 reads of an element of a 1,000-element list: each read is
    // charged the copy of the list (a slot per element, 32 KB or more), so
    // 32 MB or more in all.
    let file = "  xs = core::range(1000)";
    let cond = "core::length([for i in core::range(1000) : local.xs[i]]) == 1000";
    let small = Limits { max_value_bytes: 16 << 20, ..Limits::default() };
    let r = run(file, "", cond, "\"m\"", small);
    let e = r.error.expect("the value limit");
    assert_eq!(e.kind, EvalErrorKind::ValueLimit, "{}", e.message);
    let r = run(file, "", cond, "\"m\"", Limits::default());
    assert_eq!(r.status, Status::Pass, "{:?}", r.error);
}
