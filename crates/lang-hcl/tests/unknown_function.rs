//! `tfgate::unknown(REASON)`: a policy says the plan cannot decide, and the
//! finding says why.

use std::collections::BTreeMap;

use tfgate_lang_hcl::{
    load_policy_source, Evaluator, Limits, NoResources, PolicyFile, PolicyOutcome, Status, Target, TargetKind,
};
use tfgate_plan::Value;

fn instance(attrs: Value) -> Target {
    Target {
        kind: TargetKind::Resource,
        name: "aws_instance".to_string(),
        attrs,
        prior_attrs: Value::null(),
        meta: Value::object_from([("address", Value::string("aws_instance.web"))]),
        actions: vec!["update".to_string()],
    }
}

fn load(src: &str) -> PolicyFile {
    load_policy_source("example.policy.hcl", src).unwrap_or_else(|e| panic!("{e}"))
}

/// Status and error message of each enforce block of the file's only policy.
fn results(src: &str, attrs: Value) -> Vec<(Status, Option<String>)> {
    let file = load(src);
    let ev = Evaluator::new(&file, &BTreeMap::new(), &NoResources, Limits::default()).expect("inputs");
    match ev.evaluate(&file.policies[0], &instance(attrs)) {
        PolicyOutcome::Evaluated { results, .. } => results.into_iter().map(|r| (r.status, r.error_message)).collect(),
        other => panic!("not evaluated: {other:?}"),
    }
}

const TOKENS: &str = r#"
resource_policy "aws_instance" "tokens" {
  locals {
    recorded = core::contains(core::keys(attrs), "metadata_options")
    tokens   = local.recorded ? attrs.metadata_options[0].http_tokens : null
  }
  enforce {
    condition = local.recorded ? local.tokens == "required" : tfgate::unknown("${meta.address}: the plan has no metadata_options")
    error_message = "${meta.address} allows IMDSv1"
  }
}
"#;

fn with_tokens(tokens: Value) -> Value {
    Value::object_from([("metadata_options", Value::list(vec![Value::object_from([("http_tokens", tokens)])]))])
}

#[test]
fn the_reason_is_the_message_of_an_unknown_condition() {
    let r = results(TOKENS, Value::object_from([("ami", Value::string("ami-1"))]));
    assert_eq!(r, [(Status::Unknown, Some("aws_instance.web: the plan has no metadata_options".to_string()))]);
}

#[test]
fn a_condition_that_decides_keeps_its_own_message() {
    assert_eq!(results(TOKENS, with_tokens(Value::string("required"))), [(Status::Pass, None)]);
    assert_eq!(
        results(TOKENS, with_tokens(Value::string("optional"))),
        [(Status::Fail, Some("aws_instance.web allows IMDSv1".to_string()))]
    );
}

#[test]
fn an_unknown_value_without_a_call_keeps_the_error_message() {
    assert_eq!(
        results(TOKENS, with_tokens(Value::unknown())),
        [(Status::Unknown, Some("aws_instance.web allows IMDSv1".to_string()))]
    );
}

#[test]
fn an_operand_that_decides_makes_the_call_irrelevant() {
    let src = r#"
resource_policy "aws_instance" "p" {
  enforce {
    condition     = tfgate::unknown("never shown") || true
    error_message = "x"
  }
  enforce {
    condition     = tfgate::unknown("never shown") && false
    error_message = "decided"
  }
}
"#;
    assert_eq!(results(src, empty()), [(Status::Pass, None), (Status::Fail, Some("decided".to_string()))]);
}

#[test]
fn reasons_reach_the_condition_through_cached_locals_and_stay_with_their_block() {
    // The filter reads the block local first (and caches it); the file local
    // is computed once for the file. Both reasons still reach block 1, and
    // block 2, unknown for another cause, gets neither.
    let src = r#"
locals {
  outside = tfgate::unknown("attachments outside the plan could exist")
}
resource_policy "aws_instance" "p" {
  locals {
    undecided = tfgate::unknown("no metadata_options in the plan")
  }
  filter = local.undecided == null || true
  enforce {
    condition     = local.undecided && local.outside
    error_message = "not shown"
  }
  enforce {
    condition     = attrs.monitoring
    error_message = "monitoring is known only after apply"
  }
  enforce {
    condition     = local.outside
    error_message = "not shown"
  }
}
"#;
    let attrs = Value::object_from([("monitoring", Value::unknown())]);
    let file = load(src);
    let ev = Evaluator::new(&file, &BTreeMap::new(), &NoResources, Limits::default()).expect("inputs");
    // Twice: the second target reads the file local from the file's cache.
    for _ in 0..2 {
        let PolicyOutcome::Evaluated { results, .. } = ev.evaluate(&file.policies[0], &instance(attrs.clone())) else {
            panic!("not evaluated")
        };
        let got: Vec<_> = results.into_iter().map(|r| (r.status, r.error_message)).collect();
        assert_eq!(
            got,
            [
                (
                    Status::Unknown,
                    Some("no metadata_options in the plan; attachments outside the plan could exist".to_string())
                ),
                (Status::Unknown, Some("monitoring is known only after apply".to_string())),
                (Status::Unknown, Some("attachments outside the plan could exist".to_string())),
            ]
        );
    }
}

#[test]
fn a_sensitive_reason_never_appears() {
    let src = r#"
resource_policy "aws_instance" "p" {
  enforce {
    condition     = tfgate::unknown("the password ${attrs.password} cannot be judged")
    error_message = "x"
  }
}
"#;
    let attrs = Value::object_from([("password", Value::string("hunter2").into_sensitive())]);
    let file = load(src);
    let ev = Evaluator::new(&file, &BTreeMap::new(), &NoResources, Limits::default()).expect("inputs");
    let o = ev.evaluate(&file.policies[0], &instance(attrs));
    assert_eq!(o.status(), Some(Status::Unknown));
    let PolicyOutcome::Evaluated { results, .. } = &o else { unreachable!() };
    assert_eq!(results[0].error_message.as_deref(), Some("(sensitive value)"));
    let everything = format!("{o:?}");
    assert!(!everything.contains("hunter2"), "{everything}");
}

#[test]
fn an_unknown_filter_is_not_a_reason() {
    let src = r#"
resource_policy "aws_instance" "p" {
  filter = attrs.monitoring
  enforce {
    condition     = false
    error_message = "the policy's own message"
  }
}
"#;
    let attrs = Value::object_from([("monitoring", Value::unknown())]);
    assert_eq!(results(src, attrs), [(Status::Unknown, Some("the policy's own message".to_string()))]);
}

#[test]
fn a_reason_that_is_not_a_string_is_an_error() {
    let src = r#"
resource_policy "aws_instance" "p" {
  enforce {
    condition     = tfgate::unknown(["a"])
    error_message = "x"
  }
}
"#;
    let r = results(src, empty());
    assert_eq!(r[0].0, Status::Error);
}

#[test]
fn the_call_takes_one_argument() {
    for call in ["tfgate::unknown()", "tfgate::unknown(\"a\", \"b\")"] {
        let src = format!("resource_policy \"aws_instance\" \"p\" {{\n  enforce {{ condition = {call} }}\n}}\n");
        let err = load_policy_source("example.policy.hcl", &src).expect_err(call);
        assert!(err.to_string().contains("Wrong number of arguments"), "{call}: {err}");
    }
}

fn empty() -> Value {
    Value::object_from(Vec::<(&str, Value)>::new())
}
