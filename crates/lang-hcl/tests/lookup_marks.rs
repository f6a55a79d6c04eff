//! `core::lookup(attrs, …)` through the evaluator: the element keeps its own
//! marks, and a secret elsewhere in the object does not hide it (pre-0.15
//! plans mark `password_data` beside the block devices).

use std::collections::BTreeMap;

use tfgate_lang_hcl::{load_policy_source, Evaluator, Limits, NoResources, PolicyOutcome, Target, TargetKind};
use tfgate_plan::Value;

fn message(src: &str, attrs: Value) -> String {
    let file = load_policy_source("example.policy.hcl", src).unwrap_or_else(|e| panic!("{e}"));
    let ev = Evaluator::new(&file, &BTreeMap::new(), &NoResources, Limits::default()).expect("inputs");
    let target = Target {
        kind: TargetKind::Resource,
        name: "aws_instance".to_string(),
        attrs,
        prior_attrs: Value::null(),
        meta: Value::object_from([("address", Value::string("aws_instance.db"))]),
        actions: vec!["create".to_string()],
    };
    match ev.evaluate(&file.policies[0], &target) {
        PolicyOutcome::Evaluated { results, .. } => results[0].error_message.clone().expect("a message"),
        other => panic!("not evaluated: {other:?}"),
    }
}

fn instance() -> Value {
    Value::object_from([
        ("password_data", Value::string("hunter2").into_sensitive()),
        ("root_block_device", Value::list(vec![Value::object_from([("encrypted", Value::bool(false))])])),
    ])
}

#[test]
fn a_secret_beside_the_element_does_not_hide_it() {
    let src = r#"
resource_policy "aws_instance" "p" {
  locals {
    root = core::lookup(attrs, "root_block_device", null)
  }
  enforce {
    condition     = local.root[0].encrypted == true
    error_message = "root_block_device.encrypted is ${core::jsonencode(local.root[0].encrypted)}"
  }
}
"#;
    assert_eq!(message(src, instance()), "root_block_device.encrypted is false");
}

#[test]
fn the_secret_itself_stays_hidden() {
    let src = r#"
resource_policy "aws_instance" "p" {
  enforce {
    condition     = false
    error_message = "password_data is ${core::lookup(attrs, "password_data", "none")}"
  }
}
"#;
    let m = message(src, instance());
    assert_eq!(m, "password_data is (sensitive value)");
    assert!(!m.contains("hunter2"));
}
