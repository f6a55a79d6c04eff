//! `tfgate check --sentinel`: the flags that tell Sentinel's `tfrun` import
//! about the run. The language itself is `tfgate_sentinel::SentinelLanguage`.

use tfgate_sentinel::RunInfo;

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
