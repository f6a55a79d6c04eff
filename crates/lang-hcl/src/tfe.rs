//! The configuration's HCP Terraform context ([`TfeContext`], the engine's)
//! as the values `.policy.hcl` policies read in `meta`.

use tfgate_engine::TfeContext;
use tfgate_plan::Value;

/// `meta.tfe_workspace` and `meta.tfe_stack` of a [`TfeContext`].
pub(crate) trait TfeMeta {
    /// `meta.tfe_workspace`: `{ tags = { … } }`.
    fn workspace(&self) -> Value;
    /// `meta.tfe_stack`: `{ stack_name, deployment_name, deployment_group }`.
    fn stack(&self) -> Value;
}

impl TfeMeta for TfeContext {
    fn workspace(&self) -> Value {
        let tags = self.workspace_tags.iter().map(|(k, v)| (k.as_str(), Value::str(v)));
        Value::object_from([("tags", Value::object_from(tags))])
    }
    fn stack(&self) -> Value {
        Value::object_from([
            ("stack_name", Value::str(&self.stack_name)),
            ("deployment_name", Value::str(&self.deployment_name)),
            ("deployment_group", Value::str(&self.deployment_group)),
        ])
    }
}
