//! The neutral report: what a run found, independent of any output format.
//!
//! Everything in a `Report` is already safe to print: messages were rendered
//! by the evaluator with sensitive values replaced by `(sensitive value)`.
//! Renderers only choose layout; they never look at plan values.

use std::sync::Arc;

use serde::{Deserialize, Serialize};

/// Version of the JSON form of [`Report`]; bumped on incompatible changes.
pub const SCHEMA_VERSION: u32 = 1;

/// The outcome of one `tfgate check` run over one or more plans.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Report {
    pub schema_version: u32,
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
    pub gate: Gate,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Tool {
    pub name: String,
    pub version: String,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct PlanInfo {
    /// The path as given on the command line (`-` for standard input).
    pub path: String,
    pub format_version: String,
    pub terraform_version: Option<String>,
    /// `Terraform`, `OpenTofu` or `unknown`.
    pub producer: String,
    /// How many resource instances were evaluated.
    pub resources: usize,
    pub warnings: Vec<String>,
}

/// A policy as the report describes it.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct PolicyInfo {
    /// Stable id (`TFG-EC2-001`, or `file.policy.hcl/label` for user policies).
    pub id: String,
    /// The policy block's label (`imdsv2_required`).
    pub name: String,
    pub title: Option<String>,
    pub description: Option<String>,
    pub severity: Option<Severity>,
    pub enforcement_level: EnforcementLevel,
    /// What it targets: `resource`, `provider` or `module`, and the pattern (`aws_instance`).
    pub target_kind: TargetKind,
    pub target: String,
    /// Compliance controls (`AWS FSBP EC2.8`, `CIS AWS 5.6`).
    pub controls: Vec<String>,
    /// Where the policy came from (`builtin:ec2/imdsv2.policy.hcl`, a file path).
    pub source: String,
    pub help_uri: Option<String>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Info,
    Low,
    Medium,
    High,
    Critical,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Low => "low",
            Severity::Medium => "medium",
            Severity::High => "high",
            Severity::Critical => "critical",
        }
    }
}

/// How a failure counts towards the gate.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum EnforcementLevel {
    /// Reported, never fails the gate.
    Advisory,
    /// Sentinel's `soft-mandatory`: fails unless overridden.
    MandatoryOverridable,
    /// Sentinel's `hard-mandatory`.
    #[default]
    Mandatory,
}

impl EnforcementLevel {
    pub fn as_str(self) -> &'static str {
        match self {
            EnforcementLevel::Advisory => "advisory",
            EnforcementLevel::MandatoryOverridable => "mandatory-overridable",
            EnforcementLevel::Mandatory => "mandatory",
        }
    }
    /// Sentinel's name for the level.
    pub fn sentinel_name(self) -> &'static str {
        match self {
            EnforcementLevel::Advisory => "advisory",
            EnforcementLevel::MandatoryOverridable => "soft-mandatory",
            EnforcementLevel::Mandatory => "hard-mandatory",
        }
    }
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum TargetKind {
    #[default]
    Resource,
    Provider,
    Module,
}

/// The verdict of one policy on one target.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    /// Every enforce condition held.
    #[default]
    Pass,
    /// A condition was false.
    Fail,
    /// A condition could not be decided at plan time (depends on values known after apply).
    Unknown,
    /// Evaluating a condition failed (a type error, the step limit, …).
    Error,
    /// Failed or unknown, but a waiver covers it.
    Waived,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Pass => "pass",
            Status::Fail => "fail",
            Status::Unknown => "unknown",
            Status::Error => "error",
            Status::Waived => "waived",
        }
    }
}

/// One policy's verdict on one target.
///
/// A large plan gives millions of findings, most of them passes, so the
/// strings every finding of a policy, plan or target repeats are shared
/// (`Arc<str>`: cloning one is a reference count, not a copy) and a pass
/// carries no message of its own.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Finding {
    pub policy_id: Arc<str>,
    pub policy_name: Arc<str>,
    pub status: Status,
    /// The effective level (after configuration overrides).
    pub enforcement_level: EnforcementLevel,
    pub severity: Option<Severity>,
    /// The plan this finding comes from (as given on the command line).
    pub plan: Arc<str>,
    pub target_kind: TargetKind,
    /// Resource instance address as the plan writes it; for providers the
    /// configuration key (`aws.west`), for modules the module instance address.
    pub address: Arc<str>,
    pub resource_type: Option<Arc<str>>,
    /// Module instance path (`module.app["blue"]`); empty for the root module.
    pub module_path: Arc<str>,
    pub module_source: Option<Arc<str>>,
    pub module_version: Option<Arc<str>>,
    /// The attribute the verdict is about, where known (`metadata_options[0].http_tokens`).
    pub attribute_path: Option<String>,
    /// The rendered error or info message (already free of sensitive values).
    pub message: String,
    /// Why a failing finding does not count: the waiver or the override.
    pub waived_by: Option<String>,
    pub overridden: bool,
}

/// A waiver and what it did in this run.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct WaiverInfo {
    pub policy: String,
    pub address: String,
    pub reason: String,
    pub owner: Option<String>,
    pub expires: Option<String>,
    /// `active` (matched findings), `unused` (matched nothing), `expired`.
    pub state: String,
    pub matched: usize,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct OverrideInfo {
    pub policy: String,
    pub reason: Option<String>,
    /// Who overrode, when known (`$USER`, the CI actor).
    pub by: Option<String>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct RunError {
    pub message: String,
    pub plan: Option<String>,
    pub policy_id: Option<String>,
}

/// The gate's decision.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Gate {
    pub passed: bool,
    /// 0 pass, 1 fail, 2 error.
    pub exit_code: u8,
    /// How unknown results counted: `fail`, `warn` or `pass`.
    pub unknown_mode: String,
    /// One line saying why (`2 mandatory policies failed`).
    pub summary: String,
}

/// Counts by status, for summary lines.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Counts {
    pub pass: usize,
    pub fail: usize,
    pub unknown: usize,
    pub error: usize,
    pub waived: usize,
}

impl Counts {
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
    pub fn total(&self) -> usize {
        self.pass + self.fail + self.unknown + self.error + self.waived
    }
}

impl Report {
    pub fn counts(&self) -> Counts {
        Counts::of(&self.findings)
    }
    pub fn policy(&self, id: &str) -> Option<&PolicyInfo> {
        self.policies.iter().find(|p| p.id == id)
    }
}
