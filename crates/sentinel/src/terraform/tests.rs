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

/// A data source's secret lives only in the state sections; a resource
/// copies it unmarked (a provider that does not mark what it computes).
const STATE_SECRET: &str = r#"{"format_version":"1.2","terraform_version":"1.7.0",
  "resource_changes":[{"address":"a.x","mode":"managed","type":"a","name":"x","provider_name":"p",
    "change":{"actions":["create"],"before":null,"after":{"copy":"d4ta-source-secret","v":1},"after_unknown":{},"before_sensitive":false,"after_sensitive":{}}}],
  "planned_values":{"root_module":{"resources":[
    {"address":"a.x","mode":"managed","type":"a","name":"x","values":{"copy":"d4ta-source-secret","v":1},"sensitive_values":{}}]}},
  "prior_state":{"format_version":"1.0","terraform_version":"1.7.0","values":{"root_module":{"resources":[
    {"address":"data.s.d","mode":"data","type":"s","name":"d","values":{"secret":"d4ta-source-secret"},"sensitive_values":{"secret":true}}]}}}}"#;

#[test]
fn state_objects_are_parsed_only_when_read_and_state_secrets_mark_every_value() {
    let plan = Plan::parse(STATE_SECRET).unwrap();
    let imports = TerraformImports::new(&plan, RunInfo::default()).unwrap();
    let d = &imports.data;
    let tfplan = imports.resolve("tfplan/v2").unwrap();
    let after = field(&field(&field(&field(&tfplan, "resource_changes"), "a.x"), "change"), "after");
    assert_eq!(field(&after, "v").as_int(), Some(1));
    // The change carries, unmarked, a secret that only the state marks (a
    // provider copied a data source's secret): reading it marks the run, so
    // a policy that transforms it before printing cannot get past the
    // scrubber. Fail closed: the state's texts are read for it...
    assert!(field(&after, "copy").is_sensitive(), "a copy of a state secret in a change must be marked");
    assert!(d.state_sensitive.get().is_some());
    // ...but its objects are not built.
    assert!(d.planned.get().is_none() && d.prior.get().is_none(), "a state section was parsed");
    let scrubber = imports.scrubber();
    assert_eq!(scrubber.scrub("copy: d4ta-source-secret"), "copy: (sensitive value)");
    assert!(d.planned.get().is_none() && d.prior.get().is_none(), "scrubbing built state objects");
    // A policy that reads the state gets values marked by the state's texts.
    let values = field(&field(&field(&tfplan, "planned_values"), "resources"), "a.x");
    assert!(d.planned.get().is_some());
    let copy = field(&field(&values, "values"), "copy");
    assert!(copy.is_sensitive(), "a state value equal to a state secret is marked");
    let tfstate = imports.resolve("tfstate/v2").unwrap();
    let secret = field(&field(&field(&tfstate, "resources"), "data.s.d"), "values");
    assert!(field(&secret, "secret").is_sensitive());
}

#[test]
fn an_unreadable_state_section_fails_when_read_never_reads_as_empty() {
    // Valid JSON of the wrong shape: `resources` is not a list.
    let text = STATE_SECRET.replace(
        r#""planned_values":{"root_module":{"resources":["#,
        r#""planned_values":{"root_module":{"resources":{"bad":["#,
    );
    let text = text.replace(r#""sensitive_values":{}}]}},"#, r#""sensitive_values":{}}]}}},"#);
    let plan = Plan::parse(&text).unwrap();
    let imports = TerraformImports::new(&plan, RunInfo::default()).unwrap();
    let tfplan = imports.resolve("tfplan/v2").unwrap();
    // Changes are still readable.
    assert!(field(&field(&tfplan, "resource_changes"), "a.x").as_map().is_some());
    let planned = field(&tfplan, "planned_values");
    let err = planned.as_object().map(|o| o.get("resources"));
    assert!(matches!(err, Some(Err(_))), "an unreadable section must fail when read");
    // Output scrubbing fails closed: every text of the section is hidden.
    let texts = imports.sensitive_texts();
    assert!(texts.iter().any(|t| t == "managed"), "{texts:?}");
}

#[test]
fn unmasked_prior_state_objects_give_their_secret_looking_attributes() {
    let old = r#"{"format_version":"0.1","terraform_version":"0.12.31",
      "resource_changes":[],
      "prior_state":{"format_version":"0.1","terraform_version":"0.12.31","values":{"root_module":{"resources":[
        {"address":"data.s.d","mode":"data","type":"s","name":"d","values":{"password":"0ld-state-pw","engine":"pg"}}]}}}}"#;
    let plan = Plan::parse(old).unwrap();
    let imports = TerraformImports::new(&plan, RunInfo::default()).unwrap();
    assert_eq!(imports.sensitive_texts(), ["0ld-state-pw"]);
}

#[test]
fn a_large_plan_s_state_texts_are_read_ahead_and_a_small_one_s_are_not() {
    let small = TerraformImports::new(&Plan::parse(STATE_SECRET).unwrap(), RunInfo::default()).unwrap();
    // Padding: a state object whose values hold 9 MiB of plain text.
    let padding = "x".repeat(9 << 20);
    let large_text = STATE_SECRET.replace(
        r#""values":{"copy":"d4ta-source-secret","v":1}"#,
        &format!(r#""values":{{"copy":"d4ta-source-secret","v":1,"pad":"{padding}"}}"#),
    );
    let large = TerraformImports::new(&Plan::parse(&large_text).unwrap(), RunInfo::default()).unwrap();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    while large.data.state_sensitive.get().is_none() && std::time::Instant::now() < deadline {
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    assert!(large.data.state_sensitive.get().is_some(), "not read ahead");
    assert!(large.data.planned.get().is_none(), "reading ahead built state objects");
    assert!(small.data.state_sensitive.get().is_none(), "a small plan read ahead");
    assert!(large.sensitive_texts().iter().any(|t| t == "d4ta-source-secret"));
}

#[test]
fn state_texts_read_while_parsing_are_the_ones_the_imports_would_read() {
    let padding = "x".repeat(9 << 20);
    let large_text = STATE_SECRET.replace(
        r#""values":{"copy":"d4ta-source-secret","v":1}"#,
        &format!(r#""values":{{"copy":"d4ta-source-secret","v":1,"pad":"{padding}"}}"#),
    );
    let text = Arc::new(tfgate_plan::PlanText::from(large_text));
    let plan = Plan::parse_locating_sections(&text).unwrap();
    let prepared = super::read_state_texts(&text).expect("a large plan's texts are read ahead");
    assert!(prepared.get().is_some_and(|t| t.iter().any(|t| t == "d4ta-source-secret")));
    let with = TerraformImports::sharing_prepared(&plan, text.clone(), RunInfo::default(), Some(prepared)).unwrap();
    let without = TerraformImports::new(&plan, RunInfo::default()).unwrap();
    assert_eq!(with.sensitive_texts(), without.sensitive_texts());
    // A small plan's are left to the imports.
    let small = Arc::new(tfgate_plan::PlanText::from(STATE_SECRET.to_string()));
    small.locate_sections().unwrap();
    assert!(super::read_state_texts(&small).is_none());
}
