//! The human format: per policy, a header line and a table of its findings
//! that need attention; then problems of the run and one summary line.
//! With `group_by_module`, a roll-up by module source replaces the
//! per-policy tables.

use tabled::builder::Builder;
use tabled::settings::peaker::Priority;
use tabled::settings::{Style, Width};

use crate::text::terminal_safe;
use crate::{module_rollup, summary_line, Counts, Finding, RenderOptions, Report, Status};

const RESET: &str = "\x1b[0m";
const BOLD: &str = "\x1b[1m";
const BOLD_RED: &str = "\x1b[1;31m";
const GREEN: &str = "\x1b[32m";
const YELLOW: &str = "\x1b[33m";
const MAGENTA: &str = "\x1b[35m";
const CYAN: &str = "\x1b[36m";
const DIM: &str = "\x1b[2m";

/// Wraps text in ANSI codes only when colour is on.
struct Paint(bool);

impl Paint {
    fn paint(&self, code: &str, text: &str) -> String {
        if self.0 {
            format!("{code}{text}{RESET}")
        } else {
            text.to_string()
        }
    }
    fn status(&self, status: Status) -> String {
        let code = match status {
            Status::Pass => GREEN,
            Status::Fail => BOLD_RED,
            Status::Unknown => YELLOW,
            Status::Error => MAGENTA,
            Status::Waived => CYAN,
        };
        self.paint(code, status.as_str())
    }
}

pub fn render(report: &Report, options: &RenderOptions) -> String {
    let paint = Paint(options.color);
    let mut out = String::new();
    if options.group_by_module {
        render_rollup(report, options, &mut out);
    } else {
        render_policies(report, options, &paint, &mut out);
    }
    render_run_problems(report, &paint, &mut out);

    let gate_code = if report.gate.passed { GREEN } else { BOLD_RED };
    out.push_str(&paint.paint(gate_code, &terminal_safe(&summary_line(report))));
    out.push('\n');
    out
}

fn render_policies(report: &Report, options: &RenderOptions, paint: &Paint, out: &mut String) {
    let several_plans = report.plans.len() > 1;
    for policy in &report.policies {
        let findings: Vec<&Finding> = report.findings.iter().filter(|f| f.policy_id == policy.id).collect();
        let counts = Counts::of(findings.iter().copied());
        let mut level = policy.enforcement_level.as_str().to_string();
        if let Some(sev) = policy.severity {
            level = format!("{level}, {}", sev.as_str());
        }
        out.push_str(&format!(
            "{}  {}  ({})  {}\n",
            paint.paint(BOLD, &terminal_safe(&policy.id)),
            terminal_safe(policy.title.as_deref().unwrap_or(&policy.name)),
            level,
            paint.paint(DIM, &counts_phrase(&counts)),
        ));

        let shown: Vec<&Finding> =
            findings.into_iter().filter(|f| options.verbose || f.status != Status::Pass).collect();
        if shown.is_empty() {
            continue;
        }
        let mut header = vec!["status"];
        if several_plans {
            header.push("plan");
        }
        header.extend(["address", "module", "message"]);
        let mut rows = vec![header.into_iter().map(str::to_string).collect::<Vec<_>>()];
        for f in shown {
            let mut row = vec![paint.status(f.status)];
            if several_plans {
                row.push(terminal_safe(&f.plan));
            }
            row.push(terminal_safe(&f.address));
            row.push(if f.module_path.is_empty() { "(root)".to_string() } else { terminal_safe(&f.module_path) });
            row.push(terminal_safe(&message_with_notes(f)));
            rows.push(row);
        }
        out.push_str(&finish(rows, options));
        out.push_str("\n\n");
    }
}

/// The message, plus why a failure does not count when it does not.
fn message_with_notes(f: &Finding) -> String {
    let mut msg = f.message.clone();
    if let Some(attr) = &f.attribute_path {
        msg.push_str(&format!("\n(attribute: {attr})"));
    }
    match (&f.waived_by, f.overridden) {
        (Some(by), true) => msg.push_str(&format!("\n[overridden: {by}]")),
        (None, true) => msg.push_str("\n[overridden]"),
        (Some(by), false) => msg.push_str(&format!("\n[waived: {by}]")),
        (None, false) => {}
    }
    msg
}

fn counts_phrase(c: &Counts) -> String {
    let parts: Vec<String> = [
        (c.fail, "failed"),
        (c.error, if c.error == 1 { "error" } else { "errors" }),
        (c.unknown, "unknown"),
        (c.waived, "waived"),
        (c.pass, "passed"),
    ]
    .into_iter()
    .filter(|(n, _)| *n > 0)
    .map(|(n, w)| format!("{n} {w}"))
    .collect();
    if parts.is_empty() {
        "no resources matched".to_string()
    } else {
        parts.join(", ")
    }
}

fn render_rollup(report: &Report, options: &RenderOptions, out: &mut String) {
    let modules = module_rollup(report);
    out.push_str("Modules by source and version\n");
    let mut rows: Vec<Vec<String>> =
        vec![["source", "version", "instances", "failing", "resources", "failing", "failing policies"]
            .into_iter()
            .map(str::to_string)
            .collect()];
    for r in modules {
        rows.push(vec![
            terminal_safe(&r.source),
            terminal_safe(r.version.as_deref().unwrap_or("-")),
            r.instances.to_string(),
            r.failing_instances.to_string(),
            r.resources.to_string(),
            r.failing_resources.to_string(),
            terminal_safe(&r.failing_policies.join("\n")),
        ]);
    }
    out.push_str(&finish(rows, options));
    out.push_str("\n\n");
}

/// Run errors, expired or unused waivers, overrides: things a reader must not miss.
fn render_run_problems(report: &Report, paint: &Paint, out: &mut String) {
    if !report.errors.is_empty() {
        out.push_str(&paint.paint(BOLD, "Errors"));
        out.push('\n');
        for e in &report.errors {
            let mut line = format!("  {} {}", paint.paint(MAGENTA, "error"), e.message);
            if let Some(p) = &e.policy_id {
                line.push_str(&format!(" (policy {p})"));
            }
            if let Some(p) = &e.plan {
                line.push_str(&format!(" (plan {p})"));
            }
            out.push_str(&terminal_safe(&line));
            out.push('\n');
        }
        out.push('\n');
    }
    let warnings: Vec<String> =
        report.plans.iter().flat_map(|p| p.warnings.iter().map(move |w| format!("{}: {w}", p.path))).collect();
    if !warnings.is_empty() {
        out.push_str(&paint.paint(BOLD, "Plan warnings"));
        out.push('\n');
        for w in warnings {
            out.push_str(&format!("  {}\n", terminal_safe(&w)));
        }
        out.push('\n');
    }
    let notable: Vec<_> = report.waivers.iter().filter(|w| w.state != "active").collect();
    if !notable.is_empty() {
        out.push_str(&paint.paint(BOLD, "Waivers"));
        out.push('\n');
        for w in notable {
            let mut line = format!("  {} {} {}: {}", paint.paint(YELLOW, &w.state), w.policy, w.address, w.reason);
            if let Some(exp) = &w.expires {
                line.push_str(&format!(" (expires {exp})"));
            }
            out.push_str(&terminal_safe(&line));
            out.push('\n');
        }
        out.push('\n');
    }
    if !report.overrides.is_empty() {
        out.push_str(&paint.paint(BOLD, "Overrides"));
        out.push('\n');
        for o in &report.overrides {
            let mut line = format!("  {}", o.policy);
            if let Some(by) = &o.by {
                line.push_str(&format!(" by {by}"));
            }
            if let Some(reason) = &o.reason {
                line.push_str(&format!(": {reason}"));
            }
            out.push_str(&terminal_safe(&line));
            out.push('\n');
        }
        out.push('\n');
    }
}

/// Builds the table; with a width, word-wraps the last (free-text) column
/// to fit, and only when that is not enough lets tabled wrap every column.
fn finish(mut rows: Vec<Vec<String>>, options: &RenderOptions) -> String {
    let build = |rows: &[Vec<String>]| {
        let mut table = Builder::from_iter(rows.iter().cloned()).build();
        table.with(Style::rounded());
        table
    };
    let mut table = build(&rows);
    let Some(width) = options.width else {
        return table.to_string();
    };
    let excess = table.total_width().saturating_sub(width);
    if excess == 0 {
        return table.to_string();
    }
    let last_width = rows.iter().filter_map(|r| r.last()).map(|c| text_width(c)).max().unwrap_or(0);
    if last_width.saturating_sub(excess) >= MIN_WRAP {
        for cell in rows.iter_mut().skip(1).filter_map(|r| r.last_mut()) {
            *cell = wrap_words(cell, last_width - excess);
        }
        table = build(&rows);
    } else {
        // Shrink the widest column first, so short ones (status) stay intact.
        table.with(Width::wrap(width).priority(Priority::max(true)).keep_words(true));
    }
    table.to_string()
}

/// Greedy word wrap; a word longer than the width is cut.
fn wrap_words(text: &str, width: usize) -> String {
    let mut out: Vec<String> = Vec::new();
    for line in text.lines() {
        let mut current = String::new();
        for word in line.split(' ') {
            let mut word = word.to_string();
            loop {
                let len = current.chars().count();
                let wlen = word.chars().count();
                if len > 0 && len + 1 + wlen <= width {
                    current.push(' ');
                    current.push_str(&word);
                    break;
                }
                if len > 0 {
                    out.push(std::mem::take(&mut current));
                }
                if wlen <= width {
                    current = word;
                    break;
                }
                let cut: String = word.chars().take(width).collect();
                word = word.chars().skip(width).collect();
                out.push(cut);
            }
        }
        out.push(current);
    }
    out.join("\n")
}

/// Messages are not wrapped narrower than this before other columns give way.
const MIN_WRAP: usize = 30;

/// The widest line, in characters (close enough to terminal columns here).
fn text_width(s: &str) -> usize {
    s.lines().map(|l| l.chars().count()).max().unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::wrap_words;

    #[test]
    fn wraps_words_and_cuts_long_ones() {
        assert_eq!(wrap_words("aa bb cc", 5), "aa bb\ncc");
        assert_eq!(wrap_words("abcdefgh x", 3), "abc\ndef\ngh\nx");
        assert_eq!(wrap_words("one\ntwo three", 9), "one\ntwo three");
        assert_eq!(wrap_words("", 4), "");
    }
}
