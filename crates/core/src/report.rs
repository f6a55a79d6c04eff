//! The neutral report: what a run found, independent of any output format.
//!
//! Everything in a `Report` is already safe to print: messages were rendered
//! by the evaluator with sensitive values replaced by `(sensitive value)`.
//! Renderers only choose layout; they never look at plan values.

use std::sync::Arc;

use serde::{Deserialize, Serialize};

use crate::{EnforcementLevel, Severity, Status, TargetKind, UnknownMode};

/// Version of the JSON form of [`Report`]; bumped on incompatible changes.
pub const SCHEMA_VERSION: u32 = 1;

/// The outcome of one `tfgate check` run over one or more plans.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Report {
    /// The version of the JSON form ([`SCHEMA_VERSION`]).
    pub schema_version: u32,
    /// The program that made the report.
    pub tool: Tool,
    /// The plans evaluated, in the order given.
    pub plans: Vec<PlanInfo>,
    /// Every policy that ran, sorted by id.
    pub policies: Vec<PolicyInfo>,
    /// One finding per policy × target (resource, provider or module), sorted
    /// by plan, policy id, then address.
    pub findings: Vec<Finding>,
    /// Waivers from the configuration and what became of them.
    pub waivers: Vec<WaiverInfo>,
    /// Soft-mandatory policies overridden for this run.
    pub overrides: Vec<OverrideInfo>,
    /// Problems that stopped part of the run (a policy that failed to load, …).
    pub errors: Vec<RunError>,
    /// The gate's decision.
    pub gate: Gate,
}

/// The program that made a report.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Tool {
    /// The program's name (`tfgate`).
    pub name: String,
    /// Its version.
    pub version: String,
}

/// One plan a run evaluated.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct PlanInfo {
    /// The path as given on the command line (`-` for standard input).
    pub path: String,
    /// The plan's `format_version`.
    pub format_version: String,
    /// The Terraform (or OpenTofu) version that wrote the plan.
    pub terraform_version: Option<String>,
    /// `Terraform`, `OpenTofu` or `unknown`.
    pub producer: String,
    /// How many resource instances were evaluated.
    pub resources: usize,
    /// What the plan reader noticed about the plan (already safe to print).
    pub warnings: Vec<String>,
}

/// A policy as the report describes it.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct PolicyInfo {
    /// Stable id (`TFG-EC2-001`, or `file.policy.hcl/label` for user policies).
    pub id: String,
    /// The policy block's label (`imdsv2_required`).
    pub name: String,
    /// A one-line title.
    pub title: Option<String>,
    /// What the policy checks.
    pub description: Option<String>,
    /// How serious a violation is, when the policy says.
    pub severity: Option<Severity>,
    /// The effective level (after configuration overrides).
    pub enforcement_level: EnforcementLevel,
    /// What it targets: `resource`, `provider` or `module`, and the pattern (`aws_instance`).
    pub target_kind: TargetKind,
    /// The target pattern (`aws_instance`, `aws_*`).
    pub target: String,
    /// Compliance controls (`AWS FSBP EC2.8`, `CIS AWS 5.6`).
    pub controls: Vec<String>,
    /// Where the policy came from (`builtin:ec2/imdsv2.policy.hcl`, a file path).
    pub source: String,
    /// Where the policy is documented.
    pub help_uri: Option<String>,
}

/// One policy's verdict on one target.
///
/// A large plan gives millions of findings, most of them passes, so the
/// strings every finding of a policy, plan or target repeats are shared
/// (`Arc<str>`: cloning one is a reference count, not a copy) and a pass
/// carries no message of its own.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Finding {
    /// The policy's id ([`PolicyInfo::id`]).
    pub policy_id: Arc<str>,
    /// The policy's name ([`PolicyInfo::name`]).
    pub policy_name: Arc<str>,
    /// The verdict.
    pub status: Status,
    /// The effective level (after configuration overrides).
    pub enforcement_level: EnforcementLevel,
    /// The policy's severity.
    pub severity: Option<Severity>,
    /// The plan this finding comes from (as given on the command line).
    pub plan: Arc<str>,
    /// What the finding is about.
    pub target_kind: TargetKind,
    /// Resource instance address as the plan writes it; for providers the
    /// configuration key (`aws.west`), for modules the module instance address.
    pub address: Arc<str>,
    /// The resource type, for resource findings.
    pub resource_type: Option<Arc<str>>,
    /// Module instance path (`module.app["blue"]`); empty for the root module.
    pub module_path: Arc<str>,
    /// The source of the module the target is in, when the plan says.
    pub module_source: Option<Arc<str>>,
    /// That module's version constraint, when the plan says.
    pub module_version: Option<Arc<str>>,
    /// The attribute the verdict is about, where known (`metadata_options[0].http_tokens`).
    pub attribute_path: Option<String>,
    /// The rendered error or info message (already free of sensitive values).
    pub message: String,
    /// Why a failing finding does not count: the waiver or the override.
    pub waived_by: Option<String>,
    /// A soft-mandatory failure overridden for this run.
    pub overridden: bool,
    /// Where the target is declared in the Terraform configuration (the
    /// `resource`, `data`, `module` or `provider` block), when tfgate could
    /// map it; `None` for a remote module or a missing file. Shared: every
    /// policy's finding on one target points at the same block.
    #[serde(default)]
    pub location: Option<Arc<SourceLocation>>,
    /// What this finding does to the gate, decided once by the engine after
    /// waivers and overrides; renderers read it and never decide again. Not
    /// part of the JSON report, which says the same through `status`,
    /// `enforcement_level`, `overridden` and the gate's `unknown_mode`.
    #[serde(skip)]
    pub effect: Effect,
}

/// A block of a `.tf` file: where reviewers look for a finding.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct SourceLocation {
    /// The file, relative to the directory tfgate ran in, with `/` separators
    /// (`infra/modules/app/main.tf`).
    pub file: String,
    /// The block's first line (1-based).
    pub start_line: u32,
    /// The block's last line (1-based, inclusive).
    pub end_line: u32,
}

/// What one finding does to the gate.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum Effect {
    /// Nothing: a pass, a waived finding, or an unknown the run counts as a
    /// warning or a pass.
    #[default]
    None,
    /// A violation that does not block the change: an advisory policy's, or
    /// an overridden soft-mandatory policy's.
    Warns,
    /// A violation that blocks the change (exit code 1).
    Blocks,
    /// An evaluation error: the run is an error (exit code 2).
    Errors,
}

impl Effect {
    /// Whether the finding is a violation (or an error) at all, blocking or
    /// not: what the roll-up and the Sentinel trace count as failing.
    pub fn is_violation(self) -> bool {
        !matches!(self, Effect::None)
    }
}

/// A waiver and what it did in this run.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct WaiverInfo {
    /// The policy id (or pattern) it waives.
    pub policy: String,
    /// The address pattern it covers.
    pub address: String,
    /// Why it was granted.
    pub reason: String,
    /// Who is responsible for it.
    pub owner: Option<String>,
    /// When it stops applying (`YYYY-MM-DD`).
    pub expires: Option<String>,
    /// `active` (matched findings), `unused` (matched nothing), `expired`.
    pub state: String,
    /// How many findings it covered.
    pub matched: usize,
}

/// A soft-mandatory policy overridden for a run.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct OverrideInfo {
    /// The policy id overridden.
    pub policy: String,
    /// Why, as given with `--override-reason`.
    pub reason: Option<String>,
    /// Who overrode, when known (`$USER`, the CI actor).
    pub by: Option<String>,
}

/// A problem that stopped part of a run (exit code 2).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct RunError {
    /// What went wrong (already safe to print).
    pub message: String,
    /// The plan it concerns, if one.
    pub plan: Option<String>,
    /// The policy it concerns, if one.
    pub policy_id: Option<String>,
}

/// The gate's decision.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Gate {
    /// Whether the change may go ahead.
    pub passed: bool,
    /// 0 pass, 1 fail, 2 error.
    pub exit_code: u8,
    /// How unknown results counted: `fail`, `warn` or `pass`.
    pub unknown_mode: UnknownMode,
    /// One line saying why (`2 mandatory policies failed`).
    pub summary: String,
}

/// Counts by status, for summary lines.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Counts {
    /// Findings that passed.
    pub pass: usize,
    /// Findings that failed.
    pub fail: usize,
    /// Findings unknown until apply.
    pub unknown: usize,
    /// Findings whose evaluation failed.
    pub error: usize,
    /// Findings a waiver covers.
    pub waived: usize,
}

impl Counts {
    /// Counts `findings` by status.
    pub fn of<'a>(findings: impl IntoIterator<Item = &'a Finding>) -> Counts {
        let mut c = Counts::default();
        for f in findings {
            match f.status {
                Status::Pass => c.pass += 1,
                Status::Fail => c.fail += 1,
                Status::Unknown => c.unknown += 1,
                Status::Error => c.error += 1,
                Status::Waived => c.waived += 1,
            }
        }
        c
    }
    /// Every finding counted.
    pub fn total(&self) -> usize {
        self.pass + self.fail + self.unknown + self.error + self.waived
    }
}

impl Report {
    /// The report's findings by status.
    pub fn counts(&self) -> Counts {
        Counts::of(&self.findings)
    }
    /// The policy with this id.
    pub fn policy(&self, id: &str) -> Option<&PolicyInfo> {
        self.policies.iter().find(|p| p.id == id)
    }
}
