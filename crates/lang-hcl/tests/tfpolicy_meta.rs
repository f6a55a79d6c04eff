//! Terraform policy 1.0 parity: `meta` as documented for resource, provider
//! and module policies (developer.hashicorp.com/terraform/policy/reference/
//! policy/resource-policy, "meta object attributes", and .../module-policy):
//! `module_path`, `operation` (create, update, delete, no-op), `provider_type`,
//! `type`, `tfe_workspace.tags` (an empty map outside a workspace) and
//! `tfe_stack.{stack_name, deployment_name, deployment_group}` (empty strings
//! outside a stack).

use std::collections::BTreeMap;

use tfgate_engine::TfeContext;
use tfgate_lang_hcl::{check_plan, CheckOptions};
use tfgate_lang_hcl::{load_policy_source, PolicySet, SourceFile, TestOutcome};
use tfgate_lang_hcl::{load_policy_tests, run_policy_tests};

const PLAN: &str = r#"{"format_version":"1.2",
 "configuration":{"root_module":{"module_calls":{"net":{"source":"./modules/net","module":{}}}}},
 "resource_changes":[
  {"address":"aws_instance.new","mode":"managed","type":"aws_instance","name":"new",
   "provider_name":"registry.terraform.io/hashicorp/aws",
   "change":{"actions":["create"],"before":null,"after":{"x":"1"},"after_unknown":{}}},
  {"address":"aws_instance.changed","mode":"managed","type":"aws_instance","name":"changed",
   "provider_name":"registry.terraform.io/hashicorp/aws",
   "change":{"actions":["update"],"before":{"x":"0"},"after":{"x":"1"},"after_unknown":{}}},
  {"address":"aws_instance.gone","mode":"managed","type":"aws_instance","name":"gone",
   "provider_name":"registry.terraform.io/hashicorp/aws",
   "change":{"actions":["delete"],"before":{"x":"0"},"after":null,"after_unknown":{}}},
  {"address":"aws_instance.same","mode":"managed","type":"aws_instance","name":"same",
   "provider_name":"registry.terraform.io/hashicorp/aws",
   "change":{"actions":["no-op"],"before":{"x":"1"},"after":{"x":"1"},"after_unknown":{}}},
  {"address":"module.net.google_compute_network.vpc","module_address":"module.net","mode":"managed",
   "type":"google_compute_network","name":"vpc","provider_name":"registry.terraform.io/hashicorp/google",
   "change":{"actions":["create"],"before":null,"after":{"x":"1"},"after_unknown":{}}}
 ]}"#;

/// Every documented resource `meta` key, rendered per resource.
const META_POLICY: &str = r#"resource_policy "*" "meta" {
  operations = []
  enforce {
    condition     = false
    error_message = "${meta.type}|${meta.operation}|${meta.module_path}|${meta.provider_type}|${core::jsonencode(meta.tfe_workspace.tags)}|${meta.tfe_stack.stack_name}/${meta.tfe_stack.deployment_name}/${meta.tfe_stack.deployment_group}"
  }
}
"#;

fn messages(policy: &str, options: &CheckOptions) -> BTreeMap<String, String> {
    let set = PolicySet::from_sources([("meta.policy.hcl", policy)]).unwrap_or_else(|e| panic!("{e}"));
    let plan = tfgate_plan::Plan::parse(PLAN).expect("plan");
    let out = check_plan(&set, &plan, "plan.json", options);
    assert!(out.errors.is_empty(), "{:?}", out.errors);
    out.findings.iter().map(|f| (f.address.to_string(), f.message.clone())).collect()
}

#[test]
fn resource_meta_has_every_documented_key_and_is_empty_outside_hcp_terraform() {
    let got = messages(META_POLICY, &CheckOptions::default());
    let want: BTreeMap<String, String> = [
        ("aws_instance.changed", "aws_instance|update|.|aws|{}|//"),
        ("aws_instance.gone", "aws_instance|delete|.|aws|{}|//"),
        ("aws_instance.new", "aws_instance|create|.|aws|{}|//"),
        ("aws_instance.same", "aws_instance|no-op|.|aws|{}|//"),
        ("module.net.google_compute_network.vpc", "google_compute_network|create|module.net|google|{}|//"),
    ]
    .into_iter()
    .map(|(a, m)| (a.to_string(), m.to_string()))
    .collect();
    assert_eq!(got, want);
}

#[test]
fn tfe_context_reaches_resource_provider_and_module_meta() {
    let tfe = TfeContext {
        workspace_tags: [("env".to_string(), "prod".to_string()), ("layer".to_string(), "data".to_string())].into(),
        stack_name: "infra".into(),
        deployment_name: "production".into(),
        deployment_group: "us-east-1".into(),
    };
    let options = CheckOptions { tfe, ..CheckOptions::default() };
    let got = messages(META_POLICY, &options);
    assert_eq!(
        got["aws_instance.new"],
        r#"aws_instance|create|.|aws|{"env":"prod","layer":"data"}|infra/production/us-east-1"#
    );

    let module_policy = r#"module_policy "*" "m" {
  enforce {
    condition     = false
    error_message = "${meta.source} ${meta.tfe_stack.deployment_name} ${meta.tfe_workspace.tags.env}"
  }
}
"#;
    let got = messages(module_policy, &options);
    assert_eq!(got["module.net"], "./modules/net production prod");
}

/// A policy keyed on the workspace's tags, the documented use of
/// `meta.tfe_workspace.tags`: it judges nothing outside HCP Terraform
/// unless the tags are given.
#[test]
fn a_policy_can_filter_on_workspace_tags() {
    let policy = r#"resource_policy "aws_instance" "prod_only" {
  filter = core::lookup(meta.tfe_workspace.tags, "env", "") == "prod"
  enforce {
    condition     = false
    error_message = "prod"
  }
}
"#;
    assert!(messages(policy, &CheckOptions::default()).is_empty());
    let tfe = TfeContext { workspace_tags: [("env".to_string(), "prod".to_string())].into(), ..TfeContext::default() };
    assert_eq!(messages(policy, &CheckOptions { tfe, ..CheckOptions::default() }).len(), 3);
}

/// In tests, a mock is outside HCP Terraform unless its `meta` says otherwise.
#[test]
fn mocks_see_an_empty_tfe_context_unless_their_meta_sets_one() {
    let policy = load_policy_source(
        "m.policy.hcl",
        r#"resource_policy "aws_instance" "p" {
  enforce {
    condition = core::length(meta.tfe_workspace.tags) == 0 && meta.tfe_stack.stack_name == ""
  }
}
"#,
    )
    .unwrap();
    let tests = load_policy_tests(SourceFile::new(
        "m.policytest.hcl",
        r#"resource "aws_instance" "outside" {
  attrs = {}
}
resource "aws_instance" "in_workspace" {
  expect_failure = true
  attrs = {}
  meta  = { tfe_workspace = { tags = { env = "prod" } } }
}
"#,
    ))
    .unwrap();
    let report = run_policy_tests(&policy, &tests);
    assert!(report.cases.iter().all(|c| c.outcome == TestOutcome::Pass), "{:?}", report.cases);
}
