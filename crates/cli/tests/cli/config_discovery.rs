//! `tfgate.hcl` is found in the working directory or a parent up to the
//! repository root, by `check` and by `policies list`.

use crate::common;

use std::path::{Path, PathBuf};

use common::{fixtures, stderr_of, stdout_of, tfgate_bin};

/// A repository with its configuration at the root, a team policy set
/// beside it, and a module folder two levels down to run from.
fn repository() -> (tempfile::TempDir, PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let repo = tmp.path().join("repo");
    let deep = repo.join("envs/prod");
    std::fs::create_dir_all(&deep).unwrap();
    std::fs::create_dir_all(repo.join("policies")).unwrap();
    std::fs::create_dir(repo.join(".git")).unwrap();
    let example = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/policies/imdsv2.policy.hcl");
    std::fs::copy(example, repo.join("policies/imdsv2.policy.hcl")).unwrap();
    std::fs::write(
        repo.join("tfgate.hcl"),
        "policy_set \"team\" {\n  source = \"./policies\"\n}\n\npolicy \"EXAMPLE-IMDSV2\" {\n  enforcement_level = \"advisory\"\n}\n",
    )
    .unwrap();
    (tmp, deep)
}

#[test]
fn policies_list_from_a_subfolder_shows_the_repositorys_configured_policies() {
    let (_tmp, deep) = repository();
    let out = tfgate_bin(&["policies", "list"]).current_dir(&deep).output().unwrap();
    let text = stdout_of(&out);
    assert_eq!(out.status.code(), Some(0), "{}", stderr_of(&out));
    assert_eq!(text.lines().count(), 2, "only the team's policy, not the built-in library:\n{text}");
    let row = text.lines().nth(1).unwrap();
    assert!(row.starts_with("EXAMPLE-IMDSV2") && row.contains("advisory"), "the configured level: {row}");
}

#[test]
fn check_from_a_subfolder_uses_the_repositorys_configuration() {
    let (_tmp, deep) = repository();
    let plan = fixtures().join("plans/small.json");
    let out = tfgate_bin(&["check", plan.to_str().unwrap()]).current_dir(&deep).output().unwrap();
    let text = stdout_of(&out);
    // The example policy fails on this plan; made advisory, it no longer blocks.
    assert_eq!(out.status.code(), Some(0), "{text}{}", stderr_of(&out));
    assert!(text.starts_with("EXAMPLE-IMDSV2") || text.contains("\nEXAMPLE-IMDSV2"), "{text}");
}

#[test]
fn a_configuration_above_the_repository_root_is_not_read() {
    let (tmp, deep) = repository();
    let repo = tmp.path().join("repo");
    std::fs::remove_file(repo.join("tfgate.hcl")).unwrap();
    // Broken on purpose: read, it would stop the run.
    std::fs::write(tmp.path().join("tfgate.hcl"), "not valid {").unwrap();
    let out = tfgate_bin(&["policies", "list"]).current_dir(&deep).output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr_of(&out));
    assert!(stdout_of(&out).contains("TFG-EC2-001"), "the built-in library");
}
