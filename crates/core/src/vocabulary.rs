//! The words every crate shares: a finding's status, a policy's enforcement
//! level and severity, what a policy targets, and how unknown results count.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// The verdict of one policy on one target.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    /// Every condition held.
    #[default]
    Pass,
    /// A condition was false.
    Fail,
    /// A condition could not be decided at plan time (depends on values known after apply).
    Unknown,
    /// Evaluating a condition failed (a type error, the step limit, …).
    Error,
    /// Failed or unknown, but a waiver covers it. Only the engine sets it.
    Waived,
}

impl Status {
    /// The lowercase name used in every output (`pass`, `fail`, …).
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

impl fmt::Display for Status {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// How a failing policy counts towards the gate.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum EnforcementLevel {
    /// Reported, never fails the gate.
    Advisory,
    /// Fails unless overridden (Sentinel's `soft-mandatory`, Terraform policy's `mandatory_overridable`).
    MandatoryOverridable,
    /// Always fails (Sentinel's `hard-mandatory`). The default: a gate fails closed.
    #[default]
    Mandatory,
}

impl EnforcementLevel {
    /// The level of a policy that names none: Terraform policy's default is
    /// `mandatory` (and a gate fails closed).
    pub const DEFAULT: EnforcementLevel = EnforcementLevel::Mandatory;

    /// Every accepted spelling: Terraform policy's, tfgate's and Sentinel's.
    pub const NAMES: [&'static str; 6] =
        ["advisory", "mandatory", "mandatory_overridable", "mandatory-overridable", "soft-mandatory", "hard-mandatory"];

    /// Parses any spelling of [`EnforcementLevel::NAMES`]: Terraform policy's
    /// (`advisory`, `mandatory`, `mandatory_overridable`), tfgate's
    /// (`mandatory-overridable`) and Sentinel's (`soft-mandatory`, `hard-mandatory`).
    pub fn parse(s: &str) -> Option<EnforcementLevel> {
        Some(match s {
            "advisory" => EnforcementLevel::Advisory,
            "mandatory_overridable" | "mandatory-overridable" | "soft-mandatory" => {
                EnforcementLevel::MandatoryOverridable
            }
            "mandatory" | "hard-mandatory" => EnforcementLevel::Mandatory,
            _ => return None,
        })
    }

    /// tfgate's name, used in every output (`mandatory-overridable`).
    pub fn as_str(self) -> &'static str {
        match self {
            EnforcementLevel::Advisory => "advisory",
            EnforcementLevel::MandatoryOverridable => "mandatory-overridable",
            EnforcementLevel::Mandatory => "mandatory",
        }
    }

    /// Sentinel's name for the level (`soft-mandatory`).
    pub fn sentinel_name(self) -> &'static str {
        match self {
            EnforcementLevel::Advisory => "advisory",
            EnforcementLevel::MandatoryOverridable => "soft-mandatory",
            EnforcementLevel::Mandatory => "hard-mandatory",
        }
    }
}

impl fmt::Display for EnforcementLevel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// How serious a policy's violation is, from the policy's metadata.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Informational.
    Info,
    /// Low.
    Low,
    /// Medium.
    Medium,
    /// High.
    High,
    /// Critical.
    Critical,
}

impl Severity {
    /// Every name, from the least to the most severe.
    pub const NAMES: [&'static str; 5] = ["info", "low", "medium", "high", "critical"];

    /// Parses one of [`Severity::NAMES`].
    pub fn parse(s: &str) -> Option<Severity> {
        Some(match s {
            "info" => Severity::Info,
            "low" => Severity::Low,
            "medium" => Severity::Medium,
            "high" => Severity::High,
            "critical" => Severity::Critical,
            _ => return None,
        })
    }

    /// The lowercase name.
    pub fn as_str(self) -> &'static str {
        Severity::NAMES[self as usize]
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What a policy looks at: a resource instance, a provider configuration or a module call.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum TargetKind {
    /// A resource instance of the plan.
    #[default]
    Resource,
    /// A provider configuration.
    Provider,
    /// A module call (instance).
    Module,
    /// The whole plan: a policy evaluated once per plan (a Sentinel policy).
    Plan,
}

impl TargetKind {
    /// The lowercase name (`resource`, `provider`, `module`, `plan`).
    pub fn as_str(self) -> &'static str {
        match self {
            TargetKind::Resource => "resource",
            TargetKind::Provider => "provider",
            TargetKind::Module => "module",
            TargetKind::Plan => "plan",
        }
    }
}

impl fmt::Display for TargetKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// How an `unknown` result counts towards the gate.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum UnknownMode {
    /// Unknown is a failure: the gate fails closed (the default).
    #[default]
    Fail,
    /// Unknown is reported but does not fail the gate.
    Warn,
    /// Unknown is treated as a pass.
    Pass,
}

impl UnknownMode {
    /// Every name, as written in the configuration and on the command line.
    pub const NAMES: [&'static str; 3] = ["fail", "warn", "pass"];

    /// The lowercase name.
    pub fn as_str(self) -> &'static str {
        UnknownMode::NAMES[self as usize]
    }
}

impl fmt::Display for UnknownMode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A name that is not one of [`UnknownMode::NAMES`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UnknownModeError(pub String);

impl fmt::Display for UnknownModeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "unknown mode {:?}: expected fail, warn or pass", self.0)
    }
}

impl std::error::Error for UnknownModeError {}

impl FromStr for UnknownMode {
    type Err = UnknownModeError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "fail" => Ok(UnknownMode::Fail),
            "warn" => Ok(UnknownMode::Warn),
            "pass" => Ok(UnknownMode::Pass),
            other => Err(UnknownModeError(other.to_string())),
        }
    }
}

// By hand rather than derived: the derive would turn the variants' docs into
// help texts, and `--help` lists the names alone.
#[cfg(feature = "clap")]
impl clap::ValueEnum for UnknownMode {
    fn value_variants<'a>() -> &'a [Self] {
        &[UnknownMode::Fail, UnknownMode::Warn, UnknownMode::Pass]
    }
    fn to_possible_value(&self) -> Option<clap::builder::PossibleValue> {
        Some(clap::builder::PossibleValue::new(self.as_str()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn enforcement_levels_accept_every_vocabulary() {
        use EnforcementLevel::*;
        for (name, level) in [
            ("advisory", Advisory),
            ("mandatory", Mandatory),
            ("mandatory_overridable", MandatoryOverridable),
            ("mandatory-overridable", MandatoryOverridable),
            ("soft-mandatory", MandatoryOverridable),
            ("hard-mandatory", Mandatory),
        ] {
            assert_eq!(EnforcementLevel::parse(name), Some(level), "{name}");
            assert!(EnforcementLevel::NAMES.contains(&name));
        }
        assert_eq!(EnforcementLevel::parse("strict"), None);
        assert_eq!(EnforcementLevel::parse("Mandatory"), None);
        assert_eq!(EnforcementLevel::default(), EnforcementLevel::DEFAULT);
    }

    #[test]
    fn names_round_trip() {
        for name in Severity::NAMES {
            assert_eq!(Severity::parse(name).map(Severity::as_str), Some(name));
        }
        for name in UnknownMode::NAMES {
            assert_eq!(name.parse::<UnknownMode>().map(UnknownMode::as_str), Ok(name));
        }
        assert!("maybe".parse::<UnknownMode>().is_err());
    }
}
