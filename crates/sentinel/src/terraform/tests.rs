//! What the public API cannot show: that values are built lazily.

use super::*;

const PLAN: &str = r#"{"format_version":"1.2","terraform_version":"1.7.0",
  "resource_changes":[
    {"address":"a.x","mode":"managed","type":"a","name":"x","provider_name":"p",
     "change":{"actions":["create"],"before":null,"after":{"v":1},"after_unknown":{},"before_sensitive":false,"after_sensitive":{}}},
    {"address":"b.y","mode":"managed","type":"b","name":"y","provider_name":"p",
     "change":{"actions":["create"],"before":null,"after":{"v":2},"after_unknown":{},"before_sensitive":false,"after_sensitive":{}}}],
  "planned_values":{"root_module":{"resources":[{"address":"a.x","mode":"managed","type":"a","name":"x","values":{"v":1}}]}}}"#;

fn field(v: &Value, name: &str) -> Value {
    match (v.as_object(), v.as_map()) {
        (Some(o), _) => o.get(name).unwrap(),
        (_, Some(m)) => m.get_str(name).cloned().unwrap_or(Value::Undefined),
        _ => Value::Undefined,
    }
}

#[test]
fn collections_and_resource_values_are_built_only_when_read() {
    let plan = Plan::parse(PLAN).unwrap();
    let imports = TerraformImports::new(&plan, RunInfo::default()).unwrap();
    let tfplan = imports.resolve("tfplan/v2").unwrap();
    let ns = tfplan.as_object().unwrap();
    // Read without resolving: each collection is still a lazy value.
    for name in ["resource_changes", "planned_values", "variables", "output_changes", "raw"] {
        assert!(matches!(ns.get(name).unwrap(), Value::Lazy(_)), "{name} is built eagerly");
    }
    let rc = field(&tfplan, "resource_changes");
    for key in ["a.x", "b.y"] {
        let change = field(&field(&rc, key), "change");
        let Value::Map(m) = change.resolved() else { panic!("change is a map") };
        // (`before` is `null` here: nothing to convert.)
        for f in ["after", "after_unknown", "after_sensitive"] {
            assert!(matches!(m.get_str(f), Some(Value::Lazy(_))), "{key}.change.{f} is converted eagerly");
        }
    }
    let pv = field(&field(&tfplan, "planned_values"), "resources");
    let Value::Map(m) = field(&pv, "a.x").resolved().clone() else { panic!() };
    assert!(matches!(m.get_str("values"), Some(Value::Lazy(_))));
    assert_eq!(field(&field(&field(&field(&rc, "b.y"), "change"), "after"), "v").as_int(), Some(2));
}

#[test]
fn an_import_is_built_once_and_shared() {
    let plan = Plan::parse(PLAN).unwrap();
    let imports = TerraformImports::new(&plan, RunInfo::default()).unwrap();
    let (a, b) = (imports.resolve("tfplan/v2").unwrap(), imports.resolve("tfplan/v2").unwrap());
    assert!(Arc::ptr_eq(a.as_object().unwrap(), b.as_object().unwrap()));
}

#[test]
fn json_numbers_are_ints_when_whole_and_in_range() {
    let j: serde_json::Value = serde_json::from_str(r#"[1, -2, 1.5, 1.0e300, 18446744073709551615]"#).unwrap();
    let v = from_json(&j);
    let items = v.as_list().unwrap().as_slice();
    assert_eq!(items[0].as_int(), Some(1));
    assert_eq!(items[1].as_int(), Some(-2));
    assert_eq!(items[2].type_name(), "float");
    assert_eq!(items[4].type_name(), "float", "beyond int64: a float, as in Sentinel");
}

#[test]
fn imports_are_shared_between_threads() {
    fn send_sync<T: Send + Sync + 'static>() {}
    send_sync::<TerraformImports>();
    let plan = Plan::parse(PLAN).unwrap();
    let imports = TerraformImports::new(&plan, RunInfo::default()).unwrap();
    drop(plan);
    // Values stay readable after the plan is gone, from another thread.
    let after = std::thread::spawn(move || {
        let rc = field(&imports.resolve("tfplan/v2").unwrap(), "resource_changes");
        field(&field(&field(&field(&rc, "a.x"), "change"), "after"), "v").as_int()
    })
    .join()
    .unwrap();
    assert_eq!(after, Some(1));
}
