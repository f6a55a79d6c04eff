//! The JSON format reads back into a `Report`, and docs/report-json.md documents every key it writes.

mod common;

use serde_json::Value;
use tfgate_report::{render, Format, RenderOptions, Report, SourceLocation};

#[test]
fn json_reads_back_into_the_report() {
    let report = common::fixture();
    let out = render(Format::Json, &report, &RenderOptions::default()).unwrap();
    let mut back: Report = serde_json::from_str(&out).unwrap();
    // The gate effect of each finding is not written: the JSON says it through
    // status, level, `overridden` and the gate's unknown mode, from which the
    // engine derives it again.
    for f in &mut back.findings {
        f.effect = tfgate_engine::effect_of(f, back.gate.unknown_mode);
    }
    assert_eq!(back, report);
}

#[test]
fn json_is_deterministic_and_sorted() {
    let mut shuffled = common::fixture();
    shuffled.findings.reverse();
    shuffled.policies.reverse();
    let a = render(Format::Json, &common::fixture(), &RenderOptions::default()).unwrap();
    let b = render(Format::Json, &shuffled, &RenderOptions::default()).unwrap();
    assert_eq!(a, b);
}

#[test]
fn schema_md_documents_every_key() {
    let schema = include_str!("../../../docs/report-json.md");
    let out = render(Format::Json, &common::fixture(), &RenderOptions::default()).unwrap();
    let doc: Value = serde_json::from_str(&out).unwrap();
    let mut keys = Vec::new();
    collect_keys(&doc, &mut keys);
    keys.sort();
    keys.dedup();
    let missing: Vec<&String> = keys.iter().filter(|k| !schema.contains(&format!("`{k}`"))).collect();
    assert!(missing.is_empty(), "keys missing from docs/report-json.md: {missing:?}");
}

fn collect_keys(v: &Value, out: &mut Vec<String>) {
    match v {
        Value::Object(map) => {
            for (k, v) in map {
                out.push(k.clone());
                collect_keys(v, out);
            }
        }
        Value::Array(items) => items.iter().for_each(|i| collect_keys(i, out)),
        _ => {}
    }
}

/// Large reports are written in parallel chunks; the result must read back
/// and be indented exactly as one pretty-printed array would be.
#[test]
fn many_findings_are_written_as_one_pretty_array() {
    let mut report = common::fixture();
    let template = report.findings[0].clone();
    report.findings = (0..5000)
        .map(|i| {
            let mut f = template.clone();
            f.address = format!("aws_instance.web[{i:05}]").into();
            // Every kind of field value, including text that needs escaping.
            if i % 3 == 0 {
                f.severity = None;
                f.resource_type = None;
                f.module_source = Some(format!("./modules/\"app\"\\{i}").into());
                f.waived_by = Some("waiver: ticket\tOPS-1".into());
                f.overridden = true;
            }
            if i % 5 == 0 {
                f.message = format!("line one\nline \"two\" \u{1b}[31m é 名 \u{7f} {i}");
                f.attribute_path = Some("metadata_options[0].http_tokens".into());
            }
            if i % 7 == 0 {
                let file = format!("infra/mod \"{i}\"/main.tf");
                f.location = Some(std::sync::Arc::new(SourceLocation { file, start_line: 3, end_line: 9 + i as u32 }));
            }
            f
        })
        .collect();
    let out = render(Format::Json, &report, &RenderOptions::default()).unwrap();
    let back: Report = serde_json::from_str(&out).unwrap();
    assert_eq!(back.findings, report.findings);
    let array = serde_json::to_string_pretty(&report.findings).unwrap();
    let indented: Vec<String> = array.lines().skip(1).map(|l| format!("  {l}")).collect();
    let expected = format!("\n  \"findings\": [\n{},\n", indented.join("\n"));
    assert!(out.contains(&expected), "the findings array is not indented as a whole");

    report.findings.clear();
    let out = render(Format::Json, &report, &RenderOptions::default()).unwrap();
    assert!(out.contains("\n  \"findings\": [],\n"));
}
