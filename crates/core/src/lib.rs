//! tfgate's vocabulary: the words and records every other crate shares, and
//! nothing else. Each concept is defined here once — a finding's [`Status`],
//! a policy's [`EnforcementLevel`] and [`Severity`], the [`TargetKind`] a
//! policy looks at, how unknown results count ([`UnknownMode`]) — together
//! with the neutral [`Report`] a run produces: [`PolicyInfo`], [`Finding`]
//! (with the gate [`Effect`] the engine decided for it) and the [`Gate`];
//! and how a problem in a file a user wrote is told: a [`Diagnostic`] at a
//! [`Span`] of a [`SourceFile`], with its line quoted and a suggestion
//! ([`suggest`]), the same for policies and for `tfgate.hcl`.
//!
//! Policy languages and the engine produce these records; renderers read
//! them. This crate depends on neither.
//!
//! ```
//! use tfgate_core::{EnforcementLevel, Finding, Status, UnknownMode};
//!
//! // Every spelling of a level: Terraform policy's, tfgate's, Sentinel's.
//! assert_eq!(EnforcementLevel::parse("soft-mandatory"), Some(EnforcementLevel::MandatoryOverridable));
//! assert_eq!(EnforcementLevel::parse("mandatory_overridable"), Some(EnforcementLevel::MandatoryOverridable));
//! assert_eq!("warn".parse::<UnknownMode>().unwrap(), UnknownMode::Warn);
//!
//! let finding = Finding { status: Status::Fail, ..Finding::default() };
//! assert_eq!(finding.status.as_str(), "fail");
//! ```

#![deny(missing_docs)]

mod diagnostic;
mod report;
mod vocabulary;

pub use diagnostic::{suggest, Diagnostic, DiagnosticSeverity, Location, SourceFile, Span};
pub use report::{
    Counts, Effect, Finding, Gate, OverrideInfo, PlanInfo, PolicyInfo, Report, RunError, SourceLocation, Tool,
    WaiverInfo, SCHEMA_VERSION,
};
pub use vocabulary::{EnforcementLevel, Severity, Status, TargetKind, UnknownMode, UnknownModeError};
