//! One label for two resource types in one policy file (HashiCorp's
//! `rds-snapshots-public-prohibited` does it; Terraform policy identifies a
//! block by kind, type and label): the file loads, each block has its own id
//! `FILE/label[TYPE]`, `--override` takes that id, and the bare `FILE/label`
//! is an error listing both, since overriding both would reach a block the
//! user did not name.

use crate::common;

use common::{stderr_of, stdout_of, tfgate};

const SNAPSHOTS: &str = r#"
resource_policy "aws_db_snapshot" "no_public" {
  enforcement_level = "mandatory_overridable"
  enforce { condition = true }
}
resource_policy "aws_db_cluster_snapshot" "no_public" {
  enforcement_level = "mandatory_overridable"
  enforce { condition = true }
}
"#;

#[test]
fn a_shared_label_gets_typed_ids_and_the_bare_id_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let policy = dir.path().join("snap.policy.hcl");
    std::fs::write(&policy, SNAPSHOTS).unwrap();
    let p = policy.to_str().unwrap();

    let out = tfgate(&["policies", "list", "-p", p]).output().unwrap();
    let text = stdout_of(&out);
    assert_eq!(out.status.code(), Some(0), "{text}{}", stderr_of(&out));
    assert!(text.contains("snap/no_public[aws_db_snapshot]"), "{text}");
    assert!(text.contains("snap/no_public[aws_db_cluster_snapshot]"), "{text}");

    let plan = common::fixtures().join("plans/small.json");
    let plan = plan.to_str().unwrap();
    let out =
        tfgate(&["check", plan, "-p", p, "--override", "snap/no_public[aws_db_snapshot]", "--override-reason", "r"])
            .env("TFGATE_ACTOR", "ci-bot")
            .output()
            .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}{}", stdout_of(&out), stderr_of(&out));

    let out = tfgate(&["check", plan, "-p", p, "--override", "snap/no_public", "--override-reason", "r"])
        .env("TFGATE_ACTOR", "ci-bot")
        .output()
        .unwrap();
    let err = stderr_of(&out);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.contains("snap/no_public[aws_db_snapshot], snap/no_public[aws_db_cluster_snapshot]"), "{err}");
}
