//! A Markdown summary for `$GITHUB_STEP_SUMMARY` or a pull-request comment:
//! the gate result and counts, a table of failures, and collapsed sections
//! for unknown, waived (and, verbose, passing) findings, run problems and,
//! on request, the roll-up by module.
//!
//! All text from the report is escaped: it can neither break a table nor
//! inject HTML or Markdown into the page.

use crate::text::{Out, Push};
use crate::{gate_word, module_rollup, summary_line, Finding, RenderOptions, Report, Status};

/// Writes the Markdown summary of `report` into `writer`.
pub fn write(report: &Report, options: &RenderOptions, writer: &mut dyn std::io::Write) -> std::io::Result<()> {
    let mut out = Out::new(writer);
    let icon = if report.gate.passed { "✅" } else { "❌" };
    out.push_str(&format!("## {icon} tfgate: gate {}\n\n", gate_word(&report.gate)));
    out.push_str(&inline(&summary_line(report)));
    out.push_str("\n\n");

    let c = report.counts();
    out.push_str("| failed | errors | unknown | waived | passed |\n");
    out.push_str("| ---: | ---: | ---: | ---: | ---: |\n");
    out.push_str(&format!(
        "| {} | {} | {} | {} | {} |\n\n",
        c.fail,
        c.error + report.errors.len(),
        c.unknown,
        c.waived,
        c.pass
    ));

    let failing: Vec<&Finding> =
        report.findings.iter().filter(|f| matches!(f.status, Status::Fail | Status::Error)).collect();
    if !failing.is_empty() {
        out.push_str("### Failures\n\n");
        findings_table(report, &failing, &mut out);
        out.push('\n');
    }

    for (status, heading) in [(Status::Unknown, "unknown until apply"), (Status::Waived, "waived")] {
        let list: Vec<&Finding> = report.findings.iter().filter(|f| f.status == status).collect();
        if !list.is_empty() {
            details(&format!("{} {heading}", list.len()), &mut out, |out| findings_table(report, &list, out));
        }
    }
    if options.verbose {
        let list: Vec<&Finding> = report.findings.iter().filter(|f| f.status == Status::Pass).collect();
        if !list.is_empty() {
            details(&format!("{} passed", list.len()), &mut out, |out| findings_table(report, &list, out));
        }
    }

    if !report.errors.is_empty() {
        out.push_str("### Errors\n\n");
        for e in &report.errors {
            let mut line = format!("- {}", inline(&e.message));
            if let Some(p) = &e.policy_id {
                line.push_str(&format!(" (policy {})", code(p)));
            }
            if let Some(p) = &e.plan {
                line.push_str(&format!(" (plan {})", code(p)));
            }
            out.push_str(&line);
            out.push('\n');
        }
        out.push('\n');
    }

    let waivers: Vec<_> = report.waivers.iter().filter(|w| w.state != "active").collect();
    if !waivers.is_empty() {
        details(&format!("{} expired or unused waivers", waivers.len()), &mut out, |out| {
            out.push_str("| state | policy | address | reason | owner | expires |\n");
            out.push_str("| --- | --- | --- | --- | --- | --- |\n");
            for w in waivers {
                out.push_str(&format!(
                    "| {} | {} | {} | {} | {} | {} |\n",
                    inline(&w.state),
                    code(&w.policy),
                    code(&w.address),
                    inline(&w.reason),
                    inline(w.owner.as_deref().unwrap_or("")),
                    inline(w.expires.as_deref().unwrap_or("")),
                ));
            }
        });
    }

    if options.group_by_module {
        out.push_str("### Modules\n\n");
        out.push_str("| source | version | instances | failing | resources | failing | failing policies |\n");
        out.push_str("| --- | --- | ---: | ---: | ---: | ---: | --- |\n");
        for r in module_rollup(report) {
            let policies: Vec<String> = r.failing_policies.iter().map(|p| code(p)).collect();
            out.push_str(&format!(
                "| {} | {} | {} | {} | {} | {} | {} |\n",
                code(&r.source),
                inline(r.version.as_deref().unwrap_or("")),
                r.instances,
                r.failing_instances,
                r.resources,
                r.failing_resources,
                policies.join(" "),
            ));
        }
        out.push('\n');
    }
    out.finish()
}

fn details<P: Push>(summary: &str, out: &mut P, body: impl FnOnce(&mut P)) {
    // The blank line after </summary> lets GitHub render Markdown inside.
    out.push_str(&format!("<details><summary>{}</summary>\n\n", inline(summary)));
    body(out);
    out.push_str("\n</details>\n\n");
}

fn findings_table(report: &Report, findings: &[&Finding], out: &mut impl Push) {
    let several_plans = report.plans.len() > 1;
    if several_plans {
        out.push_str("| policy | level | plan | address | module | message |\n");
        out.push_str("| --- | --- | --- | --- | --- | --- |\n");
    } else {
        out.push_str("| policy | level | address | module | message |\n");
        out.push_str("| --- | --- | --- | --- | --- |\n");
    }
    for f in findings.iter().take(MAX_ROWS) {
        let policy = match report.policy(&f.policy_id) {
            Some(p) => format!("{} {}", code(&p.id), inline(p.title.as_deref().unwrap_or(&p.name))),
            None => code(&f.policy_id),
        };
        let mut level = f.enforcement_level.as_str().to_string();
        if f.status == Status::Error {
            level = format!("{level} (error)");
        }
        if f.overridden {
            level.push_str(" (overridden)");
        }
        let module = if f.module_path.is_empty() { "root".to_string() } else { code(&f.module_path) };
        let mut message = inline(&f.message);
        if let Some(by) = &f.waived_by {
            message.push_str(&format!("<br>*{}*", inline(by)));
        }
        let plan = if several_plans { format!(" {} |", code(&f.plan)) } else { String::new() };
        out.push_str(&format!("| {policy} | {level} |{plan} {} | {module} | {message} |\n", code(&f.address)));
    }
    if findings.len() > MAX_ROWS {
        out.push_str(&format!(
            "\n… and {} more; the JSON and SARIF formats list them all.\n",
            findings.len() - MAX_ROWS
        ));
    }
}

/// Rows per table: a pull-request comment holds at most 65,536 characters.
const MAX_ROWS: usize = 100;

/// Text inside a paragraph or table cell: Markdown punctuation is
/// backslash-escaped, HTML is written as entities, and line breaks become
/// `<br>` so that a cell stays on its row.
pub fn inline(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let s = s.replace("\r\n", "\n");
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '\n' | '\r' => out.push_str("<br>"),
            '\\' | '`' | '*' | '_' | '[' | ']' | '|' | '~' | '#' | '!' => {
                out.push('\\');
                out.push(c);
            }
            c if c.is_control() => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

/// A code span for identifiers (addresses, ids): the fence is longer than
/// any run of backticks inside, `|` is escaped (GitHub tables split on it
/// even in code), and line breaks become spaces.
pub fn code(s: &str) -> String {
    let s: String = s.chars().map(|c| if c.is_control() { ' ' } else { c }).collect();
    let s = s.replace('|', "\\|");
    let mut longest = 0;
    let mut run = 0;
    for c in s.chars() {
        if c == '`' {
            run += 1;
            longest = longest.max(run);
        } else {
            run = 0;
        }
    }
    let fence = "`".repeat(longest + 1);
    // Pad when the content starts or ends with a backtick (CommonMark strips one space).
    if s.starts_with('`') || s.ends_with('`') || s.is_empty() {
        format!("{fence} {s} {fence}")
    } else {
        format!("{fence}{s}{fence}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inline_escapes() {
        assert_eq!(inline("a|b"), "a\\|b");
        assert_eq!(inline("<b>&`x`"), "&lt;b&gt;&amp;\\`x\\`");
        assert_eq!(inline("one\r\ntwo\nthree"), "one<br>two<br>three");
    }

    #[test]
    fn code_spans() {
        assert_eq!(code(r#"module.a["x"]"#), r#"`module.a["x"]`"#);
        assert_eq!(code("a`b"), "``a`b``");
        assert_eq!(code("`a"), "`` `a ``");
        assert_eq!(code("a|b\nc"), "`a\\|b c`");
    }
}
