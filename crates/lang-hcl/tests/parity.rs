//! Terraform policy 1.0 parity: defaults, operations, short-circuit and
//! calls to unknown functions in branches that are never taken.
//!
//! Facts from HashiCorp's reference pages for the Terraform policy language
//! (developer.hashicorp.com/terraform/policy/reference/policy/resource-policy
//! and the pages it links for `enforcement_level`, `operations` and `meta`).

use std::collections::BTreeMap;

use tfgate_lang_hcl::{
    load_policy_source, Diagnostic, DiagnosticSeverity, EnforcementLevel, Evaluator, Limits, NoResources, PolicyFile,
    PolicyOutcome, Status, Target, TargetKind,
};
use tfgate_plan::Value;

fn load(src: &str) -> PolicyFile {
    load_policy_source("parity.policy.hcl", src).unwrap_or_else(|e| panic!("{e}"))
}

fn load_errors(src: &str) -> Vec<Diagnostic> {
    match load_policy_source("parity.policy.hcl", src) {
        Ok(_) => panic!("expected the file not to load"),
        Err(e) => e.diagnostics().iter().filter(|d| d.is_error()).cloned().collect(),
    }
}

fn target(attrs: Value, prior: Value, actions: &[&str]) -> Target {
    let op = match actions {
        [one] => one.to_string(),
        _ => "replace".to_string(),
    };
    Target {
        kind: TargetKind::Resource,
        name: "aws_instance".into(),
        attrs,
        prior_attrs: prior,
        meta: Value::object_from([("address", Value::str("aws_instance.this")), ("operation", Value::string(op))]),
        actions: actions.iter().map(|a| a.to_string()).collect(),
    }
}

fn outcome(file: &PolicyFile, t: &Target) -> PolicyOutcome {
    let ev = Evaluator::new(file, &BTreeMap::new(), &NoResources, Limits::default()).expect("inputs");
    ev.evaluate(&file.policies[0], t)
}

fn status(o: &PolicyOutcome) -> Option<Status> {
    o.status()
}

/// HashiCorp's `eks-cluster-log-enabled` calls `core::contain` (not a
/// function) in a branch that is never taken and passes its tests under
/// tfpolicy: functions are resolved when a call is evaluated. tfgate loads
/// such a file with a warning that points at the call and suggests the
/// name, and a call that is reached is an evaluation error naming it.
#[test]
fn unknown_function_in_a_dead_branch_warns_and_runs() {
    let src = r#"resource_policy "aws_instance" "p" {
  enforcement_level = "mandatory"
  enforce {
    condition = attrs.logs == null || core::contain(attrs.logs, "api")
  }
}
"#;
    let file = load(src);
    assert_eq!(file.warnings.len(), 1, "{:?}", file.warnings);
    let w = &file.warnings[0];
    assert_eq!(w.severity, DiagnosticSeverity::Warning);
    assert_eq!(w.message, "Call to unknown function \"core::contain\"");
    assert_eq!((w.location.line, w.location.column), (4, 39));
    assert_eq!(w.help.as_deref(), Some("did you mean \"core::contains\"?"));
    assert!(w.render().contains("parity.policy.hcl:4:39"), "{}", w.render());

    // Not reached: the policy runs and passes.
    let dead = target(Value::object_from([("logs", Value::null())]), Value::null(), &["create"]);
    assert_eq!(status(&outcome(&file, &dead)), Some(Status::Pass));
    // Reached: an evaluation error that names the function.
    let logs = Value::list(vec![Value::str("api")]);
    let live = target(Value::object_from([("logs", logs)]), Value::null(), &["create"]);
    match outcome(&file, &live) {
        PolicyOutcome::Evaluated { results, .. } => {
            assert_eq!(results[0].status, Status::Error);
            let e = results[0].error.as_ref().expect("an error");
            assert!(e.message.contains("core::contain"), "{}", e.message);
            let loc = file.source.location(e.span.start);
            assert_eq!((loc.line, loc.column), (4, 39));
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn unknown_namespace_and_tfgate_function_warn_and_fail_when_reached() {
    let file = load(
        r#"resource_policy "aws_instance" "p" {
  enforcement_level = "mandatory"
  enforce {
    condition = attrs.x == null || foo::length(attrs.x) > 0 || tfgate::referenced_by("a") == null
  }
}
"#,
    );
    let msgs: Vec<&str> = file.warnings.iter().map(|w| w.message.as_str()).collect();
    assert_eq!(
        msgs,
        ["Call to unknown function \"foo::length\"", "Call to unknown function \"tfgate::referenced_by\""]
    );
    assert_eq!(file.warnings[0].help.as_deref(), Some("did you mean \"core::length\"?"));
    let reached = target(Value::object_from([("x", Value::str("a"))]), Value::null(), &["create"]);
    // `foo::length` is not `core::length`: reaching it is an error.
    assert_eq!(status(&outcome(&file, &reached)), Some(Status::Error));
}

/// resource_policy reference: `enforcement_level` is optional and defaults
/// to "mandatory"; the documented values are `advisory`, `mandatory` and
/// `mandatory_overridable`.
#[test]
fn enforcement_level_defaults_to_mandatory() {
    let file = load(
        r#"resource_policy "aws_instance" "p" {
  operations = ["create"]
  enforce { condition = false }
}
"#,
    );
    let ev = Evaluator::new(&file, &BTreeMap::new(), &NoResources, Limits::default()).expect("inputs");
    assert_eq!(ev.enforcement_level(&file.policies[0]), Ok(EnforcementLevel::Mandatory));
    match outcome(&file, &target(Value::object_from(Vec::<(String, Value)>::new()), Value::null(), &["create"])) {
        PolicyOutcome::Evaluated { enforcement_level, results, .. } => {
            assert_eq!(enforcement_level, EnforcementLevel::Mandatory);
            assert_eq!(results[0].status, Status::Fail);
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn mandatory_overridable_is_the_documented_spelling() {
    let file = load(
        r#"resource_policy "aws_instance" "p" {
  enforcement_level = "mandatory_overridable"
  enforce { condition = true }
}
"#,
    );
    let ev = Evaluator::new(&file, &BTreeMap::new(), &NoResources, Limits::default()).expect("inputs");
    assert_eq!(ev.enforcement_level(&file.policies[0]), Ok(EnforcementLevel::MandatoryOverridable));
    assert_eq!(EnforcementLevel::parse("mandatory_overridable"), Some(EnforcementLevel::MandatoryOverridable));
    // A misspelling is still a load error, with the place and a suggestion.
    let errs = load_errors(
        r#"resource_policy "aws_instance" "p" {
  enforcement_level = "mandatory_overrideable"
  enforce { condition = true }
}
"#,
    );
    assert_eq!(errs.len(), 1);
    assert_eq!(errs[0].message, "Invalid enforcement level \"mandatory_overrideable\"");
    assert_eq!((errs[0].location.line, errs[0].location.column), (2, 23));
    assert_eq!(errs[0].help.as_deref(), Some("did you mean \"mandatory_overridable\"?"));
}

fn applies(file: &PolicyFile, actions: &[&str]) -> bool {
    !matches!(
        outcome(file, &target(Value::object_from([("x", Value::str("a"))]), Value::null(), actions)),
        PolicyOutcome::NotApplicable(tfgate_lang_hcl::NotApplicable::Operation)
    )
}

fn with_operations(ops: &str, condition: &str) -> String {
    format!(
        r#"resource_policy "aws_instance" "p" {{
  enforcement_level = "mandatory"
  {ops}
  enforce {{
    condition = {condition}
  }}
}}
"#
    )
}

/// resource_policy reference, `operations`: for a policy that does not read
/// `prior_attrs` the default is `["create", "update", "no-op"]`, so an
/// unchanged resource is judged too; a deletion is not.
#[test]
fn operations_default_to_create_update_and_no_op() {
    let file = load(&with_operations("", "attrs.x == \"a\""));
    assert!(applies(&file, &["create"]));
    assert!(applies(&file, &["update"]));
    assert!(applies(&file, &["no-op"]), "unchanged resources are judged by default");
    assert!(!applies(&file, &["delete"]));
    assert!(!applies(&file, &["read"]));
}

/// `operations = []` places no constraint on the operation.
#[test]
fn empty_operations_mean_unconstrained() {
    let file = load(&with_operations("operations = []", "true"));
    for op in ["create", "update", "no-op", "delete", "read"] {
        assert!(applies(&file, &[op]), "{op}");
    }
}

#[test]
fn listed_operations_select_exactly_those() {
    let file = load(&with_operations("operations = [\"update\", \"delete\"]", "true"));
    assert!(applies(&file, &["update"]) && applies(&file, &["delete"]));
    assert!(!applies(&file, &["create"]) && !applies(&file, &["no-op"]));
}

/// A deletion has no after-state and a creation or an unchanged resource no
/// change to compare: a list holding both `delete` and `no-op`, or both
/// `delete` and `create`, is rejected where it is written.
#[test]
fn delete_with_no_op_or_create_is_a_load_error() {
    for (ops, other) in [("[\"delete\", \"no-op\"]", "no-op"), ("[\"create\", \"delete\"]", "create")] {
        let errs = load_errors(&with_operations(&format!("operations = {ops}"), "true"));
        assert_eq!(errs.len(), 1, "{errs:?}");
        assert_eq!(errs[0].message, "Invalid operations");
        assert_eq!((errs[0].location.line, errs[0].location.column), (3, 16), "{}", errs[0].render());
        let label = errs[0].label.as_deref().unwrap_or_default();
        assert!(label.contains("\"delete\"") && label.contains(&format!("\"{other}\"")), "{label}");
    }
}

/// A policy that reads `prior_attrs` must list `update` and/or `delete`:
/// for the default operations there is no prior state to read.
#[test]
fn a_policy_reading_prior_attrs_must_list_update_or_delete() {
    let reads = "prior_attrs.x == attrs.x";
    let errs = load_errors(&with_operations("", reads));
    assert_eq!(errs.len(), 1, "{errs:?}");
    assert_eq!(errs[0].message, "Missing operations");
    assert_eq!((errs[0].location.line, errs[0].location.column), (1, 1));
    assert!(errs[0].label.as_deref().unwrap_or_default().contains("prior_attrs"));

    let errs = load_errors(&with_operations("operations = [\"create\", \"no-op\"]", reads));
    assert_eq!(errs.len(), 1, "{errs:?}");
    assert_eq!(errs[0].message, "Invalid operations");
    assert_eq!((errs[0].location.line, errs[0].location.column), (3, 16));

    // Through a block local too.
    let src = r#"resource_policy "aws_instance" "p" {
  locals { before = prior_attrs.x }
  enforce { condition = local.before == null }
}
"#;
    assert_eq!(load_errors(src)[0].message, "Missing operations");

    for ok in [
        "operations = [\"update\"]",
        "operations = [\"delete\"]",
        "operations = [\"update\", \"delete\"]",
        "operations = []",
    ] {
        load(&with_operations(ok, reads));
    }
}

fn meta_operation(t: &Target) -> Value {
    let mut m = t.meta.clone();
    if let tfgate_plan::Kind::Object(o) = &mut m.kind {
        o.insert("operation".to_string(), Value::str("replace"));
    }
    m
}

/// A replacement is evaluated as two operations, delete then create. The
/// policy test reference (test/resource) describes a deletion as
/// `prior_attrs` only (`prior_attrs = { id = null }`): in the delete half
/// `attrs` is null and `prior_attrs` the state before; in the create half
/// `attrs` is the planned state and `prior_attrs` null.
#[test]
fn a_replacement_is_evaluated_as_delete_then_create() {
    let before = Value::object_from([("x", Value::str("old"))]);
    let after = Value::object_from([("x", Value::str("new"))]);
    let mut replace = target(after, before, &["delete", "create"]);
    replace.meta = meta_operation(&replace);
    let show = r#"core::jsonencode([meta.operation, attrs == null ? null : attrs.x, prior_attrs == null ? null : prior_attrs.x])"#;
    let messages_of = |ops: &str, show: &str| -> Vec<String> {
        let file = load(&format!(
            r#"resource_policy "aws_instance" "p" {{
  enforcement_level = "mandatory"
  {ops}
  enforce {{
    condition     = false
    error_message = {show}
  }}
}}
"#
        ));
        match outcome(&file, &replace) {
            PolicyOutcome::Evaluated { results, .. } => {
                results.into_iter().map(|r| r.error_message.unwrap_or_default()).collect()
            }
            other => panic!("{other:?}"),
        }
    };
    let messages = |ops: &str| messages_of(ops, show);
    // Default operations (a policy that does not read prior_attrs): the create half only.
    let no_prior = r#"core::jsonencode([meta.operation, attrs == null ? null : attrs.x])"#;
    assert_eq!(messages_of("", no_prior), [r#"["create","new"]"#]);
    assert_eq!(messages("operations = [\"delete\"]"), [r#"["delete",null,"old"]"#]);
    assert_eq!(messages("operations = [\"update\", \"delete\"]"), [r#"["delete",null,"old"]"#]);
    // Unconstrained: both, delete first.
    assert_eq!(messages("operations = []"), [r#"["delete",null,"old"]"#, r#"["create","new",null]"#]);
    // Neither half: not applicable.
    let file = load(&with_operations("operations = [\"update\"]", "true"));
    assert_eq!(outcome(&file, &replace), PolicyOutcome::NotApplicable(tfgate_lang_hcl::NotApplicable::Operation));
}

const PLAN: &str = r#"{"format_version":"1.2","resource_changes":[
  {"address":"aws_instance.same","mode":"managed","type":"aws_instance","name":"same",
   "change":{"actions":["no-op"],"before":{"x":"kept","y":"old"},"after":{"x":"kept","y":"old"},"after_unknown":{}}},
  {"address":"aws_instance.swap","mode":"managed","type":"aws_instance","name":"swap",
   "change":{"actions":["delete","create"],"before":{"x":"old","y":"old"},"after":{"x":"new","y":"new"},"after_unknown":{}}},
  {"address":"aws_instance.gone","mode":"managed","type":"aws_instance","name":"gone",
   "change":{"actions":["delete"],"before":{"x":"old","y":"old"},"after":null,"after_unknown":{}}}]}"#;

/// Through the plan walker: the default operations judge an unchanged
/// resource, whose `attrs` are its current state, and the create half of a
/// replacement; a policy for deletions sees the delete half and the
/// deletion, with `prior_attrs` and a null `attrs`.
#[test]
fn plan_targets_follow_the_operations() {
    let set = tfgate_lang_hcl::PolicySet::from_sources([(
        "ops.policy.hcl",
        r#"resource_policy "aws_instance" "default_ops" {
  enforce {
    condition     = false
    error_message = "${meta.operation} ${attrs.x}"
  }
}
resource_policy "aws_instance" "deletions" {
  operations = ["delete"]
  enforce {
    condition     = false
    error_message = "${meta.operation} ${attrs == null} ${prior_attrs.y}"
  }
}
"#,
    )])
    .unwrap_or_else(|e| panic!("{e}"));
    let plan = tfgate_plan::Plan::parse(PLAN).expect("plan");
    let out = tfgate_lang_hcl::check_plan(&set, &plan, "plan.json", &Default::default());
    assert!(out.errors.is_empty(), "{:?}", out.errors);
    let mut got: Vec<(String, String, String)> =
        out.findings.iter().map(|f| (f.policy_name.to_string(), f.address.to_string(), f.message.clone())).collect();
    got.sort();
    let want = [
        ("default_ops", "aws_instance.same", "no-op kept"),
        ("default_ops", "aws_instance.swap", "create new"),
        ("deletions", "aws_instance.gone", "delete true old"),
        ("deletions", "aws_instance.swap", "delete true old"),
    ];
    let want: Vec<(String, String, String)> =
        want.iter().map(|(a, b, c)| (a.to_string(), b.to_string(), c.to_string())).collect();
    assert_eq!(got, want);
    // No enforcement_level: mandatory.
    assert!(out.findings.iter().all(|f| f.enforcement_level == tfgate_report::EnforcementLevel::Mandatory));
}
