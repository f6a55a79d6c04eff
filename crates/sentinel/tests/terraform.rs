//! The Terraform imports built from plans: hand-written expectations for a
//! few plans, every corpus plan, and the shape of HashiCorp's mocks.

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;

use tfgate_plan::Plan;
use tfgate_sentinel::{CostEstimate, RunVariable, WorkspaceInfo};
use tfgate_sentinel::{RunInfo, TerraformImports, Value};

/// `v.a.b.c`: fields of import objects and keys of maps.
fn at(v: &Value, path: &[&str]) -> Value {
    let mut v = v.clone();
    for step in path {
        v = match (v.as_object(), v.as_map()) {
            (Some(o), _) => o.get(step).unwrap(),
            (_, Some(m)) => m.get_str(step).cloned().unwrap_or(Value::Undefined),
            _ => Value::Undefined,
        };
    }
    v
}

fn s(v: &Value) -> Option<String> {
    v.as_str().map(str::to_string)
}

fn keys(v: &Value) -> Vec<String> {
    v.as_map().expect("a map").iter().map(|(k, _)| k.as_str().unwrap().to_string()).collect()
}

fn imports_of(text: &str) -> TerraformImports {
    let plan = Plan::parse(text).unwrap();
    TerraformImports::new(&plan, RunInfo::default()).unwrap()
}

fn corpus_plan(name: &str) -> Option<String> {
    let dir = tfgate_test_support::corpus_dir()?;
    Some(std::fs::read_to_string(dir.join(name)).unwrap())
}

const DEPOSED: &str = r#"{"format_version":"1.2","terraform_version":"1.7.0",
  "resource_changes":[
    {"address":"aws_instance.a[\"x\"]","mode":"managed","type":"aws_instance","name":"a","index":"x","provider_name":"registry.terraform.io/hashicorp/aws",
     "change":{"actions":["create"],"before":null,"after":{"ami":"ami-1","password":"hunter2-secret","tags":null},
       "after_unknown":{"id":true,"tags_all":true},"before_sensitive":false,"after_sensitive":{"password":true}}},
    {"address":"aws_instance.a[\"x\"]","mode":"managed","type":"aws_instance","name":"a","index":"x","provider_name":"registry.terraform.io/hashicorp/aws","deposed":"00a1b2c3",
     "change":{"actions":["delete"],"before":{"ami":"ami-0","port":8443},"after":null,"after_unknown":{},"before_sensitive":{"port":true},"after_sensitive":false}}],
  "output_changes":{"pw":{"actions":["create"],"before":null,"after":"hunter2-secret","after_unknown":false,"before_sensitive":false,"after_sensitive":true},
                    "id":{"actions":["create"],"before":null,"after_unknown":true,"before_sensitive":false,"after_sensitive":false}},
  "configuration":{"root_module":{"resources":[{"address":"aws_instance.a","mode":"managed","type":"aws_instance","name":"a","provider_config_key":"aws",
     "for_each_expression":{"references":["var.names"]},
     "provisioners":[{"type":"local-exec","expressions":{"command":{"constant_value":"echo hi"}}}],
     "expressions":{"ami":{"constant_value":"ami-1"}}}]}}}"#;

#[test]
fn resource_changes_are_keyed_by_address_and_deposed_objects_by_address_colon_key() {
    let imports = imports_of(DEPOSED);
    let tfplan = imports.resolve("tfplan/v2").unwrap();
    let rc = at(&tfplan, &["resource_changes"]);
    assert_eq!(keys(&rc), [r#"aws_instance.a["x"]"#, r#"aws_instance.a["x"]:00a1b2c3"#]);
    let cur = at(&rc, &[r#"aws_instance.a["x"]"#]);
    assert_eq!(s(&at(&cur, &["index"])).as_deref(), Some("x"));
    assert_eq!(s(&at(&cur, &["deposed"])).as_deref(), Some(""));
    assert_eq!(s(&at(&cur, &["module_address"])).as_deref(), Some(""));
    assert_eq!(s(&at(&cur, &["mode"])).as_deref(), Some("managed"));
    assert_eq!(s(&at(&cur, &["type"])).as_deref(), Some("aws_instance"));
    // Unknown attributes are absent from `after` and true in `after_unknown`.
    assert!(at(&cur, &["change", "after", "id"]).is_undefined());
    assert_eq!(at(&cur, &["change", "after_unknown", "id"]).as_bool(), Some(true));
    assert!(at(&cur, &["change", "after", "tags"]).is_null());
    assert!(at(&cur, &["change", "before"]).is_null());
    // Sensitive values are there, as in the real import, with their marks.
    assert_eq!(s(&at(&cur, &["change", "after", "password"])).as_deref(), Some("hunter2-secret"));
    assert_eq!(at(&cur, &["change", "after_sensitive", "password"]).as_bool(), Some(true));
    let old = at(&rc, &[r#"aws_instance.a["x"]:00a1b2c3"#]);
    assert_eq!(s(&at(&old, &["deposed"])).as_deref(), Some("00a1b2c3"));
    assert_eq!(at(&old, &["change", "actions"]).as_list().unwrap().len(), 1);
    assert_eq!(at(&old, &["change", "before", "port"]).as_int(), Some(8443));
    assert!(at(&old, &["change", "after"]).is_null());
}

#[test]
fn output_changes_keep_an_unknown_output_s_after_undefined() {
    let tfplan = imports_of(DEPOSED).resolve("tfplan/v2").unwrap();
    let id = at(&tfplan, &["output_changes", "id"]);
    assert_eq!(s(&at(&id, &["name"])).as_deref(), Some("id"));
    assert!(at(&id, &["change", "after"]).is_undefined());
    assert_eq!(at(&id, &["change", "after_unknown"]).as_bool(), Some(true));
    assert!(at(&id, &["change", "before"]).is_null());
    assert_eq!(s(&at(&tfplan, &["output_changes", "pw", "change", "after"])).as_deref(), Some("hunter2-secret"));
    assert_eq!(s(&at(&tfplan, &["terraform_version"])).as_deref(), Some("1.7.0"));
    assert_eq!(s(&at(&tfplan, &["raw", "format_version"])).as_deref(), Some("1.2"));
    assert!(at(&tfplan, &["resource_drift"]).as_map().unwrap().is_empty());
}

#[test]
fn sensitive_texts_hold_every_marked_string_and_number_and_nothing_else() {
    let texts = imports_of(DEPOSED).sensitive_texts();
    assert!(texts.contains(&"hunter2-secret".to_string()), "{texts:?}");
    assert!(texts.contains(&"8443".to_string()), "a sensitive number's text: {texts:?}");
    assert!(!texts.iter().any(|t| t == "ami-1" || t == "ami-0"), "{texts:?}");
}

#[test]
fn tfconfig_has_provisioners_and_absent_expressions_as_empty_maps() {
    let tfconfig = imports_of(DEPOSED).resolve("tfconfig/v2").unwrap();
    let r = at(&tfconfig, &["resources", "aws_instance.a"]);
    assert_eq!(s(&at(&r, &["config", "ami", "constant_value"])).as_deref(), Some("ami-1"));
    assert!(at(&r, &["count"]).as_map().unwrap().is_empty());
    assert_eq!(s(&at(&r, &["for_each", "references"]).as_list().unwrap().as_slice()[0]).as_deref(), Some("var.names"));
    assert!(at(&r, &["depends_on"]).as_list().unwrap().is_empty());
    let p = at(&tfconfig, &["provisioners", "aws_instance.a:0"]);
    assert_eq!(s(&at(&p, &["type"])).as_deref(), Some("local-exec"));
    assert_eq!(s(&at(&p, &["index"])).as_deref(), Some("0"));
    assert_eq!(s(&at(&p, &["resource_address"])).as_deref(), Some("aws_instance.a"));
    assert_eq!(at(&r, &["provisioners"]).as_list().unwrap().len(), 1);
}

#[test]
fn strip_index_removes_every_instance_key() {
    let tfconfig = imports_of(DEPOSED).resolve("tfconfig/v2").unwrap();
    let strip = |a: &str| tfconfig.as_object().unwrap().call("strip_index", vec![Value::string(a)]).unwrap();
    assert_eq!(s(&strip(r#"module.m["a.b]"].aws_instance.x[0]"#)).as_deref(), Some("module.m.aws_instance.x"));
    assert_eq!(s(&strip("aws_instance.x")).as_deref(), Some("aws_instance.x"));
    assert!(tfconfig.as_object().unwrap().call("strip_index", vec![Value::Int(1)]).is_err());
}

#[test]
fn tfrun_shows_what_it_was_given_and_nothing_else() {
    let plan = Plan::parse(DEPOSED).unwrap();
    let mut run = RunInfo { organization: Some("acme".into()), target_addrs: None, ..RunInfo::default() };
    run.workspace = WorkspaceInfo { name: Some("prod".into()), auto_apply: Some(false), ..WorkspaceInfo::default() };
    run.variables.insert("region".into(), RunVariable { category: "terraform".into(), sensitive: false });
    run.cost_estimate = Some(CostEstimate {
        prior_monthly_cost: "0.0".into(),
        proposed_monthly_cost: "12.5".into(),
        delta_monthly_cost: "12.5".into(),
    });
    let tfrun = TerraformImports::new(&plan, run).unwrap().resolve("tfrun").unwrap();
    assert_eq!(s(&at(&tfrun, &["organization", "name"])).as_deref(), Some("acme"));
    assert_eq!(s(&at(&tfrun, &["workspace", "name"])).as_deref(), Some("prod"));
    assert_eq!(at(&tfrun, &["workspace", "auto_apply"]).as_bool(), Some(false));
    assert!(at(&tfrun, &["workspace", "id"]).is_undefined());
    assert!(at(&tfrun, &["target_addrs"]).is_null());
    assert!(at(&tfrun, &["commit_sha"]).is_undefined());
    assert_eq!(s(&at(&tfrun, &["variables", "region", "category"])).as_deref(), Some("terraform"));
    assert_eq!(s(&at(&tfrun, &["cost_estimate", "delta_monthly_cost"])).as_deref(), Some("12.5"));
    let bare = imports_of(DEPOSED).resolve("tfrun").unwrap();
    assert!(at(&bare, &["cost_estimate"]).is_undefined());
    assert!(at(&bare, &["variables"]).as_map().unwrap().is_empty());
}

#[test]
fn other_import_names_are_not_answered() {
    let imports = imports_of(DEPOSED);
    assert!(imports.resolve("strings").is_none());
    assert!(imports.resolve("tfplan/v3").is_none());
    // The first generation also answers to its Sentinel CLI plugin names.
    for (alias, name) in [("tfplan/v1", "tfplan"), ("tfconfig/v1", "tfconfig"), ("tfstate/v1", "tfstate")] {
        let (a, b) = (imports.resolve(alias).unwrap(), imports.resolve(name).unwrap());
        assert!(std::sync::Arc::ptr_eq(a.as_object().unwrap(), b.as_object().unwrap()), "{alias}");
    }
}

#[test]
fn modules_plan_addresses_indexes_and_configuration() {
    let Some(text) = corpus_plan("opentofu/show-json__modules__output.json") else { return };
    let imports = imports_of(&text);
    let tfplan = imports.resolve("tfplan/v2").unwrap();
    let rc = at(&tfplan, &["resource_changes"]);
    assert_eq!(rc.as_map().unwrap().len(), 4);
    let r = at(&rc, &["module.module_test_foo.test_instance.test[2]"]);
    assert_eq!(at(&r, &["index"]).as_int(), Some(2));
    assert_eq!(s(&at(&r, &["module_address"])).as_deref(), Some("module.module_test_foo"));
    assert_eq!(s(&at(&r, &["change", "after", "ami"])).as_deref(), Some("baz"));
    assert!(at(&rc, &["module.module_test_bar.test_instance.test", "index"]).is_null());
    let pv = at(&tfplan, &["planned_values", "resources", "module.module_test_foo.test_instance.test[0]"]);
    assert_eq!(s(&at(&pv, &["module_address"])).as_deref(), Some("module.module_test_foo"));
    assert_eq!(at(&pv, &["tainted"]).as_bool(), Some(false));
    assert_eq!(s(&at(&pv, &["values", "ami"])).as_deref(), Some("baz"));

    let tfconfig = imports.resolve("tfconfig/v2").unwrap();
    let cr = at(&tfconfig, &["resources", "module.module_test_foo.test_instance.test"]);
    assert_eq!(at(&cr, &["count", "constant_value"]).as_int(), Some(3));
    assert_eq!(s(&at(&cr, &["provider_config_key"])).as_deref(), Some("module.module_test_foo:test"));
    let call = at(&tfconfig, &["module_calls", "module_test_foo"]);
    assert_eq!(s(&at(&call, &["source"])).as_deref(), Some("./foo"));
    assert_eq!(s(&at(&call, &["module_address"])).as_deref(), Some(""));
    assert_eq!(s(&at(&call, &["config", "test_var", "constant_value"])).as_deref(), Some("baz"));
    assert_eq!(s(&at(&call, &["version_constraint"])).as_deref(), Some(""));
    let var = at(&tfconfig, &["variables", "module.module_test_bar:test_var"]);
    assert_eq!(s(&at(&var, &["default"])).as_deref(), Some("bar-var"));
    assert_eq!(s(&at(&var, &["description"])).as_deref(), Some(""));
    let out = at(&tfconfig, &["outputs", "test"]);
    assert_eq!(
        s(&at(&out, &["depends_on"]).as_list().unwrap().as_slice()[0]).as_deref(),
        Some("module.module_test_foo")
    );
    assert_eq!(at(&out, &["sensitive"]).as_bool(), Some(false));
    let prov = at(&tfconfig, &["providers", "module.module_test_foo:test"]);
    assert_eq!(s(&at(&prov, &["full_name"])).as_deref(), Some("registry.opentofu.org/hashicorp/test"));
    assert_eq!(s(&at(&prov, &["alias"])).as_deref(), Some(""));
}

#[test]
fn sensitive_values_plan_marks_the_variable_output_and_attribute() {
    let Some(text) = corpus_plan("opentofu/show-json__sensitive-values__output.json") else { return };
    let imports = imports_of(&text);
    assert_eq!(imports.sensitive_texts(), ["boop"]);
    let tfplan = imports.resolve("tfplan/v2").unwrap();
    assert_eq!(
        at(&tfplan, &["resource_changes", "test_instance.test", "change", "after_sensitive", "ami"]).as_bool(),
        Some(true)
    );
    assert_eq!(s(&at(&tfplan, &["variables", "test_var", "value"])).as_deref(), Some("boop"));
    assert_eq!(s(&at(&tfplan, &["variables", "test_var", "name"])).as_deref(), Some("test_var"));
}

#[test]
fn unknown_output_values_are_undefined_in_planned_values() {
    let Some(text) = corpus_plan("opentofu/show-json__unknown-output__output.json") else { return };
    let tfplan = imports_of(&text).resolve("tfplan/v2").unwrap();
    let outs = at(&tfplan, &["planned_values", "outputs"]);
    assert!(at(&outs, &["bar", "value"]).is_undefined());
    assert_eq!(s(&at(&outs, &["foo", "value"])).as_deref(), Some("hello"));
    assert_eq!(at(&tfplan, &["output_changes", "baz", "change", "after_unknown", "time"]).as_bool(), Some(true));
}

#[test]
fn tfstate_is_the_prior_state() {
    let Some(text) = corpus_plan("opentofu/show-json__drift__output.json") else { return };
    let plan = Plan::parse(&text).unwrap();
    let prior = plan.prior_state().unwrap();
    let tfstate = TerraformImports::new(&plan, RunInfo::default()).unwrap().resolve("tfstate/v2").unwrap();
    let resources = at(&tfstate, &["resources"]);
    assert_eq!(resources.as_map().unwrap().len(), prior.len());
    for r in &prior {
        let v = at(&resources, &[&r.address_text]);
        assert_eq!(s(&at(&v, &["address"])).as_deref(), Some(r.address_text.as_ref()));
        assert!(at(&v, &["values"]).as_map().is_some());
    }
    let tfplan = TerraformImports::new(&plan, RunInfo::default()).unwrap().resolve("tfplan/v2").unwrap();
    assert_eq!(at(&tfplan, &["resource_drift"]).as_map().unwrap().len(), plan.drift.len());
    assert!(!plan.drift.is_empty());
}

/// Fields every element of each collection has, as the import references
/// document them (and `change`'s two sensitivity maps).
const RESOURCE_CHANGE_FIELDS: [&str; 9] =
    ["address", "module_address", "mode", "type", "name", "index", "provider_name", "deposed", "change"];
const CHANGE_FIELDS: [&str; 6] = ["actions", "before", "after", "after_unknown", "before_sensitive", "after_sensitive"];
const STATE_RESOURCE_FIELDS: [&str; 11] = [
    "address",
    "module_address",
    "mode",
    "type",
    "name",
    "index",
    "provider_name",
    "values",
    "depends_on",
    "tainted",
    "deposed_key",
];

/// Forces a value and everything in it.
fn force(v: &Value) -> usize {
    match (v.as_list(), v.as_map()) {
        (Some(l), _) => 1 + l.as_slice().iter().map(force).sum::<usize>(),
        (_, Some(m)) => 1 + m.iter().map(|(_, v)| force(v)).sum::<usize>(),
        _ => 1,
    }
}

#[test]
fn every_corpus_plan_builds_every_import_with_every_documented_field() {
    let Some(files) = tfgate_test_support::corpus_plans() else { return };
    let mut built = 0;
    for path in files {
        let bytes = std::fs::read(&path).unwrap();
        let Ok(text) = Plan::decode(&bytes) else { continue };
        let Ok(plan) = Plan::parse(&text) else { continue };
        let name = path.display();
        let imports = TerraformImports::new(&plan, RunInfo::default()).unwrap_or_else(|e| panic!("{name}: {e}"));
        let tfplan = imports.resolve("tfplan/v2").unwrap();
        for (coll, list) in [("resource_changes", &plan.resources), ("resource_drift", &plan.drift)] {
            let rc = at(&tfplan, &[coll]);
            let m = rc.as_map().unwrap_or_else(|| panic!("{name}: {coll} is not a map"));
            // Keys are unique: a deposed object never hides the current one.
            assert_eq!(m.len(), list.len(), "{name}: {coll}");
            for (key, r) in m.iter() {
                for f in RESOURCE_CHANGE_FIELDS {
                    assert!(!at(r, &[f]).is_undefined(), "{name}: {coll}[{key:?}].{f}");
                }
                for f in ["address", "module_address", "mode", "type", "name", "provider_name", "deposed"] {
                    assert!(at(r, &[f]).as_str().is_some(), "{name}: {coll}[{key:?}].{f} is a string");
                }
                let change = at(r, &["change"]);
                for f in CHANGE_FIELDS {
                    assert!(change.as_map().unwrap().get_str(f).is_some(), "{name}: {key:?}.change.{f}");
                }
                assert!(!at(&change, &["before"]).is_undefined(), "{name}: {key:?}.change.before");
                assert!(!at(&change, &["after"]).is_undefined(), "{name}: {key:?}.change.after");
                force(&change);
            }
        }
        let pv = at(&tfplan, &["planned_values", "resources"]);
        for (key, r) in pv.as_map().unwrap().iter() {
            for f in STATE_RESOURCE_FIELDS {
                assert!(!at(r, &[f]).is_undefined(), "{name}: planned_values.resources[{key:?}].{f}");
            }
        }
        for field in ["variables", "output_changes", "raw"] {
            assert!(force(&at(&tfplan, &[field])) > 0, "{name}: {field}");
        }
        let tfstate = imports.resolve("tfstate/v2").unwrap();
        for (key, r) in at(&tfstate, &["resources"]).as_map().unwrap().iter() {
            for f in STATE_RESOURCE_FIELDS {
                assert!(!at(r, &[f]).is_undefined(), "{name}: tfstate resources[{key:?}].{f}");
            }
        }
        let tfconfig = imports.resolve("tfconfig/v2").unwrap();
        for coll in ["providers", "resources", "provisioners", "variables", "outputs", "module_calls"] {
            assert!(at(&tfconfig, &[coll]).as_map().is_some(), "{name}: tfconfig.{coll}");
        }
        assert_eq!(
            at(&tfconfig, &["resources"]).as_map().unwrap().len(),
            plan.config_resources.len(),
            "{name}: one tfconfig resource per configuration block"
        );
        for v1 in ["tfplan", "tfconfig", "tfstate"] {
            let ns = imports.resolve(v1).unwrap();
            force(&at(&ns, &["resources"]));
            force(&at(&ns, &["module_paths"]));
        }
        assert!(imports.resolve("tfrun").is_some());
        built += 1;
    }
    assert!(built > 100, "only {built} corpus plans built");
}

// ---- HashiCorp's mocks: the field names of each collection's elements ----

fn fixtures_dir() -> Option<PathBuf> {
    tfgate_test_support::sentinel_fixtures()
}

/// For each top-level `NAME = {` block of a mock file, the keys its elements
/// have (`\t"key": {` elements, `\t\t"field":` fields). A line-level reading
/// of the formatting HashiCorp's mock generator writes, enough for field names.
fn mock_fields(text: &str) -> BTreeMap<String, BTreeSet<String>> {
    let mut out: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let mut current: Option<String> = None;
    for line in text.lines() {
        if let Some(name) = line.strip_suffix(" = {") {
            current = Some(name.to_string());
            continue;
        }
        if line == "}" {
            current = None;
            continue;
        }
        let Some(block) = &current else { continue };
        if let Some(rest) = line.strip_prefix("\t\t\"") {
            if let Some((field, _)) = rest.split_once("\":") {
                out.entry(block.clone()).or_default().insert(field.to_string());
            }
        }
    }
    out
}

/// Field names our imports give the elements of each collection.
fn our_fields(coll: &Value) -> BTreeSet<String> {
    coll.as_map().unwrap().iter().flat_map(|(_, v)| keys(v)).collect()
}

#[test]
fn element_fields_match_hashicorp_s_mocks() {
    let Some(dir) = fixtures_dir() else { return };
    let Some(text) = corpus_plan("opentofu/show-json__modules__output.json") else { return };
    let imports = imports_of(DEPOSED);
    let modules = imports_of(&text);
    let tfplan = imports.resolve("tfplan/v2").unwrap();
    let tfconfig = imports_of(DEPOSED).resolve("tfconfig/v2").unwrap();
    let tfconfig_modules = modules.resolve("tfconfig/v2").unwrap();
    let mut ours: BTreeMap<(&str, &str), BTreeSet<String>> = BTreeMap::new();
    ours.insert(("tfplan", "resource_changes"), our_fields(&at(&tfplan, &["resource_changes"])));
    ours.insert(("tfplan", "output_changes"), our_fields(&at(&tfplan, &["output_changes"])));
    ours.insert(("tfplan", "variables"), ["name".to_string(), "value".to_string()].into());
    let config_fields = |c: &str| {
        let mut set = our_fields(&at(&tfconfig, &[c]));
        set.extend(our_fields(&at(&tfconfig_modules, &[c])));
        set
    };
    for c in ["resources", "providers", "provisioners", "variables", "outputs", "module_calls"] {
        let set = config_fields(c);
        ours.insert(("tfconfig", c), set);
    }
    let pv = modules.resolve("tfplan/v2").unwrap();
    ours.insert(("tfstate", "resources"), our_fields(&at(&pv, &["planned_values", "resources"])));
    ours.insert(("tfstate", "outputs"), our_fields(&at(&pv, &["planned_values", "outputs"])));

    let mut seen: BTreeMap<(&str, String), BTreeSet<String>> = BTreeMap::new();
    let mut stack = vec![dir];
    let mut mocks = 0;
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
                continue;
            }
            let file = p.file_name().unwrap().to_string_lossy().to_string();
            let kind = ["tfplan", "tfconfig", "tfstate"].into_iter().find(|k| file.starts_with(&format!("mock-{k}")));
            let Some(kind) = kind else { continue };
            let text = std::fs::read_to_string(&p).unwrap();
            // Only mocks of the v2 imports (v1 mocks have other shapes).
            if kind == "tfplan" && !text.contains("\nresource_changes = ") {
                continue;
            }
            if kind == "tfconfig" && !text.contains("\nmodule_calls = ") {
                continue;
            }
            mocks += 1;
            for (block, fields) in mock_fields(&text) {
                seen.entry((kind, block)).or_default().extend(fields);
            }
        }
    }
    assert!(mocks > 100, "only {mocks} mocks read");
    let mut compared = 0;
    for ((kind, coll), our) in &ours {
        let Some(mock) = seen.get(&(*kind, coll.to_string())) else {
            continue;
        };
        compared += 1;
        // What the mocks show, we show.
        let missing: Vec<_> = mock.difference(our).collect();
        assert!(missing.is_empty(), "{kind}.{coll}: mocks have {missing:?} that we lack");
        // Beyond them, only fields documented after the mocks were made.
        let newer: &[&str] = if *coll == "providers" { &["full_name"] } else { &[] };
        let extra: Vec<_> = our.difference(mock).filter(|f| !newer.contains(&f.as_str())).collect();
        assert!(extra.is_empty(), "{kind}.{coll}: we have {extra:?} that no mock has");
    }
    assert_eq!(compared, ours.len(), "every collection has mocks to compare with");
    let changes: BTreeSet<String> = at(&tfplan, &["resource_changes"])
        .as_map()
        .unwrap()
        .iter()
        .flat_map(|(_, r)| keys(&at(r, &["change"])))
        .collect();
    let documented: BTreeSet<String> = CHANGE_FIELDS.iter().map(|s| s.to_string()).collect();
    assert_eq!(changes, documented);
}

// ---- the first-generation imports ----

fn call(ns: &Value, name: &str, args: Vec<Value>) -> Value {
    ns.as_object().unwrap().call(name, args).unwrap()
}

fn idx(v: &Value, key: tfgate_sentinel::Key) -> Value {
    v.as_map().unwrap().get(&key).cloned().unwrap_or(Value::Undefined)
}

#[test]
fn tfplan_v1_nests_resources_by_type_name_and_index_with_applied_and_diff() {
    let tfplan = imports_of(DEPOSED).resolve("tfplan").unwrap();
    let insts = at(&tfplan, &["resources", "aws_instance", "a"]);
    // The deposed object is not part of the diff; the current one is, under its key.
    assert_eq!(insts.as_map().unwrap().len(), 1);
    let r = idx(&insts, tfgate_sentinel::Key::from("x"));
    assert_eq!(s(&at(&r, &["applied", "ami"])).as_deref(), Some("ami-1"));
    assert_eq!(s(&at(&r, &["applied", "id"])).as_deref(), Some("74D93920-ED26-11E3-AC10-0800200C9A66"));
    assert_eq!(at(&r, &["destroy"]).as_bool(), Some(false));
    assert_eq!(at(&r, &["requires_new"]).as_bool(), Some(false));
    let ami = at(&r, &["diff", "ami"]);
    assert_eq!((s(&at(&ami, &["new"])), s(&at(&ami, &["old"]))), (Some("ami-1".into()), Some("".into())));
    assert_eq!(at(&ami, &["computed"]).as_bool(), Some(false));
    assert_eq!(at(&r, &["diff", "id", "computed"]).as_bool(), Some(true));
    assert!(at(&r, &["diff", "tags"]).is_undefined(), "a null attribute is not in the diff");
    assert!(call(&tfplan, "module", vec![Value::list(vec![Value::string("nope")])]).is_null());
    let root = call(&tfplan, "module", vec![Value::list(vec![])]);
    assert!(at(&root, &["path"]).as_list().unwrap().is_empty());
    assert_eq!(at(&tfplan, &["module_paths"]).as_list().unwrap().len(), 1);
    assert!(tfplan.as_object().unwrap().call("module", vec![Value::string("x")]).is_err());
    assert_eq!(s(&at(&tfplan, &["terraform_version"])).as_deref(), Some("1.7.0"));
}

#[test]
fn first_generation_imports_of_a_plan_with_modules() {
    let Some(text) = corpus_plan("opentofu/show-json__modules__output.json") else { return };
    let imports = imports_of(&text);
    let tfplan = imports.resolve("tfplan").unwrap();
    let foo = call(&tfplan, "module", vec![Value::list(vec![Value::string("module_test_foo")])]);
    let r = idx(&at(&foo, &["resources", "test_instance", "test"]), tfgate_sentinel::Key::Int(2));
    assert_eq!(s(&at(&r, &["applied", "ami"])).as_deref(), Some("baz"));
    assert_eq!(at(&tfplan, &["module_paths"]).as_list().unwrap().len(), 3);
    let bar = call(&tfplan, "module", vec![Value::list(vec![Value::string("module_test_bar")])]);
    assert!(!idx(&at(&bar, &["resources", "test_instance", "test"]), tfgate_sentinel::Key::Int(0)).is_undefined());

    let tfconfig = imports.resolve("tfconfig").unwrap();
    assert_eq!(s(&at(&tfconfig, &["modules", "module_test_foo", "source"])).as_deref(), Some("./foo"));
    assert_eq!(s(&at(&tfconfig, &["modules", "module_test_foo", "config", "test_var"])).as_deref(), Some("baz"));
    let foo_config = call(&tfconfig, "module", vec![Value::list(vec![Value::string("module_test_foo")])]);
    assert_eq!(s(&at(&foo_config, &["variables", "test_var", "default"])).as_deref(), Some("foo-var"));
    let refs = at(&foo_config, &["resources", "test_instance", "test", "references", "ami"]);
    assert_eq!(s(&refs.as_list().unwrap().as_slice()[0]).as_deref(), Some("var.test_var"));
    assert_eq!(
        s(&at(&tfconfig, &["outputs", "test", "depends_on"]).as_list().unwrap().as_slice()[0]).as_deref(),
        Some("module.module_test_foo")
    );
    // `tfplan.config` is the tfconfig import.
    assert_eq!(s(&at(&tfplan, &["config", "modules", "module_test_foo", "source"])).as_deref(), Some("./foo"));
}

#[test]
fn tfstate_v1_is_the_prior_state_by_type_name_and_index() {
    let Some(text) = corpus_plan("opentofu/show-json__drift__output.json") else { return };
    let plan = Plan::parse(&text).unwrap();
    let tfstate = TerraformImports::new(&plan, RunInfo::default()).unwrap().resolve("tfstate").unwrap();
    let prior = plan.prior_state().unwrap();
    assert!(!prior.is_empty());
    for r in prior.iter().filter(|r| r.address.module.is_root()) {
        let key = match r.address.key.clone() {
            Some(tfgate_plan::InstanceKey::Int(i)) => tfgate_sentinel::Key::Int(i),
            Some(tfgate_plan::InstanceKey::Str(s)) => tfgate_sentinel::Key::from(s),
            _ => tfgate_sentinel::Key::Int(0),
        };
        let coll = if r.address.mode == tfgate_plan::Mode::Data { "data" } else { "resources" };
        let v = idx(&at(&tfstate, &[coll, &r.address.resource_type, &r.address.name]), key);
        let values = r.values().unwrap();
        let id = values.get("id").and_then(|i| i.as_str()).unwrap_or("").to_string();
        assert_eq!(s(&at(&v, &["id"])), Some(id), "{}", r.address_text);
        assert!(at(&v, &["attr"]).as_map().is_some());
        assert_eq!(at(&v, &["tainted"]).as_bool(), Some(false));
    }
}

// ---- policies in Sentinel, run against imports built from plans ----

fn run(imports: &TerraformImports, policy: &str) -> tfgate_sentinel::Evaluation {
    let program = tfgate_sentinel::Program::parse("policy.sentinel", policy).unwrap_or_else(|d| panic!("{d:?}"));
    tfgate_sentinel::evaluate(&program, imports, &Default::default(), &tfgate_sentinel::Limits::default())
}

fn passes(imports: &TerraformImports, policy: &str) -> bool {
    let e = run(imports, policy);
    match &e.outcome {
        Ok(v) => v.as_bool().unwrap_or_else(|| panic!("main is {v:?}; prints: {}", e.prints)),
        Err(err) => panic!("{}:{}: {}; prints: {}", err.line, err.column, err.message, e.prints),
    }
}

#[test]
fn sentinel_policies_filter_and_check_resource_changes() {
    let imports = imports_of(DEPOSED);
    assert!(passes(
        &imports,
        r#"import "tfplan/v2" as tfplan
creates = filter tfplan.resource_changes as _, rc {
    rc.mode is "managed" and rc.type is "aws_instance" and rc.change.actions is ["create"]
}
main = rule {
    length(creates) is 1 and
    all creates as _, rc {
        rc.change.after.ami is "ami-1" and
        rc.change.after_unknown.id else false is true and
        (rc.change.after.id else "absent") is "absent" and
        rc.index is "x"
    }
}"#
    ));
    // The same policy fails when the plan breaks it.
    assert!(!passes(
        &imports,
        r#"import "tfplan/v2" as tfplan
main = rule { all tfplan.resource_changes as _, rc { rc.change.actions is ["create"] } }"#
    ));
}

#[test]
fn sentinel_policies_cross_config_and_plan_with_strip_index() {
    let Some(text) = corpus_plan("opentofu/show-json__modules__output.json") else { return };
    let imports = imports_of(&text);
    assert!(passes(
        &imports,
        r#"import "tfplan/v2" as tfplan
import "tfconfig/v2" as tfconfig
main = rule {
    all tfplan.resource_changes as _, rc {
        tfconfig.resources[tfconfig.strip_index(rc.address)].config.ami.references contains "var.test_var"
    }
}"#
    ));
    assert!(passes(
        &imports,
        r#"import "tfplan" as v1
main = rule {
    v1.module(["module_test_foo"]).resources.test_instance.test[1].applied.ami is "baz" and
    v1.module_paths contains ["module_test_foo"]
}"#
    ));
}

#[test]
fn sentinel_policies_read_tfrun() {
    let plan = Plan::parse(DEPOSED).unwrap();
    let run_info = RunInfo { is_destroy: Some(false), organization: Some("acme".into()), ..RunInfo::default() };
    let imports = TerraformImports::new(&plan, run_info).unwrap();
    assert!(passes(
        &imports,
        r#"import "tfrun"
main = rule { tfrun.organization.name is "acme" and not tfrun.is_destroy and (tfrun.cost_estimate else "none") is "none" }"#
    ));
}

// ---- HashiCorp's mocks that carry their plan (`raw`): the same plan, built by us ----

/// A value as JSON, for comparing; undefined as a marker string.
fn to_json(v: &Value) -> serde_json::Value {
    if let Some(l) = v.as_list() {
        return serde_json::Value::Array(l.as_slice().iter().map(to_json).collect());
    }
    if let Some(m) = v.as_map() {
        return serde_json::Value::Object(
            m.iter()
                .map(|(k, v)| (k.as_str().map_or_else(|| format!("{:?}", k.to_value()), str::to_string), to_json(v)))
                .collect(),
        );
    }
    match v.type_name() {
        "undefined" => serde_json::Value::String("<undefined>".into()),
        "null" => serde_json::Value::Null,
        "bool" => serde_json::Value::Bool(v.as_bool().unwrap()),
        "int" => serde_json::Value::from(v.as_int().unwrap()),
        "float" => serde_json::Value::from(v.as_f64().unwrap()),
        "string" => serde_json::Value::String(v.as_str().unwrap().to_string()),
        other => serde_json::Value::String(format!("<{other}>")),
    }
}

/// Our change maps without the two sensitivity maps the mocks predate.
fn without_sensitivity(mut j: serde_json::Value) -> serde_json::Value {
    for rc in j.as_object_mut().into_iter().flat_map(|m| m.values_mut()) {
        if let Some(change) = rc.get_mut("change").and_then(|c| c.as_object_mut()) {
            change.remove("before_sensitive");
            change.remove("after_sensitive");
        }
    }
    j
}

#[test]
fn mocks_with_their_plan_match_what_we_build_from_that_plan() {
    let Some(dir) = fixtures_dir() else { return };
    let root = dir.join("terraform-sentinel-policies");
    let mut files = Vec::new();
    let mut stack = vec![root];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else if p.file_name().is_some_and(|n| n.to_string_lossy().starts_with("mock-tfplan")) {
                let text = std::fs::read_to_string(&p).unwrap();
                if text.contains("\nraw = {") {
                    files.push((p, text));
                }
            }
        }
    }
    assert!(files.len() >= 10, "only {} mocks with raw", files.len());
    let (mut exact, mut compared) = (0, 0);
    for (path, text) in files {
        let name = path.display();
        let program =
            tfgate_sentinel::Program::parse(&name.to_string(), &text).unwrap_or_else(|d| panic!("{name}: {d:?}"));
        let mock = tfgate_sentinel::load_module(&program, &tfgate_sentinel::NoImports, &Default::default())
            .unwrap_or_else(|e| panic!("{name}: {}", e.message));
        let plan_text = to_json(&at(&mock, &["raw"])).to_string();
        let imports = imports_of(&plan_text);
        let ours = imports.resolve("tfplan/v2").unwrap();
        for field in ["terraform_version", "variables", "resource_changes", "planned_values", "output_changes"] {
            let mut got = to_json(&at(&ours, &[field]));
            if field == "resource_changes" {
                got = without_sensitivity(got);
            }
            let want = to_json(&at(&mock, &[field]));
            // Test authors edited values of some mocks (a `pass` variant of
            // a `fail` mock) without editing `raw`: the shape must match
            // always, the values wherever the mock is as generated.
            assert_eq!(shape(&got), shape(&want), "{name}: {field}");
            if got == want {
                exact += 1;
            } else {
                eprintln!("{name}: {field} has edited values");
            }
            compared += 1;
        }
    }
    assert!(exact * 10 >= compared * 8, "only {exact} of {compared} collections match exactly");
}

/// A JSON value with every scalar replaced by its kind.
fn shape(j: &serde_json::Value) -> serde_json::Value {
    use serde_json::Value as J;
    match j {
        J::Array(items) => J::Array(items.iter().map(shape).collect()),
        J::Object(m) => J::Object(m.iter().map(|(k, v)| (k.clone(), shape(v))).collect()),
        J::Null => J::String("null".into()),
        J::Bool(_) => J::String("bool".into()),
        J::Number(n) if n.is_i64() => J::String("int".into()),
        J::Number(_) => J::String("float".into()),
        J::String(s) if s == "<undefined>" => j.clone(),
        J::String(_) => J::String("string".into()),
    }
}

/// Timing (run with `--ignored --nocapture`): a plan of 20,000 resources of
/// 40 attributes (1% with a sensitive one); building the imports, a policy
/// that reads one resource type (1%), and one that reads every value.
#[test]
#[ignore]
fn timing_lazy_imports_on_a_large_plan() {
    use std::time::Instant;
    let mut rcs = Vec::new();
    for i in 0..20_000 {
        let ty = if i % 100 == 0 { "aws_s3_bucket" } else { "aws_instance" };
        let attrs: Vec<String> = (0..40).map(|a| format!("\"attr_{a}\":\"value-{i}-{a}\"")).collect();
        // One resource in a hundred has a sensitive attribute.
        let mask = if i % 100 == 7 { r#"{"attr_1":true}"# } else { "{}" };
        rcs.push(format!(
            r#"{{"address":"{ty}.r{i}","mode":"managed","type":"{ty}","name":"r{i}","provider_name":"p","change":{{"actions":["create"],"before":null,"after":{{{}}},"after_unknown":{{"id":true}},"before_sensitive":false,"after_sensitive":{}}}}}"#,
            attrs.join(","),
            mask
        ));
    }
    let text =
        format!(r#"{{"format_version":"1.2","terraform_version":"1.7.0","resource_changes":[{}]}}"#, rcs.join(","));
    let median = |mut v: Vec<f64>| {
        v.sort_by(|a, b| a.partial_cmp(b).unwrap());
        v[v.len() / 2]
    };
    let (mut build, mut one, mut all) = (Vec::new(), Vec::new(), Vec::new());
    for _ in 0..5 {
        let plan = Plan::parse(&text).unwrap();
        let t = Instant::now();
        let imports = TerraformImports::new(&plan, RunInfo::default()).unwrap();
        build.push(t.elapsed().as_secs_f64());
        let t = Instant::now();
        assert!(passes(
            &imports,
            r#"import "tfplan/v2" as tfplan
main = rule { all filter tfplan.resource_changes as _, rc { rc.type is "aws_s3_bucket" } as _, rc { rc.change.after.attr_0 is not "" } }"#
        ));
        one.push(t.elapsed().as_secs_f64());
        let t = Instant::now();
        assert!(passes(
            &imports,
            r#"import "tfplan/v2" as tfplan
main = rule { all tfplan.resource_changes as _, rc { rc.change.after.attr_0 is not "" } }"#
        ));
        all.push(t.elapsed().as_secs_f64());
    }
    let (b, o, a) = (median(build), median(one), median(all));
    eprintln!("build {b:.3}s; one type (200 of 20000 read) {o:.3}s; every resource read {a:.3}s; ratio {:.1}", a / o);
}

#[test]
fn sensitive_texts_cover_state_objects_outputs_and_unmasked_old_plans() {
    let plan = r#"{"format_version":"1.2","terraform_version":"1.7.0",
      "planned_values":{"outputs":{"conn":{"sensitive":true,"value":{"dsn":"postgres://u:pl4nned-pw@db"}}},"root_module":{}},
      "output_changes":{"old":{"actions":["update"],"before":"b3fore-token","after":"x","after_unknown":false,"before_sensitive":true,"after_sensitive":false}},
      "prior_state":{"format_version":"1.0","terraform_version":"1.7.0","values":{"outputs":{},"root_module":{"resources":[
        {"address":"aws_db_instance.d","mode":"managed","type":"aws_db_instance","name":"d","values":{"password":"pr1or-secret","port":5432},"sensitive_values":{"password":true}}]}}},
      "resource_changes":[{"address":"aws_db_instance.d","mode":"managed","type":"aws_db_instance","name":"d",
        "change":{"actions":["no-op"],"before":{"password":"pr1or-secret","port":5432},"after":{"password":"pr1or-secret","port":5432},"after_unknown":{},"before_sensitive":{"password":true},"after_sensitive":{"password":true}}}]}"#;
    let texts = imports_of(plan).sensitive_texts();
    for t in ["postgres://u:pl4nned-pw@db", "b3fore-token", "pr1or-secret"] {
        assert!(texts.iter().any(|x| x == t), "{t} missing from {texts:?}");
    }
    assert!(!texts.iter().any(|x| x == "5432" || x == "x"), "{texts:?}");

    // Plans before Terraform 0.15 carry no masks: secret-looking names count.
    let old = r#"{"format_version":"0.1","terraform_version":"0.12.31",
      "resource_changes":[{"address":"aws_db_instance.d","mode":"managed","type":"aws_db_instance","name":"d",
        "change":{"actions":["create"],"before":null,"after":{"password":"0ld-plan-pw","engine":"postgres"},"after_unknown":{}}}]}"#;
    let texts = imports_of(old).sensitive_texts();
    assert_eq!(texts, ["0ld-plan-pw"]);
}

/// Every leaf of a resolved plan value marked sensitive.
fn marked(v: &tfgate_plan::Value, under: bool, out: &mut BTreeSet<String>) {
    use tfgate_plan::Kind;
    let m = under || v.sensitive;
    match &v.kind {
        Kind::String(s) if m && !s.is_empty() => {
            out.insert(s.to_string());
        }
        Kind::List(items) => items.iter().for_each(|i| marked(i, m, out)),
        Kind::Object(o) => o.values().for_each(|i| marked(i, m, out)),
        _ => {}
    }
}

#[test]
fn sensitive_texts_hold_every_sensitive_string_the_plan_reader_sees_in_every_corpus_plan() {
    let Some(files) = tfgate_test_support::corpus_plans() else { return };
    let mut with_secrets = 0;
    for path in files {
        let bytes = std::fs::read(&path).unwrap();
        let Ok(text) = Plan::decode(&bytes) else { continue };
        let Ok(plan) = Plan::parse(&text) else { continue };
        let texts: BTreeSet<String> =
            TerraformImports::new(&plan, RunInfo::default()).unwrap().sensitive_texts().into_iter().collect();
        // What the plan reader marks, read the slow way: every value whole.
        let mut want = BTreeSet::new();
        for r in plan.resources.iter().chain(&plan.drift) {
            marked(&r.after().unwrap(), false, &mut want);
            marked(&r.before().unwrap(), false, &mut want);
        }
        for o in &plan.outputs {
            marked(&o.after().unwrap(), false, &mut want);
        }
        for v in &plan.variables {
            marked(&v.value().unwrap(), false, &mut want);
        }
        for r in plan.prior_state().unwrap() {
            marked(&r.values().unwrap(), false, &mut want);
        }
        let missing: Vec<_> = want.difference(&texts).collect();
        assert!(missing.is_empty(), "{}: {} sensitive strings missing", path.display(), missing.len());
        with_secrets += usize::from(!want.is_empty());
    }
    assert!(with_secrets >= 10, "only {with_secrets} corpus plans have sensitive strings");
}
