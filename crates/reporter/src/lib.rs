//! Rendering of tfgate reports: one neutral [`Report`], one module per output format.
//!
//! Every format is a function `write(&Report, &RenderOptions, &mut dyn Write)`
//! in its own module, writing as it renders; [`write()`] dispatches on a
//! [`Format`], whose names (a `clap::ValueEnum`) are the only list of them.
//! Renderers never print and never look at plan values: everything in a
//! `Report` is already redacted. They read the gate's decision from each
//! finding ([`Finding::effect`]) and never decide it again.
//!
//! ```
//! use tfgate_report::{render, summary_line, Effect, Finding, Format, Gate, RenderOptions, Report, Status};
//!
//! let report = Report {
//!     findings: vec![Finding {
//!         policy_id: "s3-encryption".into(),
//!         address: "aws_s3_bucket.logs".into(),
//!         status: Status::Fail,
//!         effect: Effect::Blocks,
//!         ..Finding::default()
//!     }],
//!     gate: Gate { passed: false, exit_code: 1, ..Gate::default() },
//!     ..Report::default()
//! };
//! assert!(summary_line(&report).ends_with("gate FAILED"));
//!
//! // Format names come from the command line; every format renders the same report.
//! let format: Format = "json".parse()?;
//! let json = render(format, &report, &RenderOptions::default())?;
//! let doc: serde_json::Value = serde_json::from_str(&json)?;
//! assert_eq!(doc["findings"][0]["status"], "fail");
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

#![deny(missing_docs)]

use std::fmt;
use std::str::FromStr;

mod github;
mod json;
mod junit;
mod markdown;
mod rollup;
mod sarif;
mod sentinel;
mod table;
mod text;

pub use rollup::{module_rollup, ModuleRollup, ROOT_SOURCE, UNKNOWN_SOURCE};
pub use tfgate_core::{
    Counts, Effect, EnforcementLevel, Finding, Gate, OverrideInfo, PlanInfo, PolicyInfo, Report, RunError, Severity,
    SourceLocation, Status, TargetKind, Tool, UnknownMode, WaiverInfo, SCHEMA_VERSION,
};

/// The output formats tfgate can write.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Format {
    /// Human-readable tables (the default on a terminal).
    Table,
    /// The report as versioned JSON (see `docs/report-json.md`).
    Json,
    /// SARIF 2.1.0, for code scanning.
    Sarif,
    /// JUnit XML, for CI test reports.
    Junit,
    /// GitHub Actions workflow commands (annotations).
    Github,
    /// A Markdown summary for `$GITHUB_STEP_SUMMARY` or a pull-request comment.
    Markdown,
    /// A trace in the style of a Sentinel run.
    Sentinel,
}

impl Format {
    /// Every format, in the order help texts list them.
    pub const ALL: [Format; 7] =
        [Format::Table, Format::Json, Format::Sarif, Format::Junit, Format::Github, Format::Markdown, Format::Sentinel];

    /// The name used on the command line and in configuration.
    pub fn name(self) -> &'static str {
        match self {
            Format::Table => "table",
            Format::Json => "json",
            Format::Sarif => "sarif",
            Format::Junit => "junit",
            Format::Github => "github",
            Format::Markdown => "markdown",
            Format::Sentinel => "sentinel",
        }
    }
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for Format {
    type Err = ReportError;

    /// Accepts the names of [`Format::name`] and their aliases (`md`),
    /// case-insensitively: the command line's own parser, so that
    /// `--format` and `--output FORMAT=PATH` accept the same names.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        <Format as clap::ValueEnum>::from_str(s.trim(), true).map_err(|_| ReportError::UnknownFormat(s.to_string()))
    }
}

// By hand rather than derived: the derive would turn the variants' docs into
// help texts, and `--help` lists the names alone.
impl clap::ValueEnum for Format {
    fn value_variants<'a>() -> &'a [Self] {
        &Format::ALL
    }
    fn to_possible_value(&self) -> Option<clap::builder::PossibleValue> {
        let value = clap::builder::PossibleValue::new(self.name());
        Some(match self {
            Format::Markdown => value.alias("md"),
            _ => value,
        })
    }
}

/// How the JUnit format shows findings whose status is `unknown`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum UnknownAs {
    /// As a `<failure>` when it blocks the gate (the default: a gate fails
    /// closed); one counted as a warning (`--unknown warn`) passes with a note.
    #[default]
    Fail,
    /// As `<skipped>`.
    Skip,
}

impl FromStr for UnknownAs {
    type Err = ReportError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "fail" | "failure" => Ok(UnknownAs::Fail),
            "skip" | "skipped" => Ok(UnknownAs::Skip),
            _ => Err(ReportError::UnknownOption(format!("unknown_as={s}"))),
        }
    }
}

/// Choices the CLI makes for every format; each format uses those that apply.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RenderOptions {
    /// ANSI colours (table, sentinel). The CLI turns this on for a TTY
    /// without `NO_COLOR`, or with `--color always`.
    pub color: bool,
    /// Table only: just what blocks the gate (blocking findings, errors,
    /// problems of the run) and the summary line (`--quiet`).
    pub quiet: bool,
    /// Show passing findings too (table, markdown, sentinel, sarif as
    /// `kind: pass` results). JSON and JUnit always contain them.
    pub verbose: bool,
    /// Add the roll-up by module source and version (table: instead of the
    /// per-policy tables; markdown: as an extra table).
    pub group_by_module: bool,
    /// JUnit only: how `unknown` findings appear.
    pub unknown_as: UnknownAs,
    /// Table only: wrap the tables to this many columns (the terminal width).
    pub width: Option<usize>,
    /// The directory the run worked in: SARIF writes a plan path given as
    /// an absolute path relative to it (code scanning resolves relative
    /// URIs against the checkout). Source locations already are relative.
    pub base_dir: Option<std::path::PathBuf>,
    /// Markdown only: where every finding can be read (report files, a CI
    /// run's page), named when the summary is cut to GitHub's comment limit.
    pub full_report: Option<String>,
    /// Sentinel format only: the HCP Terraform `trace:` text of each Sentinel
    /// policy's run, by (plan, policy id), already scrubbed of sensitive
    /// values; such a policy is shown by its trace.
    pub sentinel_traces: std::collections::BTreeMap<(String, String), String>,
}

fn format_names() -> String {
    Format::ALL.map(Format::name).join(", ")
}

/// Errors of this crate.
#[derive(Debug, thiserror::Error)]
pub enum ReportError {
    /// A format name that is not one of [`Format::ALL`] or their aliases.
    #[error("unknown output format `{0}` (expected one of: {names})", names = format_names())]
    UnknownFormat(String),
    /// A render option with a value it does not take (`unknown_as=maybe`).
    #[error("invalid option `{0}`")]
    UnknownOption(String),
    /// The XML writer failed for a reason other than the output's.
    #[error("cannot write JUnit XML: {0}")]
    Junit(String),
    /// The JSON serializer failed for a reason other than the output's.
    #[error("cannot serialize JSON: {0}")]
    Json(#[from] serde_json::Error),
    /// The writer a report was written into failed (a closed pipe, a full disk).
    #[error(transparent)]
    Io(#[from] std::io::Error),
}

/// Writes `report` in `format` into `out`, as it is rendered: nothing
/// (not even the JSON of a million findings) is held whole first. A failed
/// writer (a closed pipe, a full disk) gives [`ReportError::Io`], and
/// rendering stops.
pub fn write(
    format: Format,
    report: &Report,
    options: &RenderOptions,
    out: &mut dyn std::io::Write,
) -> Result<(), ReportError> {
    match format {
        Format::Table => Ok(table::write(report, options, out)?),
        Format::Json => json::write(report, options, out),
        Format::Sarif => sarif::write(report, options, out),
        Format::Junit => junit::write(report, options, out),
        Format::Github => Ok(github::write(report, options, out)?),
        Format::Markdown => Ok(markdown::write(report, options, out)?),
        Format::Sentinel => Ok(sentinel::write(report, options, out)?),
    }
}

/// [`write()`] into a `String`: for tests and callers that need the text.
pub fn render(format: Format, report: &Report, options: &RenderOptions) -> Result<String, ReportError> {
    let mut out = Vec::new();
    write(format, report, options, &mut out)?;
    // Every renderer writes UTF-8; a failure here is a bug, reported, not a panic.
    String::from_utf8(out).map_err(|e| ReportError::Io(std::io::Error::new(std::io::ErrorKind::InvalidData, e)))
}

/// The one-line summary shared by the table and Markdown formats:
/// `12 policies, 340 resources: 3 failed (2 mandatory, 1 advisory), 5 unknown, 0 errors, 1 waived — gate FAILED`.
pub fn summary_line(report: &Report) -> String {
    let counts = report.counts();
    let resources: usize = report.plans.iter().map(|p| p.resources).sum();
    let mut line = format!(
        "{}, {}: {} failed",
        plural(report.policies.len(), "policy", "policies"),
        plural(resources, "resource", "resources"),
        counts.fail
    );
    let breakdown = failure_breakdown(report);
    if !breakdown.is_empty() {
        line.push_str(&format!(" ({})", breakdown.join(", ")));
    }
    // Run errors (a policy that did not load) are errors too.
    let errors = counts.error + report.errors.len();
    line.push_str(&format!(
        ", {} unknown, {}, {} waived — gate {}",
        counts.unknown,
        plural(errors, "error", "errors"),
        counts.waived,
        gate_word(&report.gate)
    ));
    if !report.gate.summary.is_empty() {
        line.push_str(&format!(" ({})", report.gate.summary));
    }
    line
}

/// `PASSED`, `FAILED` or `ERROR` (exit code 2).
pub fn gate_word(gate: &Gate) -> &'static str {
    if gate.passed {
        "PASSED"
    } else if gate.exit_code >= 2 {
        "ERROR"
    } else {
        "FAILED"
    }
}

/// Failed findings by effective level, overridden ones apart: `["2 mandatory", "1 advisory"]`.
fn failure_breakdown(report: &Report) -> Vec<String> {
    let (mut mandatory, mut overridable, mut advisory, mut overridden) = (0, 0, 0, 0);
    for f in report.findings.iter().filter(|f| f.status == Status::Fail) {
        if f.overridden {
            overridden += 1;
            continue;
        }
        match f.enforcement_level {
            EnforcementLevel::Mandatory => mandatory += 1,
            EnforcementLevel::MandatoryOverridable => overridable += 1,
            EnforcementLevel::Advisory => advisory += 1,
        }
    }
    [
        (mandatory, "mandatory"),
        (overridable, "mandatory-overridable"),
        (advisory, "advisory"),
        (overridden, "overridden"),
    ]
    .into_iter()
    .filter(|(n, _)| *n > 0)
    .map(|(n, word)| format!("{n} {word}"))
    .collect()
}

pub(crate) fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn format_names_round_trip() {
        for f in Format::ALL {
            assert_eq!(f.name().parse::<Format>().unwrap(), f);
            assert_eq!(f.to_string().to_uppercase().parse::<Format>().unwrap(), f);
        }
        assert_eq!("md".parse::<Format>().unwrap(), Format::Markdown);
        assert!("xml".parse::<Format>().is_err());
    }

    #[test]
    fn unknown_as_parses() {
        assert_eq!("skip".parse::<UnknownAs>().unwrap(), UnknownAs::Skip);
        assert_eq!("FAIL".parse::<UnknownAs>().unwrap(), UnknownAs::Fail);
        assert!("maybe".parse::<UnknownAs>().is_err());
    }

    #[test]
    fn summary_line_of_empty_report() {
        let report = Report { gate: Gate { passed: true, ..Gate::default() }, ..Report::default() };
        assert_eq!(
            summary_line(&report),
            "0 policies, 0 resources: 0 failed, 0 unknown, 0 errors, 0 waived — gate PASSED"
        );
    }
}
