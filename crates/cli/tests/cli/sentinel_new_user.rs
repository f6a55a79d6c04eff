//! Tried as a new user would (issue 12): HashiCorp's policy sets, unedited,
//! checked with `tfgate check PLAN --sentinel FOLDER` against the very plans
//! their test mocks were generated from (the mocks that carry `raw`). Each
//! policy's verdict must be what the test case expects of the mocked plan.
//!
//! Some tested policies are not in their folder's `sentinel.hcl`; as a user
//! would, the test adds them (to a copy of it, with absolute sources).
//!
//! A case is compared when its `tfplan/v2` mock is as generated from its
//! `raw` plan (test authors edited the values of some mocks, a `pass` copy of
//! a `fail` mock, without editing `raw`), and it sets no parameters (`check`
//! uses the policy set's own). The others are counted and named.

use crate::common;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use common::tfgate;
use tfgate_sentinel::{load_module, Config, MockKind, NoImports, Program, RunInfo, TerraformImports, Value};

/// A value as JSON, sensitive values in clear (for comparing only).
fn to_json(v: &Value) -> serde_json::Value {
    use serde_json::Value as J;
    match v.resolved() {
        Value::Sensitive(inner) => to_json(inner),
        Value::Null | Value::Undefined => J::Null,
        Value::Bool(b) => J::Bool(*b),
        Value::Int(i) => J::from(*i),
        Value::Float(f) => serde_json::Number::from_f64(*f).map_or(J::Null, J::Number),
        Value::String(s) => J::String(s.to_string()),
        Value::List(l) => J::Array(l.as_slice().iter().map(to_json).collect()),
        Value::Map(m) => J::Object(
            m.iter().map(|(k, x)| (k.as_str().map_or_else(|| format!("{k:?}"), str::to_string), to_json(x))).collect(),
        ),
        other => J::String(other.type_name().to_string()),
    }
}

fn field(v: &Value, name: &str) -> Value {
    match (v.as_object(), v.as_map()) {
        (Some(o), _) => o.get(name).unwrap_or(Value::Undefined),
        (_, Some(m)) => m.get_str(name).cloned().unwrap_or(Value::Undefined),
        _ => Value::Undefined,
    }
}

/// `resource_changes` without the two sensitivity maps the mocks predate.
fn changes(v: &Value) -> serde_json::Value {
    let mut j = to_json(&field(v, "resource_changes"));
    for rc in j.as_object_mut().into_iter().flat_map(|m| m.values_mut()) {
        if let Some(change) = rc.get_mut("change").and_then(|c| c.as_object_mut()) {
            change.remove("before_sensitive");
            change.remove("after_sensitive");
        }
    }
    j
}

struct Case {
    name: String,
    policy: String,
    expect_pass: bool,
    params: bool,
}

/// Every case of `folder` whose `tfplan/v2` mock carries `raw`, by mock file.
fn cases_by_mock(folder: &Path) -> BTreeMap<PathBuf, Vec<Case>> {
    let mut out: BTreeMap<PathBuf, Vec<Case>> = BTreeMap::new();
    let Ok(policies) = std::fs::read_dir(folder.join("test")) else { return out };
    for p in policies.flatten().filter(|p| p.path().is_dir()) {
        for c in std::fs::read_dir(p.path()).unwrap().flatten() {
            let path = c.path();
            if !path.extension().is_some_and(|e| e == "hcl" || e == "json") {
                continue;
            }
            let config = Config::load(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            let Some(MockKind::Module { source }) = config.mocks.get("tfplan/v2").map(|m| &m.kind) else { continue };
            let mock = path.parent().unwrap().join(source);
            let Ok(text) = std::fs::read_to_string(&mock) else { continue };
            if !text.contains("\nraw = {") {
                continue;
            }
            let expect_pass =
                config.test.as_ref().and_then(|t| t.rules.get("main")).is_none_or(|v| v.as_bool() == Some(true));
            out.entry(mock).or_default().push(Case {
                name: path.strip_prefix(folder).unwrap().display().to_string(),
                policy: p.file_name().to_string_lossy().into_owned(),
                expect_pass,
                params: !config.params.is_empty(),
            });
        }
    }
    out
}

/// The folder's `sentinel.hcl` with absolute sources, and a policy block for
/// each tested policy it does not declare.
fn policy_set(folder: &Path, tested: &[String], into: &Path) -> PathBuf {
    let text = std::fs::read_to_string(folder.join("sentinel.hcl")).unwrap();
    let mut out = String::new();
    for line in text.lines() {
        match line.split_once("source = \"") {
            Some((head, rest)) => {
                let (source, tail) = rest.split_once('"').unwrap();
                let absolute = folder.join(source);
                out.push_str(&format!("{head}source = \"{}\"{tail}\n", absolute.display()));
            }
            None => {
                out.push_str(line);
                out.push('\n');
            }
        }
    }
    let config = Config::load(&folder.join("sentinel.hcl")).unwrap();
    for policy in tested {
        if !config.policies.contains_key(policy) {
            let source = folder.join(format!("{policy}.sentinel"));
            out.push_str(&format!(
                "\npolicy \"{policy}\" {{\n  source = \"{}\"\n  enforcement_level = \"advisory\"\n}}\n",
                source.display()
            ));
        }
    }
    let path = into.join(format!("{}.hcl", folder.file_name().unwrap().to_string_lossy()));
    std::fs::write(&path, out).unwrap();
    path
}

#[test]
fn check_gives_each_policy_the_verdict_its_tests_expect_of_the_mocked_plan() {
    let Some(root) = tfgate_test_support::sentinel_fixtures() else { return };
    let root = root.join("terraform-sentinel-policies");
    let dir = tempfile::tempdir().unwrap();
    let (mut agreed, mut edited, mut with_params) = (0, Vec::new(), Vec::new());
    let mut disagreed = Vec::new();
    for folder in ["aws", "azure", "cloud-agnostic", "gcp", "vmware"] {
        let folder = root.join(folder);
        let by_mock = cases_by_mock(&folder);
        let mut tested: Vec<String> = by_mock.values().flatten().map(|c| c.policy.clone()).collect();
        tested.sort();
        tested.dedup();
        let set = policy_set(&folder, &tested, dir.path());
        for (mock, cases) in by_mock {
            let text = std::fs::read_to_string(&mock).unwrap();
            let program = Program::parse(&mock.display().to_string(), &text).unwrap();
            let mocked = load_module(&program, &NoImports, &Default::default()).unwrap();
            let raw = to_json(&field(&mocked, "raw")).to_string();
            // Is the mock what the plan gives? (Built the way `check` builds it.)
            let plan = tfgate_plan::Plan::parse(&raw).unwrap();
            let ours = TerraformImports::new(&plan, RunInfo::default()).unwrap().resolve("tfplan/v2").unwrap();
            let as_generated = changes(&ours) == changes(&mocked);
            let plan_path = dir.path().join("plan.json");
            std::fs::write(&plan_path, &raw).unwrap();
            let out = tfgate(&["check", plan_path.to_str().unwrap(), "--sentinel", set.to_str().unwrap()])
                .args(["--format", "json"])
                .output()
                .unwrap();
            let report: serde_json::Value = serde_json::from_slice(&out.stdout)
                .unwrap_or_else(|e| panic!("{}: {e}\n{}", mock.display(), String::from_utf8_lossy(&out.stderr)));
            for case in cases {
                if !as_generated {
                    edited.push(case.name);
                    continue;
                }
                if case.params {
                    with_params.push(case.name);
                    continue;
                }
                let status = report["findings"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .find(|f| f["policy_id"] == case.policy.as_str())
                    .map(|f| f["status"].as_str().unwrap_or("").to_string())
                    .unwrap_or_else(|| "missing".into());
                let want = if case.expect_pass { "pass" } else { "fail" };
                if status == want {
                    agreed += 1;
                } else {
                    disagreed.push(format!("{}: expected {want}, check says {status}", case.name));
                }
            }
        }
    }
    eprintln!(
        "check --sentinel on mocked plans: {agreed} cases agree, {} disagree; not compared: {} with edited mocks ({}), {} with parameters ({})",
        disagreed.len(),
        edited.len(),
        edited.join(", "),
        with_params.len(),
        with_params.join(", ")
    );
    assert!(disagreed.is_empty(), "{}", disagreed.join("\n"));
    // Twelve cases have a mock with `raw`; two of those mocks were edited.
    assert!(agreed >= 10, "only {agreed} cases compared");
}
