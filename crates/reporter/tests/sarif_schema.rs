//! The SARIF output validates against the OASIS SARIF 2.1.0 schema
//! (`tests/data/sarif-schema-2.1.0.json`, errata01, vendored unchanged),
//! with format checks (`uri`, `uri-reference`) on.

mod common;

use serde_json::Value;
use tfgate_report::{render, Format, RenderOptions};

fn validator() -> jsonschema::Validator {
    let schema: Value = serde_json::from_str(include_str!("data/sarif-schema-2.1.0.json")).expect("schema is JSON");
    jsonschema::options().should_validate_formats(true).build(&schema).expect("schema compiles")
}

fn errors(validator: &jsonschema::Validator, doc: &Value) -> Vec<String> {
    validator.iter_errors(doc).map(|e| format!("{} at {}", e, e.instance_path())).collect()
}

#[test]
fn fixture_sarif_is_valid() {
    let v = validator();
    for verbose in [false, true] {
        let options = RenderOptions { verbose, ..RenderOptions::default() };
        let out = render(Format::Sarif, &common::fixture(), &options).unwrap();
        let doc: Value = serde_json::from_str(&out).unwrap();
        assert_eq!(errors(&v, &doc), Vec::<String>::new());
    }
    let out = render(Format::Sarif, &common::passing(), &RenderOptions::default()).unwrap();
    assert!(v.is_valid(&serde_json::from_str(&out).unwrap()));
}

/// The validator is not vacuous: it rejects what the schema forbids.
#[test]
fn validator_rejects_invalid_sarif() {
    let v = validator();
    let out = render(Format::Sarif, &common::fixture(), &RenderOptions::default()).unwrap();
    let good: Value = serde_json::from_str(&out).unwrap();

    let mut bad = good.clone();
    bad["runs"][0]["results"][0]["level"] = "fatal".into();
    assert!(!v.is_valid(&bad));

    let mut bad = good.clone();
    bad["runs"][0]["results"][0]["unexpected"] = true.into();
    assert!(!v.is_valid(&bad));

    let mut bad = good.clone();
    bad["runs"][0]["tool"]["driver"]["informationUri"] = "not a uri".into();
    assert!(!v.is_valid(&bad));

    let mut bad = good;
    bad["runs"][0]["invocations"][0].as_object_mut().unwrap().remove("executionSuccessful");
    assert!(!v.is_valid(&bad));
}

/// What code scanning relies on, beyond the schema.
#[test]
fn fixture_sarif_content() {
    let r = common::fixture();
    let out = render(Format::Sarif, &r, &RenderOptions::default()).unwrap();
    let doc: Value = serde_json::from_str(&out).unwrap();
    let run = &doc["runs"][0];
    let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
    assert_eq!(rules.len(), r.policies.len());
    let results = run["results"].as_array().unwrap();
    let not_passing = r.findings.iter().filter(|f| f.status != tfgate_report::Status::Pass).count();
    assert_eq!(results.len(), not_passing);

    for res in results {
        let idx = res["ruleIndex"].as_u64().unwrap() as usize;
        assert_eq!(rules[idx]["id"], res["ruleId"]);
        let fp = res["partialFingerprints"]["tfgateFinding/v1"].as_str().unwrap();
        assert_eq!(fp.len(), 64);
        let loc = &res["locations"][0];
        // Relative to the checkout, never absolute: what code scanning resolves.
        let artifact = &loc["physicalLocation"]["artifactLocation"];
        assert_eq!(artifact["uriBaseId"], "%SRCROOT%");
        let uri = artifact["uri"].as_str().unwrap();
        assert!(uri.starts_with("plans/") || uri.starts_with("infra/"), "{uri}");
        // The logical location points into the run's table, and modules chain up.
        let logical = &loc["logicalLocations"][0];
        let entry = &run["logicalLocations"][logical["index"].as_u64().unwrap() as usize];
        assert_eq!(entry["fullyQualifiedName"], logical["fullyQualifiedName"]);
    }

    // Fingerprints are unique per finding and do not depend on the message.
    let mut fps: Vec<&str> =
        results.iter().map(|r| r["partialFingerprints"]["tfgateFinding/v1"].as_str().unwrap()).collect();
    fps.sort();
    fps.dedup();
    assert_eq!(fps.len(), results.len());
    let mut changed = r.clone();
    for f in &mut changed.findings {
        f.message.push_str(" (reworded)");
    }
    let out2 = render(Format::Sarif, &changed, &RenderOptions::default()).unwrap();
    let doc2: Value = serde_json::from_str(&out2).unwrap();
    for (a, b) in results.iter().zip(doc2["runs"][0]["results"].as_array().unwrap()) {
        assert_eq!(a["partialFingerprints"], b["partialFingerprints"]);
    }

    // The nested security group rule has the chain sg -> app["blue"].
    let by_fqn = |fqn: &str| {
        run["logicalLocations"].as_array().unwrap().iter().position(|l| l["fullyQualifiedName"] == fqn).unwrap()
    };
    let rule = by_fqn(r#"module.app["blue"].module.sg.aws_security_group_rule.ingress["https|443"]"#);
    let sg = by_fqn(r#"module.app["blue"].module.sg"#);
    let app = by_fqn(r#"module.app["blue"]"#);
    assert_eq!(run["logicalLocations"][rule]["kind"], "resource");
    assert_eq!(run["logicalLocations"][rule]["parentIndex"], sg);
    assert_eq!(run["logicalLocations"][sg]["parentIndex"], app);
    assert_eq!(run["logicalLocations"][sg]["name"], "module.sg");

    // Waived findings are suppressed, with the waiver as justification.
    let waived: Vec<&Value> = results.iter().filter(|r| r["properties"]["status"] == "waived").collect();
    assert_eq!(waived.len(), 2);
    for w in waived {
        assert_eq!(w["suppressions"][0]["kind"], "external");
        assert!(w["suppressions"][0]["justification"].as_str().unwrap().starts_with("waiver "));
    }
    let inv = &run["invocations"][0];
    assert_eq!(inv["executionSuccessful"], false);
    assert_eq!(inv["toolExecutionNotifications"][0]["level"], "error");
}

fn results_of(report: &tfgate_report::Report, options: &RenderOptions) -> Vec<Value> {
    let out = render(Format::Sarif, report, options).unwrap();
    let doc: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(errors(&validator(), &doc), Vec::<String>::new());
    doc["runs"][0]["results"].as_array().unwrap().clone()
}

fn result_for<'a>(results: &'a [Value], policy: &str, address: &str) -> &'a Value {
    results
        .iter()
        .find(|r| r["ruleId"] == policy && r["message"]["text"].as_str().unwrap().starts_with(&format!("{address}: ")))
        .unwrap_or_else(|| panic!("no result for {policy} {address}"))
}

/// A finding with a source location is placed on its block's lines; one
/// without stays on the plan's first line.
#[test]
fn findings_land_on_their_tf_block() {
    let results = results_of(&common::fixture(), &RenderOptions::default());
    let team = "policies/team.policy.hcl/no_public_ingress";
    let located = &result_for(&results, team, "aws_security_group_rule.admin_ssh")["locations"][0]["physicalLocation"];
    assert_eq!(located["artifactLocation"]["uri"], "infra/network/security%20groups.tf");
    assert_eq!(located["artifactLocation"]["uriBaseId"], "%SRCROOT%");
    assert_eq!(located["region"]["startLine"], 14);
    assert_eq!(located["region"]["endLine"], 22);
    let module = &result_for(&results, "TFG-MOD-001", "module.legacy")["locations"][0]["physicalLocation"];
    assert_eq!(
        (&module["artifactLocation"]["uri"], &module["region"]["startLine"]),
        (&"infra/app/main.tf".into(), &31.into())
    );
    let unlocated = &result_for(&results, "TFG-EC2-001", r#"module.app["blue"].aws_instance.web[0]"#)["locations"][0]
        ["physicalLocation"];
    assert_eq!(unlocated["artifactLocation"]["uri"], "plans/app.tfplan.json");
    assert_eq!(unlocated["region"]["startLine"], 1);
    assert!(unlocated["region"].get("endLine").is_none());
}

/// An absolute plan path is written relative to the directory tfgate ran
/// in; with no such directory, as a `file` URI, which takes no base.
#[test]
fn plan_uris_are_relative_to_the_run_directory() {
    let mut report = common::fixture();
    let absolute = if cfg!(windows) { r"C:\work\repo\plans\app.json" } else { "/work/repo/plans/app.json" };
    let base = if cfg!(windows) { r"C:\work\repo\infra" } else { "/work/repo/infra" };
    for f in &mut report.findings {
        f.plan = absolute.into();
        f.location = None;
    }
    report.errors[0].plan = Some(absolute.into());
    for p in &mut report.plans {
        p.path = absolute.into();
    }
    let options = RenderOptions { base_dir: Some(base.into()), ..RenderOptions::default() };
    let out = render(Format::Sarif, &report, &options).unwrap();
    let doc: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(errors(&validator(), &doc), Vec::<String>::new());
    let mut uris = Vec::new();
    collect_artifacts(&doc, &mut uris);
    assert!(uris.len() > report.findings.len() / 2, "{uris:?}");
    for (uri, base_id) in &uris {
        assert_eq!((uri.as_str(), base_id.as_deref()), ("../plans/app.json", Some("%SRCROOT%")));
    }

    let out = render(Format::Sarif, &report, &RenderOptions::default()).unwrap();
    let doc: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(errors(&validator(), &doc), Vec::<String>::new());
    let mut uris = Vec::new();
    collect_artifacts(&doc, &mut uris);
    for (uri, base_id) in &uris {
        assert!(uri.starts_with("file:///") && base_id.is_none(), "{uri} {base_id:?}");
    }
}

fn collect_artifacts(v: &Value, out: &mut Vec<(String, Option<String>)>) {
    match v {
        Value::Object(map) => {
            if let Some(a) = map.get("artifactLocation") {
                out.push((a["uri"].as_str().unwrap().to_string(), a["uriBaseId"].as_str().map(str::to_string)));
            }
            map.values().for_each(|v| collect_artifacts(v, out));
        }
        Value::Array(items) => items.iter().for_each(|i| collect_artifacts(i, out)),
        _ => {}
    }
}

/// Levels follow what the finding does to the gate: what blocks is an
/// `error` (an unknown too, when unknowns fail the gate), an advisory or
/// overridden failure never is.
#[test]
fn levels_follow_the_gate() {
    use tfgate_report::{EnforcementLevel, Status, UnknownMode};
    let results = results_of(&common::fixture(), &RenderOptions::default());
    // --unknown fail (the fixture's mode): the unknown blocks.
    let unknown = result_for(&results, "TFG-EC2-001", r#"module.app["green"].aws_instance.web[0]"#);
    assert_eq!((&unknown["properties"]["status"], &unknown["level"]), (&"unknown".into(), &"error".into()));
    let advisory = result_for(&results, "TFG-TAG-001", r#"module.app["blue"].aws_instance.web[0]"#);
    assert_eq!(advisory["level"], "warning");
    let overridden = result_for(&results, "TFG-S3-002", "aws_s3_bucket.logs");
    assert_eq!(overridden["level"], "warning");
    for r in &results {
        let level = r["properties"]["enforcementLevel"].as_str().unwrap();
        if level == "advisory" || r["properties"]["overridden"] == true {
            assert_ne!(r["level"], "error", "{r}");
        }
    }

    // --unknown warn: the same unknown only warns.
    let mut report = common::fixture();
    for f in &mut report.findings {
        f.effect = tfgate_engine::effect_of(f, UnknownMode::Warn);
    }
    let results = results_of(&report, &RenderOptions::default());
    let unknown = result_for(&results, "TFG-EC2-001", r#"module.app["green"].aws_instance.web[0]"#);
    assert_eq!(unknown["level"], "warning");
    // An advisory policy of severity info is a note.
    let f = report
        .findings
        .iter_mut()
        .find(|f| f.enforcement_level == EnforcementLevel::Advisory && f.status == Status::Fail)
        .unwrap();
    f.severity = Some(tfgate_report::Severity::Info);
    let results = results_of(&report, &RenderOptions::default());
    assert_eq!(result_for(&results, "TFG-TAG-001", r#"module.app["blue"].aws_instance.web[0]"#)["level"], "note");
}

/// Rule names are unique; built-in policies link to their page in docs/policies/.
#[test]
fn rules_have_unique_names_and_help_pages() {
    use tfgate_report::PolicyInfo;
    let mut report = common::fixture();
    let twin = |id: &str| PolicyInfo {
        id: id.into(),
        name: "ingress_rule".into(),
        source: "builtin:aws/ec2/sg.policy.hcl".into(),
        ..PolicyInfo::default()
    };
    report.policies.push(twin("TFG-EC2-010/ingress_rule"));
    report.policies.push(twin("TFG-EC2-011/ingress_rule"));
    let out = render(Format::Sarif, &report, &RenderOptions::default()).unwrap();
    let doc: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(errors(&validator(), &doc), Vec::<String>::new());
    let rules = doc["runs"][0]["tool"]["driver"]["rules"].as_array().unwrap();
    let mut names: Vec<&str> = rules.iter().map(|r| r["name"].as_str().unwrap()).collect();
    let count = names.len();
    names.sort();
    names.dedup();
    assert_eq!(names.len(), count, "{names:?}");
    let rule = |id: &str| rules.iter().find(|r| r["id"] == id).unwrap();
    assert_eq!(rule("TFG-EC2-010/ingress_rule")["name"], "TFG-EC2-010/ingress_rule");
    assert_eq!(rule("TFG-EC2-001")["name"], "imdsv2_required");
    assert_eq!(
        rule("TFG-EC2-010/ingress_rule")["helpUri"],
        "https://github.com/tfgate/tfgate/blob/main/docs/policies/TFG-EC2-010.md"
    );
    // A policy's own absolute link stays; a user policy without one has none.
    assert_eq!(rule("TFG-EC2-001")["helpUri"], "https://tfgate.dev/policies/TFG-EC2-001");
    assert!(rule("policies/team.policy.hcl/no_public_ingress").get("helpUri").is_none());
}
