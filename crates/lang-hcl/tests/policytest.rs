//! The `.policytest.hcl` runner.

use std::path::Path;

use tfgate_lang_hcl::load_policy_tests;
use tfgate_lang_hcl::{
    load_policy_source, run_policy_test_files, run_policy_tests, SourceFile, TestOutcome, TestReport,
};

fn fixture(name: &str) -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures").join(name)
}

fn case<'a>(r: &'a TestReport, name: &str) -> &'a tfgate_lang_hcl::TestCaseResult {
    r.cases.iter().find(|c| c.name == name).unwrap_or_else(|| panic!("no case {name}: {r:#?}"))
}

#[test]
fn fixture_tests_all_pass() {
    let r = run_policy_test_files(fixture("s3.policy.hcl"), fixture("s3.policytest.hcl")).unwrap();
    let failing: Vec<_> = r.cases.iter().filter(|c| c.outcome == TestOutcome::Fail).collect();
    assert!(failing.is_empty(), "{failing:#?}");
    assert_eq!(r.count(TestOutcome::Pass), 10);
    assert_eq!(r.count(TestOutcome::Skip), 1);
    assert!(r.passed());
    assert_eq!(case(&r, "resource.aws_s3_bucket.public_read").policies, ["acl", "versioning"]);
    assert!(case(&r, "resource.aws_s3_bucket.public_read").reason.contains("uses ACL public-read"));
    assert_eq!(case(&r, "resource.aws_s3_bucket.protected_delete").policies, ["no_delete_of_protected"]);
    let l = case(&r, "resource.aws_s3_bucket.private_versioned").location;
    assert_eq!((l.line, l.column), (14, 1));
}

#[test]
fn targets_are_read() {
    let text = std::fs::read_to_string(fixture("s3.policytest.hcl")).unwrap();
    let t = load_policy_tests(SourceFile::new("s3.policytest.hcl", text)).unwrap();
    assert_eq!(t.targets, ["s3.policy.hcl"]);
    assert_eq!(t.mocks.len(), 12);
}

fn run(policy: &str, tests: &str) -> TestReport {
    let p = load_policy_source("p.policy.hcl", policy).unwrap_or_else(|e| panic!("{e}"));
    let t = load_policy_tests(SourceFile::new("p.policytest.hcl", tests)).unwrap_or_else(|e| panic!("{e}"));
    run_policy_tests(&p, &t)
}

const POLICY: &str = r#"
resource_policy "aws_instance" "small" {
  enforce {
    condition     = attrs.instance_type == "t3.micro"
    error_message = "Instance type ${attrs.instance_type} is too big."
  }
}
"#;

#[test]
fn wrong_expectations_fail_with_a_reason() {
    let r = run(
        POLICY,
        r#"
resource "aws_instance" "big_but_expected_to_pass" {
  attrs = { instance_type = "m5.large" }
}
resource "aws_instance" "small_but_expected_to_fail" {
  expect_failure = true
  attrs          = { instance_type = "t3.micro" }
}
resource "aws_instance" "missing_attribute" {
  attrs = { ami = "ami-1" }
}
resource "aws_s3_bucket" "no_policy_but_expected_to_fail" {
  expect_failure = true
  attrs          = { bucket = "b" }
}
resource "aws_s3_bucket" "no_policy" {
  attrs = { bucket = "b" }
}
"#,
    );
    let big = case(&r, "resource.aws_instance.big_but_expected_to_pass");
    assert_eq!(big.outcome, TestOutcome::Fail);
    assert_eq!(big.reason, "resource_policy \"small\" failed: Instance type m5.large is too big.");

    let small = case(&r, "resource.aws_instance.small_but_expected_to_fail");
    assert_eq!(small.outcome, TestOutcome::Fail);
    assert!(small.reason.starts_with("expected a failure, but every applicable policy passed"), "{}", small.reason);

    // No required_providers, so no schema: a missing attribute is an error.
    let missing = case(&r, "resource.aws_instance.missing_attribute");
    assert_eq!(missing.outcome, TestOutcome::Fail);
    assert!(missing.reason.contains("error at p.policy.hcl:4:"), "{}", missing.reason);
    assert!(missing.reason.contains("Unsupported attribute"), "{}", missing.reason);

    assert_eq!(case(&r, "resource.aws_s3_bucket.no_policy_but_expected_to_fail").outcome, TestOutcome::Fail);
    assert_eq!(case(&r, "resource.aws_s3_bucket.no_policy").outcome, TestOutcome::Pass);
    assert!(!r.passed());
}

#[test]
fn test_file_errors_are_diagnostics() {
    let e = load_policy_tests(SourceFile::new(
        "bad.policytest.hcl",
        "resource \"aws_instance\" \"x\" {\n  atrs = { a = 1 }\n  expect_failure = \"yes\"\n}\nresourse \"a\" \"b\" {}\n",
    ))
    .unwrap_err();
    let d = e.diagnostics();
    assert!(d
        .iter()
        .any(|x| x.message == "Unsupported argument" && x.help.as_deref() == Some("did you mean \"attrs\"?")));
    assert!(d.iter().any(|x| x.message == "Invalid value for \"expect_failure\"" && x.location.line == 3));
    assert!(d
        .iter()
        .any(|x| x.message == "Unsupported block type" && x.help.as_deref() == Some("did you mean \"resource\"?")));
}

#[test]
fn undeclared_test_input_fails_the_case() {
    let r = run(
        POLICY,
        r#"
inputs {
  nope = 1
}
resource "aws_instance" "x" {
  attrs = { instance_type = "t3.micro" }
}
"#,
    );
    let c = case(&r, "resource.aws_instance.x");
    assert_eq!(c.outcome, TestOutcome::Fail);
    assert!(c.reason.contains("input \"nope\" is not declared"), "{}", c.reason);
}

/// The complete examples of the test reference pages (resource, provider,
/// inputs), run against a policy that uses what they set.
#[test]
fn reference_test_examples() {
    let policy = r#"
input "max_instance_size" {
  type    = string
  default = "t3.micro"
}
input "min_version" {
  type    = string
  default = "4.0.0"
}
input "require_encryption" {
  type    = bool
  default = false
}
input "allowed_regions" {
  type    = list(string)
  default = []
}
resource_policy "aws_instance" "no_env_change" {
  operations = ["update"]
  enforce {
    condition     = attrs.tags.Environment == prior_attrs.tags.Environment
    error_message = "Changing ${meta.type} environment from ${prior_attrs.tags.Environment} to ${attrs.tags.Environment} in ${meta.module_path}."
  }
}
provider_policy "aws" "primary_only" {
  enforce {
    condition     = meta.alias == null
    error_message = "Provider ${meta.source} ${meta.version} has alias ${meta.alias}."
  }
}
"#;
    let tests = r#"
inputs {
  require_encryption = true
  allowed_regions = ["us-east-1", "us-west-2"]
}

resource "aws_instance" "all_options" {
  expect_failure = true
  skip = false
  meta = {
    type = "aws_instance"
    provider_type = "aws"
    operation = "update"
    module_path = "."
  }
  prior_attrs = {
    instance_type = "t3.micro"
    tags = {
      Environment = "dev"
    }
  }
  attrs = {
    instance_type = "t3.small"
    tags = {
      Environment = "production"
    }
  }
  inputs {
    max_instance_size = "t3.large"
  }
}

provider "aws" "all_options" {
  expect_failure = true
  meta = {
    alias = "secondary"
    name = "aws"
    namespace = "hashicorp"
    source = "registry.terraform.io/hashicorp/aws"
    tfe_stack = {
      "deployment_group" = "global"
      "deployment_name" = "staging"
      "stack_name" = "infrastructure-stack"
    }
    tfe_workspace = {
      "tags" = {
        "env" = "Production",
        "layer" = "Data"
      }
    }
    type = "aws"
    version = "4.0.0"
  }
  attrs = {
    region = "us-east-1"
  }
  inputs {
    min_version = "5.0.0"
  }
}
"#;
    let r = run(policy, tests);
    let res = case(&r, "resource.aws_instance.all_options");
    assert_eq!(res.outcome, TestOutcome::Pass, "{}", res.reason);
    assert!(res.reason.contains("Changing aws_instance environment from dev to production in ."), "{}", res.reason);
    let prov = case(&r, "provider.aws.all_options");
    assert_eq!(prov.outcome, TestOutcome::Pass, "{}", prov.reason);
    assert!(prov.reason.contains("registry.terraform.io/hashicorp/aws 4.0.0 has alias secondary"), "{}", prov.reason);
}

/// `tfgate::referenced(ARGUMENT, FROM)` follows a chain of configuration
/// references: from the instance to its profile, then from the profile to
/// its role.
#[test]
fn referenced_with_a_from_address_follows_chains() {
    let policy = r#"
resource_policy "aws_instance" "role_chain" {
  locals {
    profiles = tfgate::referenced("iam_instance_profile")
    roles    = core::flatten([for p in local.profiles : tfgate::referenced("role", p.address)])
  }
  enforce {
    condition     = core::alltrue([for r in local.roles : r.attrs.name != "admin"])
    error_message = "role ${core::join(",", [for r in local.roles : r.attrs.name])}"
  }
}
"#;
    let r = run(
        policy,
        r#"
resource "aws_iam_role" "admin" {
  attrs = { name = "admin" }
}
resource "aws_iam_role" "app" {
  attrs = { name = "app" }
}
resource "aws_iam_instance_profile" "admin" {
  attrs = { role = "admin" }
  meta  = { references = { "role" = ["aws_iam_role.admin"] } }
}
resource "aws_iam_instance_profile" "app" {
  attrs = { role = "app" }
  meta  = { references = { "role" = ["aws_iam_role.app"] } }
}
resource "aws_instance" "admin_box" {
  attrs          = {}
  meta           = { references = { "iam_instance_profile" = ["aws_iam_instance_profile.admin"] } }
  expect_failure = true
}
resource "aws_instance" "app_box" {
  attrs = {}
  meta  = { references = { "iam_instance_profile" = ["aws_iam_instance_profile.app"] } }
}
"#,
    );
    assert!(r.passed(), "{:#?}", r.cases);
    assert!(case(&r, "resource.aws_instance.admin_box").reason.contains("role admin"), "{:#?}", r.cases);

    // Three arguments are a load-time error; `resources` still takes one.
    for bad in [r#"tfgate::referenced("a", "b", "c")"#, r#"tfgate::resources("a", "b")"#] {
        let text = format!(
            "resource_policy \"aws_instance\" \"x\" {{\n  enforce {{\n    condition = length({bad}) == 0\n  }}\n}}\n"
        );
        let e = load_policy_source("p.policy.hcl", text).unwrap_err().to_string();
        assert!(e.contains("Wrong number of arguments"), "{e}");
    }
}

/// The runner follows the same defaults as a check: a policy without
/// `operations` judges `create`, `update` and `no-op` mocks (Terraform
/// policy's default) and not `delete` ones.
#[test]
fn mocks_follow_the_default_operations() {
    let r = run(
        POLICY,
        r#"
resource "aws_instance" "unchanged_big" {
  attrs          = { instance_type = "m5.large" }
  meta           = { operation = "no-op" }
  expect_failure = true
}
resource "aws_instance" "deleted_big" {
  attrs = { instance_type = "m5.large" }
  meta  = { operation = "delete" }
}
"#,
    );
    assert_eq!(case(&r, "resource.aws_instance.unchanged_big").policies, ["small"]);
    assert_eq!(case(&r, "resource.aws_instance.unchanged_big").outcome, TestOutcome::Pass);
    assert!(case(&r, "resource.aws_instance.deleted_big").policies.is_empty());
    assert!(r.passed(), "{r:#?}");
}

/// A policy that reads both states, for the operation rules.
const BOTH: &str = r#"
policy {
  required_providers {
    aws = { source = "hashicorp/aws" }
  }
}
resource_policy "aws_s3_bucket" "keep_name" {
  operations = []
  enforce {
    condition     = meta.operation != "update" || attrs.bucket == prior_attrs.bucket
    error_message = "renamed"
  }
  enforce {
    condition     = meta.operation != "delete" || attrs.bucket == null
    error_message = "a delete has null attributes"
  }
}
"#;

/// reference/test/resource (v0.4.x, newest with this page) and
/// test/test-blocks (v1.0.x): without an operation, a mock with `attrs`
/// only is a create, with `prior_attrs` too an update; `prior_attrs = { id
/// = null }` alone is the documented delete fixture, whose `attrs` are all
/// null; `no-op` is never inferred; `operation` may also be written as an
/// attribute of the mock (test-blocks).
#[test]
fn the_operation_is_inferred_from_attrs_and_prior_attrs() {
    let policy = r#"
resource_policy "aws_s3_bucket" "op" {
  operations = []
  enforce {
    condition     = false
    error_message = "operation ${meta.operation}"
  }
}
"#;
    let r = run(
        policy,
        r#"
resource "aws_s3_bucket" "created" {
  expect_failure = true
  attrs = { bucket = "a" }
}
resource "aws_s3_bucket" "updated" {
  expect_failure = true
  prior_attrs = { bucket = "a" }
  attrs       = { bucket = "b" }
}
resource "aws_s3_bucket" "deleted" {
  expect_failure = true
  prior_attrs = { id = null }
}
resource "aws_s3_bucket" "written" {
  expect_failure = true
  operation = "no-op"
  attrs = { bucket = "a" }
}
"#,
    );
    for (name, op) in [("created", "create"), ("updated", "update"), ("deleted", "delete"), ("written", "no-op")] {
        let c = case(&r, &format!("resource.aws_s3_bucket.{name}"));
        assert_eq!(c.outcome, TestOutcome::Pass, "{name}: {}", c.reason);
        assert!(c.reason.contains(&format!("operation {op}")), "{name}: {}", c.reason);
    }
    let r = run(
        BOTH,
        r#"
resource "aws_s3_bucket" "renamed" {
  expect_failure = true
  prior_attrs = { bucket = "a" }
  attrs       = { bucket = "b" }
}
resource "aws_s3_bucket" "deleted" {
  meta        = { operation = "delete" }
  prior_attrs = { id = null }
  attrs       = { bucket = "ignored: a delete has no target state" }
}
"#,
    );
    assert!(r.passed(), "{r:#?}");
}

#[test]
fn an_operation_must_be_one_of_the_documented_ones() {
    let e = load_policy_tests(SourceFile::new(
        "op.policytest.hcl",
        "resource \"a\" \"x\" {\n  meta = { operation = \"updte\" }\n  attrs = {}\n}\nresource \"a\" \"y\" {\n  meta = { operation = \"create\" }\n  operation = \"delete\"\n}\n",
    ))
    .unwrap_err();
    let d = e.diagnostics();
    assert!(d
        .iter()
        .any(|x| x.message == "Invalid operation" && x.help.as_deref() == Some("did you mean \"update\"?")));
    assert!(d.iter().any(|x| x.message == "Conflicting operations" && x.location.line == 7), "{d:#?}");
}

/// tfpolicy runs test files that repeat a mock label: a warning, and both
/// cases run and are reported, each at its line.
#[test]
fn a_repeated_mock_label_is_a_warning_and_both_cases_run() {
    let tests = r#"
resource "aws_instance" "same" {
  attrs = { instance_type = "t3.micro" }
}
resource "aws_instance" "same" {
  attrs = { instance_type = "m5.large" }
}
"#;
    let t = load_policy_tests(SourceFile::new("p.policytest.hcl", tests)).unwrap();
    assert_eq!(t.warnings.len(), 1);
    assert!(!t.warnings[0].is_error());
    assert_eq!(t.warnings[0].location.line, 5);
    assert!(t.warnings[0].message.contains("Duplicate test case resource.aws_instance.same"));
    let r = run(POLICY, tests);
    let lines: Vec<(usize, TestOutcome)> = r.cases.iter().map(|c| (c.location.line, c.outcome)).collect();
    assert_eq!(lines, [(2, TestOutcome::Pass), (5, TestOutcome::Fail)]);
}

/// reference/test/resource: mocks are validated with the providers of the
/// policy's `required_providers`, whose schemas give every attribute (null
/// when not set). With providers declared, an attribute the policy reads but
/// the mock leaves out reads as null, also nested and through `for` and
/// locals; a mistyped attribute of an object the policy builds is still an
/// error. Without providers there is no schema: the attribute is missing,
/// and `try` falls back (HashiCorp's `eks-cluster-log-enabled` tests rely
/// on it). An attribute read inside `try` anywhere keeps its fallback.
#[test]
fn an_attribute_the_mock_leaves_out_reads_as_null() {
    let policy = r#"
policy {
  required_providers {
    aws = { source = "hashicorp/aws" }
  }
}
resource_policy "aws_instance" "imds" {
  locals {
    opts   = attrs.metadata_options
    tokens = local.opts[0].http_tokens
    open   = [for r in attrs.ingress : r.cidr if r.cidr == "0.0.0.0/0"]
  }
  enforce {
    condition     = attrs.encrypted != null && local.tokens == "required" && core::length(local.open) == 0
    error_message = "tokens ${local.tokens == null ? "unset" : local.tokens}"
  }
}
"#;
    let r = run(
        policy,
        r#"
resource "aws_instance" "nothing_set" {
  expect_failure = true
  attrs = { metadata_options = [{ http_endpoint = "enabled" }], ingress = [{ port = 22 }] }
}
resource "aws_instance" "all_set" {
  attrs = {
    encrypted        = true
    metadata_options = [{ http_tokens = "required" }]
    ingress          = [{ cidr = "10.0.0.0/8" }]
  }
}
"#,
    );
    let c = case(&r, "resource.aws_instance.nothing_set");
    assert_eq!(c.outcome, TestOutcome::Pass, "{}", c.reason);
    assert!(c.reason.contains("tokens unset"), "{}", c.reason);
    assert_eq!(case(&r, "resource.aws_instance.all_set").outcome, TestOutcome::Pass);

    let typo = r#"
resource_policy "aws_instance" "t" {
  locals { o = { a = 1 } }
  enforce { condition = local.o.b == 1 }
}
"#;
    let r = run(typo, "resource \"aws_instance\" \"x\" {\n  attrs = {}\n}\n");
    assert!(case(&r, "resource.aws_instance.x").reason.contains("Unsupported attribute"), "{r:#?}");

    // Read inside `try`, an attribute the mock leaves out takes the fallback
    // (HashiCorp's rds-snapshot-encrypted and encrypted-volumes tests rely on it).
    let guarded = r#"
policy {
  required_providers {
    aws = { source = "hashicorp/aws" }
  }
}
resource_policy "aws_instance" "g" {
  locals { devices = core::try(attrs.ebs_block_device, []) }
  enforce { condition = core::try(attrs.encrypted, false) && core::length(local.devices) == 0 }
}
"#;
    let r = run(guarded, "resource \"aws_instance\" \"x\" {\n  expect_failure = true\n  attrs = { ami = \"a\" }\n}\n");
    let c = case(&r, "resource.aws_instance.x");
    assert_eq!(c.outcome, TestOutcome::Pass, "{}", c.reason);
    assert!(c.reason.starts_with("failed as expected"), "{}", c.reason);

    let no_schema = r#"
resource_policy "aws_eks_cluster" "logs" {
  locals { types = core::try(attrs.enabled_cluster_log_types, []) }
  enforce { condition = core::contains(local.types, "audit") }
}
"#;
    let r = run(
        no_schema,
        "resource \"aws_eks_cluster\" \"x\" {\n  expect_failure = true\n  attrs = { name = \"c\" }\n}\n",
    );
    assert!(r.passed(), "{r:#?}");
}

/// test/test-blocks: `targets` lists several policy files; a case is judged
/// by every policy of them that applies to it, and each file takes the
/// inputs it declares.
#[test]
fn a_case_is_judged_by_every_target_file() {
    let a = load_policy_source("a.policy.hcl", POLICY).unwrap();
    let b = load_policy_source(
        "b.policy.hcl",
        "policy {\n  required_providers {\n    aws = { source = \"hashicorp/aws\" }\n  }\n}\ninput \"want\" {\n  type = string\n}\nresource_policy \"aws_instance\" \"tagged\" {\n  enforce {\n    condition = attrs.tags != null && attrs.tags.Team == input.want\n    error_message = \"untagged\"\n  }\n}\n",
    )
    .unwrap();
    let t = load_policy_tests(SourceFile::new(
        "t.policytest.hcl",
        "inputs {\n  want = \"web\"\n}\nresource \"aws_instance\" \"small_untagged\" {\n  expect_failure = true\n  attrs = { instance_type = \"t3.micro\" }\n}\nresource \"aws_instance\" \"ok\" {\n  attrs = { instance_type = \"t3.micro\", tags = { Team = \"web\" } }\n}\n",
    ))
    .unwrap();
    let r = tfgate_lang_hcl::run_policy_tests_on(&[&a, &b], &t, tfgate_lang_hcl::Limits::default());
    assert!(r.passed(), "{r:#?}");
    assert_eq!(case(&r, "resource.aws_instance.ok").policies, ["small", "tagged"]);
    assert!(case(&r, "resource.aws_instance.small_untagged").reason.contains("untagged"));
    assert_eq!(r.policy_file, "a.policy.hcl, b.policy.hcl");
}

/// A block-level local that fails is evaluated for each `enforce` block that
/// reads it; the case's reason names the error once, not once per block.
#[test]
fn an_error_shared_by_several_enforce_blocks_is_reported_once() {
    let policy = r#"
policy {}

resource_policy "thing_widget" "two_checks" {
  locals {
    items = [for x in attrs.label : x]
  }
  enforce {
    condition     = core::length(local.items) > 0
    error_message = "first check"
  }
  enforce {
    condition     = core::length(local.items) < 10
    error_message = "second check"
  }
}
"#;
    let tests = r#"
resource "thing_widget" "string_label" {
  attrs = { label = "abc" }
}
"#;
    let r = run(policy, tests);
    let c = &r.cases[0];
    assert_eq!(c.outcome, TestOutcome::Fail);
    assert_eq!(c.reason.matches("non-iterable").count(), 1, "{}", c.reason);
}
