//! The gate: whether a run's findings let the change through. Decided here
//! and nowhere else, once waivers and overrides are applied; each finding
//! keeps its part of the decision ([`Finding::effect`]) for the renderers.
//!
//! - advisory findings never fail the gate;
//! - `mandatory-overridable` (Sentinel's soft-mandatory) failures fail it
//!   unless the policy is overridden;
//! - `mandatory` (hard-mandatory) failures always fail it;
//! - `unknown` counts as a failure, a warning or a pass ([`UnknownMode`]);
//! - an evaluation error makes the run an error (exit code 2), whatever
//!   the level: a gate that could not evaluate must not pass silently.

use tfgate_core::{Effect, EnforcementLevel, Finding, Gate, RunError, Status, UnknownMode};

/// What one finding does to the gate under `unknown`.
pub fn effect_of(f: &Finding, unknown: UnknownMode) -> Effect {
    let violation = match f.status {
        Status::Error => return Effect::Errors,
        Status::Fail => true,
        Status::Unknown => unknown == UnknownMode::Fail,
        Status::Pass | Status::Waived => false,
    };
    if !violation {
        return Effect::None;
    }
    let blocks = match f.enforcement_level {
        EnforcementLevel::Advisory => false,
        EnforcementLevel::MandatoryOverridable => !f.overridden,
        EnforcementLevel::Mandatory => true,
    };
    if blocks {
        Effect::Blocks
    } else {
        Effect::Warns
    }
}

/// Decides the gate from findings and run errors, and records on each
/// finding what it did to the decision.
pub fn decide(findings: &mut [Finding], errors: &[RunError], unknown: UnknownMode) -> Gate {
    for f in findings.iter_mut() {
        f.effect = effect_of(f, unknown);
    }
    let eval_errors = findings.iter().filter(|f| f.effect == Effect::Errors).count();
    let (passed, exit_code, summary) = if !errors.is_empty() || eval_errors > 0 {
        let n = errors.len() + eval_errors;
        (false, 2, format!("{n} error{} stopped the evaluation", plural(n)))
    } else if findings.iter().any(|f| f.effect == Effect::Blocks) {
        let count = |level: EnforcementLevel, status: Status| {
            findings
                .iter()
                .filter(|f| f.effect == Effect::Blocks && f.enforcement_level == level && f.status == status)
                .count()
        };
        let (mut parts, mut total) = (Vec::new(), 0);
        for (level, word) in
            [(EnforcementLevel::Mandatory, "mandatory"), (EnforcementLevel::MandatoryOverridable, "soft-mandatory")]
        {
            let failed = count(level, Status::Fail);
            let unknown = count(level, Status::Unknown);
            total += failed + unknown;
            if failed > 0 {
                parts.push(format!("{failed} {word} failure{}", plural(failed)));
            }
            if unknown > 0 {
                parts.push(format!("{unknown} {word} unknown{}", plural(unknown)));
            }
        }
        let verb = if total == 1 { "blocks" } else { "block" };
        (false, 1, format!("{} {verb} the change", parts.join(", ")))
    } else {
        (true, 0, "no blocking findings".to_string())
    };
    Gate { passed, exit_code, unknown_mode: unknown, summary }
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
        let effect = |f: Finding, mode| effect_of(&f, mode);
        assert_eq!(effect(f(Status::Fail, Advisory), UnknownMode::Fail), Effect::Warns);
        assert_eq!(effect(f(Status::Fail, Mandatory), UnknownMode::Pass), Effect::Blocks);
        assert_eq!(effect(f(Status::Fail, MandatoryOverridable), UnknownMode::Fail), Effect::Blocks);
        let mut overridden = f(Status::Fail, MandatoryOverridable);
        overridden.overridden = true;
        assert_eq!(effect(overridden, UnknownMode::Fail), Effect::Warns);
        assert_eq!(effect(f(Status::Unknown, Mandatory), UnknownMode::Fail), Effect::Blocks);
        assert_eq!(effect(f(Status::Unknown, Advisory), UnknownMode::Fail), Effect::Warns);
        assert_eq!(effect(f(Status::Unknown, Mandatory), UnknownMode::Warn), Effect::None);
        assert_eq!(effect(f(Status::Unknown, Mandatory), UnknownMode::Pass), Effect::None);
        assert_eq!(effect(f(Status::Waived, Mandatory), UnknownMode::Fail), Effect::None);
        assert_eq!(effect(f(Status::Error, Advisory), UnknownMode::Pass), Effect::Errors);
        assert_eq!(effect(f(Status::Pass, Mandatory), UnknownMode::Fail), Effect::None);
    }

    #[test]
    fn exit_codes_and_recorded_effects() {
        use EnforcementLevel::*;
        let gate = |mut fs: Vec<Finding>, errors: &[RunError]| decide(&mut fs, errors, UnknownMode::Fail);
        assert_eq!(gate(vec![f(Status::Pass, Mandatory)], &[]).exit_code, 0);
        assert_eq!(gate(vec![f(Status::Fail, Advisory)], &[]).exit_code, 0);
        let mut fs = vec![f(Status::Fail, Mandatory), f(Status::Fail, MandatoryOverridable), f(Status::Fail, Advisory)];
        let g = decide(&mut fs, &[], UnknownMode::Fail);
        assert_eq!((g.exit_code, g.passed), (1, false));
        assert_eq!(g.summary, "1 mandatory failure, 1 soft-mandatory failure block the change");
        assert_eq!(fs.iter().map(|f| f.effect).collect::<Vec<_>>(), [Effect::Blocks, Effect::Blocks, Effect::Warns]);
        let g = gate(vec![f(Status::Fail, Mandatory), f(Status::Fail, Mandatory), f(Status::Unknown, Mandatory)], &[]);
        assert_eq!(g.summary, "2 mandatory failures, 1 mandatory unknown block the change");
        assert_eq!(gate(vec![f(Status::Fail, Mandatory)], &[]).summary, "1 mandatory failure blocks the change");
        assert_eq!(gate(vec![f(Status::Unknown, Mandatory)], &[]).summary, "1 mandatory unknown blocks the change");
        assert_eq!(gate(vec![f(Status::Error, Advisory)], &[]).exit_code, 2);
        let err = RunError { message: "x".into(), ..RunError::default() };
        assert_eq!(gate(vec![], &[err]).exit_code, 2);
        let mut fs = vec![f(Status::Unknown, Mandatory)];
        let g = decide(&mut fs, &[], UnknownMode::Warn);
        assert_eq!((g.exit_code, g.unknown_mode, fs[0].effect), (0, UnknownMode::Warn, Effect::None));
    }
}
