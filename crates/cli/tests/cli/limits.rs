//! The evaluation limits from the command line: a runaway policy is stopped
//! with an error (exit 2) that names the limit, its flag and the place in
//! the policy, and `--max-steps`, `--max-value-bytes`, `--max-work` change
//! the limits of `tfgate check` and `tfgate test`.

use crate::common;

use common::{fixtures, stdout_of, tfgate};

/// A policy on `aws_instance` whose condition builds a string of 8 << N bytes.
fn doubling_policy(dir: &std::path::Path, n: usize) -> String {
    let mut locals = String::from("  l0 = \"xxxxxxxx\"\n");
    for i in 1..=n {
        locals.push_str(&format!("  l{i} = \"${{local.l{}}}${{local.l{}}}\"\n", i - 1, i - 1));
    }
    let src = format!(
        "locals {{\n{locals}}}\n\nresource_policy \"aws_instance\" \"doubling\" {{\n  enforcement_level = \"hard-mandatory\"\n  enforce {{\n    condition = length(local.l{n}) > 0\n  }}\n}}\n"
    );
    let path = dir.join("doubling.policy.hcl");
    std::fs::write(&path, src).unwrap();
    path.display().to_string()
}

fn plan() -> String {
    fixtures().join("plans/small.json").display().to_string()
}

fn output_of(out: &std::process::Output) -> String {
    format!("{}{}", stdout_of(out), String::from_utf8_lossy(&out.stderr))
}

#[test]
fn a_runaway_policy_is_stopped_with_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    let policy = doubling_policy(dir.path(), 40);
    let out = tfgate(&["check", &plan(), "--policy", &policy]).output().unwrap();
    let text = output_of(&out);
    assert_eq!(out.status.code(), Some(2), "{text}");
    assert!(text.contains("value size limit exceeded"), "{text}");
    assert!(text.contains("--max-value-bytes"), "{text}");
    // Where in the policy it stopped (file:line:col), and which file-level
    // local: each has a budget of its own that grows with the plan.
    assert!(text.contains("doubling.policy.hcl:28:24"), "{text}");
    assert!(text.contains("the file-level local value \"l26\""), "{text}");
}

#[test]
fn limit_flags_raise_and_lower_the_limits_of_check() {
    let dir = tempfile::tempdir().unwrap();
    // 8 KiB, built from 8 KiB of smaller strings.
    let policy = doubling_policy(dir.path(), 10);
    let out = tfgate(&["check", &plan(), "--policy", &policy]).output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", output_of(&out));
    let out = tfgate(&["check", &plan(), "--policy", &policy, "--max-value-bytes", "4096"]).output().unwrap();
    let text = output_of(&out);
    assert_eq!(out.status.code(), Some(2), "{text}");
    // A file-level local's own budget: the limit plus 4 KiB per instance of the plan.
    assert!(text.contains("the value size limit of 4096 plus 4096 per resource instance"), "{text}");
    let out = tfgate(&["check", &plan(), "--policy", &policy, "--max-steps", "1"]).output().unwrap();
    let text = output_of(&out);
    assert_eq!(out.status.code(), Some(2), "{text}");
    assert!(text.contains("step limit exceeded"), "{text}");
    let out = tfgate(&["check", &plan(), "--policy", &policy, "--max-steps", "0"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn limit_flags_apply_to_test() {
    let dir = tempfile::tempdir().unwrap();
    doubling_policy(dir.path(), 10);
    std::fs::write(
        dir.path().join("doubling.policytest.hcl"),
        "resource \"aws_instance\" \"ok\" {\n  attrs = { id = \"i-1\" }\n}\n",
    )
    .unwrap();
    let path = dir.path().display().to_string();
    let out = tfgate(&["test", &path]).output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", output_of(&out));
    let out = tfgate(&["test", &path, "--max-value-bytes", "4096"]).output().unwrap();
    let text = output_of(&out);
    assert_eq!(out.status.code(), Some(1), "{text}");
    assert!(text.contains("value size limit exceeded"), "{text}");
}
