//! Random text in every field of a report: every format still produces
//! well-formed output (JSON and SARIF parse, SARIF validates against the
//! schema, JUnit parses as XML, GitHub commands stay one per line).

use std::sync::OnceLock;

use proptest::prelude::*;
use serde_json::Value;
use tfgate_report::*;

fn text() -> impl Strategy<Value = String> {
    // Mostly any Unicode; sometimes the characters that need escaping most.
    prop_oneof![any::<String>(), "[ -~\\r\\n\\t%:,|`<>&\"'\\\\\\x1b\\u{7f}\\u{fffe}\\u{202e}]{0,24}",]
}

fn opt_text() -> impl Strategy<Value = Option<String>> {
    proptest::option::of(text())
}

fn status() -> impl Strategy<Value = Status> {
    prop_oneof![
        Just(Status::Pass),
        Just(Status::Fail),
        Just(Status::Unknown),
        Just(Status::Error),
        Just(Status::Waived),
    ]
}

fn level() -> impl Strategy<Value = EnforcementLevel> {
    prop_oneof![
        Just(EnforcementLevel::Advisory),
        Just(EnforcementLevel::MandatoryOverridable),
        Just(EnforcementLevel::Mandatory),
    ]
}

fn target_kind() -> impl Strategy<Value = TargetKind> {
    prop_oneof![Just(TargetKind::Resource), Just(TargetKind::Provider), Just(TargetKind::Module),]
}

fn policy() -> impl Strategy<Value = PolicyInfo> {
    (
        (text(), text(), opt_text(), opt_text(), level(), target_kind()),
        (text(), proptest::collection::vec(text(), 0..3), text(), opt_text()),
    )
        .prop_map(|((id, name, title, description, level, kind), (target, controls, source, help))| PolicyInfo {
            id,
            name,
            title,
            description,
            severity: Some(Severity::High),
            enforcement_level: level,
            target_kind: kind,
            target,
            controls,
            source,
            help_uri: help,
        })
}

fn finding(policy_ids: Vec<String>) -> impl Strategy<Value = Finding> {
    (
        (proptest::sample::select(policy_ids), text(), status(), level(), text(), target_kind()),
        (text(), text(), opt_text(), opt_text(), opt_text()),
        (text(), opt_text(), any::<bool>()),
    )
        .prop_map(
            |(
                (policy_id, policy_name, status, level, plan, target_kind),
                (address, module_path, module_source, module_version, attribute_path),
                (message, waived_by, overridden),
            )| Finding {
                policy_id: policy_id.into(),
                policy_name: policy_name.into(),
                status,
                enforcement_level: level,
                severity: None,
                plan: plan.into(),
                target_kind,
                address: address.into(),
                resource_type: None,
                module_path: module_path.into(),
                module_source: module_source.map(Into::into),
                module_version: module_version.map(Into::into),
                attribute_path,
                message,
                waived_by,
                overridden,
                location: None,
                effect: Effect::None,
            },
        )
}

fn report() -> impl Strategy<Value = Report> {
    proptest::collection::vec(policy(), 1..4).prop_flat_map(|policies| {
        // Some findings name a policy the report does not list.
        let mut ids: Vec<String> = policies.iter().map(|p| p.id.clone()).collect();
        ids.push("not-a-listed-policy".into());
        (
            Just(policies),
            proptest::collection::vec(finding(ids), 0..8),
            proptest::collection::vec((text(), text(), opt_text()), 0..2),
            proptest::collection::vec((text(), text(), text()), 0..2),
            (text(), text(), any::<bool>(), 0u8..3, text()),
        )
            .prop_map(|(policies, findings, errors, waivers, (tool, plan, passed, code, summary))| Report {
                schema_version: SCHEMA_VERSION,
                tool: Tool { name: tool, version: "0.1.0".into() },
                plans: vec![PlanInfo {
                    path: plan.clone(),
                    warnings: vec![summary.clone()],
                    resources: findings.len(),
                    ..PlanInfo::default()
                }],
                policies,
                findings: findings
                    .into_iter()
                    .map(|mut f| {
                        f.effect = tfgate_engine::effect_of(&f, UnknownMode::Fail);
                        f
                    })
                    .collect(),
                waivers: waivers
                    .into_iter()
                    .map(|(policy, address, reason)| WaiverInfo {
                        policy,
                        address,
                        reason,
                        state: "expired".into(),
                        ..WaiverInfo::default()
                    })
                    .collect(),
                overrides: vec![],
                errors: errors
                    .into_iter()
                    .map(|(message, policy, plan)| RunError { message, plan, policy_id: Some(policy) })
                    .collect(),
                gate: Gate { passed, exit_code: code, unknown_mode: UnknownMode::Fail, summary },
            })
    })
}

fn sarif_validator() -> &'static jsonschema::Validator {
    static V: OnceLock<jsonschema::Validator> = OnceLock::new();
    V.get_or_init(|| {
        let schema: Value = serde_json::from_str(include_str!("data/sarif-schema-2.1.0.json")).expect("schema is JSON");
        jsonschema::options().should_validate_formats(true).build(&schema).expect("schema compiles")
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(128))]

    #[test]
    fn every_format_is_well_formed(report in report(), verbose in any::<bool>(), by_module in any::<bool>()) {
        let options = RenderOptions { verbose, group_by_module: by_module, ..RenderOptions::default() };

        let json = render(Format::Json, &report, &options).unwrap();
        let doc: Value = serde_json::from_str(&json).unwrap();
        prop_assert_eq!(doc["findings"].as_array().unwrap().len(), report.findings.len());

        let sarif = render(Format::Sarif, &report, &options).unwrap();
        let doc: Value = serde_json::from_str(&sarif).unwrap();
        let errors: Vec<String> = sarif_validator().iter_errors(&doc).map(|e| e.to_string()).collect();
        prop_assert!(errors.is_empty(), "SARIF invalid: {:?}", errors);

        let xml = render(Format::Junit, &report, &options).unwrap();
        let parsed = quick_junit::Report::deserialize_from_str(&xml);
        prop_assert!(parsed.is_ok(), "JUnit does not parse: {:?}\n{}", parsed.err(), xml);
        let cases: usize = parsed.unwrap().test_suites.iter().map(|s| s.test_cases.len()).sum();
        prop_assert_eq!(cases, report.findings.len() + report.errors.len());

        let gh = render(Format::Github, &report, &options).unwrap();
        prop_assert!(!gh.contains('\r'));
        for line in gh.lines() {
            prop_assert!(
                line.starts_with("::error ") || line.starts_with("::warning ")
                    || line.starts_with("::notice "),
                "not a workflow command: {:?}", line
            );
        }
        let commands = report.findings.iter().filter(|f| f.status != Status::Pass).count()
            + report.errors.len() + report.waivers.len() + 1;
        prop_assert_eq!(gh.lines().count(), commands);

        // The human formats never pass an escape character to the terminal.
        for format in [Format::Table, Format::Sentinel] {
            let out = render(format, &report, &options).unwrap();
            prop_assert!(!out.contains('\u{1b}'), "{} leaks ESC", format);
        }

        // Markdown: every table row keeps its column count.
        let md = render(Format::Markdown, &report, &options).unwrap();
        for line in md.lines().filter(|l| l.starts_with("| ")) {
            let cells = split_cells(line);
            prop_assert!(cells == 5 || cells == 6 || cells == 7, "row with {} cells: {:?}", cells, line);
        }
    }
}

/// Cells of a GFM table row: as GitHub splits them, at every pipe not
/// directly preceded by a backslash (even inside code spans).
fn split_cells(line: &str) -> usize {
    let mut count = 0;
    let mut prev = ' ';
    for c in line.chars() {
        if c == '|' && prev != '\\' {
            count += 1;
        }
        prev = c;
    }
    count - 1
}
