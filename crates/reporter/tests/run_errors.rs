//! A run error that names a plan (a broken plan among good ones) names it
//! in every format: a reader of any one report must learn which plan was
//! not judged.

use tfgate_report::{render, Format, Gate, RenderOptions, Report, RunError, UnknownMode};

#[test]
fn every_format_names_the_plan_of_a_run_error() {
    let report = Report {
        errors: vec![RunError {
            message: "the file ends before the JSON document does".into(),
            plan: Some("plans/b-broken.json".into()),
            policy_id: None,
        }],
        gate: Gate { passed: false, exit_code: 2, unknown_mode: UnknownMode::Fail, summary: "1 error".into() },
        ..Report::default()
    };
    for name in ["table", "json", "sarif", "junit", "github", "markdown", "sentinel"] {
        let format: Format = name.parse().unwrap();
        let text = render(format, &report, &RenderOptions::default()).unwrap();
        assert!(text.contains("b-broken.json"), "{name} does not name the plan:\n{text}");
        assert!(text.contains("the file ends before"), "{name}:\n{text}");
    }
}
