//! A Markdown summary for `$GITHUB_STEP_SUMMARY` or a pull-request comment:
//! the gate result and counts, then what blocks the gate (run errors, then
//! blocking findings), then what only warns, each grouped by module, with
//! the `.tf` file and lines of located findings; collapsed sections for
//! non-blocking unknowns, waived (and, verbose, passing) findings, the
//! waivers and, on request, the roll-up by module.
//!
//! The whole text stays under GitHub's comment limit ([`MAX_CHARS`]): rows
//! that would pass it are left out, and a closing line says how many and
//! where the full report is.
//!
//! All text from the report is escaped: it can neither break a table nor
//! inject HTML or Markdown into the page.

use std::collections::BTreeMap;

use crate::text::Out;
use crate::text::Push;
use crate::{gate_word, module_rollup, summary_line, Effect, Finding, RenderOptions, Report, Status};

/// GitHub's limit for a pull-request comment, in characters (the text is
/// measured in bytes, which are never fewer).
pub const MAX_CHARS: usize = 65_536;
/// Kept free for what closes the document: `</details>` tags and the line
/// that says what was left out.
const RESERVE: usize = 1_024;

/// The document, written within [`MAX_CHARS`]: rows that do not fit are counted, not written.
struct Doc {
    text: String,
    omitted_findings: usize,
    omitted_rows: usize,
}

impl Doc {
    fn fits(&self, extra: usize) -> bool {
        self.text.len() + extra + RESERVE <= MAX_CHARS
    }
    /// Writes a table row (or list item) if it fits; says whether it did.
    fn row(&mut self, line: &str) -> bool {
        if self.fits(line.len()) {
            self.text.push_str(line);
            true
        } else {
            false
        }
    }
}

impl Push for Doc {
    fn push_str(&mut self, s: &str) {
        self.text.push_str(s);
    }
}

/// Writes the Markdown summary of `report` into `writer`.
pub fn write(report: &Report, options: &RenderOptions, writer: &mut dyn std::io::Write) -> std::io::Result<()> {
    let mut doc = Doc { text: String::new(), omitted_findings: 0, omitted_rows: 0 };
    let icon = if report.gate.passed { "✅" } else { "❌" };
    doc.push_str(&format!("## {icon} tfgate: gate {}\n\n", gate_word(&report.gate)));
    doc.push_str(&inline(&summary_line(report)));
    doc.push_str("\n\n");

    let c = report.counts();
    doc.push_str("| failed | errors | unknown | waived | passed |\n");
    doc.push_str("| ---: | ---: | ---: | ---: | ---: |\n");
    doc.push_str(&format!(
        "| {} | {} | {} | {} | {} |\n\n",
        c.fail,
        c.error + report.errors.len(),
        c.unknown,
        c.waived,
        c.pass
    ));

    // Run errors block the gate too (exit code 2): first.
    if !report.errors.is_empty() {
        doc.push_str("### Errors\n\n");
        for e in &report.errors {
            let mut line = format!("- {}", inline(&e.message));
            if let Some(p) = &e.policy_id {
                line.push_str(&format!(" (policy {})", code(p)));
            }
            if let Some(p) = &e.plan {
                line.push_str(&format!(" (plan {})", code(p)));
            }
            line.push('\n');
            if !doc.row(&line) {
                doc.omitted_rows += 1;
            }
        }
        doc.push('\n');
    }

    let blocking: Vec<&Finding> = report.findings.iter().filter(|f| blocks(f)).collect();
    section(report, "Blocking", &blocking, &mut doc);
    // A failure no engine decided on (a report read back from JSON) is shown here rather than lost.
    let warning: Vec<&Finding> = report
        .findings
        .iter()
        .filter(|f| !blocks(f) && (f.effect == Effect::Warns || (f.status == Status::Fail && f.effect == Effect::None)))
        .collect();
    section(report, "Warnings", &warning, &mut doc);

    // Unknowns the run counts as warnings or passes (`--unknown warn|pass`).
    let unknown: Vec<&Finding> =
        report.findings.iter().filter(|f| f.status == Status::Unknown && f.effect == Effect::None).collect();
    if !unknown.is_empty() {
        let summary =
            format!("{} unknown until apply, not blocking (--unknown {})", unknown.len(), report.gate.unknown_mode);
        details(&summary, &mut doc, |doc| findings_table(report, &unknown, doc));
    }
    let waived: Vec<&Finding> = report.findings.iter().filter(|f| f.status == Status::Waived).collect();
    if !waived.is_empty() {
        details(&format!("{} waived", waived.len()), &mut doc, |doc| findings_table(report, &waived, doc));
    }
    if options.verbose {
        let list: Vec<&Finding> = report.findings.iter().filter(|f| f.status == Status::Pass).collect();
        if !list.is_empty() {
            details(&format!("{} passed", list.len()), &mut doc, |doc| findings_table(report, &list, doc));
        }
    }

    let waivers: Vec<_> = report.waivers.iter().filter(|w| w.state != "active").collect();
    if !waivers.is_empty() {
        details(&format!("{} expired or unused waivers", waivers.len()), &mut doc, |doc| {
            doc.push_str("| state | policy | address | reason | owner | expires |\n");
            doc.push_str("| --- | --- | --- | --- | --- | --- |\n");
            for w in waivers {
                let line = format!(
                    "| {} | {} | {} | {} | {} | {} |\n",
                    inline(&w.state),
                    code(&w.policy),
                    code(&w.address),
                    inline(&w.reason),
                    inline(w.owner.as_deref().unwrap_or("")),
                    inline(w.expires.as_deref().unwrap_or("")),
                );
                if !doc.row(&line) {
                    doc.omitted_rows += 1;
                }
            }
        });
    }

    if options.group_by_module {
        doc.push_str("### Modules\n\n");
        doc.push_str("| source | version | instances | failing | resources | failing | failing policies |\n");
        doc.push_str("| --- | --- | ---: | ---: | ---: | ---: | --- |\n");
        for r in module_rollup(report) {
            let policies: Vec<String> = r.failing_policies.iter().map(|p| code(p)).collect();
            let line = format!(
                "| {} | {} | {} | {} | {} | {} | {} |\n",
                code(&r.source),
                inline(r.version.as_deref().unwrap_or("")),
                r.instances,
                r.failing_instances,
                r.resources,
                r.failing_resources,
                policies.join(" "),
            );
            if !doc.row(&line) {
                doc.omitted_rows += 1;
            }
        }
        doc.push('\n');
    }

    if doc.omitted_findings + doc.omitted_rows > 0 {
        let mut what = Vec::new();
        if doc.omitted_findings > 0 {
            what.push(crate::plural(doc.omitted_findings, "finding", "findings"));
        }
        if doc.omitted_rows > 0 {
            what.push(crate::plural(doc.omitted_rows, "other row", "other rows"));
        }
        let full = options.full_report.as_deref().map(inline).unwrap_or_else(|| {
            "the JSON and SARIF reports (`tfgate check --output json=report.json --output sarif=results.sarif`)"
                .to_string()
        });
        doc.push_str(&format!(
            "**{} left out** to stay under GitHub's comment limit of 65,536 characters; every finding is in {full}.\n",
            what.join(" and ")
        ));
    }
    let mut out = Out::new(writer);
    out.push_str(&doc.text);
    out.finish()
}

/// A finding that blocks the gate: a blocking failure or unknown, or an
/// evaluation error.
fn blocks(f: &Finding) -> bool {
    matches!(f.effect, Effect::Blocks | Effect::Errors) || f.status == Status::Error
}

/// A heading and the findings' tables by module; nothing when even the
/// heading and a first table would not fit (the findings are counted).
fn section(report: &Report, title: &str, findings: &[&Finding], doc: &mut Doc) {
    if findings.is_empty() {
        return;
    }
    let heading = format!("### {title}: {}\n\n", crate::plural(findings.len(), "finding", "findings"));
    if !doc.fits(heading.len() + FIRST_TABLE) {
        doc.omitted_findings += findings.len();
        return;
    }
    doc.push_str(&heading);
    by_module(report, findings, doc);
}

/// Room for a module heading, a table header and one row: what must fit
/// before a heading is written.
const FIRST_TABLE: usize = 400;

/// One table per module, the root module first, then by module path.
fn by_module(report: &Report, findings: &[&Finding], doc: &mut Doc) {
    let mut groups: BTreeMap<&str, Vec<&Finding>> = BTreeMap::new();
    for f in findings {
        groups.entry(&f.module_path).or_default().push(f);
    }
    for (module, list) in groups {
        let heading = if module.is_empty() {
            "#### Root module\n\n".to_string()
        } else {
            format!("#### Module {}\n\n", code(module))
        };
        // A heading without a row is noise: written only when its first row fits.
        if !doc.fits(heading.len() + FIRST_TABLE) {
            doc.omitted_findings += list.len();
            continue;
        }
        doc.push_str(&heading);
        findings_table(report, &list, doc);
        doc.push('\n');
    }
}

fn details(summary: &str, doc: &mut Doc, body: impl FnOnce(&mut Doc)) {
    // The blank line after </summary> lets GitHub render Markdown inside.
    doc.push_str(&format!("<details><summary>{}</summary>\n\n", inline(summary)));
    body(doc);
    doc.push_str("\n</details>\n\n");
}

fn findings_table(report: &Report, findings: &[&Finding], doc: &mut Doc) {
    let several_plans = report.plans.len() > 1;
    if several_plans {
        doc.push_str("| policy | level | plan | address | source | message |\n");
        doc.push_str("| --- | --- | --- | --- | --- | --- |\n");
    } else {
        doc.push_str("| policy | level | address | source | message |\n");
        doc.push_str("| --- | --- | --- | --- | --- |\n");
    }
    for f in findings {
        let policy = match report.policy(&f.policy_id) {
            Some(p) => format!("{} {}", code(&p.id), inline(p.title.as_deref().unwrap_or(&p.name))),
            None => code(&f.policy_id),
        };
        let mut level = f.enforcement_level.as_str().to_string();
        match f.status {
            Status::Error => level.push_str(" (error)"),
            Status::Unknown => level.push_str(" (unknown)"),
            _ => {}
        }
        if f.overridden {
            level.push_str(" (overridden)");
        }
        let source = match &f.location {
            Some(at) if at.end_line > at.start_line => code(&format!("{}:{}-{}", at.file, at.start_line, at.end_line)),
            Some(at) => code(&format!("{}:{}", at.file, at.start_line)),
            None => String::new(),
        };
        let mut message = inline(&f.message);
        if let Some(by) = &f.waived_by {
            message.push_str(&format!("<br>*{}*", inline(by)));
        }
        let plan = if several_plans { format!(" {} |", code(&f.plan)) } else { String::new() };
        let line = format!("| {policy} | {level} |{plan} {} | {source} | {message} |\n", code(&f.address));
        if !doc.row(&line) {
            doc.omitted_findings += 1;
        }
    }
}

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
