//! `tfgate sentinel test|apply`: the `sentinel` command line's flags, output
//! and exit codes, on the example policy set (examples/sentinel).

use crate::common;

use common::{assert_expected, stdout_of, tfgate, tfgate_bin};

fn example(path: &str) -> String {
    format!("{}/../../examples/{path}", env!("CARGO_MANIFEST_DIR"))
}

#[test]
fn sentinel_test_runs_every_case_of_the_example_set() {
    let out = tfgate_bin(&["sentinel", "test"]).current_dir(example("sentinel")).output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stdout_of(&out));
    assert_expected("expected/sentinel-test.txt", &stdout_of(&out));
}

#[test]
fn one_dash_flags_work_as_in_the_sentinel_cli() {
    let out = tfgate_bin(&["sentinel", "test", "-run=restrict", "-verbose"])
        .current_dir(example("sentinel"))
        .output()
        .unwrap();
    let text = stdout_of(&out);
    assert_eq!(out.status.code(), Some(0), "{text}");
    assert!(text.contains("PASS - restrict-instance-types.sentinel"), "{text}");
    assert!(!text.contains("require-imdsv2"), "-run filters policies: {text}");
    assert!(text.contains("aws_instance.web uses m5.24xlarge"), "-verbose shows prints of passing cases: {text}");
}

#[test]
fn a_case_whose_expectation_is_wrong_fails_with_exit_code_1() {
    let dir = tempfile::tempdir().unwrap();
    let copy = |from: &str, to: &str| {
        let to = dir.path().join(to);
        std::fs::create_dir_all(to.parent().unwrap()).unwrap();
        std::fs::copy(example(from), to).unwrap();
    };
    copy("sentinel/require-imdsv2.sentinel", "require-imdsv2.sentinel");
    copy("sentinel/modules/plan-helpers.sentinel", "modules/plan-helpers.sentinel");
    copy("sentinel/test/require-imdsv2/mock-tfplan-fail.sentinel", "test/require-imdsv2/mock-tfplan-fail.sentinel");
    let case = std::fs::read_to_string(example("sentinel/test/require-imdsv2/fail.hcl")).unwrap();
    std::fs::write(dir.path().join("test/require-imdsv2/fail.hcl"), case.replace("main = false", "main = true"))
        .unwrap();
    let out = tfgate_bin(&["sentinel", "test"]).current_dir(dir.path()).output().unwrap();
    let text = stdout_of(&out);
    assert_eq!(out.status.code(), Some(1), "{text}");
    assert!(text.contains("FAIL - require-imdsv2.sentinel"), "{text}");
    assert!(text.contains("expected \"main\" to be true, got: false"), "{text}");
}

#[test]
fn sentinel_apply_evaluates_a_real_plan_and_fails_on_a_hard_mandatory_policy() {
    let out = tfgate(&["sentinel", "apply", "--plan", &example("plans/web-tier.json"), &example("sentinel")])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", stdout_of(&out));
    assert_expected("expected/sentinel-apply-web-tier.txt", &stdout_of(&out));
}

#[test]
fn sentinel_apply_of_one_policy_file_takes_its_modules_from_config_and_params_from_the_command_line() {
    let plan = example("plans/web-tier.json");
    let policy = example("sentinel/restrict-instance-types.sentinel");
    let config = format!("-config={}", example("sentinel/sentinel.hcl"));
    // The param replaces the default list: only the instance whose type is
    // known only after apply (undefined in tfplan/v2) is left.
    let out =
        tfgate(&["sentinel", "apply", &config, "--plan", &plan, "-param", r#"allowed_types=["m6i.large"]"#, &policy])
            .output()
            .unwrap();
    let text = stdout_of(&out);
    assert_eq!(out.status.code(), Some(0), "advisory: {text}");
    assert!(text.contains("aws_instance.worker uses undefined"), "{text}");
    assert!(!text.contains("aws_instance.app[0]"), "{text}");
    // Only t3.micro: the advisory policy fails, which an advisory level allows.
    let out =
        tfgate(&["sentinel", "apply", &config, "--plan", &plan, "-param", r#"allowed_types=["t3.micro"]"#, &policy])
            .output()
            .unwrap();
    let text = stdout_of(&out);
    assert_eq!(out.status.code(), Some(0), "{text}");
    assert!(text.contains("Fail - restrict-instance-types.sentinel"), "{text}");
}

#[test]
fn a_policy_that_cannot_run_blocks_even_when_advisory() {
    // Without the set's configuration the policy's module import is missing:
    // a runtime error says nothing about the plan, so it never passes a gate.
    let out = tfgate(&[
        "sentinel",
        "apply",
        "--plan",
        &example("plans/web-tier.json"),
        &example("sentinel/restrict-instance-types.sentinel"),
    ])
    .output()
    .unwrap();
    let text = stdout_of(&out);
    assert_eq!(out.status.code(), Some(3), "{text}");
    assert!(text.contains("import \"plan-helpers\" is not available"), "{text}");
}

#[test]
fn check_judges_a_sentinel_set_in_the_same_gate_and_report() {
    let plan = example("plans/web-tier.json");
    let set = example("sentinel");
    let out = tfgate(&["check", &plan, "--sentinel", &set, "--format", "json"]).output().unwrap();
    let text = stdout_of(&out);
    assert_eq!(out.status.code(), Some(1), "the hard-mandatory policy fails: {text}");
    let report: serde_json::Value = serde_json::from_str(&text).unwrap();
    let findings = report["findings"].as_array().unwrap();
    // One finding per Sentinel policy, on the plan; without --policy the built-in library does not run.
    let ids: Vec<&str> = findings.iter().map(|f| f["policy_id"].as_str().unwrap()).collect();
    assert_eq!(ids, ["require-imdsv2", "restrict-instance-types"], "{text}");
    assert_eq!(findings[0]["status"], "fail");
    assert_eq!(findings[0]["enforcement_level"], "mandatory");
    assert_eq!(findings[0]["target_kind"], "plan");
    assert!(findings[0]["message"].as_str().unwrap().contains("aws_instance.bastion has http_tokens unset"), "{text}");
    assert_eq!(findings[1]["enforcement_level"], "advisory");
    // With the built-in library as well, both kinds are judged together.
    let library = format!("{}/../../policies/aws/ec2", env!("CARGO_MANIFEST_DIR"));
    let out = tfgate(&["check", &plan, "--sentinel", &set, "-p", &library, "--format", "json"]).output().unwrap();
    let both: serde_json::Value = serde_json::from_str(&stdout_of(&out)).unwrap();
    let kinds: std::collections::BTreeSet<&str> =
        both["findings"].as_array().unwrap().iter().map(|f| f["target_kind"].as_str().unwrap()).collect();
    assert!(kinds.contains("plan") && kinds.contains("resource"), "{kinds:?}");
}

#[test]
fn a_hard_mandatory_sentinel_policy_cannot_be_overridden() {
    let out = tfgate(&[
        "check",
        &example("plans/web-tier.json"),
        "--sentinel",
        &example("sentinel"),
        "--override",
        "require-imdsv2",
    ])
    .output()
    .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(common::stderr_of(&out).contains("hard-mandatory"), "{}", common::stderr_of(&out));
}

#[test]
fn check_never_shows_what_a_sentinel_policy_read_from_a_secret() {
    for format in ["table", "json", "sarif", "junit", "github", "markdown", "sentinel"] {
        let out = tfgate(&["check", "plans/sensitive-split.json", "--sentinel", "sentinel/leak", "--format", format])
            .output()
            .unwrap();
        let all = format!("{}{}", stdout_of(&out), common::stderr_of(&out));
        assert_eq!(out.status.code(), Some(1), "{format}: {all}");
        for secret in ["917364", "Tr0ub4dorSecret", "TR0UB4DORSECRET", "KeyOfSecretMap", "OTE3MzY0"] {
            assert!(!all.contains(secret), "{format} shows {secret:?}:\n{all}");
        }
        assert!(all.contains("withheld"), "{format} says why: {all}");
    }
}

/// A policy set of one policy that reads `tfrun`, with or without a
/// `mock "tfrun"` in its configuration.
fn tfrun_set(mock: bool) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let mut config = String::from(
        "policy \"workspace\" {\n  source = \"./workspace.sentinel\"\n  enforcement_level = \"hard-mandatory\"\n}\n",
    );
    if mock {
        config.push_str("mock \"tfrun\" {\n  data = {\n    workspace = { name = \"mocked\" }\n    organization = { name = \"acme\" }\n  }\n}\n");
    }
    std::fs::write(dir.path().join("sentinel.hcl"), config).unwrap();
    std::fs::write(
        dir.path().join("workspace.sentinel"),
        "import \"tfrun\"\n\nprint(tfrun.workspace.name)\nmain = rule { tfrun.workspace.name is \"prod\" and tfrun.organization.name is \"acme\" }\n",
    )
    .unwrap();
    dir
}

#[test]
fn tfrun_facts_come_from_the_command_line_and_a_mock_still_wins() {
    let plan = example("plans/web-tier.json");
    let set = tfrun_set(false);
    let set_path = set.path().to_str().unwrap();
    let facts = ["--tfrun-workspace", "prod", "--tfrun-organization", "acme"];
    // `check`: without the facts `tfrun.workspace` is undefined and main fails.
    let without = tfgate(&["check", &plan, "--sentinel", set_path]).output().unwrap();
    assert_eq!(without.status.code(), Some(1), "{}", stdout_of(&without));
    let with = tfgate(&["check", &plan, "--sentinel", set_path]).args(facts).output().unwrap();
    assert_eq!(with.status.code(), Some(0), "{}", stdout_of(&with));
    // `sentinel apply` takes the same options.
    let apply = tfgate(&["sentinel", "apply", "--plan", &plan]).args(facts).arg(set_path).output().unwrap();
    assert_eq!(apply.status.code(), Some(0), "{}", stdout_of(&apply));
    // A `mock "tfrun"` in the configuration wins over the options.
    let mocked = tfrun_set(true);
    let apply = tfgate(&["sentinel", "apply", "-trace", "--plan", &plan])
        .args(facts)
        .arg(mocked.path().to_str().unwrap())
        .output()
        .unwrap();
    let text = stdout_of(&apply);
    assert_eq!(apply.status.code(), Some(1), "{text}");
    assert!(text.contains("mocked"), "{text}");
}

/// A waiver in `tfgate.hcl` may name a Sentinel policy by its name in
/// `sentinel.hcl`; a hard-mandatory one admits no exception, as in Sentinel,
/// so a waiver naming it stops the run (exit 2) instead of being ignored.
#[test]
fn a_waiver_names_a_sentinel_policy_unless_it_is_hard_mandatory() {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("tfgate.hcl");
    let waiver = |policy: &str| {
        format!(
            "waiver {{\n  policy  = \"{policy}\"\n  address = \"*\"\n  reason  = \"accepted in SEC-1\"\n  expires = \"2099-01-01\"\n}}\n"
        )
    };
    std::fs::write(&config, waiver("restrict-instance-types")).unwrap();
    let config_path = config.display().to_string();
    let args = ["check", &example("plans/web-tier.json"), "--sentinel", &example("sentinel"), "--config", &config_path];
    let out = tfgate(&args).args(["--format", "json"]).output().unwrap();
    let text = stdout_of(&out);
    let report: serde_json::Value = serde_json::from_str(&text).unwrap();
    let status = |id: &str| {
        report["findings"].as_array().unwrap().iter().find(|f| f["policy_id"] == id).unwrap()["status"].clone()
    };
    assert_eq!(status("restrict-instance-types"), "waived", "{text}");
    assert_eq!(status("require-imdsv2"), "fail", "{text}");

    std::fs::write(&config, waiver("require-imdsv2")).unwrap();
    let out = tfgate(&args).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = common::stderr_of(&out);
    assert!(err.contains("require-imdsv2 is hard-mandatory"), "{err}");
    // A name that is no policy at all is still an error.
    std::fs::write(&config, waiver("restrict-instance-type")).unwrap();
    assert_eq!(tfgate(&args).output().unwrap().status.code(), Some(2));
}
