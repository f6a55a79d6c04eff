//! `.plantest.hcl`: tfgate's plan-fixture tests. Where a `.policytest.hcl`
//! mocks single resources, a plan test runs a policy file over a whole plan
//! JSON and states exactly which addresses fail, are unknown and pass:
//!
//! ```hcl
//! plan_test "launch templates decide for instances that set nothing" {
//!   plan    = "testdata/imdsv2-launch-template-inheritance.json"  # relative to this file
//!   policy  = "imdsv2_required"   # optional: one policy block (name or id); default all
//!   inputs  = { max_hop_limit = 2 }  # optional
//!   fail    = ["aws_instance.optional_template"]
//!   unknown = []
//!   pass    = ["aws_instance.required_template"]
//!   error   = []                  # optional
//! }
//! ```
//!
//! Each list is compared as an exact set: an address the policy judged but
//! the test does not list is a failure too, so a test says everything the
//! policy does on that plan. A plan test file pairs with the policy file of
//! the same stem (`imdsv2.plantest.hcl` tests `imdsv2.policy.hcl`).

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use tfgate_plan::Value;

use crate::check::{check_plan, policy_id, CheckOptions};
use crate::diagnostic::{Diagnostic, Location, SourceFile, Span};
use crate::eval::Limits;
use crate::load::{const_eval, Loader};
use crate::model::PolicyFile;
use crate::parse;
use crate::policytest::{TestCaseResult, TestOutcome, TestReport};
use crate::{PolicyError, PolicySet};

/// A loaded `.plantest.hcl` file.
#[derive(Clone, Debug)]
pub struct PlanTestFile {
    pub source: SourceFile,
    pub tests: Vec<PlanTest>,
}

/// One `plan_test` block.
#[derive(Clone, Debug)]
pub struct PlanTest {
    pub label: String,
    pub span: Span,
    /// The plan path as written (relative to the test file).
    pub plan: String,
    pub policy: Option<String>,
    pub inputs: BTreeMap<String, Value>,
    pub fail: BTreeSet<String>,
    pub unknown: BTreeSet<String>,
    pub pass: BTreeSet<String>,
    pub error: BTreeSet<String>,
}

const ATTRS: [&str; 7] = ["plan", "policy", "inputs", "fail", "unknown", "pass", "error"];

/// Parses and checks a plan test file.
pub fn load_plan_tests(source: SourceFile) -> Result<PlanTestFile, PolicyError> {
    let body = parse::parse_file(&source).map_err(|d| PolicyError::Invalid(vec![*d]))?;
    let mut l = Loader { file: &source, diags: Vec::new() };
    l.check_schema(&body, "a plan test file", &[], &["plan_test"]);
    let mut tests = Vec::new();
    for b in body.blocks.iter().filter(|b| b.ident == "plan_test") {
        l.check_schema(&b.body, "a plan_test block", &ATTRS, &[]);
        let Some((label, _)) = b.labels.first().cloned() else {
            l.diags.push(
                Diagnostic::error(&source, b.ident_span, "Missing label for plan_test")
                    .with_label("a plan_test needs a name"),
            );
            continue;
        };
        let mut test = PlanTest {
            label,
            span: b.span,
            plan: String::new(),
            policy: None,
            inputs: BTreeMap::new(),
            fail: BTreeSet::new(),
            unknown: BTreeSet::new(),
            pass: BTreeSet::new(),
            error: BTreeSet::new(),
        };
        let mut has_plan = false;
        for a in &b.body.attrs {
            let v = match const_eval(&a.expr) {
                Ok(v) => v,
                Err(e) => {
                    l.diags.push(Diagnostic::error(&source, a.expr.span, e.message));
                    continue;
                }
            };
            let mut wrong = |what: &str| {
                l.diags.push(Diagnostic::error(&source, a.expr.span, format!("\"{}\" must be {what}", a.name)));
            };
            match a.name.as_str() {
                "plan" => match v.as_str() {
                    Some(s) => {
                        test.plan = s.to_string();
                        has_plan = true;
                    }
                    None => wrong("a string (the plan JSON's path)"),
                },
                "policy" => match v.as_str() {
                    Some(s) => test.policy = Some(s.to_string()),
                    None => wrong("a string (a policy name or id)"),
                },
                "inputs" => match v.as_object() {
                    Some(o) => test.inputs = o.iter().map(|(k, v)| (k.to_string(), v.clone())).collect(),
                    None => wrong("an object of input values"),
                },
                list => {
                    let Some(items) = v.as_list().and_then(|l| {
                        l.iter().map(|i| i.as_str().map(str::to_string)).collect::<Option<BTreeSet<_>>>()
                    }) else {
                        wrong("a list of resource addresses");
                        continue;
                    };
                    match list {
                        "fail" => test.fail = items,
                        "unknown" => test.unknown = items,
                        "pass" => test.pass = items,
                        _ => test.error = items,
                    }
                }
            }
        }
        if !has_plan {
            l.diags.push(
                Diagnostic::error(&source, b.ident_span, "Missing required argument")
                    .with_label("a plan_test needs \"plan\", the plan JSON to run"),
            );
        }
        tests.push(test);
    }
    if l.diags.iter().any(Diagnostic::is_error) {
        return Err(PolicyError::Invalid(l.diags));
    }
    Ok(PlanTestFile { source, tests })
}

/// Runs every plan test of `tests` against `policy` within `limits`. `base`
/// is the folder plan paths are relative to; `read` reads and decodes a plan
/// file.
pub fn run_plan_tests_with(
    policy: &PolicyFile,
    tests: &PlanTestFile,
    base: &Path,
    read: &dyn Fn(&Path) -> Result<String, String>,
    limits: Limits,
) -> TestReport {
    let cases = tests.tests.iter().map(|t| run_one(policy, tests, t, base, read, limits)).collect();
    TestReport { policy_file: policy.name().to_string(), test_file: tests.source.name().to_string(), cases }
}

fn run_one(
    policy: &PolicyFile,
    tests: &PlanTestFile,
    t: &PlanTest,
    base: &Path,
    read: &dyn Fn(&Path) -> Result<String, String>,
    limits: Limits,
) -> TestCaseResult {
    let location: Location = tests.source.location(t.span.start);
    let result = |outcome, reason: String, policies: Vec<String>| TestCaseResult {
        name: format!("plan_test.{}", t.label),
        location,
        outcome,
        reason,
        policies,
    };
    let path = base.join(&t.plan);
    let text = match read(&path) {
        Ok(text) => text,
        Err(e) => return result(TestOutcome::Fail, format!("cannot read the plan {}: {e}", path.display()), vec![]),
    };
    let plan = match tfgate_plan::Plan::parse(&text) {
        Ok(p) => p,
        Err(e) => return result(TestOutcome::Fail, format!("{}: {e}", path.display()), vec![]),
    };
    let mut file = policy.clone();
    if let Some(selected) = &t.policy {
        file.policies.retain(|p| &p.name == selected || &policy_id(policy, p) == selected);
        if file.policies.is_empty() {
            return result(TestOutcome::Fail, format!("the policy file has no policy named {selected:?}"), vec![]);
        }
    }
    let names: Vec<String> = file.policies.iter().map(|p| p.name.clone()).collect();
    let mut options = CheckOptions { limits, ..CheckOptions::default() };
    if !t.inputs.is_empty() {
        options.inputs.insert(file.name().to_string(), t.inputs.clone());
    }
    let mut set = PolicySet::default();
    set.push(file);
    let out = check_plan(&set, &plan, &t.plan, &options);
    if let Some(e) = out.errors.first() {
        return result(TestOutcome::Fail, e.message.clone(), names);
    }
    let got = |s: tfgate_core::Status| -> BTreeSet<String> {
        out.findings.iter().filter(|f| f.status == s).map(|f| f.address.to_string()).collect()
    };
    let mut problems = Vec::new();
    for (word, want, have) in [
        ("fail", &t.fail, got(tfgate_core::Status::Fail)),
        ("unknown", &t.unknown, got(tfgate_core::Status::Unknown)),
        ("pass", &t.pass, got(tfgate_core::Status::Pass)),
        ("error", &t.error, got(tfgate_core::Status::Error)),
    ] {
        let missing: Vec<&String> = want.difference(&have).collect();
        let extra: Vec<&String> = have.difference(want).collect();
        if !missing.is_empty() {
            problems.push(format!("expected to {word} but did not: {}", join(&missing)));
        }
        if !extra.is_empty() {
            problems.push(format!("did {word} but not listed: {}", join(&extra)));
        }
    }
    if problems.is_empty() {
        let n = t.fail.len() + t.unknown.len() + t.pass.len() + t.error.len();
        result(TestOutcome::Pass, format!("{n} verdicts as expected"), names)
    } else {
        result(TestOutcome::Fail, problems.join("; "), names)
    }
}

fn join(items: &[&String]) -> String {
    items.iter().map(|s| s.as_str()).collect::<Vec<_>>().join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    const POLICY: &str = r#"
resource_policy "aws_instance" "tokens" {
  enforcement_level = "mandatory"
  enforce {
    condition     = core::try(attrs.metadata_options[0].http_tokens, null) == "required"
    error_message = "tokens"
  }
}
"#;

    const PLAN: &str = r#"{"format_version":"1.2","resource_changes":[
      {"address":"aws_instance.a","mode":"managed","type":"aws_instance","name":"a","change":{"actions":["create"],"after":{"metadata_options":[{"http_tokens":"required"}]},"after_unknown":{}}},
      {"address":"aws_instance.b","mode":"managed","type":"aws_instance","name":"b","change":{"actions":["create"],"after":{"metadata_options":[{"http_tokens":"optional"}]},"after_unknown":{}}},
      {"address":"aws_instance.c","mode":"managed","type":"aws_instance","name":"c","change":{"actions":["create"],"after":{},"after_unknown":{"metadata_options":true}}}]}"#;

    fn run(tests: &str) -> TestReport {
        let policy = crate::load_policy_source("p.policy.hcl", POLICY).unwrap();
        let tests = load_plan_tests(SourceFile::new("p.plantest.hcl", tests)).unwrap();
        run_plan_tests_with(&policy, &tests, Path::new("."), &|_| Ok(PLAN.to_string()), Limits::default())
    }

    #[test]
    fn exact_sets_pass() {
        let r = run(r#"plan_test "all" {
  plan = "plan.json"
  fail = ["aws_instance.b"]
  unknown = ["aws_instance.c"]
  pass = ["aws_instance.a"]
}"#);
        assert!(r.passed(), "{:?}", r.cases);
    }

    #[test]
    fn missing_and_extra_addresses_fail_with_reasons() {
        let r = run(r#"plan_test "wrong" {
  plan = "plan.json"
  fail = ["aws_instance.a"]
  pass = ["aws_instance.a"]
}"#);
        assert!(!r.passed());
        let reason = &r.cases[0].reason;
        assert!(reason.contains("expected to fail but did not: aws_instance.a"), "{reason}");
        assert!(reason.contains("did fail but not listed: aws_instance.b"), "{reason}");
        assert!(reason.contains("did unknown but not listed: aws_instance.c"), "{reason}");
    }

    #[test]
    fn bad_files_get_diagnostics() {
        let e = load_plan_tests(SourceFile::new("t.plantest.hcl", "plan_test \"x\" {\n  fial = []\n}\n")).unwrap_err();
        let text = e.to_string();
        assert!(text.contains("Unsupported argument"), "{text}");
        assert!(text.contains("fail"), "suggests the right name: {text}");
        assert!(text.contains("Missing required argument"), "{text}");
    }
}
