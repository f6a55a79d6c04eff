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
    // 18 findings + 1 run error; fail 6 (of which 1 advisory and 1 overridden
    // pass: they do not block) + unknown 2; error 1 + run error 1; waived 2.
    assert_eq!(totals(&report), (19, 6, 2, 2));
    assert_eq!((report.tests, report.failures, report.errors, report.skipped), (19, 6, 2, 2));
    let ec2 = &report.test_suites[0];
    assert_eq!(ec2.name.as_str(), "TFG-EC2-001");
    let case = &ec2.test_cases[1];
    assert_eq!(case.name.as_str(), r#"module.app["blue"].aws_instance.web[0] (plans/app.tfplan.json)"#);
    assert_eq!(case.classname.as_ref().unwrap().as_str(), "TFG-EC2-001");
}

#[test]
fn counts_with_unknown_as_skipped() {
    let report = parse(&RenderOptions { unknown_as: UnknownAs::Skip, ..RenderOptions::default() });
    assert_eq!(totals(&report), (19, 4, 2, 4));
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

/// A violation that does not block the gate (advisory, overridden, an
/// unknown counted as a warning) is a passing test that tells its story:
/// GitLab must not show failed tests when the gate passed.
#[test]
fn what_only_warns_passes_with_the_finding_in_system_out() {
    let case = |report: &JUnit, suite: &str, name: &str| {
        let suite = report.test_suites.iter().find(|s| s.name.as_str() == suite).unwrap();
        suite.test_cases.iter().find(|c| c.name.as_str().starts_with(name)).unwrap().clone()
    };
    let report = parse(&RenderOptions::default());
    let advisory = case(&report, "TFG-TAG-001", r#"module.app["blue"].aws_instance.web[0]"#);
    assert!(matches!(advisory.status, TestCaseStatus::Success { .. }), "{:?}", advisory.status);
    let out = advisory.system_out.as_ref().unwrap().as_str();
    assert!(out.starts_with("warning: advisory, does not block the gate\npolicy: TFG-TAG-001"), "{out}");
    assert!(
        out.ends_with("message: Missing required tags: \"owner\", \"cost-center\" — expected <team> & 100% coverage."),
        "{out}"
    );
    assert!(advisory.properties.iter().any(|p| p.name.as_str() == "tfgate.warning" && p.value.as_str() == "advisory"));
    let overridden = case(&report, "TFG-S3-002", "aws_s3_bucket.logs");
    assert!(matches!(overridden.status, TestCaseStatus::Success { .. }));
    // What blocks stays a failure.
    let blocking = case(&report, "TFG-EC2-001", r#"module.app["blue"].aws_instance.web[0]"#);
    assert!(matches!(blocking.status, TestCaseStatus::NonSuccess { kind: NonSuccessKind::Failure, .. }));
    assert!(blocking.system_out.is_none());

    // With unknowns counted as warnings, an unknown passes too.
    let mut fixture = common::fixture();
    for f in &mut fixture.findings {
        f.effect = tfgate_engine::effect_of(f, tfgate_report::UnknownMode::Warn);
    }
    let xml = render(Format::Junit, &fixture, &RenderOptions::default()).unwrap();
    let report = JUnit::deserialize_from_str(&xml).unwrap();
    let unknown = case(&report, "TFG-EC2-001", r#"module.app["green"].aws_instance.web[0]"#);
    assert!(matches!(unknown.status, TestCaseStatus::Success { .. }), "{:?}", unknown.status);
    // Both unknowns pass: 4 failures left, all blocking.
    assert_eq!(totals(&report), (19, 4, 2, 2));
}

/// A located finding names its `.tf` file and line (GitLab links the case to it).
#[test]
fn located_cases_name_their_file() {
    let xml = render(Format::Junit, &common::fixture(), &RenderOptions::default()).unwrap();
    let report = JUnit::deserialize_from_str(&xml).unwrap();
    let team = report.test_suites.iter().find(|s| s.name.as_str().ends_with("no_public_ingress")).unwrap();
    let case =
        team.test_cases.iter().find(|c| c.name.as_str().starts_with("aws_security_group_rule.admin_ssh")).unwrap();
    assert_eq!(case.extra.get("file").map(|v| v.as_str()), Some("infra/network/security groups.tf"));
    assert_eq!(case.extra.get("line").map(|v| v.as_str()), Some("14"));
    assert!(xml.contains(r#"file="infra/network/security groups.tf" line="14""#), "{xml}");
}
