//! `tfgate inspect`: summaries, resolved values, and every kind of bad input.

mod common;

use common::{assert_expected, stderr_of, stdout_of, tfgate};

#[test]
fn every_bad_input_gets_its_own_message_and_exit_code_2() {
    let cases = [
        "array.json",
        "bad-address.json",
        "binary.tfplan",
        "deep.json",
        "deep-value.json",
        "empty.json",
        "future-version.json",
        "latin1.json",
        "not-a-plan.json",
        "shape.json",
        "state-show.json",
        "syntax.json",
        "tfstate.json",
        "truncated.json",
    ];
    let mut messages = std::collections::BTreeSet::new();
    for case in cases {
        let out = tfgate(&["inspect", &format!("bad-input/{case}")]).output().unwrap();
        assert_eq!(out.status.code(), Some(2), "{case}");
        assert!(out.stdout.is_empty(), "{case}: nothing on stdout");
        let err = stderr_of(&out);
        assert!(!err.contains("panicked"), "{case}: {err}");
        assert_expected(&format!("bad-input/{case}.stderr"), &err);
        messages.insert(err.replace(case, ""));
    }
    assert_eq!(messages.len(), cases.len(), "each case has a message of its own");
}

#[test]
fn missing_file_is_an_error() {
    let out = tfgate(&["inspect", "no-such-plan.json"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr_of(&out).starts_with("error: cannot read no-such-plan.json: "));
}

#[test]
fn summary_text_and_json() {
    let out = tfgate(&["inspect", "plans/small.json"]).output().unwrap();
    assert!(out.status.success(), "{}", stderr_of(&out));
    assert_expected("expected/inspect-small.txt", &stdout_of(&out));
    let out = tfgate(&["inspect", "--json", "plans/small.json"]).output().unwrap();
    assert!(out.status.success());
    assert_expected("expected/inspect-small.json", &stdout_of(&out));
}

#[test]
fn utf16_with_bom_reads_like_utf8() {
    let utf8 = tfgate(&["inspect", "--json", "plans/small.json", "*"]).output().unwrap();
    let utf16 = tfgate(&["inspect", "--json", "plans/small-utf16.json", "*"]).output().unwrap();
    assert!(utf16.status.success(), "{}", stderr_of(&utf16));
    assert_eq!(stdout_of(&utf8), stdout_of(&utf16));
}

#[test]
fn standard_input() {
    let plan = std::fs::read(common::fixtures().join("plans/small.json")).unwrap();
    let out = tfgate(&["inspect", "-", "aws_instance.web"]).write_stdin(plan).output().unwrap();
    assert!(out.status.success());
    assert!(stdout_of(&out).starts_with("# aws_instance.web will be created\n"));
}

#[test]
fn values_like_terraform_plan_without_secrets() {
    let out = tfgate(&["inspect", "plans/small.json", "*"]).output().unwrap();
    assert!(out.status.success());
    let text = stdout_of(&out);
    assert_expected("expected/inspect-small-values.txt", &text);
    assert!(!text.contains("correct-horse"), "the sensitive password never shows");
    let out = tfgate(&["inspect", "--json", "plans/small.json", "*"]).output().unwrap();
    assert!(!stdout_of(&out).contains("correct-horse"));
    // A glob over module instance keys.
    let out = tfgate(&["inspect", "plans/small.json", "module.app[\"blue\"].*"]).output().unwrap();
    assert!(stdout_of(&out).starts_with("# module.app[\"blue\"].aws_instance.api[0] will be created"));
    // Deleted instances only with --all (or an exact address).
    let all = stdout_of(&tfgate(&["inspect", "--all", "plans/small.json", "*"]).output().unwrap());
    assert!(all.contains("# aws_security_group.old will be destroyed"));
    assert!(!text.contains("aws_security_group.old"));
}

#[test]
fn no_match_is_an_error() {
    let out = tfgate(&["inspect", "plans/small.json", "aws_s3_bucket.*"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(stderr_of(&out), "error: plans/small.json: no resource instance matches aws_s3_bucket.*\n");
}
