//! Terraform policy 1.0 parity: `core::getdatasource`, `core::gethttprequest`
//! and plugin functions, from HashiCorp's reference pages:
//! developer.hashicorp.com/terraform/policy/reference/functions/getdatasource,
//! .../functions/gethttprequest, .../reference/test/data (data mocks) and
//! .../write/plugins (`plugin::NAME::FUNCTION` calls).

use std::collections::BTreeMap;
use std::sync::Arc;

use tfgate_lang_hcl::{check_plan, CheckOptions};
use tfgate_lang_hcl::{
    load_policy_source, DiagnosticSeverity, EvalErrorKind, Evaluator, Limits, NoResources, PolicyFile, PolicyOutcome,
    PolicySet, SourceFile, Status, Target, TargetKind, TestOutcome,
};
use tfgate_lang_hcl::{load_policy_tests, run_policy_tests, run_policy_tests_with_http};
use tfgate_lang_hcl::{HttpAccess, HttpResponse};
use tfgate_plan::Value;

fn load(src: &str) -> PolicyFile {
    load_policy_source("f.policy.hcl", src).unwrap_or_else(|e| panic!("{e}"))
}

fn instance(attrs: Value) -> Target {
    Target {
        kind: TargetKind::Resource,
        name: "aws_instance".into(),
        attrs,
        prior_attrs: Value::null(),
        meta: Value::object_from([("address", Value::str("aws_instance.web"))]),
        actions: vec!["create".into()],
    }
}

fn outcome(file: &PolicyFile, http: Option<Arc<HttpAccess>>) -> PolicyOutcome {
    let ev = Evaluator::new(file, &BTreeMap::new(), &NoResources, Limits::default()).expect("inputs").with_http(http);
    ev.evaluate(&file.policies[0], &instance(Value::object_from([("instance_type", Value::str("t3.micro"))])))
}

fn error_of(o: &PolicyOutcome) -> tfgate_lang_hcl::EvalError {
    match o {
        PolicyOutcome::Error(e) => e.clone(),
        PolicyOutcome::Evaluated { results, .. } => {
            results.iter().find_map(|r| r.error.clone()).unwrap_or_else(|| panic!("no error in {o:?}"))
        }
        other => panic!("{other:?}"),
    }
}

// ---- core::getdatasource over a plan -------------------------------------

/// A plan whose AMI was read while planning (`prior_state` only), whose KMS
/// key is read only during apply (`resource_changes`, action `read`), and
/// whose Lambda function has a sensitive attribute.
const PLAN: &str = r#"{"format_version":"1.2",
 "prior_state":{"format_version":"1.0","values":{"root_module":{"resources":[
   {"address":"data.aws_ami.al2","mode":"data","type":"aws_ami","name":"al2",
    "provider_name":"registry.terraform.io/hashicorp/aws",
    "values":{"id":"ami-al2","most_recent":true,"owners":["amazon"],
      "filter":[{"name":"virtualization-type","values":["hvm"]},{"name":"name","values":["amzn2-ami-hvm-*"]}]},
    "sensitive_values":{}},
   {"address":"data.aws_ami.ubuntu","mode":"data","type":"aws_ami","name":"ubuntu",
    "provider_name":"registry.terraform.io/hashicorp/aws",
    "values":{"id":"ami-ubuntu","most_recent":true,"owners":["099720109477"],
      "filter":[{"name":"name","values":["ubuntu/*"]}]},
    "sensitive_values":{}},
   {"address":"data.aws_lambda_function.fn","mode":"data","type":"aws_lambda_function","name":"fn",
    "provider_name":"registry.terraform.io/hashicorp/aws",
    "values":{"function_name":"example-function","environment":[{"variables":{"TOKEN":"s3cr3t"}}]},
    "sensitive_values":{"environment":[{"variables":true}]}}
 ]}}},
 "resource_changes":[
  {"address":"data.aws_kms_key.org","mode":"data","type":"aws_kms_key","name":"org",
   "change":{"actions":["read"],"before":null,"after":{"key_id":"alias/org"},"after_unknown":{"arn":true,"id":true}}},
  {"address":"aws_instance.web","mode":"managed","type":"aws_instance","name":"web",
   "change":{"actions":["create"],"before":null,"after":{"ami":"ami-al2"},"after_unknown":{}}}
 ]}"#;

fn check(policy: &str) -> Vec<(tfgate_lang_hcl::Status, String)> {
    let set = PolicySet::from_sources([("ds.policy.hcl", policy)]).unwrap_or_else(|e| panic!("{e}"));
    let plan = tfgate_plan::Plan::parse(PLAN).expect("plan");
    let out = check_plan(&set, &plan, "plan.json", &CheckOptions::default());
    assert!(out.errors.is_empty(), "{:?}", out.errors);
    out.findings.iter().map(|f| (f.status, f.message.clone())).collect()
}

/// getdatasource page, "Retrieve an AMI by filter": the `filter` blocks are a
/// list of objects, matched in any order against the data source the plan read.
#[test]
fn getdatasource_finds_a_data_source_read_while_planning() {
    let got = check(
        r#"locals {
  ami = core::getdatasource("aws_ami", {
    most_recent = true
    owners      = ["amazon"]
    filter = [
      { name = "name", values = ["amzn2-ami-hvm-*"] },
      { name = "virtualization-type", values = ["hvm"] },
    ]
  })
}
resource_policy "aws_instance" "approved_ami" {
  enforce {
    condition     = attrs.ami == local.ami.id
    error_message = "use ${local.ami.id}"
    info_message  = "ami ${local.ami.id}"
  }
}
"#,
    );
    assert_eq!(got, vec![(Status::Pass, "ami ami-al2".to_string())]);
}

/// tfgate calls no provider: a data source the plan does not hold is an
/// error that says so (never `null`, which would claim it does not exist),
/// which `core::try` can turn into a fallback, as in the reference's KMS example.
#[test]
fn getdatasource_with_no_match_is_an_error_try_can_catch() {
    let got = check(
        r#"resource_policy "aws_instance" "p" {
  enforce {
    condition = core::getdatasource("aws_lambda_function", { function_name = "missing" }) != null
  }
}
"#,
    );
    assert_eq!(got.len(), 1);
    assert_eq!(got[0].0, Status::Error);
    assert!(got[0].1.contains("no data source \"aws_lambda_function\" matches"), "{}", got[0].1);
    assert!(got[0].1.contains("calls no provider"), "{}", got[0].1);

    let got = check(
        r#"resource_policy "aws_instance" "p" {
  enforce {
    condition     = core::try(core::getdatasource("aws_lambda_function", { function_name = "missing" }), null) == null
  }
}
"#,
    );
    assert_eq!(got[0].0, Status::Pass);
}

#[test]
fn getdatasource_with_several_matches_asks_for_a_narrower_filter() {
    let got = check(
        r#"resource_policy "aws_instance" "p" {
  enforce {
    condition = core::getdatasource("aws_ami", { most_recent = true }).id != ""
  }
}
"#,
    );
    assert_eq!(got[0].0, Status::Error);
    assert!(got[0].1.contains("2 different data sources \"aws_ami\" match"), "{}", got[0].1);
}

/// A data source read only during apply (`["read"]`): its computed
/// attributes are unknown, so a condition on them is unknown, never a guess.
#[test]
fn getdatasource_of_a_read_deferred_to_apply_is_unknown_where_it_is_unknown() {
    let got = check(
        r#"locals {
  key = core::getdatasource("aws_kms_key", { key_id = "alias/org" })
}
resource_policy "aws_instance" "p" {
  enforce {
    condition     = local.key.arn != ""
    error_message = "arn ${local.key.arn}, id of ${local.key.key_id}"
  }
}
"#,
    );
    assert_eq!(got, vec![(Status::Unknown, "arn (known after apply), id of alias/org".to_string())]);
}

/// Sensitive marks of the plan's data source reach the policy as for attrs.
#[test]
fn getdatasource_keeps_sensitive_marks() {
    let got = check(
        r#"locals {
  fn = core::getdatasource("aws_lambda_function", { function_name = "example-function" })
}
resource_policy "aws_instance" "p" {
  enforce {
    condition     = false
    error_message = "token ${local.fn.environment[0].variables.TOKEN}, name ${local.fn.function_name}"
  }
}
"#,
    );
    assert_eq!(got, vec![(Status::Fail, "token (sensitive value), name example-function".to_string())]);
}

#[test]
fn getdatasource_takes_a_type_and_a_filter() {
    match load_policy_source(
        "f.policy.hcl",
        "resource_policy \"aws_instance\" \"p\" {\n  enforce {\n    condition = core::getdatasource(\"aws_ami\") != null\n  }\n}\n",
    ) {
        Err(e) => assert!(e.to_string().contains("core::getdatasource takes 2 arguments"), "{e}"),
        Ok(_) => panic!("a call without a filter must not load"),
    }
}

// ---- core::getdatasource in tests: data mocks ----------------------------

/// test/data page: a data mock's attrs answer a matching
/// `core::getdatasource` call, and `data.TYPE.LABEL.ATTR` reads them in the
/// mocks that follow (also from a later data mock).
#[test]
fn data_mocks_answer_getdatasource_and_are_referenced_by_other_mocks() {
    let policy = load(
        r#"locals {
  vpc = core::getdatasource("aws_vpc", { tags = { Name = "corporate" } })
}
resource_policy "aws_subnet" "in_corporate_vpc" {
  enforce {
    condition     = attrs.vpc_id == local.vpc.id
    error_message = "subnet outside ${local.vpc.id}"
  }
}
"#,
    );
    let tests = load_policy_tests(SourceFile::new(
        "f.policytest.hcl",
        r#"data "aws_vpc" "corporate" {
  attrs = {
    id   = "vpc-123"
    tags = { Name = "corporate", team = "net" }
  }
}
data "aws_subnet" "private" {
  attrs = {
    id     = "subnet-1"
    vpc_id = data.aws_vpc.corporate.id
  }
}
resource "aws_subnet" "inside" {
  attrs = { vpc_id = data.aws_subnet.private.vpc_id }
}
resource "aws_subnet" "outside" {
  expect_failure = true
  attrs = { vpc_id = "vpc-999" }
}
"#,
    ))
    .unwrap_or_else(|e| panic!("{e}"));
    let report = run_policy_tests(&policy, &tests);
    let got: Vec<(String, TestOutcome)> = report.cases.iter().map(|c| (c.name.clone(), c.outcome)).collect();
    assert_eq!(
        got,
        vec![
            ("resource.aws_subnet.inside".to_string(), TestOutcome::Pass),
            ("resource.aws_subnet.outside".to_string(), TestOutcome::Pass)
        ],
        "{:?}",
        report.cases
    );
}

// ---- core::gethttprequest -----------------------------------------------

const HTTP_POLICY: &str = r#"locals {
  response = core::gethttprequest("http://policy.internal/allowed", { headers = { "X-Team" = "platform" } })
}
resource_policy "aws_instance" "api" {
  enforce {
    condition     = local.response.statusCode == 200 && core::contains(core::jsondecode(local.response.body).types, attrs.instance_type)
    error_message = "status ${local.response.status}"
  }
}
"#;

/// Off unless allowed: the error says how to allow a host, and `core::try`
/// cannot choose a fallback for it (the reference's "Error handling with
/// try" pattern would otherwise pass every plan while requests are off).
#[test]
fn gethttprequest_is_off_unless_hosts_are_allowed_and_try_cannot_hide_it() {
    let file = load(HTTP_POLICY);
    let e = error_of(&outcome(&file, None));
    assert_eq!(e.kind, EvalErrorKind::NotAllowed);
    assert!(e.message.contains("--allow-http-host HOST"), "{}", e.message);

    let guarded = load(
        r#"locals {
  r = core::try(core::gethttprequest("http://api.example.com/validate", {}), { statusCode = 0 })
}
resource_policy "aws_instance" "p" {
  enforce {
    condition = local.r.statusCode == 200 || local.r.statusCode == 0
  }
}
"#,
    );
    let e = error_of(&outcome(&guarded, None));
    assert_eq!(e.kind, EvalErrorKind::NotAllowed);
    let other_host = Some(Arc::new(HttpAccess::new(vec!["policy.internal".into()])));
    let e = error_of(&outcome(&guarded, other_host));
    assert!(e.message.contains("\"api.example.com\" is not allowed"), "{}", e.message);
}

/// Answered from a fixture (no network in tests): `{ statusCode, status, body }`.
#[test]
fn gethttprequest_answers_status_code_status_and_body() {
    let file = load(HTTP_POLICY);
    let access = |body: &str, code: u16| {
        Some(Arc::new(HttpAccess::new(vec![]).with_fixture(
            "http://policy.internal/allowed",
            HttpResponse { status_code: code, status: format!("{code} X"), body: body.into() },
        )))
    };
    assert_eq!(outcome(&file, access(r#"{"types": ["t3.micro"]}"#, 200)).status(), Some(Status::Pass));
    assert_eq!(outcome(&file, access(r#"{"types": ["m5.large"]}"#, 200)).status(), Some(Status::Fail));
    match outcome(&file, access("{}", 503)) {
        PolicyOutcome::Evaluated { results, .. } => {
            assert_eq!(results[0].status, Status::Fail);
            assert_eq!(results[0].error_message.as_deref(), Some("status 503 X"));
        }
        other => panic!("{other:?}"),
    }
}

/// A request built from a secret (an API key header) gives a marked answer.
#[test]
fn gethttprequest_with_a_sensitive_header_marks_the_answer() {
    let file = load(
        r#"input "api_key" {
  type      = string
  default   = "k"
  sensitive = true
}
resource_policy "aws_instance" "p" {
  enforce {
    condition     = false
    error_message = "got ${core::gethttprequest("http://h/x", { headers = { Authorization = "Bearer ${input.api_key}" } }).body}"
  }
}
"#,
    );
    let access =
        Arc::new(HttpAccess::new(vec![]).with_fixture(
            "http://h/x",
            HttpResponse { status_code: 200, status: "200 OK".into(), body: "hello".into() },
        ));
    match outcome(&file, Some(access)) {
        PolicyOutcome::Evaluated { results, .. } => {
            assert_eq!(results[0].error_message.as_deref(), Some("got (sensitive value)"))
        }
        other => panic!("{other:?}"),
    }
}

/// The test runner takes the same access (`tfgate test --allow-http-host`).
#[test]
fn the_test_runner_passes_http_access_on() {
    let file = load(HTTP_POLICY);
    let tests = load_policy_tests(SourceFile::new(
        "f.policytest.hcl",
        "resource \"aws_instance\" \"ok\" {\n  attrs = { instance_type = \"t3.micro\" }\n}\n",
    ))
    .unwrap();
    assert_eq!(run_policy_tests(&file, &tests).cases[0].outcome, TestOutcome::Fail);
    let access = Arc::new(HttpAccess::new(vec![]).with_fixture(
        "http://policy.internal/allowed",
        HttpResponse { status_code: 200, status: "200 OK".into(), body: r#"{"types":["t3.micro"]}"#.into() },
    ));
    let report = run_policy_tests_with_http(&file, &tests, Limits::default(), Some(access));
    assert_eq!(report.cases[0].outcome, TestOutcome::Pass, "{:?}", report.cases);
}

// ---- plugins -------------------------------------------------------------

/// write/plugins page: `policy { plugins { NAME = { source } } }` and
/// `plugin::NAME::FUNCTION(...)`. tfgate does not run plugins: the file loads
/// with a warning at the call naming plugin and function, a call in a dead
/// branch is harmless, and a call that is reached is an error naming both,
/// which `core::try` cannot turn into a fallback.
#[test]
fn plugin_calls_warn_at_load_and_fail_when_reached() {
    let src = r#"policy {
  plugins {
    example = {
      source = "../plugins/bin/example"
    }
  }
}
resource_policy "aws_instance" "p" {
  enforce {
    condition = attrs.instance_type == "t3.micro" ? true : plugin::example::trim("foo.t3.micro", "foo.") == "x"
  }
  enforce {
    condition = core::try(plugin::example::echo(attrs.instance_type), "fallback") == "t3.micro"
  }
}
"#;
    let file = load(src);
    let warnings: Vec<String> =
        file.warnings.iter().filter(|d| d.severity == DiagnosticSeverity::Warning).map(|d| d.render()).collect();
    assert_eq!(warnings.len(), 2, "{warnings:?}");
    assert!(warnings[0].contains("Call to plugin function \"plugin::example::trim\""), "{}", warnings[0]);
    assert!(warnings[0].contains("function \"trim\" of plugin \"example\""), "{}", warnings[0]);
    assert!(warnings[0].contains("does not run policy plugins"), "{}", warnings[0]);
    match outcome(&file, None) {
        PolicyOutcome::Evaluated { results, .. } => {
            assert_eq!(results[0].status, Status::Pass, "the dead branch is never called");
            assert_eq!(results[1].status, Status::Error);
            let e = results[1].error.as_ref().unwrap();
            assert_eq!(e.kind, EvalErrorKind::NotAllowed);
            assert!(e.message.contains("function \"echo\" of plugin \"example\" cannot run"), "{}", e.message);
        }
        other => panic!("{other:?}"),
    }
}

/// A sensitive URL is never quoted, not even through the host an error names.
#[test]
fn gethttprequest_errors_never_show_a_sensitive_url() {
    let file = load(
        r#"input "endpoint" {
  type      = string
  default   = "http://secret-host.example/check"
  sensitive = true
}
resource_policy "aws_instance" "p" {
  enforce {
    condition = core::gethttprequest(input.endpoint).statusCode == 200
  }
}
"#,
    );
    for access in [None, Some(Arc::new(HttpAccess::new(vec!["other.example".into()])))] {
        let e = error_of(&outcome(&file, access));
        assert!(!e.message.contains("secret-host"), "{}", e.message);
        assert!(e.message.contains("(sensitive value)"), "{}", e.message);
    }
}
