//! `--allow-http-host` (check, test) and the `--tfe-*` flags (check): what
//! `core::gethttprequest` may fetch and what `meta.tfe_workspace` /
//! `meta.tfe_stack` hold (developer.hashicorp.com/terraform/policy/reference/
//! functions/gethttprequest, .../policy/resource-policy).

use crate::common;

use common::{stderr_of, stdout_of, tfgate};
use tfgate_test_support::{http_answer, HttpServer};

const PLAN: &str = "plans/small.json";

fn policy(dir: &tempfile::TempDir, text: &str) -> String {
    let path = dir.path().join("p.policy.hcl");
    std::fs::write(&path, text).unwrap();
    path.display().to_string()
}

#[test]
fn tfe_flags_set_meta() {
    let dir = tempfile::tempdir().unwrap();
    let p = policy(
        &dir,
        r#"resource_policy "aws_instance" "ctx" {
  filter = meta.tfe_workspace.tags.env == "prod"
  enforce {
    condition     = false
    error_message = "ctx ${meta.tfe_stack.stack_name}/${meta.tfe_stack.deployment_name}/${meta.tfe_stack.deployment_group}"
  }
}
"#,
    );
    let out = tfgate(&[
        "check",
        PLAN,
        "-p",
        &p,
        "--tfe-workspace-tag",
        "env=prod",
        "--tfe-stack-name",
        "infra",
        "--tfe-deployment-name",
        "production",
        "--tfe-deployment-group",
        "us-east-1",
    ])
    .output()
    .unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", stderr_of(&out));
    assert!(stdout_of(&out).contains("ctx infra/production/us-east-1"), "{}", stdout_of(&out));

    // Outside HCP Terraform the tags are empty: reading `env` is an error, the gate fails closed.
    let out = tfgate(&["check", PLAN, "-p", &p]).output().unwrap();
    assert_eq!(out.status.code(), Some(2), "{}", stdout_of(&out));

    let out = tfgate(&["check", PLAN, "-p", &p, "--tfe-workspace-tag", "envprod"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr_of(&out).contains("KEY=VALUE"), "{}", stderr_of(&out));
}

#[test]
fn gethttprequest_needs_an_allowed_host_and_then_fetches_it() {
    let server = HttpServer::start(|_| Some(http_answer("200 OK", r#"{"allowed":["t3.micro"]}"#)));
    let port = server.port();
    let dir = tempfile::tempdir().unwrap();
    let p = policy(
        &dir,
        &format!(
            r#"locals {{
  allowed = core::jsondecode(core::gethttprequest("http://127.0.0.1:{port}/types", {{}}).body).allowed
}}
resource_policy "aws_instance" "types" {{
  enforce {{
    condition     = core::contains(local.allowed, "t3.micro")
    error_message = "not allowed"
    info_message  = "allowed: ${{core::join(",", local.allowed)}}"
  }}
}}
"#
        ),
    );
    // Off by default: an error that says how to allow the host.
    let out = tfgate(&["check", PLAN, "-p", &p]).output().unwrap();
    assert_eq!(out.status.code(), Some(2), "{}", stdout_of(&out));
    assert!(stdout_of(&out).contains("--allow-http-host HOST"), "{}", stdout_of(&out));

    let out = tfgate(&["check", PLAN, "-p", &p, "--allow-http-host", "127.0.0.1", "-v"]).output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}\n{}", stdout_of(&out), stderr_of(&out));
    assert!(stdout_of(&out).contains("allowed: t3.micro"), "{}", stdout_of(&out));
    assert_eq!(server.requests().len(), 1, "one request per run, and none while it was not allowed");

    let out = tfgate(&["check", PLAN, "-p", &p, "--allow-http-host", "http://127.0.0.1/"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr_of(&out).contains("not a URL"), "{}", stderr_of(&out));
}
