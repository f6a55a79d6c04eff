//! `tfgate inspect`: summaries, resolved values, and every kind of bad input.

use crate::common;

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
    assert!(stderr_of(&out).starts_with("error: no-such-plan.json: "), "{}", stderr_of(&out));
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

/// The secret planted all over `plans/hostile.json`: a sensitive variable
/// used as the provider's region, duplicated mask keys (`false` then
/// `true`), an output written twice, credentials in a module source and
/// provider block, a module argument set from a sensitive variable.
const PLANTED: &str = "PLANTED-s3cr3t-V4lue";

/// The secret as it may be spelt in an output: plain, in other case, in
/// base64 (standard and URL-safe) and in hex.
fn spellings(secret: &str) -> Vec<String> {
    let bytes = secret.as_bytes();
    let mut b64 = tfgate_test_support::base64(bytes);
    // Without padding and its last, partial, character: a prefix of every encoding.
    b64.pop();
    let hex = tfgate_test_support::hex(bytes);
    vec![secret.to_lowercase(), b64.clone(), b64.replace('+', "-").replace('/', "_"), hex.clone(), hex.to_uppercase()]
}

#[test]
fn spellings_are_right() {
    // base64("hello") is "aGVsbG8=": the prefix without its partial last character.
    assert_eq!(spellings("hello"), ["hello", "aGVsbG", "aGVsbG", "68656c6c6f", "68656C6C6F"]);
}

fn assert_no_planted_secret(what: &str, out: &std::process::Output) {
    let all = format!("{}{}", stdout_of(out), stderr_of(out));
    let lower = all.to_lowercase();
    for s in spellings(PLANTED) {
        assert!(!all.contains(&s) && !lower.contains(&s.to_lowercase()), "{what} shows the secret as {s}:\n{all}");
    }
}

#[test]
fn inspect_never_shows_a_planted_secret() {
    let runs: [&[&str]; 6] = [
        &["inspect", "plans/hostile.json"],
        &["inspect", "--json", "plans/hostile.json"],
        &["inspect", "--all", "plans/hostile.json", "*"],
        &["inspect", "--all", "--json", "plans/hostile.json", "*"],
        &["inspect", "plans/hostile.json", "aws_db_instance.db"],
        &["inspect", "--json", "plans/hostile.json", "module.db.aws_instance.x"],
    ];
    for args in runs {
        let out = tfgate(args).output().unwrap();
        assert!(out.status.success(), "{args:?}: {}", stderr_of(&out));
        assert_no_planted_secret(&args.join(" "), &out);
    }
    // What is hidden is still there, redacted.
    let text = stdout_of(&tfgate(&["inspect", "plans/hostile.json"]).output().unwrap());
    assert!(text.contains("aws (registry.terraform.io/hashicorp/aws) region (sensitive value)"), "{text}");
    assert!(
        text.contains("git::https://REDACTED@example.com/org/db.git//modules/db?ref=v1.2.0&access_token=REDACTED"),
        "{text}"
    );
    assert!(text.contains("outputs: 1 (1 sensitive)") && text.contains("variables: 2 (2 sensitive)"), "{text}");
    let json: serde_json::Value =
        serde_json::from_str(&stdout_of(&tfgate(&["inspect", "--json", "plans/hostile.json"]).output().unwrap()))
            .unwrap();
    assert_eq!(json["providers"][0]["region"], "(sensitive value)");
    let values = stdout_of(&tfgate(&["inspect", "plans/hostile.json", "aws_db_instance.db"]).output().unwrap());
    assert!(
        values.contains("password = (sensitive value)") && values.contains("arn      = (known after apply)"),
        "{values}"
    );
}

#[test]
fn check_never_shows_a_planted_secret_in_any_format() {
    for format in ["table", "json", "sentinel", "markdown", "github", "junit", "sarif"] {
        let out = tfgate(&["check", "plans/hostile.json", "-p", "policies/hostile", "-v", "--format", format])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(0), "{format}: advisory only: {}", stderr_of(&out));
        assert_no_planted_secret(format, &out);
        let all = stdout_of(&out);
        assert!(all.contains("sensitive value"), "{format} shows the redaction:\n{all}");
        assert!(all.contains("REDACTED@example.com"), "{format} names the module, redacted:\n{all}");
    }
}
