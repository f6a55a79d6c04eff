//! `tfgate check --source-dir` on a real module layout
//! (`fixtures/source-map`: a root, a local module beside it, a local module
//! outside it with a nested one, and a registry module; see its README):
//! every finding lands on the `.tf` block that produced it, or on the plan
//! for the remote module's resources; the SARIF is valid SARIF 2.1.0 and
//! follows what GitHub code scanning ingests; the JSON report validates
//! against `docs/report.schema.json`.

use crate::common;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use common::{stderr_of, stdout_of};
use serde_json::Value;

fn layout() -> PathBuf {
    common::fixtures().join("source-map")
}

/// `tfgate check plan.json` on the layout, run from its folder (as CI runs from the checkout's root).
fn check_in(dir: &Path, extra: &[&str]) -> std::process::Output {
    let mut cmd = common::tfgate_bin(&["check", "plan.json", "--policy", "policies"]);
    cmd.current_dir(dir).args(extra).env_remove("GITHUB_RUN_ID");
    cmd.output().unwrap()
}

fn sarif_validator() -> jsonschema::Validator {
    let schema: Value =
        serde_json::from_str(include_str!("../../../reporter/tests/data/sarif-schema-2.1.0.json")).unwrap();
    jsonschema::options().should_validate_formats(true).build(&schema).unwrap()
}

fn report_validator() -> jsonschema::Validator {
    let schema: Value = serde_json::from_str(include_str!("../../../../docs/report.schema.json")).unwrap();
    jsonschema::options().should_validate_formats(true).build(&schema).unwrap()
}

fn errors(v: &jsonschema::Validator, doc: &Value) -> Vec<String> {
    v.iter_errors(doc).map(|e| format!("{e} at {}", e.instance_path())).collect()
}

/// `(rule, address) -> (uri, startLine, endLine)` of every SARIF result.
fn placed(sarif: &Value) -> BTreeMap<(String, String), (String, u64, Option<u64>)> {
    sarif["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            let address = r["message"]["text"].as_str().unwrap().split(": ").next().unwrap().to_string();
            let at = &r["locations"][0]["physicalLocation"];
            let uri = at["artifactLocation"]["uri"].as_str().unwrap().to_string();
            let region = &at["region"];
            (
                (r["ruleId"].as_str().unwrap().to_string(), address),
                (uri, region["startLine"].as_u64().unwrap(), region["endLine"].as_u64()),
            )
        })
        .collect()
}

#[test]
fn each_finding_lands_on_its_block() {
    let out = check_in(&layout(), &["--source-dir", "infra", "--format", "sarif"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr_of(&out));
    let sarif: Value = serde_json::from_str(&stdout_of(&out)).unwrap();
    let got = placed(&sarif);
    let at = |file: &str, start: u64, end: u64| (file.to_string(), start, Some(end));
    let plan = ("plan.json".to_string(), 1, None);
    let key = |rule: &str, address: &str| (format!("FIX-001/{rule}"), address.to_string());
    let expected = BTreeMap::from([
        // The nested local module (modules/app/sg, called by modules/app).
        (key("not_public", "module.app.module.sg.terraform_data.ingress"), at("modules/app/sg/main.tf", 7, 13)),
        // The local module beside the root.
        (key("not_public", "module.network.terraform_data.subnet"), at("infra/network/main.tf", 3, 8)),
        // The local module outside the root: an advisory finding.
        (key("owned", "module.app.terraform_data.server"), at("modules/app/main.tf", 7, 12)),
        // The registry module's resources have no files: the plan.
        (key("not_public", "module.remote.terraform_data.bucket"), plan.clone()),
        (key("owned", "module.remote.terraform_data.bucket"), plan),
        // Its `module` block is in the root.
        (key("pinned", "module.remote"), at("infra/main.tf", 23, 26)),
    ]);
    assert_eq!(got, expected);

    // The lines are the block's own: its first line opens it, its last closes it.
    for ((_, address), (file, start, end)) in &got {
        let Some(end) = end else { continue };
        let text = std::fs::read_to_string(layout().join(file)).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        let name = address.rsplit('.').next().unwrap();
        let opening = lines[*start as usize - 1];
        assert!(
            opening == format!(r#"resource "terraform_data" "{name}" {{"#)
                || opening == format!(r#"module "{name}" {{"#),
            "{file}:{start}: {opening}"
        );
        assert_eq!(lines[*end as usize - 1], "}", "{file}:{end}");
    }
}

/// What code scanning needs beyond the schema, as GitHub documents it.
#[test]
fn the_sarif_is_valid_and_ingestible() {
    let out = check_in(&layout(), &["--source-dir", "infra", "--format", "sarif"]);
    let sarif: Value = serde_json::from_str(&stdout_of(&out)).unwrap();
    assert_eq!(errors(&sarif_validator(), &sarif), Vec::<String>::new());
    assert_eq!(sarif["version"], "2.1.0");
    let runs = sarif["runs"].as_array().unwrap();
    assert_eq!(runs.len(), 1);
    let run = &runs[0];
    let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
    assert!(run["tool"]["driver"]["name"].is_string());
    let mut names: Vec<&str> = rules.iter().map(|r| r["name"].as_str().unwrap()).collect();
    names.sort();
    let count = names.len();
    names.dedup();
    assert_eq!(names.len(), count, "rule names are unique");
    for rule in rules {
        assert!(rule["id"].is_string() && rule["shortDescription"]["text"].is_string());
        assert!(rule["fullDescription"]["text"].is_string() && rule["help"]["text"].is_string());
    }
    let results = run["results"].as_array().unwrap();
    assert!(!results.is_empty() && results.len() <= 25_000);
    for r in results {
        let index = r["ruleIndex"].as_u64().unwrap() as usize;
        assert_eq!(rules[index]["id"], r["ruleId"]);
        assert!(r["message"]["text"].as_str().is_some_and(|t| !t.is_empty()));
        assert!(["error", "warning", "note"].contains(&r["level"].as_str().unwrap()), "{r}");
        assert!(r["partialFingerprints"].as_object().is_some_and(|p| !p.is_empty()));
        let locations = r["locations"].as_array().unwrap();
        assert_eq!(locations.len(), 1);
        let artifact = &locations[0]["physicalLocation"]["artifactLocation"];
        let uri = artifact["uri"].as_str().unwrap();
        // Relative to the checkout: no scheme, no leading slash, no `..` out of it.
        assert!(!uri.contains(':') && !uri.starts_with('/') && !uri.starts_with(".."), "{uri}");
        assert_eq!(artifact["uriBaseId"], "%SRCROOT%");
        assert!(locations[0]["physicalLocation"]["region"]["startLine"].as_u64().unwrap() >= 1);
    }
    // Advisory findings never are errors; blocking ones are.
    let owned = results.iter().find(|r| r["ruleId"] == "FIX-001/owned").unwrap();
    assert_eq!(owned["level"], "warning");
    let public = results.iter().find(|r| r["ruleId"] == "FIX-001/not_public").unwrap();
    assert_eq!(public["level"], "error");
}

#[test]
fn annotations_junit_and_json_carry_the_location() {
    let dir = tempfile::tempdir().unwrap();
    let junit = dir.path().join("junit.xml");
    let json = dir.path().join("report.json");
    let out = check_in(
        &layout(),
        &[
            "--source-dir",
            "infra",
            "--format",
            "github",
            "--output",
            &format!("junit={}", junit.display()),
            "--output",
            &format!("json={}", json.display()),
        ],
    );
    let github = stdout_of(&out);
    assert!(
        github
            .lines()
            .any(|l| l.starts_with("::error file=modules/app/sg/main.tf,line=7,endLine=13,title=FIX-001/not_public ")),
        "{github}"
    );
    assert!(github.lines().any(|l| l.starts_with("::error file=plan.json,title=FIX-001/not_public ")), "{github}");
    let junit = std::fs::read_to_string(junit).unwrap();
    assert!(junit.contains(r#"file="infra/network/main.tf" line="3""#), "{junit}");
    let report: Value = serde_json::from_str(&std::fs::read_to_string(json).unwrap()).unwrap();
    assert_eq!(errors(&report_validator(), &report), Vec::<String>::new());
    let located = report["findings"].as_array().unwrap().iter().filter(|f| !f["location"].is_null()).count();
    // 14 findings, 2 of them in the registry module.
    assert_eq!((report["findings"].as_array().unwrap().len(), located), (14, 12));
    assert_eq!(report["plans"][0]["warnings"], Value::Array(vec![]));
}

/// A source-mapping problem is a warning: the gate's verdict does not change,
/// and what can be mapped still is.
#[test]
fn mapping_problems_are_warnings() {
    let copy = tempfile::tempdir().unwrap();
    copy_dir(&layout(), copy.path());
    std::fs::write(copy.path().join("modules/app/broken.tf"), "resource \"terraform_data\" \"x\" {\n").unwrap();
    std::fs::remove_dir_all(copy.path().join("infra/network")).unwrap();
    let out = check_in(copy.path(), &["--source-dir", "infra", "--format", "json"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr_of(&out));
    let report: Value = serde_json::from_str(&stdout_of(&out)).unwrap();
    let mut warnings: Vec<&str> =
        report["plans"][0]["warnings"].as_array().unwrap().iter().map(|w| w.as_str().unwrap()).collect();
    warnings.sort();
    assert_eq!(warnings.len(), 2, "{warnings:?}");
    assert!(warnings[0].starts_with("source mapping: cannot parse modules/app/broken.tf: "), "{warnings:?}");
    assert!(warnings[1].starts_with("source mapping: module.network: cannot read its directory infra/network: "));
    let location = |address: &str| {
        report["findings"].as_array().unwrap().iter().find(|f| f["address"] == address).unwrap()["location"].clone()
    };
    assert!(location("module.network.terraform_data.subnet").is_null());
    assert_eq!(location("module.app.terraform_data.server")["file"], "modules/app/main.tf");

    // A directory that is not there is a usage error, said as such.
    let out = check_in(&layout(), &["--source-dir", "nowhere"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr_of(&out).contains("--source-dir nowhere: not a directory"), "{}", stderr_of(&out));
    // Without .tf files there, nothing is mapped, and the plan says why.
    let out = check_in(&layout(), &["--source-dir", "policies", "--format", "json"]);
    let report: Value = serde_json::from_str(&stdout_of(&out)).unwrap();
    assert_eq!(
        report["plans"][0]["warnings"][0],
        "source mapping: no .tf files in policies: findings point at the plan"
    );
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

/// Every corpus plan's JSON report validates against the published schema:
/// one run over the whole corpus (every plan, every finding with `-v`).
#[test]
fn corpus_reports_validate_against_the_schema() {
    let Some(plans) = tfgate_test_support::corpus_plans() else { return };
    let dir = tfgate_test_support::corpus_dir().unwrap();
    let out = common::tfgate(&["check", dir.to_str().unwrap(), "--format", "json", "-v"]).output().unwrap();
    assert!(matches!(out.status.code(), Some(0..=2)), "{}", stderr_of(&out));
    let report: Value = serde_json::from_str(&stdout_of(&out)).unwrap();
    assert_eq!(errors(&report_validator(), &report), Vec::<String>::new());
    let checked = report["plans"].as_array().unwrap().len();
    assert!(checked > plans.len() / 2 && checked <= plans.len(), "{checked} of {} plans", plans.len());
    assert!(!report["findings"].as_array().unwrap().is_empty());
}
