//! Sentinel as a policy language of the engine (`tfgate check --sentinel`):
//! Sentinel policy sets judged in the same gate, levels, waivers, overrides
//! and reports as `.policy.hcl` policies. A Sentinel policy is evaluated
//! once per plan, so each one is one finding whose target is the plan; its
//! failing rules and its own `print` output (withheld when it read a
//! sensitive value) are the finding's message.

use std::path::PathBuf;

use tfgate_core::{EnforcementLevel, Finding, PolicyInfo, RunError, Status, TargetKind};
use tfgate_engine::{Evaluation, Granularity, LoadError, PlanInput, PolicyLanguage, Reads};

use crate::stdlib::StandardImports;
use crate::terraform::{read_state_texts, StateTexts};
use crate::{ApplyOptions, ChainImports, Imports, PolicySet, PolicyStatus, PolicyTrace, RunInfo, TerraformImports};

/// The Sentinel policy sets of a run, loaded once.
pub struct SentinelLanguage {
    sets: Vec<(PathBuf, PolicySet)>,
    /// What the `tfrun` import answers.
    run: RunInfo,
    /// State texts read while a plan was parsed, by its text. A weak
    /// reference keeps the text's allocation, so no other plan's text can
    /// take its address while the entry is here.
    prepared: std::sync::Mutex<Vec<(std::sync::Weak<tfgate_plan::PlanText>, StateTexts)>>,
}

impl SentinelLanguage {
    /// The same sets, with what `tfrun` answers.
    pub fn with_run(self, run: RunInfo) -> SentinelLanguage {
        SentinelLanguage { run, ..self }
    }

    /// The report's description of every Sentinel policy.
    fn policy_infos(&self) -> Vec<PolicyInfo> {
        self.policies()
            .map(|(path, p)| {
                let description = p.program.description().unwrap_or_default();
                PolicyInfo {
                    id: p.name.clone(),
                    name: p.name.clone(),
                    title: title(description),
                    description: Some(description.to_string()).filter(|d| !d.is_empty()),
                    severity: None,
                    enforcement_level: level(p.enforcement_level),
                    target_kind: TargetKind::Plan,
                    target: "plan".into(),
                    controls: Vec::new(),
                    source: format!("{} ({})", p.path.display(), path.display()),
                    help_uri: None,
                }
            })
            .collect()
    }

    fn policies(&self) -> impl Iterator<Item = (&PathBuf, &crate::LoadedPolicy)> {
        self.sets.iter().flat_map(|(path, set)| set.policies.iter().map(move |p| (path, p)))
    }

    /// Evaluates every policy of every set against one plan: one finding
    /// each, and each policy's HCP Terraform `trace:` text (scrubbed of the
    /// plan's sensitive values) for the `sentinel` format.
    fn check(&self, plan: PlanInput<'_, '_>) -> Evaluation {
        let plan_name = plan.name;
        let state_texts = {
            let mut prepared = self.prepared.lock().unwrap_or_else(|e| e.into_inner());
            // Entries of texts gone (a plan whose parse failed) go too.
            prepared.retain(|(text, _)| text.strong_count() > 0);
            let key = std::sync::Arc::as_ptr(plan.text);
            prepared.iter().position(|(text, _)| std::ptr::eq(text.as_ptr(), key)).map(|i| prepared.swap_remove(i).1)
        };
        let imports =
            match TerraformImports::sharing_prepared(plan.plan, plan.text.clone(), self.run.clone(), state_texts) {
                Ok(i) => i,
                Err(e) => {
                    let message = format!("the Sentinel imports cannot be built from this plan: {e}");
                    let error = RunError { message, plan: Some(plan_name.to_string()), policy_id: None };
                    return Evaluation { errors: vec![error], ..Evaluation::default() };
                }
            };
        let standard = StandardImports::for_run();
        let layers: Vec<&dyn Imports> = vec![&imports, &standard];
        let fallback = ChainImports(layers);
        let opts = ApplyOptions {
            scrubber: imports.scrubber(),
            // Every policy is judged: the gate, not the first failure, ends the run.
            apply_all: true,
            ..ApplyOptions::default()
        };
        let plan_name: std::sync::Arc<str> = plan_name.into();
        let mut out = Evaluation::default();
        for (_, set) in &self.sets {
            let report = set.apply(&fallback, &opts);
            for (policy, trace) in set.policies.iter().zip(&report.policies) {
                let mut hcp = Vec::new();
                if crate::write_hcp_trace(&mut hcp, trace, &opts.scrubber).is_ok() {
                    let key = (plan_name.to_string(), policy.name.clone());
                    out.traces.push((key, String::from_utf8_lossy(&hcp).into_owned()));
                }
                let name: std::sync::Arc<str> = policy.name.as_str().into();
                out.findings.push(Finding {
                    policy_id: name.clone(),
                    policy_name: name,
                    status: status(trace.status),
                    enforcement_level: level(policy.enforcement_level),
                    plan: plan_name.clone(),
                    target_kind: TargetKind::Plan,
                    address: trace.policy.as_str().into(),
                    module_path: "".into(),
                    message: if trace.status == PolicyStatus::Pass { String::new() } else { message(trace) },
                    ..Finding::default()
                });
            }
        }
        out
    }
}

/// A one-line title from a policy's leading comment: its first sentence.
fn title(description: &str) -> Option<String> {
    let text = description.split("\n\n").next().unwrap_or("").split_whitespace().collect::<Vec<_>>().join(" ");
    let sentence = match text.find(". ") {
        Some(i) => &text[..=i],
        None => text.as_str(),
    };
    (!sentence.is_empty()).then(|| sentence.to_string())
}

fn level(l: crate::EnforcementLevel) -> EnforcementLevel {
    match l {
        crate::EnforcementLevel::Advisory => EnforcementLevel::Advisory,
        crate::EnforcementLevel::SoftMandatory => EnforcementLevel::MandatoryOverridable,
        crate::EnforcementLevel::HardMandatory => EnforcementLevel::Mandatory,
    }
}

/// `main` undefined is a failure in Sentinel; a policy that could not run
/// is an error, which blocks at every level.
fn status(s: PolicyStatus) -> Status {
    match s {
        PolicyStatus::Pass => Status::Pass,
        PolicyStatus::Fail | PolicyStatus::Undefined => Status::Fail,
        PolicyStatus::Error => Status::Error,
    }
}

/// The finding's message: the error, or the failing `main` and the
/// policy's own prints (already withheld or scrubbed by the run).
fn message(trace: &PolicyTrace) -> String {
    if let Some(e) = &trace.error {
        return e.clone();
    }
    let main = match trace.main.resolved() {
        crate::Value::Undefined => "Rule \"main\" is undefined".to_string(),
        _ => "Rule \"main\" is false".to_string(),
    };
    let prints = trace.prints.trim_end();
    if prints.is_empty() {
        main
    } else {
        format!("{main}; print messages:\n{prints}")
    }
}

impl PolicyLanguage for SentinelLanguage {
    fn name(&self) -> &'static str {
        "Sentinel"
    }

    /// Loads each folder or `sentinel.hcl`; any error stops the run.
    fn load(paths: &[PathBuf]) -> Result<SentinelLanguage, LoadError> {
        let sets = paths
            .iter()
            .map(|p| {
                PolicySet::load(p)
                    .map(|s| (p.clone(), s))
                    .map_err(|e| LoadError { message: format!("Sentinel policy set {}: {e}", p.display()) })
            })
            .collect::<Result<_, _>>()?;
        Ok(SentinelLanguage { sets, run: RunInfo::default(), prepared: Default::default() })
    }

    fn is_empty(&self) -> bool {
        self.sets.is_empty()
    }

    fn granularity(&self) -> Granularity {
        Granularity::PerPlan
    }

    fn describe(&self) -> Vec<PolicyInfo> {
        self.policy_infos()
    }

    /// A policy may import anything of the plan.
    fn reads(&self) -> Reads {
        Reads::everything()
    }

    // Ids: the default `identities`, each policy named by its name in
    // `sentinel.hcl`, exactly.

    /// Reads the state sections' sensitive texts (which the first value a
    /// policy reads waits for) while the plan is parsed.
    fn prepare(&self, text: &std::sync::Arc<tfgate_plan::PlanText>) {
        if let Some(texts) = read_state_texts(text) {
            self.prepared.lock().unwrap_or_else(|e| e.into_inner()).push((std::sync::Arc::downgrade(text), texts));
        }
    }

    fn evaluate(&self, plan: PlanInput<'_, '_>) -> Evaluation {
        self.check(plan)
    }
}
