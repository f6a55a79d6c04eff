//! A policy block is identified by kind, type and label, as in Terraform
//! policy (developer.hashicorp.com/terraform/policy/reference/policy/resource-policy:
//! the labels are the resource type and a policy name; HashiCorp's own
//! library gives `aws_db_snapshot` and `aws_db_cluster_snapshot` blocks one
//! label in `rds-snapshots-public-prohibited`, and tfpolicy accepts it).
//! Ids stay `FILE/label` for unique labels; a shared label becomes
//! `FILE/label[TYPE]`, and the bare `FILE/label` is an error with the choices.

use std::path::PathBuf;

use tfgate_engine::{parse_config, resolve_config, PolicyIndex, WaiverScope};
use tfgate_lang_hcl::{load_policy_source, PolicySet, SourceFile};
use tfgate_lang_hcl::{policy_id, policy_identities, CheckOptions, HclLanguage};

const SNAPSHOTS: &str = r#"
resource_policy "aws_db_snapshot" "no_public_snapshots" {
  enforce { condition = true }
}
resource_policy "aws_db_cluster_snapshot" "no_public_snapshots" {
  enforce { condition = true }
}
resource_policy "aws_db_instance" "encrypted" {
  enforce { condition = true }
}
"#;

fn set() -> PolicySet {
    PolicySet::from_sources([("rds/snap.policy.hcl", SNAPSHOTS)]).unwrap()
}

#[test]
fn one_label_for_two_resource_types_loads_with_distinct_ids() {
    let file = load_policy_source("rds/snap.policy.hcl", SNAPSHOTS).unwrap_or_else(|e| panic!("{e}"));
    let ids: Vec<String> = file.policies.iter().map(|p| policy_id(&file, p)).collect();
    assert_eq!(
        ids,
        [
            "snap/no_public_snapshots[aws_db_snapshot]",
            "snap/no_public_snapshots[aws_db_cluster_snapshot]",
            "snap/encrypted"
        ]
    );
}

#[test]
fn the_same_kind_type_and_label_twice_is_still_an_error() {
    let src = "resource_policy \"aws_db_snapshot\" \"p\" {\n  enforce { condition = true }\n}\nresource_policy \"aws_db_snapshot\" \"p\" {\n  enforce { condition = true }\n}\n";
    let e = load_policy_source("d.policy.hcl", src).unwrap_err();
    let d = e.diagnostics().iter().find(|d| d.message.starts_with("Duplicate policy name")).expect("duplicate");
    assert_eq!(d.location.line, 4);
    assert!(d.label.as_deref().unwrap().contains("\"aws_db_snapshot\" at line 1"), "{d:?}");
}

#[test]
fn same_label_and_type_in_two_kinds_gets_the_kind_too() {
    let src = "resource_policy \"aws\" \"p\" {\n  enforce { condition = true }\n}\nprovider_policy \"aws\" \"p\" {\n  enforce { condition = true }\n}\n";
    let file = load_policy_source("k.policy.hcl", src).unwrap_or_else(|e| panic!("{e}"));
    let ids: Vec<String> = file.policies.iter().map(|p| policy_id(&file, p)).collect();
    assert_eq!(ids, ["k/p[resource_policy:aws]", "k/p[provider_policy:aws]"]);
}

fn names(index: &PolicyIndex, written: &str) -> Vec<String> {
    index.resolve(written).unwrap().blocks
}

fn language() -> HclLanguage {
    HclLanguage::new(set(), CheckOptions::default())
}

#[test]
fn the_qualified_id_names_one_block_and_the_bare_one_lists_the_choices() {
    let index = PolicyIndex::new(&policy_identities(&set()));
    assert_eq!(
        names(&index, "snap/no_public_snapshots[aws_db_snapshot]"),
        ["snap/no_public_snapshots[aws_db_snapshot]"]
    );
    assert_eq!(names(&index, "snap/encrypted"), ["snap/encrypted"], "unique labels keep their id");
    assert_eq!(names(&index, "snap").len(), 3, "the whole policy still names every block");
    let e = index.resolve("snap/no_public_snapshots").unwrap_err();
    assert!(
        e.message
            .contains("snap/no_public_snapshots[aws_db_snapshot], snap/no_public_snapshots[aws_db_cluster_snapshot]"),
        "{e}"
    );
    let e = index.resolve("no_public_snapshots").unwrap_err();
    assert!(e.message.contains("label of 2 policy blocks"), "{e}");
}

/// A waiver naming the bare label would reach a block its author may not
/// have meant: it is an error listing the ids, and the qualified id waives
/// exactly one block.
#[test]
fn waivers_need_the_qualified_id() {
    let text = "waiver {\n  policy  = \"snap/no_public_snapshots\"\n  address = \"*\"\n  reason  = \"r\"\n}\n";
    let mut c = parse_config(SourceFile::new("tfgate.hcl", text), PathBuf::from(".")).unwrap();
    let e = resolve_config(&language(), &mut c).unwrap_err().to_string();
    assert!(e.contains("tfgate.hcl:2:13") && e.contains("snap/no_public_snapshots[aws_db_cluster_snapshot]"), "{e}");

    let text = "waiver {\n  policy  = \"snap/no_public_snapshots[aws_db_cluster_snapshot]\"\n  address = \"*\"\n  reason  = \"r\"\n}\npolicy \"snap/no_public_snapshots[aws_db_snapshot]\" {\n  enforcement_level = \"advisory\"\n}\n";
    let mut c = parse_config(SourceFile::new("tfgate.hcl", text), PathBuf::from(".")).unwrap();
    let settings = resolve_config(&language(), &mut c).unwrap();
    assert_eq!(
        c.waivers[0].scope,
        WaiverScope::Blocks(vec!["snap/no_public_snapshots[aws_db_cluster_snapshot]".into()])
    );
    assert_eq!(settings.levels.keys().collect::<Vec<_>>(), ["snap/no_public_snapshots[aws_db_snapshot]"]);
}
