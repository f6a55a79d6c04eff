//! `docs/report.schema.json` describes what the JSON renderer writes: the
//! fixture reports validate (with every object closed to keys the schema
//! does not declare, so that a new field cannot go undocumented), and the
//! schema rejects broken reports. The CLI's tests validate every corpus
//! plan's report against it too.

mod common;

use serde_json::Value;
use tfgate_report::{render, Format, RenderOptions};

/// The published schema with every object closed: the renderer writes no
/// key the schema does not declare.
fn strict_validator() -> jsonschema::Validator {
    fn close(v: &mut Value) {
        match v {
            Value::Object(map) => {
                if map.contains_key("properties") {
                    map.insert("additionalProperties".into(), false.into());
                }
                map.values_mut().for_each(close);
            }
            Value::Array(items) => items.iter_mut().for_each(close),
            _ => {}
        }
    }
    let mut schema: Value =
        serde_json::from_str(include_str!("../../../docs/report.schema.json")).expect("the schema is JSON");
    close(&mut schema);
    jsonschema::options().should_validate_formats(true).build(&schema).expect("the schema compiles")
}

fn errors(v: &jsonschema::Validator, doc: &Value) -> Vec<String> {
    v.iter_errors(doc).map(|e| format!("{e} at {}", e.instance_path())).collect()
}

fn json_of(report: &tfgate_report::Report) -> Value {
    serde_json::from_str(&render(Format::Json, report, &RenderOptions::default()).unwrap()).unwrap()
}

#[test]
fn the_renderer_s_output_validates() {
    let v = strict_validator();
    for report in [common::fixture(), common::passing(), tfgate_report::Report::default()] {
        assert_eq!(errors(&v, &json_of(&report)), Vec::<String>::new());
    }
}

/// A change that makes a report invalid.
type Breakage = Box<dyn Fn(&mut Value)>;

#[test]
fn the_schema_rejects_broken_reports() {
    let v = strict_validator();
    let good = json_of(&common::fixture());
    assert!(v.is_valid(&good));
    let located = good["findings"].as_array().unwrap().iter().position(|f| !f["location"].is_null()).unwrap();
    let breakages: Vec<(&str, Breakage)> = vec![
        ("no findings", Box::new(|d| drop(d.as_object_mut().unwrap().remove("findings")))),
        ("unknown status", Box::new(|d| d["findings"][0]["status"] = "failed".into())),
        ("status missing", Box::new(|d| drop(d["findings"][0].as_object_mut().unwrap().remove("status")))),
        ("exit code 3", Box::new(|d| d["gate"]["exit_code"] = 3.into())),
        ("another version", Box::new(|d| d["schema_version"] = 2.into())),
        ("a level of Sentinel's", Box::new(|d| d["policies"][0]["enforcement_level"] = "hard-mandatory".into())),
        ("a count below zero", Box::new(|d| d["counts"]["pass"] = (-1).into())),
        ("an absolute file", Box::new(move |d| d["findings"][located]["location"]["file"] = "/home/ci/main.tf".into())),
        ("line 0", Box::new(move |d| d["findings"][located]["location"]["start_line"] = 0.into())),
        ("an undeclared key", Box::new(|d| d["findings"][0]["extra"] = true.into())),
    ];
    for (what, breakage) in breakages {
        let mut bad = good.clone();
        breakage(&mut bad);
        assert!(!v.is_valid(&bad), "the schema accepts a report with {what}");
    }
}
