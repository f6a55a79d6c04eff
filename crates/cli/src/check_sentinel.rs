//! `tfgate check PLAN --sentinel PATH`: Sentinel policy sets judged in the
//! same gate, levels, waivers, overrides and reports as `.policy.hcl`
//! policies. A Sentinel policy is evaluated once per plan, so each one is
//! one finding whose target is the plan; its failing rules and its own
//! `print` output (withheld when it read a sensitive value) are the
//! finding's message.

use std::path::PathBuf;
use std::sync::Arc;

use anyhow::{anyhow, Result};
use tfgate_core::{EnforcementLevel, Finding, PolicyInfo, RunError, Status, TargetKind};
use tfgate_sentinel::StandardImports;
use tfgate_sentinel::{
    ApplyOptions, ChainImports, Imports, PolicySet, PolicyStatus, PolicyTrace, RunInfo, TerraformImports,
};

/// The Sentinel policy sets of a run, loaded once.
pub struct SentinelSets {
    sets: Vec<(PathBuf, PolicySet)>,
    /// What the `tfrun` import answers.
    run: RunInfo,
}

/// What the `tfrun` import tells policies about the run: in CI there is no
/// HCP Terraform run behind the plan, so the facts policies read most are
/// given here (a `mock "tfrun"` in a configuration still wins). Whatever is
/// not given is undefined, as the import reference has it for a fact that
/// is not available.
#[derive(clap::Args, Debug, Default, Clone)]
pub struct TfrunArgs {
    /// `tfrun.organization.name`.
    #[arg(long = "tfrun-organization", value_name = "NAME")]
    organization: Option<String>,
    /// `tfrun.workspace.name`.
    #[arg(long = "tfrun-workspace", value_name = "NAME")]
    workspace: Option<String>,
    /// `tfrun.workspace.id`.
    #[arg(long = "tfrun-workspace-id", value_name = "ID")]
    workspace_id: Option<String>,
    /// `tfrun.project.name`.
    #[arg(long = "tfrun-project", value_name = "NAME")]
    project: Option<String>,
    /// `tfrun.id`.
    #[arg(long = "tfrun-id", value_name = "ID")]
    id: Option<String>,
    /// `tfrun.message`.
    #[arg(long = "tfrun-message", value_name = "TEXT")]
    message: Option<String>,
    /// `tfrun.commit_sha`.
    #[arg(long = "tfrun-commit-sha", value_name = "SHA")]
    commit_sha: Option<String>,
    /// `tfrun.created_by`.
    #[arg(long = "tfrun-created-by", value_name = "USER")]
    created_by: Option<String>,
    /// `tfrun.is_destroy`.
    #[arg(long = "tfrun-is-destroy", value_name = "BOOL")]
    is_destroy: Option<bool>,
    /// `tfrun.speculative` (a plan-only run).
    #[arg(long = "tfrun-speculative", value_name = "BOOL")]
    speculative: Option<bool>,
}

impl TfrunArgs {
    /// The run facts these options give.
    pub fn run_info(&self) -> RunInfo {
        let mut run = RunInfo {
            id: self.id.clone(),
            created_by: self.created_by.clone(),
            message: self.message.clone(),
            commit_sha: self.commit_sha.clone(),
            is_destroy: self.is_destroy,
            speculative: self.speculative,
            project_name: self.project.clone(),
            organization: self.organization.clone(),
            ..RunInfo::default()
        };
        run.workspace.name = self.workspace.clone();
        run.workspace.id = self.workspace_id.clone();
        run
    }
}

impl SentinelSets {
    /// Loads each folder or `sentinel.hcl`; any error stops the run (exit 2).
    pub fn load(paths: &[PathBuf]) -> Result<SentinelSets> {
        let sets = paths
            .iter()
            .map(|p| {
                PolicySet::load(p)
                    .map(|s| (p.clone(), s))
                    .map_err(|e| anyhow!("Sentinel policy set {}: {e}", p.display()))
            })
            .collect::<Result<_>>()?;
        Ok(SentinelSets { sets, run: RunInfo::default() })
    }

    /// The same sets, with what `tfrun` answers.
    pub fn with_run(self, run: RunInfo) -> SentinelSets {
        SentinelSets { run, ..self }
    }

    /// Whether no set was given.
    pub fn is_empty(&self) -> bool {
        self.sets.is_empty()
    }

    /// The report's description of every Sentinel policy.
    pub fn describe(&self) -> Vec<PolicyInfo> {
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

    fn policies(&self) -> impl Iterator<Item = (&PathBuf, &tfgate_sentinel::LoadedPolicy)> {
        self.sets.iter().flat_map(|(path, set)| set.policies.iter().map(move |p| (path, p)))
    }

    /// Evaluates every policy of every set against one plan: one finding
    /// each, and each policy's HCP Terraform `trace:` text (scrubbed of the
    /// plan's sensitive values) for the `sentinel` format.
    pub fn check(&self, plan: &tfgate_plan::Plan<'_>, text: Arc<String>, plan_name: &str) -> SentinelOutput {
        let imports = match TerraformImports::sharing(plan, text, self.run.clone()) {
            Ok(i) => i,
            Err(e) => {
                let message = format!("the Sentinel imports cannot be built from this plan: {e}");
                let error = RunError { message, plan: Some(plan_name.to_string()), policy_id: None };
                return SentinelOutput { errors: vec![error], ..SentinelOutput::default() };
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
        let plan_name: Arc<str> = plan_name.into();
        let mut out = SentinelOutput::default();
        for (_, set) in &self.sets {
            let report = set.apply(&fallback, &opts);
            for (policy, trace) in set.policies.iter().zip(&report.policies) {
                let mut hcp = Vec::new();
                if tfgate_sentinel::write_hcp_trace(&mut hcp, trace, &opts.scrubber).is_ok() {
                    let key = (plan_name.to_string(), policy.name.clone());
                    out.traces.push((key, String::from_utf8_lossy(&hcp).into_owned()));
                }
                let name: Arc<str> = policy.name.as_str().into();
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

/// What the Sentinel policies said about one plan.
#[derive(Default)]
pub struct SentinelOutput {
    pub findings: Vec<Finding>,
    pub errors: Vec<RunError>,
    /// The `trace:` text of each policy, by (plan, policy id).
    pub traces: Vec<((String, String), String)>,
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

fn level(l: tfgate_sentinel::EnforcementLevel) -> EnforcementLevel {
    match l {
        tfgate_sentinel::EnforcementLevel::Advisory => EnforcementLevel::Advisory,
        tfgate_sentinel::EnforcementLevel::SoftMandatory => EnforcementLevel::MandatoryOverridable,
        tfgate_sentinel::EnforcementLevel::HardMandatory => EnforcementLevel::Mandatory,
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
        tfgate_sentinel::Value::Undefined => "Rule \"main\" is undefined".to_string(),
        _ => "Rule \"main\" is false".to_string(),
    };
    let prints = trace.prints.trim_end();
    if prints.is_empty() {
        main
    } else {
        format!("{main}; print messages:\n{prints}")
    }
}
