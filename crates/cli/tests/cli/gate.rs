//! The gate: enforcement levels, overrides, configuration, waivers, several plans.

use crate::common;

use common::{assert_expected, stderr_of, stdout_of, tfgate, tfgate_bin};
use serde_json::Value;

const PLAN: &str = "plans/small.json";
const LEVELS: &str = "policies/levels";

fn json_of(args: &[&str]) -> (Option<i32>, Value) {
    let mut all = args.to_vec();
    all.extend(["--format", "json"]);
    let out = tfgate(&all).env("TFGATE_ACTOR", "ci-bot").output().unwrap();
    let v = serde_json::from_str(&stdout_of(&out)).unwrap_or_else(|e| panic!("{e}: {}", stderr_of(&out)));
    (out.status.code(), v)
}

#[test]
fn advisory_failures_never_fail_the_gate() {
    let (code, report) = json_of(&["check", PLAN, "-p", "policies/levels/advisory.policy.hcl"]);
    assert_eq!(code, Some(0));
    assert_eq!(report["counts"]["fail"], 1);
    assert_eq!(report["gate"]["passed"], true);
}

/// The Terraform policy reference (resource_policy, `enforcement_level`):
/// the level defaults to "mandatory", so a failing policy that names no
/// level blocks the gate.
#[test]
fn a_policy_without_enforcement_level_is_mandatory_and_fails_the_gate() {
    let (code, report) = json_of(&["check", PLAN, "-p", "policies/default-level"]);
    assert_eq!(code, Some(1));
    assert_eq!(report["counts"]["fail"], 1);
    assert_eq!(report["gate"]["passed"], false);
    let policy = report["policies"].as_array().and_then(|p| p.iter().find(|p| p["id"] == "LEVEL-DEFAULT"));
    assert_eq!(policy.map(|p| &p["enforcement_level"]), Some(&Value::from("mandatory")), "{report}");
}

#[test]
fn soft_mandatory_fails_unless_overridden_and_the_override_is_recorded() {
    let (code, _) = json_of(&["check", PLAN, "-p", LEVELS]);
    assert_eq!(code, Some(1));
    let (code, report) = json_of(&[
        "check",
        PLAN,
        "-p",
        LEVELS,
        "--override",
        "LEVEL-SOFT",
        "--override-reason",
        "CHG-42 approved by security",
    ]);
    assert_eq!(code, Some(0), "{report}");
    assert_eq!(report["overrides"][0]["policy"], "LEVEL-SOFT");
    assert_eq!(report["overrides"][0]["by"], "ci-bot");
    assert_eq!(report["overrides"][0]["reason"], "CHG-42 approved by security");
    let overridden: Vec<&Value> =
        report["findings"].as_array().unwrap().iter().filter(|f| f["overridden"] == true).collect();
    assert_eq!(overridden.len(), 2, "the fail and the unknown of the soft policy");
    let (code, _) = json_of(&["check", PLAN, "-p", LEVELS, "--override-all-soft"]);
    assert_eq!(code, Some(0));
}

#[test]
fn hard_mandatory_cannot_be_overridden() {
    let out = tfgate(&["check", PLAN, "-p", LEVELS, "--override", "LEVEL-HARD"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert_expected("expected/override-hard.stderr", &stderr_of(&out));
    let out = tfgate(&["check", PLAN, "-p", LEVELS, "--override", "NO-SUCH"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
}

fn config_dir(config: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("tfgate.hcl"), config).unwrap();
    dir
}

#[test]
fn configuration_sets_levels_inputs_unknown_and_waivers() {
    let fixtures = common::fixtures();
    let dir = config_dir(&format!(
        r#"
unknown = "warn"

policy_set "team" {{
  source = "{levels}"
}}

policy "LEVEL-HARD" {{
  inputs = {{ engine = "mysql" }}
}}

policy "LEVEL-ADVISORY" {{
  enforcement_level = "mandatory"
}}

waiver {{
  policy  = "LEVEL-ADVISORY"
  address = "module.app[\"blue\"].*"
  reason  = "m5 needed for the batch jobs; FIN-7"
  owner   = "platform@example.com"
  expires = "2099-12-31"
}}

waiver {{
  policy  = "LEVEL-SOFT"
  address = "aws_instance.web"
  reason  = "expired exception"
  expires = "2020-01-01"
}}

waiver {{
  policy  = "LEVEL-SOFT"
  address = "aws_instance.nothing_here"
  reason  = "matches nothing"
}}
"#,
        levels = fixtures.join(LEVELS).display()
    ));
    let plan = fixtures.join(PLAN);
    let out =
        tfgate_bin(&["check", plan.to_str().unwrap(), "--format", "json"]).current_dir(dir.path()).output().unwrap();
    let report: Value = serde_json::from_str(&stdout_of(&out)).unwrap_or_else(|e| panic!("{e}: {}", stderr_of(&out)));
    let status_of = |policy: &str, address: &str| -> String {
        report["findings"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["policy_id"] == policy && f["address"] == address)
            .map(|f| f["status"].as_str().unwrap().to_string())
            .unwrap_or_default()
    };
    // The input changed the verdict; the waiver covered the (now mandatory) advisory failure.
    assert_eq!(status_of("LEVEL-HARD", "aws_db_instance.main"), "fail");
    assert_eq!(status_of("LEVEL-ADVISORY", r#"module.app["blue"].aws_instance.api[0]"#), "waived");
    assert_eq!(status_of("LEVEL-SOFT", "aws_instance.web"), "fail", "the expired waiver does not apply");
    let states: Vec<&str> =
        report["waivers"].as_array().unwrap().iter().map(|w| w["state"].as_str().unwrap()).collect();
    assert_eq!(states, ["active", "expired", "unused"]);
    assert_eq!(report["gate"]["unknown_mode"], "warn");
    assert_eq!(out.status.code(), Some(1), "LEVEL-HARD and LEVEL-SOFT fail");
    // The table says what became of the waivers.
    let out = tfgate_bin(&["check", plan.to_str().unwrap()]).current_dir(dir.path()).output().unwrap();
    let table = stdout_of(&out);
    assert!(table.contains("expired") && table.contains("unused"), "{table}");
}

#[test]
fn a_bad_configuration_is_an_error_with_a_place() {
    let dir = config_dir("waiver {\n  policy = \"X\"\n  adress = \"*\"\n  reason = \"r\"\n}\n");
    let plan = common::fixtures().join(PLAN);
    let out = tfgate_bin(&["check", plan.to_str().unwrap()]).current_dir(dir.path()).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = stderr_of(&out);
    assert!(err.contains("tfgate.hcl:3:3") && err.contains("did you mean \"address\""), "{err}");
}

#[test]
fn several_plans_in_one_run_and_the_module_roll_up() {
    let out =
        tfgate(&["check", PLAN, "plans/small-utf16.json", "-p", LEVELS, "--group-by", "module"]).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert_expected("expected/check-two-plans-by-module.txt", &stdout_of(&out));
    let (_, report) = json_of(&["check", PLAN, "plans/small-utf16.json", "-p", LEVELS]);
    let plans: std::collections::BTreeSet<&str> =
        report["findings"].as_array().unwrap().iter().map(|f| f["plan"].as_str().unwrap()).collect();
    assert_eq!(plans.len(), 2, "each finding names its plan");
}

#[test]
fn a_directory_of_plans() {
    let dir = tempfile::tempdir().unwrap();
    for name in ["a.json", "b.json"] {
        std::fs::copy(common::fixtures().join(PLAN), dir.path().join(name)).unwrap();
    }
    std::fs::write(dir.path().join("notes.txt"), "not a plan").unwrap();
    let (_, report) = json_of(&["check", dir.path().to_str().unwrap(), "-p", LEVELS]);
    assert_eq!(report["plans"].as_array().unwrap().len(), 2, "every *.json below the directory, nothing else");
}

#[test]
fn exit_codes_are_documented() {
    let help = stdout_of(&tfgate(&["check", "--help"]).output().unwrap());
    assert!(help.contains("--unknown"));
    let docs = std::fs::read_to_string(common::fixtures().join("../../../../docs/cli.md")).unwrap();
    assert!(docs.contains("Exit codes: `0`"));
}
