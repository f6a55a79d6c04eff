//! `tfgate check` never prints a secret laundered through `for`, functions
//! or error paths, in any output format.

use crate::common;

use common::{stderr_of, stdout_of, tfgate};
use tfgate_test_support::{base64, hex};

const PLAN: &str = "plans/sensitive-split.json";
const POLICIES: &str = "policies/launder";
const PASSWORD: &str = "917364,Tr0ub4dorSecret,42";

/// Every form of every secret that must not appear.
fn forbidden() -> Vec<String> {
    let mut out = Vec::new();
    for secret in [PASSWORD, "Tr0ub4dorSecret", "KeyOfSecretMap", "917364"] {
        out.push(secret.to_string());
        out.push(secret.to_uppercase());
        out.push(base64(secret.as_bytes()));
        out.push(hex(secret.as_bytes()));
    }
    out
}

#[test]
fn laundered_secrets_never_appear_in_any_format() {
    assert_eq!(base64(b"hunter2"), "aHVudGVyMg");
    for format in ["table", "json", "sarif", "junit", "github", "markdown", "sentinel"] {
        let out = tfgate(&["check", PLAN, "-p", POLICIES, "-v", "--format", format]).output().unwrap();
        let all = format!("{}{}", stdout_of(&out), stderr_of(&out));
        // Mandatory policies fail or cannot be evaluated: never a pass, never a crash.
        assert!(matches!(out.status.code(), Some(1 | 2)), "{format}: {:?}\n{all}", out.status);
        for secret in forbidden() {
            assert!(!all.contains(&secret), "{format} shows {secret:?}:\n{all}");
        }
        assert!(all.contains("sensitive value"), "{format} shows the redaction:\n{all}");
        assert!(all.contains("split_tonumber"), "{format} reports the laundering policy:\n{all}");
    }
}
