//! `tfrun`: facts about the run, which a plan does not hold. They come from
//! the caller (command-line options, CI environment); whatever it does not
//! give is `undefined`, as on HCP Terraform when a fact is not available
//! (a missing `cost_estimate`, no `commit_sha` for a CLI run), except
//! `target_addrs` and `replace_addrs`, which are `null` when the run has
//! none, and `variables`, empty.

use indexmap::IndexMap;

use super::{keyed, map, opt_string, strings, Namespace};
use crate::value::Value;

/// The run facts `tfrun` shows. Every field is optional.
#[derive(Clone, Debug, Default)]
pub struct RunInfo {
    /// `tfrun.id`: the run's id (`run-…`).
    pub id: Option<String>,
    /// RFC 3339 time the run was created.
    pub created_at: Option<String>,
    /// `tfrun.created_by`: the user name that started the run.
    pub created_by: Option<String>,
    /// `tfrun.message`: the run's message.
    pub message: Option<String>,
    /// `tfrun.commit_sha`: the commit of a VCS-driven run.
    pub commit_sha: Option<String>,
    /// `tfrun.is_destroy`: the run destroys every resource.
    pub is_destroy: Option<bool>,
    /// `tfrun.refresh`: state is refreshed before planning.
    pub refresh: Option<bool>,
    /// `tfrun.refresh_only`: a refresh-only run.
    pub refresh_only: Option<bool>,
    /// `tfrun.replace_addrs`: the `-replace` addresses (`None` shows `null`).
    pub replace_addrs: Option<Vec<String>>,
    /// `tfrun.speculative`: a plan-only run that cannot be applied.
    pub speculative: Option<bool>,
    /// `tfrun.target_addrs`: the `-target` addresses (`None` shows `null`).
    pub target_addrs: Option<Vec<String>>,
    /// `project.id`, `project.name`.
    pub project_id: Option<String>,
    /// `tfrun.project.name`.
    pub project_name: Option<String>,
    /// Workspace variables by name (values are never exposed by `tfrun`).
    pub variables: IndexMap<String, RunVariable>,
    /// `tfrun.organization.name`.
    pub organization: Option<String>,
    /// `tfrun.workspace`.
    pub workspace: WorkspaceInfo,
    /// `None`: no cost estimate (the field is undefined).
    pub cost_estimate: Option<CostEstimate>,
}

/// A workspace variable as `tfrun.variables` describes it.
#[derive(Clone, Debug, Default)]
pub struct RunVariable {
    /// `terraform` or `env`.
    pub category: String,
    /// Marked sensitive on the workspace.
    pub sensitive: bool,
}

/// `tfrun.workspace`.
#[derive(Clone, Debug, Default)]
pub struct WorkspaceInfo {
    /// `tfrun.workspace.id`.
    pub id: Option<String>,
    /// `tfrun.workspace.name`.
    pub name: Option<String>,
    /// `tfrun.workspace.created_at` (RFC 3339).
    pub created_at: Option<String>,
    /// `Some(None)` for a workspace without a description (`null`).
    pub description: Option<Option<String>>,
    /// `tfrun.workspace.execution_mode` (`remote`, `local`, `agent`).
    pub execution_mode: Option<String>,
    /// `tfrun.workspace.auto_apply`.
    pub auto_apply: Option<bool>,
    /// `tfrun.workspace.tags`: the workspace's single-value tags.
    pub tags: Option<Vec<String>>,
    /// `tfrun.workspace.tag_bindings`: its key/value tags.
    pub tag_bindings: Option<Vec<TagBinding>>,
    /// `tfrun.workspace.working_directory`.
    pub working_directory: Option<String>,
    /// `Some(None)` for a workspace without a VCS connection (`null`).
    pub vcs_repo: Option<Option<VcsRepo>>,
}

/// A key/value tag of a workspace.
#[derive(Clone, Debug, Default)]
pub struct TagBinding {
    /// The tag's key.
    pub key: String,
    /// The tag's value.
    pub value: String,
}

/// `tfrun.workspace.vcs_repo`.
#[derive(Clone, Debug, Default)]
pub struct VcsRepo {
    /// The repository's identifier (`org/repo`).
    pub identifier: String,
    /// The identifier as the VCS provider shows it.
    pub display_identifier: String,
    /// The branch runs are started from.
    pub branch: String,
    /// Submodules are cloned with the repository.
    pub ingress_submodules: bool,
}

/// Monthly costs, as decimal strings (`"12.34"`).
#[derive(Clone, Debug, Default)]
pub struct CostEstimate {
    /// The monthly cost before the run.
    pub prior_monthly_cost: String,
    /// The monthly cost after the run.
    pub proposed_monthly_cost: String,
    /// The difference, proposed minus prior.
    pub delta_monthly_cost: String,
}

fn opt_bool(b: Option<bool>) -> Value {
    b.map_or(Value::Undefined, Value::Bool)
}

/// Fields the caller gave, left out when it did not (so undefined).
fn present<'k>(pairs: impl IntoIterator<Item = (&'k str, Value)>) -> Value {
    map(pairs.into_iter().filter(|(_, v)| !v.is_undefined()))
}

pub(super) fn build(run: &RunInfo) -> Value {
    let addrs = |a: &Option<Vec<String>>| a.as_deref().map_or(Value::Null, strings);
    let w = &run.workspace;
    let workspace = present([
        ("id", opt_string(w.id.as_deref())),
        ("name", opt_string(w.name.as_deref())),
        ("created_at", opt_string(w.created_at.as_deref())),
        (
            "description",
            w.description.as_ref().map_or(Value::Undefined, |d| d.as_deref().map_or(Value::Null, Value::string)),
        ),
        ("execution_mode", opt_string(w.execution_mode.as_deref())),
        ("auto_apply", opt_bool(w.auto_apply)),
        ("tags", w.tags.as_deref().map_or(Value::Undefined, strings)),
        (
            "tag_bindings",
            w.tag_bindings.as_ref().map_or(Value::Undefined, |b| {
                Value::list(
                    b.iter()
                        .map(|t| map([("key", Value::string(&t.key)), ("value", Value::string(&t.value))]))
                        .collect(),
                )
            }),
        ),
        ("working_directory", opt_string(w.working_directory.as_deref())),
        (
            "vcs_repo",
            w.vcs_repo.as_ref().map_or(Value::Undefined, |r| {
                r.as_ref().map_or(Value::Null, |r| {
                    map([
                        ("identifier", Value::string(&r.identifier)),
                        ("display_identifier", Value::string(&r.display_identifier)),
                        ("branch", Value::string(&r.branch)),
                        ("ingress_submodules", Value::Bool(r.ingress_submodules)),
                    ])
                })
            }),
        ),
    ]);
    let variables = keyed(run.variables.iter().map(|(name, v)| {
        (name.clone(), map([("category", Value::string(&v.category)), ("sensitive", Value::Bool(v.sensitive))]))
    }));
    let cost = run.cost_estimate.as_ref().map_or(Value::Undefined, |c| {
        map([
            ("prior_monthly_cost", Value::string(&c.prior_monthly_cost)),
            ("proposed_monthly_cost", Value::string(&c.proposed_monthly_cost)),
            ("delta_monthly_cost", Value::string(&c.delta_monthly_cost)),
        ])
    });
    Namespace::new("tfrun")
        .field("id", opt_string(run.id.as_deref()))
        .field("created_at", opt_string(run.created_at.as_deref()))
        .field("created_by", opt_string(run.created_by.as_deref()))
        .field("message", opt_string(run.message.as_deref()))
        .field("commit_sha", opt_string(run.commit_sha.as_deref()))
        .field("is_destroy", opt_bool(run.is_destroy))
        .field("refresh", opt_bool(run.refresh))
        .field("refresh_only", opt_bool(run.refresh_only))
        .field("replace_addrs", addrs(&run.replace_addrs))
        .field("speculative", opt_bool(run.speculative))
        .field("target_addrs", addrs(&run.target_addrs))
        .field(
            "project",
            present([("id", opt_string(run.project_id.as_deref())), ("name", opt_string(run.project_name.as_deref()))]),
        )
        .field("variables", variables)
        .field("organization", present([("name", opt_string(run.organization.as_deref()))]))
        .field("workspace", workspace)
        .field("cost_estimate", cost)
        .into_value()
}
