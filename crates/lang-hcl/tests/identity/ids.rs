//! Policy identity over `.policy.hcl` files: how the engine's index
//! (`tfgate_engine::PolicyIndex`) and `tfgate.hcl` resolution name the
//! files and blocks of a set, as `tfgate_lang_hcl::policy_identities`
//! describes them.

use std::path::PathBuf;

use tfgate_engine::{
    parse_config, resolve_config, Config, PolicyIndex, ResolvedSettings, WaiverScope, MAX_DIAGNOSTICS,
};
use tfgate_lang_hcl::{policy_identities, CheckOptions, HclLanguage, PolicySet, SourceFile};
use tfgate_plan::Value;

const MULTI: &str = r#"
policy {
  tfgate { id = "TFG-M-001" }
}
input "limit" {
  type    = number
  default = 1
}
resource_policy "aws_instance" "instance" {
  enforcement_level = "advisory"
  enforce { condition = true }
}
resource_policy "aws_launch_template" "template" {
  enforcement_level = "advisory"
  enforce { condition = true }
}
"#;
const SINGLE: &str = r#"
policy {
  tfgate {
    id      = "TFG-S-002"
    aliases = ["OLD-2"]
  }
}
resource_policy "aws_s3_bucket" "bucket" {
  enforce { condition = true }
}
"#;
const NO_ID: &str = r#"
resource_policy "aws_vpc" "vpc" {
  enforce { condition = true }
}
resource_policy "aws_subnet" "template" {
  enforce { condition = true }
}
"#;

fn set() -> PolicySet {
    PolicySet::from_sources([
        ("multi.policy.hcl", MULTI),
        ("single.policy.hcl", SINGLE),
        ("team/net.policy.hcl", NO_ID),
    ])
    .unwrap()
}

fn ids(index: &PolicyIndex, written: &str) -> Vec<String> {
    index.resolve(written).unwrap().blocks
}

fn index() -> PolicyIndex {
    PolicyIndex::new(&policy_identities(&set()))
}

fn resolve(c: &mut Config) -> Result<ResolvedSettings, tfgate_engine::ConfigError> {
    resolve_config(&HclLanguage::new(set(), CheckOptions::default()), c)
}

#[test]
fn an_id_names_a_whole_policy_or_one_block() {
    let index = index();
    assert_eq!(ids(&index, "TFG-M-001"), ["TFG-M-001/instance", "TFG-M-001/template"]);
    assert!(index.resolve("TFG-M-001").unwrap().whole);
    assert_eq!(ids(&index, "TFG-M-001/template"), ["TFG-M-001/template"]);
    assert!(!index.resolve("TFG-M-001/template").unwrap().whole);
    assert_eq!(ids(&index, "TFG-S-002"), ["TFG-S-002"]);
    assert_eq!(ids(&index, "TFG-S-002/bucket"), ["TFG-S-002"]);
    assert_eq!(ids(&index, "OLD-2"), ["TFG-S-002"], "a former id still names the policy");
    assert_eq!(ids(&index, "net"), ["net/vpc", "net/template"], "a file without an id, by its name");
    assert_eq!(ids(&index, "net/vpc"), ["net/vpc"]);
    assert_eq!(ids(&index, "instance"), ["TFG-M-001/instance"], "a label no other block has");
}

#[test]
fn an_id_that_names_nothing_gets_a_suggestion() {
    let index = index();
    let e = index.resolve("tfg-m-001").unwrap_err();
    assert_eq!(e.help.as_deref(), Some("did you mean \"TFG-M-001\"?"), "{e}");
    let e = index.resolve("TFG-M-01").unwrap_err();
    assert_eq!(e.help.as_deref(), Some("did you mean \"TFG-M-001\"?"), "{e}");
    let e = index.resolve("template").unwrap_err();
    assert!(e.message.contains("label of 2 policy blocks: TFG-M-001/template, net/template"), "{e}");
    let e = index.resolve("ZZZZZZZZZZZZ").unwrap_err();
    assert_eq!(e.help, None);
}

fn config(text: &str) -> Config {
    parse_config(SourceFile::new("tfgate.hcl", text), PathBuf::from(".")).unwrap()
}

#[test]
fn levels_apply_to_every_block_and_one_block_wins_over_its_policy() {
    let mut c = config(
        r#"
policy "TFG-M-001" {
  enforcement_level = "mandatory"
  inputs            = { limit = 2 }
}
policy "TFG-M-001/template" {
  enforcement_level = "advisory"
}
policy "net" {
  enforcement_level = "soft-mandatory"
}
"#,
    );
    let r = resolve(&mut c).unwrap();
    use tfgate_core::EnforcementLevel::*;
    assert_eq!(r.levels["TFG-M-001/instance"], Mandatory);
    assert_eq!(r.levels["TFG-M-001/template"], Advisory);
    assert_eq!(r.levels["net/vpc"], MandatoryOverridable);
    assert_eq!(r.levels["net/template"], MandatoryOverridable);
    assert_eq!(r.inputs["multi.policy.hcl"]["limit"], Value::number(2));
}

fn errors(text: &str) -> String {
    let mut c = config(text);
    resolve(&mut c).unwrap_err().to_string()
}

#[test]
fn unknown_ids_inputs_and_bad_values_are_errors_with_places() {
    let e = errors("policy \"tfg-m-001\" {\n  enforcement_level = \"mandatory\"\n}\n");
    assert!(e.contains("tfgate.hcl:1:8") && e.contains("did you mean \"TFG-M-001\"?"), "{e}");
    let e = errors("policy \"TFG-M-001\" {\n  inputs = { limt = 2 }\n}\n");
    assert!(
        e.contains("tfgate.hcl:2:14") && e.contains("no input \"limt\"") && e.contains("did you mean \"limit\"?"),
        "{e}"
    );
    let e = errors("policy \"TFG-S-002\" {\n  inputs = { limit = 2 }\n}\n");
    assert!(e.contains("single.policy.hcl declares no inputs"), "{e}");
    let e = errors("policy \"TFG-M-001\" {\n  inputs = { limit = \"many\" }\n}\n");
    assert!(e.contains("invalid value for input \"limit\""), "{e}");
    let e = errors("waiver {\n  policy  = \"TFG-M-002\"\n  address = \"*\"\n  reason  = \"r\"\n}\n");
    assert!(e.contains("tfgate.hcl:2:13") && e.contains("did you mean \"TFG-M-001\"?"), "{e}");
    let e = errors(
        "policy \"TFG-M-001\" {\n  inputs = { limit = 2 }\n}\npolicy \"TFG-M-001/instance\" {\n  inputs = { limit = 3 }\n}\n",
    );
    assert!(e.contains("set twice with different values"), "{e}");
}

#[test]
fn many_mistakes_on_one_long_line_are_reported_a_few_at_a_time() {
    let keys: Vec<String> = (0..5000).map(|i| format!("k{i} = 1")).collect();
    let e = errors(&format!("policy \"TFG-M-001\" {{\n  inputs = {{ {} }}\n}}\n", keys.join(", ")));
    assert_eq!(e.matches("error: policy \"TFG-M-001\" has no input").count(), MAX_DIAGNOSTICS);
    assert!(e.contains("4980 further errors not shown"), "{}", &e[e.len() - 300..]);
    assert!(e.len() < (MAX_DIAGNOSTICS + 1) * 2 * 50_000, "each diagnostic copies the line once");
}

#[test]
fn waivers_are_resolved_to_blocks() {
    let mut c = config(
        "waiver {\n  policy = \"TFG-M-001\"\n  address = \"*\"\n  reason = \"r\"\n}\nwaiver {\n  policy = \"*\"\n  address = \"*\"\n  reason = \"r\"\n}\n",
    );
    resolve(&mut c).unwrap();
    assert_eq!(c.waivers[0].scope, WaiverScope::Blocks(vec!["TFG-M-001/instance".into(), "TFG-M-001/template".into()]));
    assert_eq!(c.waivers[1].scope, WaiverScope::All);
}
