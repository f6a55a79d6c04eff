//! The human format: per policy, a header line and a table of its findings
//! that need attention; then problems of the run and one summary line.
//! With `group_by_module`, a roll-up by module source replaces the
//! per-policy tables.

use std::collections::HashMap;

use rayon::prelude::*;
use unicode_width::UnicodeWidthChar;

use crate::text::{terminal_safe, Out, Push};
use crate::{module_rollup, summary_line, Counts, Effect, Finding, PolicyInfo, RenderOptions, Report, Status};

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

/// Writes the tables of `report` into `writer`.
pub fn write(report: &Report, options: &RenderOptions, writer: &mut dyn std::io::Write) -> std::io::Result<()> {
    let paint = Paint(options.color);
    let mut out = Out::new(writer);
    if options.group_by_module {
        render_rollup(report, options, &mut out);
    } else {
        render_policies(report, options, &paint, &mut out);
    }
    render_run_problems(report, &paint, &mut out);

    let gate_code = if report.gate.passed { GREEN } else { BOLD_RED };
    out.push_str(&paint.paint(gate_code, &terminal_safe(&summary_line(report))));
    out.push('\n');
    out.finish()
}

fn render_policies(report: &Report, options: &RenderOptions, paint: &Paint, out: &mut impl Push) {
    let mut by_policy: HashMap<&str, Vec<&Finding>> = HashMap::new();
    for f in &report.findings {
        by_policy.entry(&*f.policy_id).or_default().push(f);
    }
    // Each policy's table on its own: large plans have several big ones.
    let sections: Vec<String> = report
        .policies
        .par_iter()
        .map(|policy| {
            let mut section = String::new();
            let mut findings = by_policy.get(policy.id.as_str()).cloned().unwrap_or_default();
            if options.quiet {
                // What does not block is left to the summary line.
                findings.retain(|f| matches!(f.effect, Effect::Blocks | Effect::Errors));
                if findings.is_empty() {
                    return section;
                }
            }
            render_policy(report, policy, findings, options, paint, &mut section);
            section
        })
        .collect();
    sections.iter().for_each(|s| out.push_str(s));
}

fn render_policy(
    report: &Report,
    policy: &PolicyInfo,
    findings: Vec<&Finding>,
    options: &RenderOptions,
    paint: &Paint,
    out: &mut String,
) {
    let several_plans = report.plans.len() > 1;
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

    let shown: Vec<&Finding> = findings.into_iter().filter(|f| options.verbose || f.status != Status::Pass).collect();
    if shown.is_empty() {
        return;
    }
    let mut header = vec!["status"];
    if several_plans {
        header.push("plan");
    }
    header.extend(["address", "module", "message"]);
    let mut rows = vec![header.into_iter().map(str::to_string).collect::<Vec<_>>()];
    rows.par_extend(shown.par_iter().map(|f| {
        let mut row = vec![paint.status(f.status)];
        if several_plans {
            row.push(terminal_safe(&f.plan));
        }
        row.push(terminal_safe(&f.address));
        row.push(if f.module_path.is_empty() { "(root)".to_string() } else { terminal_safe(&f.module_path) });
        row.push(terminal_safe(&message_with_notes(f)));
        row
    }));
    out.push_str(&finish(rows, options));
    out.push_str("\n\n");
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

fn render_rollup(report: &Report, options: &RenderOptions, out: &mut impl Push) {
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
fn render_run_problems(report: &Report, paint: &Paint, out: &mut impl Push) {
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

/// Lays the rows out as a table with rounded borders (the first row is the
/// header); with a width, word-wraps the last (free-text) column to fit, and
/// only when that is not enough narrows the widest columns too.
///
/// Written here rather than with a table crate: the tables of a large plan
/// have tens of thousands of rows, and measuring every cell for escape codes
/// the way a general crate must took a tenth of a run.
fn finish(mut rows: Vec<Vec<String>>, options: &RenderOptions) -> String {
    let columns = rows.iter().map(Vec::len).max().unwrap_or(0);
    let mut widths = column_widths(&rows, columns);
    if let Some(limit) = options.width {
        let excess = table_width(&widths).saturating_sub(limit);
        if excess > 0 {
            let last = columns - 1;
            if widths[last].saturating_sub(excess) >= MIN_WRAP {
                widths[last] -= excess;
            } else {
                // Narrow the widest column, one column of text at a time, so
                // that short ones (status) stay intact.
                while table_width(&widths) > limit {
                    let Some((widest, &w)) = widths.iter().enumerate().rev().max_by_key(|(_, w)| **w) else { break };
                    if w <= 1 {
                        break;
                    }
                    widths[widest] -= 1;
                }
            }
            for row in rows.iter_mut().skip(1) {
                for (cell, &w) in row.iter_mut().zip(&widths) {
                    if text_width(cell) > w {
                        *cell = wrap_words(cell, w);
                    }
                }
            }
            widths = column_widths(&rows, columns);
        }
    }
    let rule = |left: &str, joint: &str, right: &str| {
        let parts: Vec<String> = widths.iter().map(|w| "─".repeat(w + 2)).collect();
        format!("{left}{}{right}", parts.join(joint))
    };
    let mut out = String::new();
    out.push_str(&rule("╭", "┬", "╮"));
    if let Some((header, body)) = rows.split_first() {
        write_row(&mut out, header, &widths);
        if !body.is_empty() {
            out.push('\n');
            out.push_str(&rule("├", "┼", "┤"));
        }
        // Large tables are laid out in parallel runs of rows.
        let runs: Vec<String> = body
            .par_chunks(1024)
            .map(|run| {
                let mut text = String::new();
                run.iter().for_each(|row| write_row(&mut text, row, &widths));
                text
            })
            .collect();
        out.reserve(runs.iter().map(String::len).sum::<usize>() + 256);
        runs.iter().for_each(|run| out.push_str(run));
    }
    out.push('\n');
    out.push_str(&rule("╰", "┴", "╯"));
    out
}

/// One row, each line of it starting with a newline: cells padded to their
/// column, lines of multi-line cells side by side.
fn write_row(out: &mut String, row: &[String], widths: &[usize]) {
    let lines: Vec<Vec<&str>> = row.iter().map(|c| c.split('\n').collect()).collect();
    let height = lines.iter().map(Vec::len).max().unwrap_or(1);
    for l in 0..height {
        out.push_str("\n│");
        for (c, &w) in widths.iter().enumerate() {
            let text = lines.get(c).and_then(|cell| cell.get(l)).copied().unwrap_or("");
            out.push(' ');
            out.push_str(text);
            out.extend(std::iter::repeat_n(' ', w.saturating_sub(display_width(text)) + 1));
            out.push('│');
        }
    }
}

fn column_widths(rows: &[Vec<String>], columns: usize) -> Vec<usize> {
    (0..columns)
        .map(|c| rows.par_iter().filter_map(|r| r.get(c)).map(|cell| text_width(cell)).max().unwrap_or(0))
        .collect()
}

/// Columns of the whole table: each cell has a space either side and a border.
fn table_width(widths: &[usize]) -> usize {
    1 + widths.iter().map(|w| w + 3).sum::<usize>()
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

/// The widest line, in terminal columns.
fn text_width(s: &str) -> usize {
    s.split('\n').map(display_width).max().unwrap_or(0)
}

/// Terminal columns of one line: wide characters take two, and this
/// module's own colour codes (the only escapes left after
/// [`terminal_safe`]) none.
fn display_width(line: &str) -> usize {
    let mut width = 0;
    let mut chars = line.chars();
    while let Some(c) = chars.next() {
        if c == '\x1b' {
            // `ESC [ … m`
            for c in chars.by_ref() {
                if c == 'm' {
                    break;
                }
            }
        } else {
            width += c.width().unwrap_or(0);
        }
    }
    width
}

#[cfg(test)]
mod tests {
    use super::{display_width, finish, wrap_words};
    use crate::RenderOptions;

    fn rows(cells: &[&[&str]]) -> Vec<Vec<String>> {
        cells.iter().map(|r| r.iter().map(|c| c.to_string()).collect()).collect()
    }

    #[test]
    fn draws_rounded_borders_with_multiline_cells() {
        let table = finish(
            rows(&[&["status", "message"], &["fail", "one\ntwo lines"], &["pass", ""]]),
            &RenderOptions::default(),
        );
        assert_eq!(
            table,
            "╭────────┬───────────╮\n\
             │ status │ message   │\n\
             ├────────┼───────────┤\n\
             │ fail   │ one       │\n\
             │        │ two lines │\n\
             │ pass   │           │\n\
             ╰────────┴───────────╯"
        );
    }

    #[test]
    fn colour_codes_take_no_room_and_wide_characters_two_columns() {
        assert_eq!(display_width("\x1b[1;31mfail\x1b[0m"), 4);
        assert_eq!(display_width("名前"), 4);
        let table = finish(rows(&[&["a"], &["\x1b[32mok\x1b[0m"]]), &RenderOptions::default());
        assert!(table.contains("│ \x1b[32mok\x1b[0m │"), "{table}");
    }

    #[test]
    fn narrows_the_widest_columns_when_wrapping_the_last_is_not_enough() {
        let long = "word ".repeat(30);
        let options = RenderOptions { width: Some(40), ..RenderOptions::default() };
        let table = finish(rows(&[&["address", "message"], &[&"x".repeat(50), long.trim()]]), &options);
        for line in table.lines() {
            assert!(display_width(line) <= 40, "too wide: {line}");
        }
        assert!(table.contains("│ word word"), "{table}");
    }

    #[test]
    fn wraps_words_and_cuts_long_ones() {
        assert_eq!(wrap_words("aa bb cc", 5), "aa bb\ncc");
        assert_eq!(wrap_words("abcdefgh x", 3), "abc\ndef\ngh\nx");
        assert_eq!(wrap_words("one\ntwo three", 9), "one\ntwo three");
        assert_eq!(wrap_words("", 4), "");
    }
}
