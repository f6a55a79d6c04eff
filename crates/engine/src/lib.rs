//! The tfgate engine: what turns policy verdicts into a decision. Policy
//! languages plug in behind [`PolicyLanguage`]; the [`Engine`] runs them
//! over each plan, applies overrides and waivers, and owns the gate — decided once,
//! here, and stored on every finding as its
//! [`Effect`](tfgate_core::Effect) so that no renderer decides again.
//!
//! ```
//! use tfgate_core::{Effect, EnforcementLevel, Finding, Status, UnknownMode};
//!
//! let mut findings = vec![
//!     Finding { status: Status::Fail, enforcement_level: EnforcementLevel::Advisory, ..Finding::default() },
//!     Finding { status: Status::Unknown, enforcement_level: EnforcementLevel::Mandatory, ..Finding::default() },
//! ];
//! let gate = tfgate_engine::decide(&mut findings, &[], UnknownMode::Fail);
//! assert_eq!((gate.passed, gate.exit_code), (false, 1));
//! assert_eq!(findings[0].effect, Effect::Warns);
//! assert_eq!(findings[1].effect, Effect::Blocks);
//! ```

#![deny(missing_docs)]

mod config;
mod engine;
mod gate;
mod identity;
mod language;
mod source;
mod targets;
mod waivers;

pub use config::{
    discover_config, load_config, parse_config, Config, ConfigError, HttpSettings, InputSetting, PolicySetSource,
    PolicySettings, TfeContext, CONFIG_FILE, MAX_CONFIG_BYTES, MAX_DIAGNOSTICS, MAX_VALUE_BYTES,
};
pub use engine::{apply_overrides, Engine, OverrideError, Overrides};
pub use gate::{decide, effect_of};
pub use identity::{
    resolve_config, resolve_config_with, BlockIdentity, ExternalPolicy, PolicyIdentity, PolicyIndex, Resolution,
    ResolvedSettings, Unresolved,
};
pub use language::{glob_match, Evaluation, Granularity, LoadError, PlanInput, PolicyLanguage, Reads};
pub use source::{read_source, read_source_at_most, SourceError};
pub use targets::{
    findings_in_report_order, plan_targets, PlanTargets, PolicyLabels, TargetLabeler, TargetLabels, Verdict,
};
pub use waivers::{apply_waivers, today, Waiver, WaiverScope};
