//! `.policy.hcl` as a policy language of the engine: the set, the options
//! the configuration resolved for it, and how its files and blocks are
//! named. Each policy is evaluated against each target it selects.

use std::path::{Path, PathBuf};

use tfgate_core::{PolicyInfo, TargetKind};
use tfgate_engine::{
    BlockIdentity, Evaluation, Granularity, LoadError, PlanInput, PolicyIdentity, PolicyLanguage, Reads,
};
use tfgate_plan::Value;

use crate::check::{block_label, check_plan_releasing, describe_policies, file_stem, policy_id, CheckOptions};
use crate::reads::TargetReads;
use crate::PolicySet;

/// A `.policy.hcl` policy set with what the configuration set for it.
#[derive(Clone, Debug, Default)]
pub struct HclLanguage {
    set: PolicySet,
    options: CheckOptions,
}

impl HclLanguage {
    /// The language over a loaded set, with these options (levels and
    /// inputs the configuration resolved, limits, HTTP access, HCP context).
    pub fn new(set: PolicySet, options: CheckOptions) -> HclLanguage {
        HclLanguage { set, options }
    }

    /// The same set with other options: those the configuration resolved
    /// against it ([`tfgate_engine::resolve_config`]).
    pub fn with_options(self, options: CheckOptions) -> HclLanguage {
        HclLanguage { options, ..self }
    }

    /// The policy set.
    pub fn set(&self) -> &PolicySet {
        &self.set
    }

    /// The evaluation options.
    pub fn options(&self) -> &CheckOptions {
        &self.options
    }
}

/// The `*.policy.hcl` files under `dir`, in name order, recursively.
fn policy_files(dir: &Path, out: &mut Vec<PathBuf>) -> std::io::Result<()> {
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)?.map(|e| e.map(|e| e.path())).collect::<Result<_, _>>()?;
    entries.sort();
    for p in entries {
        if p.is_dir() {
            policy_files(&p, out)?;
        } else if p.file_name().and_then(|n| n.to_str()).is_some_and(|n| n.ends_with(".policy.hcl")) {
            out.push(p);
        }
    }
    Ok(())
}

impl PolicyLanguage for HclLanguage {
    fn name(&self) -> &'static str {
        ".policy.hcl"
    }

    /// Loads policy files, and the `*.policy.hcl` files below folders,
    /// with default options.
    fn load(paths: &[PathBuf]) -> Result<HclLanguage, LoadError> {
        let mut files = Vec::new();
        for p in paths {
            if p.is_dir() {
                policy_files(p, &mut files)
                    .map_err(|e| LoadError { message: format!("cannot read {}: {e}", p.display()) })?;
            } else {
                files.push(p.clone());
            }
        }
        let set = PolicySet::load_paths(&files).map_err(|e| LoadError { message: e.to_string() })?;
        Ok(HclLanguage::new(set, CheckOptions::default()))
    }

    fn is_empty(&self) -> bool {
        self.set.files().is_empty()
    }

    fn granularity(&self) -> Granularity {
        Granularity::PerTarget
    }

    fn describe(&self) -> Vec<PolicyInfo> {
        describe_policies(&self.set, &self.options, |f| f.name().to_string())
    }

    fn reads(&self) -> Reads {
        reads_of(&self.set, &TargetReads::of_files(self.set.files()))
    }

    fn identities(&self) -> Vec<PolicyIdentity> {
        policy_identities(&self.set)
    }

    /// Converts the value to the input's declared type, as a default is.
    fn check_input(&self, policy: usize, input: &str, value: &Value) -> Result<(), String> {
        let Some(decl) = self.set.files().get(policy).and_then(|f| f.input(input)) else {
            return Err(format!("no input {input:?}"));
        };
        // The message may quote the value, which may be a secret.
        crate::types::convert(value, &decl.ty).map(drop).map_err(|message| {
            if decl.sensitive {
                "not of the declared type".to_string()
            } else {
                message
            }
        })
    }

    fn evaluate(&self, plan: PlanInput<'_, '_>) -> Evaluation {
        let out = check_plan_releasing(&self.set, plan.plan, plan.name, &self.options, Some(plan.text));
        Evaluation { findings: out.findings, errors: out.errors, traces: Vec::new() }
    }
}

/// How the files of a set and their blocks are named: a file is a policy,
/// named by its `tfgate { id }` and `aliases`, or without an id by its name
/// without `.policy.hcl`; a block by its id ([`policy_id`]) and label, made
/// unique by its type when blocks of the file share it (`block_label` in `check.rs`).
pub fn policy_identities(set: &PolicySet) -> Vec<PolicyIdentity> {
    set.files()
        .iter()
        .map(|file| {
            let meta = &file.config.tfgate;
            let mut names: Vec<String> = meta.id.iter().chain(&meta.aliases).cloned().collect();
            if meta.id.is_none() {
                names.push(file_stem(file.name()).to_string());
            }
            let blocks = file
                .policies
                .iter()
                .map(|policy| {
                    let label = block_label(file, policy);
                    BlockIdentity {
                        id: policy_id(file, policy),
                        unique_label: (label != policy.name).then_some(label),
                        label: Some(policy.name.clone()),
                    }
                })
                .collect();
            let inputs = file.inputs.iter().map(|i| i.name.clone()).collect();
            PolicyIdentity { source: file.name().to_string(), names, blocks, inputs }
        })
        .collect()
}

/// What the policies of a set read of a plan: the targets they select and
/// the parts of the plan beyond planned values (`reads`: what its
/// expressions read of a target, [`TargetReads::of_files`]).
pub(crate) fn reads_of(set: &PolicySet, reads: &TargetReads) -> Reads {
    let policies = || set.files().iter().flat_map(|f| &f.policies);
    let mut resource_types: Vec<String> = Vec::new();
    for p in policies().filter(|p| p.kind == TargetKind::Resource) {
        if !resource_types.contains(&p.target) {
            resource_types.push(p.target.clone());
        }
    }
    Reads {
        resource_types,
        providers: policies().any(|p| p.kind == TargetKind::Provider),
        modules: policies().any(|p| p.kind == TargetKind::Module),
        configuration: reads.meta.includes("configured") || policies().any(|p| p.kind == TargetKind::Module),
        prior_state: !reads.prior_attrs.is_nothing(),
        // Values come from the model, never from the file's sections.
        sections: false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const TWO: &str = r#"
policy {}
resource_policy "aws_s3_*" "encrypted" {
  enforce {
    condition = attrs.server_side_encryption_configuration != null && meta.configured != null
  }
}
module_policy "*" "pinned" {
  enforce {
    condition = true
  }
}
"#;

    #[test]
    fn it_says_what_its_policies_read() {
        let set = PolicySet::from_sources([("two.policy.hcl", TWO)]).unwrap();
        let lang = HclLanguage::new(set, CheckOptions::default());
        let reads = lang.reads();
        assert_eq!(reads.resource_types, ["aws_s3_*"]);
        assert!(reads.modules && !reads.providers && reads.configuration && !reads.prior_state);
        assert!(reads.reads_resource_type("aws_s3_bucket") && !reads.reads_resource_type("aws_instance"));
    }

    #[test]
    fn ids_resolve_to_the_ids_findings_carry() {
        let set = PolicySet::from_sources([("two.policy.hcl", TWO)]).unwrap();
        let lang = HclLanguage::new(set, CheckOptions::default());
        let index = tfgate_engine::PolicyIndex::new(&lang.identities());
        let whole = index.resolve("two").unwrap();
        assert_eq!(whole.blocks, ["two/encrypted", "two/pinned"]);
        assert!(whole.whole);
        let one = index.resolve("two/pinned").unwrap();
        assert_eq!((one.blocks, one.whole), (vec!["two/pinned".to_string()], false));
        let e = index.resolve("tow/pinned").unwrap_err();
        assert!(!e.message.is_empty());
        let ids: Vec<String> = lang.describe().into_iter().map(|p| p.id).collect();
        assert_eq!(ids, ["two/encrypted", "two/pinned"]);
    }
}
