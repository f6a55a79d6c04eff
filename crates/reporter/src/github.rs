//! GitHub Actions workflow commands: one annotation per finding that needs
//! attention (`::error` for what blocks the gate, `::warning` for advisory,
//! overridden and non-blocking unknown ones, `::notice` for waived ones),
//! plus run errors, expired waivers and a closing summary notice. A finding
//! with a source location is annotated on its `.tf` block's lines (so it
//! shows in the pull request's diff); others on the plan file.
//!
//! Every value is escaped as the runner expects, so a message can never
//! end a command early or start a new one.

use crate::text::{Out, Push};
use crate::{summary_line, Effect, EnforcementLevel, Finding, RenderOptions, Report, Status};

/// Writes the annotations for `report` into `writer`.
pub fn write(report: &Report, _options: &RenderOptions, writer: &mut dyn std::io::Write) -> std::io::Result<()> {
    let mut out = Out::new(writer);
    for f in &report.findings {
        let Some(command) = command_for(f) else {
            continue;
        };
        let title = match report.policy(&f.policy_id) {
            Some(p) => format!("{} {}", p.id, p.title.as_deref().unwrap_or(&p.name)),
            None => format!("{} {}", f.policy_id, f.policy_name),
        };
        let mut message = format!("{}: {}", f.address, f.message);
        match f.status {
            Status::Unknown => message.push_str(" (unknown until apply)"),
            Status::Waived => {
                message.push_str(&format!(" (waived: {})", f.waived_by.as_deref().unwrap_or("no reason given")))
            }
            Status::Fail if f.overridden => {
                message.push_str(&format!(" (overridden: {})", f.waived_by.as_deref().unwrap_or("no reason given")))
            }
            _ => {}
        }
        match &f.location {
            Some(at) => {
                let (line, end) = (at.start_line.to_string(), at.end_line.max(at.start_line).to_string());
                let props = [("file", at.file.as_str()), ("line", &line), ("endLine", &end), ("title", &title)];
                push(&mut out, command, &props, &message)
            }
            None => push(&mut out, command, &[("file", &f.plan), ("title", &title)], &message),
        }
    }
    for e in &report.errors {
        let mut props: Vec<(&str, &str)> = vec![("title", "tfgate error")];
        if let Some(plan) = &e.plan {
            props.insert(0, ("file", plan));
        }
        let mut message = e.message.clone();
        if let Some(p) = &e.policy_id {
            message.push_str(&format!(" (policy {p})"));
        }
        push(&mut out, "error", &props, &message);
    }
    for w in report.waivers.iter().filter(|w| w.state == "expired") {
        push(
            &mut out,
            "warning",
            &[("title", "tfgate expired waiver")],
            &format!(
                "waiver {} {} expired{}; it no longer applies: {}",
                w.policy,
                w.address,
                w.expires.as_deref().map(|d| format!(" on {d}")).unwrap_or_default(),
                w.reason
            ),
        );
    }
    push(&mut out, "notice", &[("title", "tfgate")], &summary_line(report));
    out.finish()
}

/// The annotation level of a finding, or none for passes.
fn command_for(f: &Finding) -> Option<&'static str> {
    match f.status {
        Status::Pass => None,
        Status::Error => Some("error"),
        // What blocks the gate, a blocking unknown too.
        _ if f.effect == Effect::Blocks => Some("error"),
        Status::Fail if f.overridden => Some("warning"),
        Status::Fail if f.enforcement_level == EnforcementLevel::Advisory => Some("warning"),
        Status::Fail => Some("error"),
        Status::Unknown => Some("warning"),
        Status::Waived => Some("notice"),
    }
}

fn push(out: &mut impl Push, command: &str, props: &[(&str, &str)], message: &str) {
    out.push_str("::");
    out.push_str(command);
    for (i, (key, value)) in props.iter().enumerate() {
        out.push(if i == 0 { ' ' } else { ',' });
        out.push_str(key);
        out.push('=');
        out.push_str(&escape_property(value));
    }
    out.push_str("::");
    out.push_str(&escape_data(message));
    out.push('\n');
}

/// Escaping for the message part, as the Actions runner decodes it.
pub fn escape_data(s: &str) -> String {
    s.replace('%', "%25").replace('\r', "%0D").replace('\n', "%0A")
}

/// Escaping for `key=value` properties: also `:` and `,`, which would
/// otherwise end the value.
pub fn escape_property(s: &str) -> String {
    escape_data(s).replace(':', "%3A").replace(',', "%2C")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn located_findings_are_annotated_on_their_block() {
        let finding = Finding {
            policy_id: "P".into(),
            status: Status::Unknown,
            effect: Effect::Blocks,
            plan: "plan.json".into(),
            address: "aws_instance.web".into(),
            message: "unknown".into(),
            location: Some(std::sync::Arc::new(crate::SourceLocation {
                file: "infra/a,b.tf".into(),
                start_line: 14,
                end_line: 22,
            })),
            ..Finding::default()
        };
        let report = Report { findings: vec![finding.clone()], ..Report::default() };
        let out = crate::render(crate::Format::Github, &report, &RenderOptions::default()).unwrap();
        let first = out.lines().next().unwrap();
        // A blocking unknown is an error, placed on the block's lines.
        assert_eq!(
            first,
            "::error file=infra/a%2Cb.tf,line=14,endLine=22,title=P ::aws_instance.web: unknown (unknown until apply)"
        );
        let report =
            Report { findings: vec![Finding { location: None, effect: Effect::None, ..finding }], ..Report::default() };
        let out = crate::render(crate::Format::Github, &report, &RenderOptions::default()).unwrap();
        assert!(out.starts_with("::warning file=plan.json,title=P ::"), "{out}");
    }

    #[test]
    fn escapes() {
        assert_eq!(escape_data("100%\r\na:b,c"), "100%25%0D%0Aa:b,c");
        assert_eq!(escape_property("100%\r\na:b,c"), "100%25%0D%0Aa%3Ab%2Cc");
        // `%` first, or the escapes themselves would be escaped again.
        assert_eq!(escape_data("%0A"), "%250A");
    }
}
