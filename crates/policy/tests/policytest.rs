//! The `.policytest.hcl` runner.

use std::path::Path;

use tfgate_policy::policytest::load_policy_tests;
use tfgate_policy::{load_policy_source, run_policy_test_files, run_policy_tests, SourceFile, TestOutcome, TestReport};

fn fixture(name: &str) -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures").join(name)
}

fn case<'a>(r: &'a TestReport, name: &str) -> &'a tfgate_policy::TestCaseResult {
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
