//! The human format, short enough to read in a CI log: per policy that
//! failed, is unknown or errored, a header line and a table of the findings
//! that need attention; the policies that passed or matched nothing in one
//! line; then problems of the run and one summary line. Verbose shows every
//! policy and every finding. With `group_by_module`, a roll-up by module
//! source replaces the per-policy tables.
//!
//! Tables are laid out by `tabled`; cells hold plain text (made
//! [`terminal_safe`]) and colours are set per cell, outside the text, so
//! measuring a cell never has to skip escape codes.

use std::collections::HashMap;

use rayon::prelude::*;
use tabled::builder::Builder;
use tabled::settings::object::Cell;
use tabled::settings::{Color, Style};
use unicode_width::UnicodeWidthStr;

use crate::text::{terminal_safe, Out, Push};
use crate::{module_rollup, plural, summary_line, Counts, Effect, Finding, PolicyInfo, RenderOptions, Report, Status};

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
}

fn status_code(status: Status) -> &'static str {
    match status {
        Status::Pass => GREEN,
        Status::Fail => BOLD_RED,
        Status::Unknown => YELLOW,
        Status::Error => MAGENTA,
        Status::Waived => CYAN,
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

/// What became of one policy in the default (not verbose) view.
enum Shown {
    /// Failed, unknown or errored: a header and a table.
    Section(String),
    /// Collapsed into the line of policies that passed.
    Passed,
    NoMatch,
    /// Every finding that did not pass was waived.
    WaivedOnly,
    /// `-q`: nothing that blocks; left to the summary line.
    Quiet,
}

fn render_policies(report: &Report, options: &RenderOptions, paint: &Paint, out: &mut impl Push) {
    let mut by_policy: HashMap<&str, Vec<&Finding>> = HashMap::new();
    for f in &report.findings {
        by_policy.entry(&*f.policy_id).or_default().push(f);
    }
    // Each policy's table on its own (large plans have several big ones),
    // in windows of four per thread, each written and dropped before the
    // next: holding every table until the last was done cost up to a tenth
    // more peak memory on a 100k-resource plan, and windows of one per
    // thread left a thread idle beside each big table (a fifth slower).
    let show = |policy: &PolicyInfo| {
        let mut findings = by_policy.get(policy.id.as_str()).cloned().unwrap_or_default();
        if options.quiet {
            // What does not block is left to the summary line.
            findings.retain(|f| matches!(f.effect, Effect::Blocks | Effect::Errors));
            if findings.is_empty() {
                return Shown::Quiet;
            }
        }
        let counts = Counts::of(findings.iter().copied());
        if !options.verbose && counts.fail + counts.unknown + counts.error == 0 {
            return if counts.waived > 0 {
                Shown::WaivedOnly
            } else if counts.pass > 0 {
                Shown::Passed
            } else {
                Shown::NoMatch
            };
        }
        let mut section = String::new();
        render_policy(report, policy, findings, &counts, options, paint, &mut section);
        Shown::Section(section)
    };
    let (mut sections, mut passed, mut no_match, mut waived_only) = (0, 0, 0, 0);
    for window in report.policies.chunks(rayon::current_num_threads().max(1) * 4) {
        let shown: Vec<Shown> = window.par_iter().map(show).collect();
        for s in shown {
            match s {
                Shown::Section(text) => {
                    sections += 1;
                    out.push_str(&text);
                }
                Shown::Passed => passed += 1,
                Shown::NoMatch => no_match += 1,
                Shown::WaivedOnly => waived_only += 1,
                Shown::Quiet => {}
            }
        }
    }
    let collapsed = passed + no_match + waived_only;
    // `-q` shows only what blocks: no line about what passed.
    if collapsed > 0 && !options.quiet {
        out.push_str(&paint.paint(DIM, &collapsed_line(collapsed, no_match, waived_only, sections > 0)));
        out.push_str("\n\n");
    }
}

/// `24 other policies passed (17 matched no resources); -v lists them`.
fn collapsed_line(collapsed: usize, no_match: usize, waived_only: usize, after_tables: bool) -> String {
    let mut line = if after_tables {
        format!("{} passed", plural(collapsed, "other policy", "other policies"))
    } else if collapsed == 1 {
        "The policy passed".to_string()
    } else {
        format!("All {collapsed} policies passed")
    };
    let mut details = Vec::new();
    if no_match > 0 {
        details.push(format!("{no_match} matched no resources"));
    }
    if waived_only > 0 {
        details.push(format!("{waived_only} through waivers"));
    }
    if !details.is_empty() {
        line.push_str(&format!(" ({})", details.join(", ")));
    }
    line.push_str("; -v lists them");
    line
}

fn render_policy(
    report: &Report,
    policy: &PolicyInfo,
    findings: Vec<&Finding>,
    counts: &Counts,
    options: &RenderOptions,
    paint: &Paint,
    out: &mut String,
) {
    let several_plans = report.plans.len() > 1;
    let mut level = policy.enforcement_level.as_str().to_string();
    if let Some(sev) = policy.severity {
        level = format!("{level}, {}", sev.as_str());
    }
    out.push_str(&format!(
        "{}  {}  ({})  {}\n",
        paint.paint(BOLD, &terminal_safe(&policy.id)),
        terminal_safe(policy.title.as_deref().unwrap_or(&policy.name)),
        level,
        paint.paint(DIM, &counts_phrase(counts)),
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
    rows.extend(shown.iter().map(|f| {
        let mut row = vec![f.status.as_str().to_string()];
        if several_plans {
            row.push(terminal_safe(&f.plan));
        }
        row.push(terminal_safe(&f.address));
        row.push(if f.module_path.is_empty() { "(root)".to_string() } else { terminal_safe(&f.module_path) });
        row.push(terminal_safe(&message_with_notes(f)));
        row
    }));
    let colors: Vec<Option<&str>> = shown.iter().map(|f| Some(status_code(f.status))).collect();
    out.push_str(&finish(rows, &colors, options));
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
    out.push_str(&finish(rows, &[], options));
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
/// header; `colors`, one per body row, paints its first cell). With a
/// width, word-wraps the last (free-text) column to fit, and only when that
/// is not enough narrows the widest columns too.
///
/// The wrapping is done here, before `tabled` lays the cells out: its own
/// wrap breaks lines early and leaves spaces at their start.
fn finish(mut rows: Vec<Vec<String>>, colors: &[Option<&str>], options: &RenderOptions) -> String {
    if let Some(limit) = options.width {
        fit(&mut rows, limit);
    }
    let mut builder = Builder::with_capacity(rows.len(), rows.first().map_or(0, Vec::len));
    for row in rows {
        builder.push_record(row);
    }
    let mut table = builder.build();
    table.with(Style::rounded());
    if options.color {
        for (i, code) in colors.iter().enumerate() {
            if let Some(code) = code {
                table.modify(Cell::new(i + 1, 0), Color::new(*code, RESET));
            }
        }
    }
    table.to_string()
}

/// Wraps the cells of the body so that the table is at most `limit` columns wide.
fn fit(rows: &mut [Vec<String>], limit: usize) {
    let columns = rows.iter().map(Vec::len).max().unwrap_or(0);
    if columns == 0 {
        return;
    }
    let mut widths: Vec<usize> = (0..columns)
        .map(|c| rows.iter().filter_map(|r| r.get(c)).map(|cell| text_width(cell)).max().unwrap_or(0))
        .collect();
    let excess = table_width(&widths).saturating_sub(limit);
    if excess == 0 {
        return;
    }
    let last = columns - 1;
    if widths[last].saturating_sub(excess) >= MIN_WRAP {
        widths[last] -= excess;
    } else {
        // Narrow the widest column, one column of text at a time, so that
        // short ones (status) stay whole.
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

/// The widest line, in terminal columns (wide characters take two).
fn text_width(s: &str) -> usize {
    s.split('\n').map(UnicodeWidthStr::width).max().unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::{finish, text_width, wrap_words};
    use crate::RenderOptions;

    fn rows(cells: &[&[&str]]) -> Vec<Vec<String>> {
        cells.iter().map(|r| r.iter().map(|c| c.to_string()).collect()).collect()
    }

    #[test]
    fn draws_rounded_borders_with_multiline_cells() {
        let table = finish(
            rows(&[&["status", "message"], &["fail", "one\ntwo lines"], &["pass", ""]]),
            &[],
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
        assert_eq!(text_width("名前"), 4);
        let options = RenderOptions { color: true, ..RenderOptions::default() };
        let table = finish(rows(&[&["a", "名前"], &["ok", "x"]]), &[Some("\x1b[32m")], &options);
        assert!(table.contains("│ \x1b[32mok\x1b[0m │ x    │"), "{table}");
        assert!(table.contains("│ a  │ 名前 │"), "{table}");
    }

    #[test]
    fn wraps_the_message_column_to_the_width() {
        let long = "word ".repeat(30);
        let options = RenderOptions { width: Some(60), ..RenderOptions::default() };
        let table = finish(rows(&[&["status", "message"], &["fail", long.trim()]]), &[], &options);
        for line in table.lines() {
            assert!(text_width(line) <= 60, "too wide: {line}");
        }
        assert!(table.contains("│ fail   │ word word"), "{table}");
    }

    #[test]
    fn narrows_the_widest_columns_when_wrapping_the_last_is_not_enough() {
        let long = "word ".repeat(30);
        let options = RenderOptions { width: Some(40), ..RenderOptions::default() };
        let table = finish(rows(&[&["address", "message"], &[&"x".repeat(50), long.trim()]]), &[], &options);
        for line in table.lines() {
            assert!(text_width(line) <= 40, "too wide: {line}");
        }
        assert!(table.contains("│ word word"), "{table}");
    }

    fn policy(id: &str) -> crate::PolicyInfo {
        crate::PolicyInfo { id: id.into(), name: id.into(), ..Default::default() }
    }

    fn finding(policy: &str, status: crate::Status) -> crate::Finding {
        crate::Finding { policy_id: policy.into(), status, address: "aws_instance.a".into(), ..Default::default() }
    }

    /// A plan with no resource the library looks at: one line, not one per policy.
    #[test]
    fn policies_that_passed_or_matched_nothing_collapse_into_one_line() {
        use crate::Status;
        let mut policies: Vec<crate::PolicyInfo> = (0..29).map(|i| policy(&format!("TFG-X-{i:03}"))).collect();
        policies.extend([policy("TFG-FAILS"), policy("TFG-PASSES"), policy("TFG-WAIVED")]);
        let findings = vec![
            finding("TFG-FAILS", Status::Fail),
            finding("TFG-PASSES", Status::Pass),
            finding("TFG-WAIVED", Status::Waived),
        ];
        let report = crate::Report { policies, findings, ..Default::default() };
        let text = crate::render(crate::Format::Table, &report, &RenderOptions::default()).unwrap();
        assert!(!text.contains("no resources matched") && !text.contains("TFG-X-"), "{text}");
        assert!(!text.contains("TFG-PASSES") && !text.contains("TFG-WAIVED"), "{text}");
        assert!(text.starts_with("TFG-FAILS"), "{text}");
        assert!(
            text.contains("\n31 other policies passed (29 matched no resources, 1 through waivers); -v lists them\n"),
            "{text}"
        );

        let verbose = RenderOptions { verbose: true, ..RenderOptions::default() };
        let text = crate::render(crate::Format::Table, &report, &verbose).unwrap();
        assert_eq!(text.matches("no resources matched").count(), 29, "{text}");
        assert!(text.contains("TFG-PASSES") && text.contains("TFG-WAIVED") && !text.contains("-v lists"), "{text}");
    }

    #[test]
    fn unknown_and_errors_get_a_table_too() {
        use crate::Status;
        let report = crate::Report {
            policies: vec![policy("TFG-UNKNOWN"), policy("TFG-ERROR")],
            findings: vec![finding("TFG-UNKNOWN", Status::Unknown), finding("TFG-ERROR", Status::Error)],
            ..Default::default()
        };
        let text = crate::render(crate::Format::Table, &report, &RenderOptions::default()).unwrap();
        assert!(text.contains("│ unknown │") && text.contains("│ error  │"), "{text}");
        assert!(!text.contains("passed;"), "{text}");
    }

    #[test]
    fn wraps_words_and_cuts_long_ones() {
        assert_eq!(wrap_words("aa bb cc", 5), "aa bb\ncc");
        assert_eq!(wrap_words("abcdefgh x", 3), "abc\ndef\ngh\nx");
        assert_eq!(wrap_words("one\ntwo three", 9), "one\ntwo three");
        assert_eq!(wrap_words("", 4), "");
    }
}
