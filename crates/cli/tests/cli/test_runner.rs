//! `tfgate test` as `tfpolicy test` runs: `--policies` (and `--tests`),
//! `targets` with several entries, files or directories, every policy in
//! scope without `targets`, a file that fails to load reported while the
//! run goes on, and output lines `# NAME... running|pass|fail`.
//!
//! Pages followed (developer.hashicorp.com/terraform/policy, newest
//! version of each): reference/cli/test and test/run-tests (v1.0.x: usage,
//! output), reference/test/policytest (v0.4.x: `targets`, "a target that
//! does not match at least one policy" is an error), test/test-blocks
//! (v1.0.x: without targets, the policy files of the path given are tested).

use crate::common;

use std::path::Path;

use common::{stderr_of, stdout_of, tfgate};

const SMALL: &str = r#"
resource_policy "aws_instance" "small" {
  enforce {
    condition     = attrs.instance_type == "t3.micro"
    error_message = "too big"
  }
}
"#;

const TAGGED: &str = r#"
policy {
  required_providers {
    aws = { source = "hashicorp/aws" }
  }
}
resource_policy "aws_instance" "tagged" {
  enforce {
    condition     = attrs.tags != null
    error_message = "untagged"
  }
}
"#;

fn write(dir: &Path, name: &str, text: &str) {
    let path = dir.join(name);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

fn run(args: &[&str]) -> (Option<i32>, String, String) {
    let out = tfgate(args).output().unwrap();
    (out.status.code(), stdout_of(&out), stderr_of(&out))
}

/// Without `targets`, `--policies DIR` puts every policy under DIR in scope:
/// a small but untagged instance fails `tagged` from the other file.
#[test]
fn without_targets_every_policy_of_the_policy_path_is_in_scope() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    write(d, "small.policy.hcl", SMALL);
    write(d, "tagged.policy.hcl", TAGGED);
    write(
        d,
        "tests/all.policytest.hcl",
        "resource \"aws_instance\" \"good\" {\n  attrs = { instance_type = \"t3.micro\", tags = {} }\n}\nresource \"aws_instance\" \"untagged\" {\n  expect_failure = true\n  attrs = { instance_type = \"t3.micro\" }\n}\n",
    );
    let policies = format!("--policies={}", d.display());
    let tests = format!("--tests={}", d.join("tests").display());
    let (code, out, err) = run(&["test", &policies, &tests]);
    assert_eq!(code, Some(0), "{out}{err}");
    assert!(out.contains("# resource.aws_instance.untagged... pass"), "{out}");
    assert!(out.contains("all.policytest.hcl... pass"), "{out}");

    // The positional form keeps tfgate's pairing: a test file without
    // targets tests the policy of its own stem only.
    write(
        d,
        "small.policytest.hcl",
        "resource \"aws_instance\" \"untagged_but_small\" {\n  attrs = { instance_type = \"t3.micro\" }\n}\n",
    );
    let (code, out, err) = run(&["test", d.join("small.policytest.hcl").to_str().unwrap()]);
    assert_eq!(code, Some(0), "{out}{err}");
}

/// `targets` may list several files and directories, relative to the test file.
#[test]
fn targets_list_files_and_directories() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    write(d, "a/small.policy.hcl", SMALL);
    write(d, "b/tagged.policy.hcl", TAGGED);
    write(
        d,
        "tests/t.policytest.hcl",
        "policytest {\n  targets = [\"../a/small.policy.hcl\", \"../b\"]\n}\nresource \"aws_instance\" \"small_untagged\" {\n  expect_failure = true\n  attrs = { instance_type = \"t3.micro\" }\n}\nresource \"aws_instance\" \"ok\" {\n  attrs = { instance_type = \"t3.micro\", tags = {} }\n}\n",
    );
    // Targets may leave the test file's folder, not the directory tested.
    let (code, out, err) = run(&["test", "-v", d.to_str().unwrap()]);
    assert_eq!(code, Some(0), "{out}{err}");
    assert!(out.contains("passed: small, tagged"), "{out}");

    // A target that matches no policy is an error for that file.
    write(
        d,
        "tests/t.policytest.hcl",
        "policytest {\n  targets = [\"../empty\"]\n}\nresource \"aws_instance\" \"x\" {\n  attrs = {}\n}\n",
    );
    std::fs::create_dir_all(d.join("empty")).unwrap();
    let (code, out, _) = run(&["test", d.to_str().unwrap()]);
    assert_eq!(code, Some(2), "{out}");
    assert!(out.contains("targets \"../empty\": no *.policy.hcl file there"), "{out}");
}

/// A test file or policy file that fails to load is reported as failed;
/// every other file still runs and is reported, and the exit code is 2.
#[test]
fn a_file_that_fails_to_load_is_reported_and_the_run_goes_on() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    write(d, "a.policy.hcl", SMALL);
    write(d, "a.policytest.hcl", "resource \"aws_instance\" \"ok\" {\n  attrs = { instance_type = \"t3.micro\" }\n}\n");
    write(d, "b.policy.hcl", "resource_policy \"aws_instance\" {\n}\n");
    write(d, "b.policytest.hcl", "resource \"aws_instance\" \"x\" {\n  attrs = {}\n}\n");
    write(d, "c.policy.hcl", SMALL);
    write(d, "c.policytest.hcl", "resource \"aws_instance\" \"x\" {\n  atrs = {}\n}\n");
    write(d, "d.policy.hcl", SMALL);
    write(
        d,
        "d.policytest.hcl",
        "resource \"aws_instance\" \"big\" {\n  attrs = { instance_type = \"m5.large\" }\n}\n",
    );
    let (code, out, err) = run(&["test", d.to_str().unwrap()]);
    assert_eq!(code, Some(2), "{out}{err}");
    assert!(out.contains("a.policytest.hcl... pass"), "{out}");
    assert!(out.contains("policy file") && out.contains("b.policy.hcl did not load"), "{out}");
    assert!(out.contains("b.policytest.hcl... fail"), "{out}");
    assert!(out.contains("Unsupported argument") && out.contains("c.policytest.hcl... fail"), "{out}");
    assert!(out.contains("# resource.aws_instance.big... fail") && out.contains("d.policytest.hcl... fail"), "{out}");
    assert!(out.trim_end().ends_with("1 passed, 1 failed, 0 skipped in 4 test files; 2 could not run"), "{out}");
}

/// test/run-tests: `# FILE... running`, each case `running` then
/// `pass`/`fail`, then the file's verdict; a failing case says why. Exit
/// code 1 when a case fails, 0 when all pass. A repeated mock label is a
/// warning and both cases are reported, told apart by line.
#[test]
fn output_follows_tfpolicy_test() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    write(d, "p.policy.hcl", SMALL);
    write(
        d,
        "p.policytest.hcl",
        "resource \"aws_instance\" \"x\" {\n  attrs = { instance_type = \"t3.micro\" }\n}\nresource \"aws_instance\" \"x\" {\n  attrs = { instance_type = \"m5.large\" }\n}\n",
    );
    let (code, out, err) = run(&["test", &format!("--policies={}", d.display())]);
    assert_eq!(code, Some(1), "{out}{err}");
    let file = d.join("p.policytest.hcl").display().to_string();
    let expected = format!(
        "# {file}... running\n# resource.aws_instance.x (line 1)... running\n# resource.aws_instance.x (line 1)... pass\n# resource.aws_instance.x (line 4)... running\n# resource.aws_instance.x (line 4)... fail\n  resource.aws_instance.x (line 4): resource_policy \"small\" failed: too big\n# {file}... fail\n\n1 passed, 1 failed, 0 skipped in 1 test files\n"
    );
    assert_eq!(out, expected);
    assert!(err.contains("warning: Duplicate test case resource.aws_instance.x"), "{err}");
}
