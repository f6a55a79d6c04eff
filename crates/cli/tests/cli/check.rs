//! `tfgate check`: formats, exit codes, unknown modes, diagnostics, secrets.

use crate::common;

use common::{assert_expected, stderr_of, stdout_of, tfgate};

const PLAN: &str = "plans/small.json";
const EXAMPLE: &str = "../../../../examples/policies";

#[test]
fn table_and_exit_code_1_when_a_mandatory_policy_fails() {
    let out = tfgate(&["check", PLAN, "-p", EXAMPLE]).output().unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", stderr_of(&out));
    assert_expected("expected/check-small-table.txt", &stdout_of(&out));
}

#[test]
fn every_format_renders() {
    for format in ["json", "sentinel", "markdown", "github", "junit", "sarif"] {
        let out = tfgate(&["check", PLAN, "-p", EXAMPLE, "--format", format]).output().unwrap();
        assert_eq!(out.status.code(), Some(1), "{format}: {}", stderr_of(&out));
        let text = stdout_of(&out);
        let text = text.replace(env!("CARGO_PKG_VERSION"), "[VERSION]");
        assert_expected(&format!("expected/check-small.{format}"), &text);
    }
}

#[test]
fn several_outputs_in_one_run() {
    let dir = tempfile::tempdir().unwrap();
    let sarif = dir.path().join("r.sarif");
    let junit = dir.path().join("r.xml");
    let out = tfgate(&[
        "check",
        PLAN,
        "-p",
        EXAMPLE,
        "--output",
        &format!("sarif={}", sarif.display()),
        "--output",
        &format!("junit={}", junit.display()),
    ])
    .output()
    .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let sarif: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(sarif).unwrap()).unwrap();
    assert_eq!(sarif["version"], "2.1.0");
    assert!(std::fs::read_to_string(junit).unwrap().contains("<testsuites"));
    assert!(stdout_of(&out).contains("EXAMPLE-IMDSV2"), "the table still goes to stdout");
}

#[test]
fn unknown_modes_decide_the_gate() {
    // The plan has one failing and one unknown instance; drop the failing one by
    // reading only the unknown one through a plan made for it.
    let plan = std::fs::read_to_string(common::fixtures().join(PLAN)).unwrap();
    let mut doc: serde_json::Value = serde_json::from_str(&plan).unwrap();
    doc["resource_changes"].as_array_mut().unwrap().retain(|r| r["address"] != "aws_instance.web");
    let dir = tempfile::tempdir().unwrap();
    let only_unknown = dir.path().join("unknown.json");
    std::fs::write(&only_unknown, doc.to_string()).unwrap();
    let p = only_unknown.to_str().unwrap();
    let code = |mode: &str| tfgate(&["check", p, "-p", EXAMPLE, "--unknown", mode]).output().unwrap().status.code();
    assert_eq!(code("fail"), Some(1), "unknown fails closed by default");
    assert_eq!(code("warn"), Some(0));
    assert_eq!(code("pass"), Some(0));
    assert_eq!(tfgate(&["check", p, "-p", EXAMPLE]).output().unwrap().status.code(), Some(1));
}

#[test]
fn a_typo_in_a_policy_points_at_the_typo() {
    let out = tfgate(&["check", PLAN, "-p", "policies/typo"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = stderr_of(&out);
    assert_expected("expected/check-typo.stderr", &err);
    assert!(err.contains("enforcement_level"), "suggests the right argument");
    assert!(err.contains("tokens"), "suggests the right local");
    assert!(err.contains("length"), "suggests the right function");
    assert!(out.stdout.is_empty());
}

#[test]
fn sensitive_values_never_appear_in_any_format() {
    for format in ["table", "json", "sentinel", "markdown", "github", "junit", "sarif"] {
        let out = tfgate(&["check", PLAN, "-p", "policies/secrets", "-v", "--format", format]).output().unwrap();
        assert_eq!(out.status.code(), Some(0), "{format}: advisory only: {}", stderr_of(&out));
        let all = format!("{}{}", stdout_of(&out), stderr_of(&out));
        assert!(!all.to_lowercase().contains("correct-horse"), "{format} leaked the secret:\n{all}");
        assert!(all.contains("sensitive value"), "{format} shows the redaction:\n{all}");
    }
}

#[test]
fn bad_plans_are_errors_with_exit_code_2() {
    let out = tfgate(&["check", "bad-input/tfstate.json", "-p", EXAMPLE]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr_of(&out).contains("state file"));
}

/// A call to an unknown function is a load warning on standard error (place
/// and suggestion), and the policy still runs: the small plan's instance is
/// not burstable, so the unknown function is reached and the run errors.
#[test]
fn an_unknown_function_warns_at_load_and_errors_when_reached() {
    let out = tfgate(&["check", PLAN, "-p", "policies/dead-branch"]).output().unwrap();
    let err = stderr_of(&out);
    assert!(err.contains("warning: Call to unknown function \"core::contain\""), "{err}");
    assert!(err.contains("policies/dead-branch/logs.policy.hcl:13:"), "{err}");
    assert!(err.contains("did you mean \"core::contains\"?"), "{err}");
    let table = stdout_of(&out);
    assert_eq!(out.status.code(), Some(2), "an evaluation error exits 2: {table}{err}");
    assert!(table.contains("core::contain"), "the error names the function: {table}");
}
