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
        assert!(loc["physicalLocation"]["artifactLocation"]["uri"].as_str().unwrap().starts_with("plans/"));
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
