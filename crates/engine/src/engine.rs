//! The engine: the policy languages of a run, evaluated over each plan, and
//! the overrides a run was given, judged the same way for every language.

use std::collections::BTreeSet;

use tfgate_core::{EnforcementLevel, Finding, OverrideInfo, PolicyInfo, Status, TargetKind};
use tfgate_plan::Plan;

use crate::identity::{PolicyIndex, Resolution, Unresolved};
use crate::language::{Evaluation, PlanInput, PolicyLanguage, Reads};

/// The policy languages of a run, in the order their policies are listed,
/// each with the index of the ids that name its policies.
#[derive(Default)]
pub struct Engine {
    languages: Vec<Box<dyn PolicyLanguage>>,
    indexes: Vec<PolicyIndex>,
}

/// Why an override cannot be given.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("--override {written}: {message}")]
pub struct OverrideError {
    /// The id as written.
    pub written: String,
    /// Why it is refused.
    pub message: String,
}

impl Engine {
    /// An engine without languages.
    pub fn new() -> Engine {
        Engine::default()
    }

    /// Adds a language; its policies come after those of the languages
    /// added before.
    pub fn with(mut self, language: Box<dyn PolicyLanguage>) -> Engine {
        self.indexes.push(PolicyIndex::new(&language.identities()));
        self.languages.push(language);
        self
    }

    /// The languages, in order.
    pub fn languages(&self) -> &[Box<dyn PolicyLanguage>] {
        &self.languages
    }

    /// Whether no language holds a policy.
    pub fn is_empty(&self) -> bool {
        self.languages.iter().all(|l| l.is_empty())
    }

    /// Every policy of every language, language by language.
    pub fn describe(&self) -> Vec<PolicyInfo> {
        self.languages.iter().flat_map(|l| l.describe()).collect()
    }

    /// What the policies of all languages read.
    pub fn reads(&self) -> Reads {
        self.languages.iter().fold(Reads::default(), |acc, l| acc.union(&l.reads()))
    }

    /// Parses a plan for [`Engine::evaluate`]. When a language reads the
    /// plan's sections as the file writes them, they are located on another
    /// thread meanwhile, while the text is in memory anyway: a mapped plan's
    /// pages can then go back to the file cache
    /// ([`tfgate_plan::PlanText::release_resident`]) without being read again.
    pub fn parse_plan<'t>(
        &self,
        text: &'t std::sync::Arc<tfgate_plan::PlanText>,
    ) -> Result<Plan<'t>, tfgate_plan::PlanError> {
        let readers: Vec<&dyn PolicyLanguage> =
            self.languages.iter().filter(|l| !l.is_empty() && l.reads().sections).map(|l| l.as_ref()).collect();
        if readers.is_empty() {
            return Plan::parse(text);
        }
        // The sections, then what the languages prepare from them, beside
        // the parse. A text whose sections cannot be located fails the same
        // way when a language asks for them.
        let prepare = || {
            if text.locate_sections().is_ok() {
                readers.iter().for_each(|l| l.prepare(text));
            }
        };
        rayon::join(|| Plan::parse(text), prepare).0
    }

    /// Every language's findings on one plan, language by language.
    pub fn evaluate(&self, plan: PlanInput<'_, '_>) -> Evaluation {
        let mut out = Evaluation::default();
        // A language without policies has nothing to say (and Sentinel's
        // imports are not built for nothing).
        for language in self.languages.iter().filter(|l| !l.is_empty()) {
            let e = language.evaluate(plan);
            if out.findings.is_empty() {
                // Moved, not copied: a large plan has hundreds of thousands.
                out.findings = e.findings;
            } else {
                out.findings.extend(e.findings);
            }
            out.errors.extend(e.errors);
            out.traces.extend(e.traces);
        }
        out
    }

    /// The policy blocks an id names, in each language in turn: the first
    /// that resolves it wins; otherwise the first language's complaint.
    /// `None` without languages.
    pub fn resolve(&self, written: &str) -> Option<Result<Resolution, Unresolved>> {
        let mut complaint = None;
        for index in &self.indexes {
            match index.resolve(written) {
                Ok(r) => return Some(Ok(r)),
                Err(e) => {
                    complaint.get_or_insert(e);
                }
            }
        }
        complaint.map(Err)
    }

    /// The policy blocks `--override` names. Each id must name policies of
    /// this run (a whole policy or one block, as in the configuration) and
    /// among them soft-mandatory ones; naming a mandatory (hard) block is an
    /// error: a gate that silently ignored an override request would hide a
    /// mistake. Advisory blocks of a named policy are left alone (they never
    /// block). `policies` is [`Engine::describe`]'s list, with the levels
    /// the configuration set.
    pub fn resolve_overrides(
        &self,
        written: &[String],
        policies: &[PolicyInfo],
    ) -> Result<BTreeSet<String>, OverrideError> {
        let level_of = |id: &str| policies.iter().find(|p| p.id == id).map(|p| p.enforcement_level);
        let mut blocks = BTreeSet::new();
        for written in written {
            let refuse = |message: String| OverrideError { written: written.clone(), message };
            // A plan-level policy (Sentinel) is named by its exact id.
            if let Some(p) = policies.iter().find(|p| p.target_kind == TargetKind::Plan && p.id == *written) {
                if p.enforcement_level != EnforcementLevel::MandatoryOverridable {
                    return Err(refuse(format!(
                        "the Sentinel policy is {}, only soft-mandatory policies can be overridden",
                        p.enforcement_level.sentinel_name()
                    )));
                }
                blocks.insert(written.clone());
                continue;
            }
            let r = match self.resolve(written) {
                Some(Ok(r)) => r,
                Some(Err(e)) => return Err(refuse(e.to_string())),
                None => return Err(refuse("no policy of this run has this id".to_string())),
            };
            let ids: Vec<&str> = r.blocks.iter().map(String::as_str).collect();
            if let Some(hard) = ids.iter().find(|id| level_of(id) == Some(EnforcementLevel::Mandatory)) {
                let level = EnforcementLevel::Mandatory;
                let what = if *hard == written { "the policy".to_string() } else { format!("its block {hard}") };
                return Err(refuse(format!(
                    "{what} is {} ({}), only soft-mandatory (mandatory-overridable) policies can be overridden",
                    level.as_str(),
                    level.sentinel_name()
                )));
            }
            let soft: Vec<&str> =
                ids.iter().copied().filter(|id| level_of(id) == Some(EnforcementLevel::MandatoryOverridable)).collect();
            if soft.is_empty() {
                let level = ids.first().and_then(|id| level_of(id)).unwrap_or(EnforcementLevel::Advisory);
                return Err(refuse(format!(
                    "the policy is {} ({}), only soft-mandatory (mandatory-overridable) policies can be overridden",
                    level.as_str(),
                    level.sentinel_name()
                )));
            }
            blocks.extend(soft.into_iter().map(str::to_string));
        }
        Ok(blocks)
    }
}

/// Who gave an override and why: recorded in the report.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Overrides {
    /// The policy block ids overridden ([`Engine::resolve_overrides`]).
    pub named: BTreeSet<String>,
    /// Every soft-mandatory policy is overridden.
    pub all_soft: bool,
    /// Why.
    pub reason: Option<String>,
    /// Who (the CI actor or user).
    pub by: Option<String>,
}

/// Marks the failing and unknown findings of overridden soft-mandatory
/// policy blocks (those named, or all with [`Overrides::all_soft`]), and
/// lists the policies overridden.
pub fn apply_overrides(overrides: &Overrides, findings: &mut [Finding]) -> Vec<OverrideInfo> {
    let mut overridden = BTreeSet::new();
    for f in findings.iter_mut() {
        if f.enforcement_level == EnforcementLevel::MandatoryOverridable
            && (overrides.all_soft || overrides.named.contains(&*f.policy_id))
            && matches!(f.status, Status::Fail | Status::Unknown)
        {
            f.overridden = true;
            if !overridden.contains(&*f.policy_id) {
                overridden.insert(f.policy_id.to_string());
            }
        }
    }
    overridden
        .into_iter()
        .map(|policy| OverrideInfo { policy, reason: overrides.reason.clone(), by: overrides.by.clone() })
        .collect()
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;

    use super::*;
    use crate::identity::{BlockIdentity, PolicyIdentity};
    use crate::language::{Granularity, LoadError};

    /// A language whose policies are given by block id, `POLICY/label`.
    struct Fixed(Vec<PolicyInfo>);

    impl PolicyLanguage for Fixed {
        fn name(&self) -> &'static str {
            "fixed"
        }
        fn load(_: &[PathBuf]) -> Result<Fixed, LoadError> {
            Ok(Fixed(Vec::new()))
        }
        fn is_empty(&self) -> bool {
            self.0.is_empty()
        }
        fn granularity(&self) -> Granularity {
            Granularity::PerTarget
        }
        fn describe(&self) -> Vec<PolicyInfo> {
            self.0.clone()
        }
        fn reads(&self) -> Reads {
            Reads::default()
        }
        fn identities(&self) -> Vec<PolicyIdentity> {
            let mut out: Vec<PolicyIdentity> = Vec::new();
            for p in &self.0 {
                let (policy, label) = p.id.split_once('/').unwrap_or((&p.id, ""));
                let block = BlockIdentity { id: p.id.clone(), label: Some(label.into()), unique_label: None };
                match out.iter_mut().find(|i| i.names == [policy]) {
                    Some(i) => i.blocks.push(block),
                    None => out.push(PolicyIdentity {
                        names: vec![policy.into()],
                        blocks: vec![block],
                        ..PolicyIdentity::default()
                    }),
                }
            }
            out
        }
        fn evaluate(&self, _: PlanInput<'_, '_>) -> Evaluation {
            Evaluation::default()
        }
    }

    fn engine() -> Engine {
        let info = |id: &str, level| PolicyInfo { id: id.into(), enforcement_level: level, ..PolicyInfo::default() };
        Engine::new().with(Box::new(Fixed(vec![
            info("P/soft", EnforcementLevel::MandatoryOverridable),
            info("P/hard", EnforcementLevel::Mandatory),
            info("Q/soft", EnforcementLevel::MandatoryOverridable),
        ])))
    }

    #[test]
    fn overrides_name_soft_blocks_only() {
        let e = engine();
        let policies = e.describe();
        let named = e.resolve_overrides(&["Q".into(), "P/soft".into()], &policies).unwrap();
        assert_eq!(named.into_iter().collect::<Vec<_>>(), ["P/soft", "Q/soft"]);
        let err = e.resolve_overrides(&["P".into()], &policies).unwrap_err();
        assert_eq!(err.to_string(), "--override P: its block P/hard is mandatory (hard-mandatory), only soft-mandatory (mandatory-overridable) policies can be overridden");
        let err = e.resolve_overrides(&["R".into()], &policies).unwrap_err();
        assert_eq!(err.to_string(), "--override R: no policy or policy block has the id \"R\"; did you mean \"P\"?");
    }

    #[test]
    fn overridden_failures_are_marked_and_listed_once() {
        let f = |id: &str, status| Finding {
            policy_id: id.into(),
            status,
            enforcement_level: EnforcementLevel::MandatoryOverridable,
            ..Finding::default()
        };
        let mut findings = vec![
            f("P/soft", Status::Fail),
            f("P/soft", Status::Unknown),
            f("P/soft", Status::Pass),
            f("Q/soft", Status::Fail),
        ];
        let overrides = Overrides {
            named: BTreeSet::from(["P/soft".to_string()]),
            reason: Some("why".into()),
            ..Overrides::default()
        };
        let infos = apply_overrides(&overrides, &mut findings);
        let marked: Vec<bool> = findings.iter().map(|f| f.overridden).collect();
        assert_eq!(marked, [true, true, false, false]);
        assert_eq!(infos.len(), 1);
        assert_eq!((infos[0].policy.as_str(), infos[0].reason.as_deref()), ("P/soft", Some("why")));
    }
}
