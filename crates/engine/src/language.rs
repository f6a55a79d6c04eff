//! The seam between the engine and a policy language. A language loads its
//! policy set, describes its policies, says what it reads of a plan, says
//! how its policies are named (the engine resolves the ids users write
//! against that), and evaluates a plan into neutral [`Finding`]s; the
//! engine does everything after that (overrides, waivers, the gate) the
//! same way for every language.

use std::path::PathBuf;
use std::sync::Arc;

use tfgate_core::{Finding, PolicyInfo, RunError};
use tfgate_plan::{Plan, Value};

use crate::identity::{BlockIdentity, PolicyIdentity};

/// One plan as a language sees it.
#[derive(Clone, Copy)]
pub struct PlanInput<'a, 'p> {
    /// The plan's name in the report (its path, or `-`).
    pub name: &'a str,
    /// The parsed plan.
    pub plan: &'a Plan<'p>,
    /// The plan's JSON text, shared: a language that builds its own view of
    /// the plan lazily (Sentinel's imports) reads it instead of a copy.
    pub text: &'a Arc<tfgate_plan::PlanText>,
}

/// How a language evaluates a plan.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Granularity {
    /// Each policy against each target it selects (resources, providers,
    /// modules): one finding per policy and target (`.policy.hcl`).
    PerTarget,
    /// Each policy once against the whole plan: one finding per policy,
    /// whose target is the plan (Sentinel).
    PerPlan,
}

/// What a language's policies read of a plan, so that work nobody needs can
/// be skipped. Conservative: `true` or a wildcard when unsure.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Reads {
    /// Resource type patterns its policies target (`*` matches any run of
    /// characters); `["*"]` for a language that may read every resource.
    pub resource_types: Vec<String>,
    /// Whether a policy looks at provider configurations.
    pub providers: bool,
    /// Whether a policy looks at module calls.
    pub modules: bool,
    /// Whether a policy reads the configuration (configured arguments,
    /// module call arguments, references), not only planned values.
    pub configuration: bool,
    /// Whether a policy reads prior state (values before the change).
    pub prior_state: bool,
    /// Whether the language reads the plan's top-level sections as the file
    /// writes them (Sentinel's imports): the engine then locates them while
    /// the plan is parsed ([`crate::Engine::parse_plan`]).
    pub sections: bool,
}

impl Reads {
    /// Everything: what a language that cannot tell says.
    pub fn everything() -> Reads {
        Reads {
            resource_types: vec!["*".to_string()],
            providers: true,
            modules: true,
            configuration: true,
            prior_state: true,
            sections: true,
        }
    }

    /// Whether a resource of type `ty` may be read.
    pub fn reads_resource_type(&self, ty: &str) -> bool {
        self.resource_types.iter().any(|p| glob_match(p, ty))
    }

    /// The union of two languages' reads.
    pub fn union(mut self, other: &Reads) -> Reads {
        for t in &other.resource_types {
            if !self.resource_types.contains(t) {
                self.resource_types.push(t.clone());
            }
        }
        self.providers |= other.providers;
        self.modules |= other.modules;
        self.configuration |= other.configuration;
        self.prior_state |= other.prior_state;
        self.sections |= other.sections;
        self
    }
}

/// Glob match with `*` as the only wildcard (a policy's target type, a
/// type pattern of [`Reads`]). Called for every target and policy, so it
/// allocates nothing.
pub fn glob_match(pattern: &str, name: &str) -> bool {
    let Some((first, rest)) = pattern.split_once('*') else {
        return pattern == name;
    };
    let (middle, last) = match rest.rsplit_once('*') {
        Some((m, l)) => (m, l),
        None => ("", rest),
    };
    if name.len() < first.len() + last.len() || !name.starts_with(first) || !name.ends_with(last) {
        return false;
    }
    let mut remaining = &name[first.len()..name.len() - last.len()];
    for part in middle.split('*').filter(|p| !p.is_empty()) {
        match remaining.find(part) {
            Some(i) => remaining = &remaining[i + part.len()..],
            None => return false,
        }
    }
    true
}

/// What a language said about one plan.
#[derive(Clone, Debug, Default)]
pub struct Evaluation {
    /// One finding per policy and target (per policy for a plan-level
    /// language), already redacted; the gate is not decided yet.
    pub findings: Vec<Finding>,
    /// Evaluations that could not be made.
    pub errors: Vec<RunError>,
    /// Text a language records per policy for the formats that show it
    /// (Sentinel's HCP Terraform `trace:`), by (plan, policy id).
    pub traces: Vec<((String, String), String)>,
}

/// Why a policy set cannot be loaded.
#[derive(Debug, thiserror::Error)]
#[error("{message}")]
pub struct LoadError {
    /// What went wrong, naming the file (every diagnostic, rendered).
    pub message: String,
}

/// A policy language: one implementation per language (`.policy.hcl` in
/// `tfgate-lang-hcl`, Sentinel in `tfgate-sentinel`). Implementations are
/// shared between the threads that check plans in parallel.
pub trait PolicyLanguage: Send + Sync {
    /// The language's name in messages (`Sentinel`, `.policy.hcl`).
    fn name(&self) -> &'static str;

    /// Loads a policy set from files or folders, with the language's
    /// defaults for everything a configuration may set.
    fn load(paths: &[PathBuf]) -> Result<Self, LoadError>
    where
        Self: Sized;

    /// Whether the set holds no policy.
    fn is_empty(&self) -> bool;

    /// How it evaluates a plan.
    fn granularity(&self) -> Granularity;

    /// Every policy block, for reports and `tfgate policies`, with its
    /// effective enforcement level.
    fn describe(&self) -> Vec<PolicyInfo>;

    /// What its policies read of a plan.
    fn reads(&self) -> Reads;

    /// Each policy as users name it in `tfgate.hcl`, waivers and
    /// `--override`: the engine resolves what they write against these
    /// ([`crate::PolicyIndex`]). By default each described policy is one
    /// block named by its id alone (a Sentinel policy).
    fn identities(&self) -> Vec<PolicyIdentity> {
        self.describe()
            .into_iter()
            .map(|p| PolicyIdentity {
                source: p.source,
                blocks: vec![BlockIdentity { id: p.id, ..BlockIdentity::default() }],
                ..PolicyIdentity::default()
            })
            .collect()
    }

    /// Whether `value`, given in `tfgate.hcl` for input `input` of policy
    /// `policy` (its place in [`PolicyLanguage::identities`], which
    /// declares the input), is of the input's type; the reason when not,
    /// without quoting a sensitive input's value. Only inputs a policy
    /// declares are asked about, so a language without inputs keeps this
    /// default.
    fn check_input(&self, policy: usize, input: &str, value: &Value) -> Result<(), String> {
        let _ = (policy, input, value);
        Ok(())
    }

    /// Work the language can do from the plan's text alone, with its
    /// sections located ([`Reads::sections`]): [`crate::Engine::parse_plan`]
    /// calls it on another thread while the plan is parsed, and
    /// [`PolicyLanguage::evaluate`] then finds the result ready (Sentinel
    /// reads the state sections' sensitive texts here). Nothing by default.
    fn prepare(&self, text: &Arc<tfgate_plan::PlanText>) {
        let _ = text;
    }

    /// Evaluates every policy against one plan.
    fn evaluate(&self, plan: PlanInput<'_, '_>) -> Evaluation;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn type_patterns_match_as_policy_targets_do() {
        let reads = Reads { resource_types: vec!["aws_*_bucket".into(), "google_sql_*".into()], ..Reads::default() };
        assert!(reads.reads_resource_type("aws_s3_bucket"));
        assert!(reads.reads_resource_type("google_sql_database_instance"));
        assert!(!reads.reads_resource_type("aws_s3_bucket_policy"));
        assert!(!reads.reads_resource_type("aws_instance"));
        assert!(Reads::everything().reads_resource_type("anything"));
        assert!(!Reads::default().reads_resource_type("aws_instance"));
    }

    #[test]
    fn a_union_reads_what_either_reads() {
        let a = Reads { resource_types: vec!["aws_instance".into()], prior_state: true, ..Reads::default() };
        let b =
            Reads { resource_types: vec!["aws_instance".into(), "aws_s3_*".into()], modules: true, ..Reads::default() };
        let u = a.union(&b);
        assert_eq!(u.resource_types, ["aws_instance", "aws_s3_*"]);
        assert!(u.prior_state && u.modules && !u.providers && !u.configuration);
    }
}
