//! JUnit XML: one test suite per policy, one test case per policy × target
//! (name = address, classname = policy id, `file` = the `.tf` file of the
//! target's block when known). Only what fails the gate is a failure: a
//! `fail` that blocks, an `unknown` that blocks (or skipped, as
//! [`RenderOptions::unknown_as`] says), and `error`s. A violation that only
//! warns (an advisory policy's, an overridden one, an unknown counted as a
//! warning) is a passing test with the finding in `<system-out>` and a
//! `tfgate.warning` property, so that a CI's test view agrees with the gate.
//! `waived` is skipped with the waiver. Run errors become error cases of an
//! extra suite, `tfgate`.

use quick_junit::{NonSuccessKind, Property, TestCase, TestCaseStatus, TestSuite};

use crate::{Effect, Finding, RenderOptions, Report, ReportError, Status, UnknownAs};

/// Writes `report` as JUnit XML into `writer`.
pub fn write(report: &Report, options: &RenderOptions, writer: &mut dyn std::io::Write) -> Result<(), ReportError> {
    let several_plans = report.plans.len() > 1;
    let mut junit = quick_junit::Report::new(xml(&report_name(report)));

    // Suites in policy order; findings of a policy missing from the list
    // still get a suite, after the others.
    let mut ids: Vec<&str> = report.policies.iter().map(|p| p.id.as_str()).collect();
    for f in &report.findings {
        if !ids.contains(&&*f.policy_id) {
            ids.push(&f.policy_id);
        }
    }
    let mut seen = std::collections::HashSet::new();
    for id in ids {
        if !seen.insert(id) {
            continue;
        }
        let mut suite = TestSuite::new(xml(id));
        if let Some(p) = report.policy(id) {
            if let Some(title) = &p.title {
                suite.add_property(Property::new("title", xml(title)));
            }
            suite.add_property(Property::new("enforcement_level", p.enforcement_level.as_str()));
            if let Some(sev) = p.severity {
                suite.add_property(Property::new("severity", sev.as_str()));
            }
        }
        for f in report.findings.iter().filter(|f| *f.policy_id == *id) {
            suite.add_test_case(test_case(f, several_plans, options));
        }
        junit.add_test_suite(suite);
    }

    if !report.errors.is_empty() {
        let mut suite = TestSuite::new("tfgate");
        for (i, e) in report.errors.iter().enumerate() {
            let name = e.policy_id.clone().unwrap_or_else(|| format!("run error {}", i + 1));
            let mut status = TestCaseStatus::non_success(NonSuccessKind::Error);
            // The plan is named in the message: a case has nowhere else to say it.
            let message = match &e.plan {
                Some(p) => format!("{} (plan {p})", e.message),
                None => e.message.clone(),
            };
            status.set_message(xml(&message));
            status.set_type("run-error");
            let mut case = TestCase::new(xml(&name), status);
            case.set_classname("tfgate");
            suite.add_test_case(case);
        }
        junit.add_test_suite(suite);
    }

    // The XML writer's errors do not keep the I/O error's kind: the writer's
    // own first error is kept apart, so that a closed pipe stays one.
    let mut recording = Recording { writer, error: None };
    match junit.serialize(&mut recording) {
        Ok(()) => Ok(()),
        Err(e) => Err(recording.error.map_or_else(|| ReportError::Junit(e.to_string()), ReportError::Io)),
    }
}

/// A writer that remembers its first error.
struct Recording<'a> {
    writer: &'a mut dyn std::io::Write,
    error: Option<std::io::Error>,
}

impl std::io::Write for Recording<'_> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.writer.write(buf).inspect_err(|e| {
            self.error.get_or_insert_with(|| std::io::Error::new(e.kind(), e.to_string()));
        })
    }
    fn flush(&mut self) -> std::io::Result<()> {
        self.writer.flush().inspect_err(|e| {
            self.error.get_or_insert_with(|| std::io::Error::new(e.kind(), e.to_string()));
        })
    }
}

fn report_name(report: &Report) -> String {
    if report.tool.name.is_empty() {
        "tfgate".to_string()
    } else {
        report.tool.name.clone()
    }
}

fn test_case(f: &Finding, several_plans: bool, options: &RenderOptions) -> TestCase {
    // The same address can occur in two plans; the plan tells them apart.
    let name = if several_plans { format!("{} ({})", f.address, f.plan) } else { f.address.to_string() };
    // A violation that does not block the gate passes, with its story told.
    let warns = match f.status {
        Status::Fail => f.effect != Effect::Blocks,
        Status::Unknown => options.unknown_as == UnknownAs::Fail && f.effect != Effect::Blocks,
        _ => false,
    };
    let status = match f.status {
        Status::Pass => TestCaseStatus::success(),
        _ if warns => TestCaseStatus::success(),
        Status::Fail => failure(NonSuccessKind::Failure, f, fail_type(f)),
        Status::Error => failure(NonSuccessKind::Error, f, "error".to_string()),
        Status::Unknown => match options.unknown_as {
            UnknownAs::Fail => failure(NonSuccessKind::Failure, f, "unknown".to_string()),
            UnknownAs::Skip => skipped(format!("unknown until apply: {}", f.message), f),
        },
        Status::Waived => {
            skipped(format!("waived ({}): {}", f.waived_by.as_deref().unwrap_or("no reason given"), f.message), f)
        }
    };
    let mut case = TestCase::new(xml(&name), status);
    case.set_classname(xml(&f.policy_id));
    if warns {
        let what = if f.status == Status::Unknown { "unknown".to_string() } else { fail_type(f) };
        case.add_property(Property::new("tfgate.warning", xml(&what)));
        case.set_system_out(xml(&format!("warning: {what}, does not block the gate\n{}", details(f))));
    }
    // GitLab's test report links a case to its file.
    if let Some(at) = &f.location {
        case.extra.insert("file".into(), xml(&at.file).into());
        case.extra.insert("line".into(), at.start_line.to_string().into());
    }
    case
}

/// The failure type says how it counts: `mandatory`, `advisory`, …
fn fail_type(f: &Finding) -> String {
    if f.overridden {
        format!("{} (overridden)", f.enforcement_level.as_str())
    } else {
        f.enforcement_level.as_str().to_string()
    }
}

fn failure(kind: NonSuccessKind, f: &Finding, ty: String) -> TestCaseStatus {
    let mut status = TestCaseStatus::non_success(kind);
    status.set_message(xml(&f.message));
    status.set_type(xml(&ty));
    status.set_description(xml(&details(f)));
    status
}

fn skipped(message: String, f: &Finding) -> TestCaseStatus {
    let mut status = TestCaseStatus::skipped();
    status.set_message(xml(&message));
    status.set_description(xml(&details(f)));
    status
}

/// The body of a failure: everything a reader needs to find the resource.
fn details(f: &Finding) -> String {
    let mut lines = vec![
        format!("policy: {} ({})", f.policy_id, f.policy_name),
        format!("status: {}", f.status.as_str()),
        format!("enforcement level: {}", f.enforcement_level.as_str()),
        format!("plan: {}", f.plan),
        format!("address: {}", f.address),
    ];
    if !f.module_path.is_empty() {
        lines.push(format!("module: {}", f.module_path));
    }
    if let Some(src) = &f.module_source {
        let version = f.module_version.as_deref().map(|v| format!(" {v}")).unwrap_or_default();
        lines.push(format!("module source: {src}{version}"));
    }
    if let Some(attr) = &f.attribute_path {
        lines.push(format!("attribute: {attr}"));
    }
    if let Some(at) = &f.location {
        lines.push(format!("source: {}:{}-{}", at.file, at.start_line, at.end_line));
    }
    if let Some(by) = &f.waived_by {
        lines.push(format!("waived by: {by}"));
    }
    lines.push(format!("message: {}", f.message));
    lines.join("\n")
}

/// quick-junit drops control characters; XML also forbids U+FFFE and U+FFFF.
fn xml(s: &str) -> String {
    s.replace(['\u{fffe}', '\u{ffff}'], "\u{fffd}")
}
