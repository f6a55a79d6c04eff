//! The JUnit output parses back (quick-junit's reader) with the expected counts.

mod common;

use quick_junit::{NonSuccessKind, Report as JUnit, TestCaseStatus};
use tfgate_report::{render, Format, RenderOptions, UnknownAs};

fn parse(options: &RenderOptions) -> JUnit {
    let xml = render(Format::Junit, &common::fixture(), options).unwrap();
    JUnit::deserialize_from_str(&xml).expect("JUnit XML parses")
}

fn totals(report: &JUnit) -> (usize, usize, usize, usize) {
    let (mut tests, mut failures, mut errors, mut skipped) = (0, 0, 0, 0);
    for suite in &report.test_suites {
        for case in &suite.test_cases {
            tests += 1;
            match &case.status {
                TestCaseStatus::Success { .. } => {}
                TestCaseStatus::NonSuccess { kind, .. } => match kind {
                    NonSuccessKind::Failure => failures += 1,
                    NonSuccessKind::Error => errors += 1,
                },
                TestCaseStatus::Skipped { .. } => skipped += 1,
            }
        }
    }
    (tests, failures, errors, skipped)
}

#[test]
fn counts_with_unknown_as_failure() {
    let report = parse(&RenderOptions::default());
    let fixture = common::fixture();
    // One suite per policy, plus `tfgate` for the run error.
    assert_eq!(report.test_suites.len(), fixture.policies.len() + 1);
    // 18 findings + 1 run error; fail 6 + unknown 2; error 1 + run error 1; waived 2.
    assert_eq!(totals(&report), (19, 8, 2, 2));
    assert_eq!((report.tests, report.failures, report.errors, report.skipped), (19, 8, 2, 2));
    let ec2 = &report.test_suites[0];
    assert_eq!(ec2.name.as_str(), "TFG-EC2-001");
    let case = &ec2.test_cases[1];
    assert_eq!(case.name.as_str(), r#"module.app["blue"].aws_instance.web[0] (plans/app.tfplan.json)"#);
    assert_eq!(case.classname.as_ref().unwrap().as_str(), "TFG-EC2-001");
}

#[test]
fn counts_with_unknown_as_skipped() {
    let report = parse(&RenderOptions { unknown_as: UnknownAs::Skip, ..RenderOptions::default() });
    assert_eq!(totals(&report), (19, 6, 2, 4));
}

#[test]
fn waived_is_skipped_with_the_waiver() {
    let report = parse(&RenderOptions::default());
    let skipped: Vec<String> = report
        .test_suites
        .iter()
        .flat_map(|s| &s.test_cases)
        .filter_map(|c| match &c.status {
            TestCaseStatus::Skipped { message, .. } => message.as_ref().map(|m| m.as_str().to_string()),
            _ => None,
        })
        .collect();
    assert_eq!(skipped.len(), 2);
    assert!(skipped.iter().all(|m| m.starts_with("waived (waiver ")));
}
