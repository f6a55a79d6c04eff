//! The gate: whether a run's findings let the change through.
//!
//! - advisory findings never fail the gate;
//! - `mandatory-overridable` (Sentinel's soft-mandatory) failures fail it
//!   unless the policy is overridden;
//! - `mandatory` (hard-mandatory) failures always fail it;
//! - `unknown` counts as a failure, a warning or a pass (`--unknown`);
//! - an evaluation error makes the run an error (exit code 2), whatever
//!   the level: a gate that could not evaluate must not pass silently.

use std::str::FromStr;

use tfgate_report::{EnforcementLevel, Finding, Gate, RunError, Status};

/// How an `unknown` result counts towards the gate.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
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
    pub fn as_str(self) -> &'static str {
        match self {
            UnknownMode::Fail => "fail",
            UnknownMode::Warn => "warn",
            UnknownMode::Pass => "pass",
        }
    }
}

impl FromStr for UnknownMode {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "fail" => Ok(UnknownMode::Fail),
            "warn" => Ok(UnknownMode::Warn),
            "pass" => Ok(UnknownMode::Pass),
            other => Err(format!("unknown mode {other:?}: expected fail, warn or pass")),
        }
    }
}

/// Whether one finding counts against the gate.
pub fn blocks(f: &Finding, unknown: UnknownMode) -> bool {
    let failing = match f.status {
        Status::Fail => true,
        Status::Unknown => unknown == UnknownMode::Fail,
        Status::Pass | Status::Waived | Status::Error => false,
    };
    failing
        && match f.enforcement_level {
            EnforcementLevel::Advisory => false,
            EnforcementLevel::MandatoryOverridable => !f.overridden,
            EnforcementLevel::Mandatory => true,
        }
}

/// Decides the gate from findings and run errors.
pub fn decide(findings: &[Finding], errors: &[RunError], unknown: UnknownMode) -> Gate {
    let eval_errors = findings.iter().filter(|f| f.status == Status::Error).count();
    let blocking: Vec<&Finding> = findings.iter().filter(|f| blocks(f, unknown)).collect();
    let (passed, exit_code, summary) = if !errors.is_empty() || eval_errors > 0 {
        let n = errors.len() + eval_errors;
        (false, 2, format!("{n} error{} stopped the evaluation", plural(n)))
    } else if !blocking.is_empty() {
        let count = |level: EnforcementLevel, status: Status| {
            blocking.iter().filter(|f| f.enforcement_level == level && f.status == status).count()
        };
        let mut parts = Vec::new();
        for (level, word) in
            [(EnforcementLevel::Mandatory, "mandatory"), (EnforcementLevel::MandatoryOverridable, "soft-mandatory")]
        {
            let failed = count(level, Status::Fail);
            let unknown = count(level, Status::Unknown);
            if failed > 0 {
                parts.push(format!("{failed} {word} failure{}", plural(failed)));
            }
            if unknown > 0 {
                parts.push(format!("{unknown} {word} unknown{}", plural(unknown)));
            }
        }
        (false, 1, format!("{} block the change", parts.join(", ")))
    } else {
        (true, 0, "no blocking findings".to_string())
    };
    Gate { passed, exit_code, unknown_mode: unknown.as_str().to_string(), summary }
}

fn plural(n: usize) -> &'static str {
    if n == 1 {
        ""
    } else {
        "s"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn f(status: Status, level: EnforcementLevel) -> Finding {
        Finding { status, enforcement_level: level, ..Finding::default() }
    }

    #[test]
    fn levels_and_unknown_modes() {
        use EnforcementLevel::*;
        assert!(!blocks(&f(Status::Fail, Advisory), UnknownMode::Fail));
        assert!(blocks(&f(Status::Fail, Mandatory), UnknownMode::Pass));
        assert!(blocks(&f(Status::Fail, MandatoryOverridable), UnknownMode::Fail));
        let mut overridden = f(Status::Fail, MandatoryOverridable);
        overridden.overridden = true;
        assert!(!blocks(&overridden, UnknownMode::Fail));
        assert!(blocks(&f(Status::Unknown, Mandatory), UnknownMode::Fail));
        assert!(!blocks(&f(Status::Unknown, Mandatory), UnknownMode::Warn));
        assert!(!blocks(&f(Status::Unknown, Mandatory), UnknownMode::Pass));
        assert!(!blocks(&f(Status::Waived, Mandatory), UnknownMode::Fail));
    }

    #[test]
    fn exit_codes() {
        use EnforcementLevel::*;
        assert_eq!(decide(&[f(Status::Pass, Mandatory)], &[], UnknownMode::Fail).exit_code, 0);
        assert_eq!(decide(&[f(Status::Fail, Advisory)], &[], UnknownMode::Fail).exit_code, 0);
        let g = decide(&[f(Status::Fail, Mandatory), f(Status::Fail, MandatoryOverridable)], &[], UnknownMode::Fail);
        assert_eq!((g.exit_code, g.passed), (1, false));
        assert_eq!(g.summary, "1 mandatory failure, 1 soft-mandatory failure block the change");
        let g = decide(
            &[f(Status::Fail, Mandatory), f(Status::Fail, Mandatory), f(Status::Unknown, Mandatory)],
            &[],
            UnknownMode::Fail,
        );
        assert_eq!(g.summary, "2 mandatory failures, 1 mandatory unknown block the change");
        assert_eq!(decide(&[f(Status::Error, Advisory)], &[], UnknownMode::Fail).exit_code, 2);
        let err = RunError { message: "x".into(), ..RunError::default() };
        assert_eq!(decide(&[], &[err], UnknownMode::Fail).exit_code, 2);
    }
}
