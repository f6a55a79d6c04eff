//! Renderers count what the engine decided for each finding (its `effect`)
//! and never decide again: an unknown result the run counts as a warning is
//! no violation in the roll-up or the Sentinel trace.

use tfgate_report::{
    module_rollup, render, EnforcementLevel, Finding, Format, PolicyInfo, RenderOptions, Report, Status, UnknownMode,
};

fn report(mode: UnknownMode) -> Report {
    let policy = PolicyInfo { id: "P-1".into(), name: "p".into(), ..PolicyInfo::default() };
    let mut findings = vec![Finding {
        policy_id: "P-1".into(),
        policy_name: "p".into(),
        status: Status::Unknown,
        enforcement_level: EnforcementLevel::Mandatory,
        address: "aws_instance.a".into(),
        ..Finding::default()
    }];
    let gate = tfgate_engine::decide(&mut findings, &[], mode);
    Report { policies: vec![policy], findings, gate, ..Report::default() }
}

#[test]
fn unknown_counted_as_a_warning_is_no_violation() {
    let warn = report(UnknownMode::Warn);
    assert!(warn.gate.passed);
    assert_eq!(module_rollup(&warn)[0].failing_resources, 0);
    let trace = render(Format::Sentinel, &warn, &RenderOptions::default()).unwrap();
    assert!(trace.contains("Found 0 resource violations"), "{trace}");

    let fail = report(UnknownMode::Fail);
    assert!(!fail.gate.passed);
    assert_eq!(module_rollup(&fail)[0].failing_resources, 1);
    let trace = render(Format::Sentinel, &fail, &RenderOptions::default()).unwrap();
    assert!(trace.contains("Found 1 resource violation\n"), "{trace}");
}

#[test]
fn renderers_read_the_recorded_effect() {
    // A finding the engine has not judged is no violation to a renderer,
    // whatever its status: the decision is the engine's alone.
    let mut r = report(UnknownMode::Fail);
    r.findings[0].effect = tfgate_report::Effect::None;
    assert_eq!(module_rollup(&r)[0].failing_resources, 0);
}
