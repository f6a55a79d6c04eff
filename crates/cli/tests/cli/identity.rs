//! Policy ids written by users (tfgate.hcl `policy` blocks, waivers, --override)
//! name a whole policy or one of its blocks, or stop the run with a suggestion.

use crate::common;

use common::{stderr_of, stdout_of, tfgate};
use serde_json::Value;

const HOP_LIMIT: &str = "plans/hop-limit.json";
const PUBLIC_IP: &str = "plans/public-ip.json";

/// `tfgate check PLAN ARGS… --format json` with `config` as `tfgate.hcl`
/// (the built-in library runs); exit code, report (null when none), stderr.
fn check(plan: &str, config: &str, args: &[&str]) -> (Option<i32>, Value, String) {
    let dir = tempfile::tempdir().unwrap();
    let config_path = dir.path().join("tfgate.hcl");
    std::fs::write(&config_path, config).unwrap();
    let plan = common::fixtures().join(plan);
    let mut all = vec!["check", plan.to_str().unwrap(), "--config", config_path.to_str().unwrap(), "--format", "json"];
    all.extend(args);
    let out = tfgate(&all).env("TFGATE_ACTOR", "ci-bot").output().unwrap();
    let report = serde_json::from_str(&stdout_of(&out)).unwrap_or(Value::Null);
    (out.status.code(), report, stderr_of(&out))
}

fn findings<'a>(report: &'a Value, policy_prefix: &str) -> Vec<&'a Value> {
    report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["policy_id"].as_str().unwrap().starts_with(policy_prefix))
        .collect()
}

#[test]
fn raising_a_multi_block_policy_to_mandatory_makes_the_gate_fail() {
    let (code, report, _) = check(HOP_LIMIT, "", &[]);
    assert_eq!(code, Some(0), "TFG-EC2-006 is advisory by default");
    assert_eq!(findings(&report, "TFG-EC2-006/")[0]["status"], "fail");

    let (code, report, err) =
        check(HOP_LIMIT, "policy \"TFG-EC2-006\" {\n  enforcement_level = \"mandatory\"\n}\n", &[]);
    assert_eq!(code, Some(1), "{err}");
    let blocks: Vec<&Value> = report["policies"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|p| p["id"].as_str().unwrap().starts_with("TFG-EC2-006/"))
        .collect();
    assert_eq!(blocks.len(), 5);
    assert!(blocks.iter().all(|p| p["enforcement_level"] == "mandatory"), "every block: {blocks:?}");
    assert_eq!(findings(&report, "TFG-EC2-006/")[0]["enforcement_level"], "mandatory");

    // Its inputs reach every block too: a hop limit of 3 allowed, the gate passes.
    let (code, report, err) = check(
        HOP_LIMIT,
        "policy \"TFG-EC2-006\" {\n  enforcement_level = \"mandatory\"\n  inputs = { max_hop_limit = 3 }\n}\n",
        &[],
    );
    assert_eq!(code, Some(0), "{err}");
    assert_eq!(findings(&report, "TFG-EC2-006/")[0]["status"], "pass");

    // One block by its id; the others keep their level.
    let (code, report, err) =
        check(HOP_LIMIT, "policy \"TFG-EC2-006/instance\" {\n  enforcement_level = \"mandatory\"\n}\n", &[]);
    assert_eq!(code, Some(1), "{err}");
    let level = |id: &str| {
        report["policies"].as_array().unwrap().iter().find(|p| p["id"] == id).unwrap()["enforcement_level"].clone()
    };
    assert_eq!(level("TFG-EC2-006/instance"), "mandatory");
    assert_eq!(level("TFG-EC2-006/launch_template"), "advisory");
}

const SOFT_032: &str = "policy \"TFG-EC2-032\" {\n  enforcement_level = \"soft-mandatory\"\n}\n";

#[test]
fn override_of_a_whole_policy_covers_its_three_blocks() {
    let (code, report, _) = check(PUBLIC_IP, SOFT_032, &[]);
    assert_eq!(code, Some(1));
    assert_eq!(findings(&report, "TFG-EC2-032/").len(), 3);

    let (code, report, err) = check(PUBLIC_IP, SOFT_032, &["--override", "TFG-EC2-032", "--override-reason", "CHG-1"]);
    assert_eq!(code, Some(0), "{err}");
    let overridden = findings(&report, "TFG-EC2-032/");
    assert!(overridden.iter().all(|f| f["overridden"] == true), "{overridden:?}");
    let policies: Vec<&str> =
        report["overrides"].as_array().unwrap().iter().map(|o| o["policy"].as_str().unwrap()).collect();
    assert_eq!(
        policies,
        ["TFG-EC2-032/instance_public_ip", "TFG-EC2-032/launch_template_public_ip", "TFG-EC2-032/subnet_map_public_ip"]
    );

    // As shipped, two of its blocks are mandatory: the override is refused, naming one.
    let (code, _, err) = check(PUBLIC_IP, "", &["--override", "TFG-EC2-032"]);
    assert_eq!(code, Some(2));
    assert!(err.contains("--override TFG-EC2-032: its block TFG-EC2-032/instance_public_ip is mandatory"), "{err}");
}

#[test]
fn ids_that_name_nothing_are_errors_with_a_suggestion() {
    let cases = [
        (
            "policy \"TFG-EC2-066\" {\n  enforcement_level = \"mandatory\"\n}\n",
            "tfgate.hcl:1:8",
            "did you mean \"TFG-EC2-006\"?",
        ),
        (
            "policy \"tfg-ec2-006\" {\n  enforcement_level = \"mandatory\"\n}\n",
            "tfgate.hcl:1:8",
            "did you mean \"TFG-EC2-006\"?",
        ),
        (
            "policy \"TFG-EC2-006\" {\n  inputs = { max_hop_limt = 2 }\n}\n",
            "tfgate.hcl:2:14",
            "did you mean \"max_hop_limit\"?",
        ),
        (
            "policy \"TFG-EC2-006\" {\n  enforcment_level = \"mandatory\"\n}\n",
            "tfgate.hcl:2:3",
            "did you mean \"enforcement_level\"?",
        ),
        (
            "waiver {\n  policy  = \"TFG-EC2-01O\"\n  address = \"*\"\n  reason  = \"r\"\n}\n",
            "tfgate.hcl:2:13",
            "did you mean \"TFG-EC2-010\"?",
        ),
    ];
    for (config, place, help) in cases {
        let (code, _, err) = check(HOP_LIMIT, config, &[]);
        assert_eq!(code, Some(2), "{config}: {err}");
        assert!(err.contains(place) && err.contains(help), "{config}: {err}");
    }
    let (code, _, err) = check(HOP_LIMIT, "", &["--override", "tfg-ec2-032"]);
    assert_eq!(code, Some(2));
    assert!(err.contains("--override tfg-ec2-032") && err.contains("did you mean \"TFG-EC2-032\"?"), "{err}");
}

#[test]
fn a_waiver_for_a_whole_policy_waives_all_its_blocks() {
    let config = "waiver {\n  policy  = \"TFG-EC2-032\"\n  address = \"*\"\n  reason  = \"lab account; SEC-9\"\n}\n";
    let (code, report, err) = check(PUBLIC_IP, config, &[]);
    assert_eq!(code, Some(0), "{err}");
    let waived = findings(&report, "TFG-EC2-032/");
    assert_eq!(waived.len(), 3);
    assert!(waived.iter().all(|f| f["status"] == "waived"), "{waived:?}");
    assert_eq!(report["waivers"][0]["matched"], 3);
    assert_eq!(report["waivers"][0]["state"], "active");
}

#[test]
fn an_impossible_expiry_date_is_rejected() {
    let config =
        "waiver {\n  policy  = \"TFG-EC2-032\"\n  address = \"*\"\n  reason  = \"r\"\n  expires = \"2027-02-30\"\n}\n";
    let (code, _, err) = check(PUBLIC_IP, config, &[]);
    assert_eq!(code, Some(2));
    assert!(err.contains("tfgate.hcl:5:13") && err.contains("expires must be a date"), "{err}");
}

#[test]
fn an_oversized_configuration_is_refused() {
    let config = format!("unknown = \"{}\"\n", "x".repeat(2 * 1024 * 1024));
    let (code, _, err) = check(PUBLIC_IP, &config, &[]);
    assert_eq!(code, Some(2));
    assert!(err.contains("tfgate.hcl") && err.contains("1 MiB"), "{err}");
    assert!(err.len() < 1000, "the message does not quote the file");
}

#[test]
fn the_example_configuration_runs() {
    let example = common::fixtures().join("../../../../examples/config/tfgate.hcl");
    let plan = common::fixtures().join(PUBLIC_IP);
    let out = tfgate(&["check", plan.to_str().unwrap(), "--config", example.to_str().unwrap(), "--format", "json"])
        .output()
        .unwrap();
    assert_ne!(out.status.code(), Some(2), "{}", stderr_of(&out));
    let report: Value = serde_json::from_str(&stdout_of(&out)).unwrap();
    let level = |id: &str| findings(&report, id)[0]["enforcement_level"].as_str().unwrap().to_string();
    assert_eq!(level("TFG-EC2-032/subnet_map_public_ip"), "advisory", "the one block");
    assert_eq!(level("TFG-EC2-032/instance_public_ip"), "mandatory-overridable", "the rest of the policy");
    assert_eq!(level("TFG-EC2-006/instance"), "mandatory");
    assert_eq!(
        report["policies"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|p| p["id"].as_str().unwrap().starts_with("ACME-TAGS-001/"))
            .count(),
        2
    );
    // The team policy got its input: both tags are asked for.
    assert!(findings(&report, "ACME-TAGS-001/instance_tags")[0]["message"].as_str().unwrap().contains("cost-center"));
}
