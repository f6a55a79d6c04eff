//! `tfgate sentinel apply` never shows a value the plan marks sensitive:
//! a policy that read one has its prints, rule values and errors withheld
//! (whatever it did to the value), and a policy that did not keeps them.

use crate::common;

use common::{stderr_of, stdout_of, tfgate};
use tfgate_test_support::{base64, hex};

const PLAN: &str = "plans/sensitive-split.json";
const PASSWORD: &str = "917364,Tr0ub4dorSecret,42";
const WITHHELD: &str = "(withheld: this policy read values the plan marks sensitive)";

/// Every spelling of every secret that must not appear.
fn forbidden() -> Vec<String> {
    let mut out = Vec::new();
    for secret in [PASSWORD, "Tr0ub4dorSecret", "917364", "KeyOfSecretMap"] {
        for form in [secret.to_string(), secret.to_uppercase(), secret.to_lowercase()] {
            out.push(base64(form.as_bytes()));
            out.push(hex(form.as_bytes()));
            out.push(form);
        }
    }
    out
}

/// `tfgate sentinel apply` (text, or `-json`) over a policy set; exit code and all output.
fn apply(set: &str, json: bool) -> (Option<i32>, String) {
    let mut args = vec!["sentinel", "apply", "-trace", "--plan", PLAN, set];
    if json {
        args.insert(2, "-json");
    }
    let out = tfgate(&args).output().unwrap();
    (out.status.code(), format!("{}{}", stdout_of(&out), stderr_of(&out)))
}

#[test]
fn a_policy_that_reads_secrets_has_its_output_withheld() {
    for json in [false, true] {
        let (code, all) = apply("sentinel/leak", json);
        // The verdict is unchanged: main is false, a hard-mandatory failure.
        assert_eq!(code, Some(1), "json={json}:\n{all}");
        for secret in forbidden() {
            assert!(!all.contains(&secret), "json={json} shows {secret:?}:\n{all}");
        }
        assert!(all.contains(WITHHELD), "json={json} says why it withheld:\n{all}");
        assert!(all.contains("leak.sentinel"), "json={json} names the policy:\n{all}");
        // Nothing mangled by scrubbing a short secret ("v").
        assert!(!all.contains("(sensitive value)alues"), "json={json}:\n{all}");
    }
}

#[test]
fn a_policy_that_reads_only_plain_attributes_keeps_its_prints() {
    for json in [false, true] {
        let (code, all) = apply("sentinel/engine", json);
        assert_eq!(code, Some(0), "json={json}:\n{all}");
        assert!(all.contains("engine: postgres"), "json={json} keeps the print:\n{all}");
        // Printing the whole value shows the sensitive parts as placeholders
        // (JSON escapes the quotes).
        let unescaped = all.replace("\\\"", "\"");
        assert!(unescaped.contains("\"password\": (sensitive value)"), "json={json}:\n{all}");
        assert!(unescaped.contains("\"labels\": (sensitive value)"), "json={json}:\n{all}");
        assert!(!all.contains(WITHHELD), "json={json}:\n{all}");
        for secret in forbidden() {
            assert!(!all.contains(&secret), "json={json} shows {secret:?}:\n{all}");
        }
    }
}
