//! `.policy.hcl` as a policy language of the engine: the set, the options
//! the configuration resolved for it, and the index of the ids that name
//! its blocks. Each policy is evaluated against each target it selects.

use std::path::{Path, PathBuf};

use tfgate_core::{PolicyInfo, TargetKind};
use tfgate_engine::{Evaluation, Granularity, LoadError, PlanInput, PolicyLanguage, Reads, Resolution, Unresolved};

use crate::check::{check_plan_releasing, describe_policies, CheckOptions};
use crate::identity::PolicyIndex;
use crate::reads::TargetReads;
use crate::PolicySet;

/// A `.policy.hcl` policy set with what the configuration set for it.
#[derive(Clone, Debug, Default)]
pub struct HclLanguage {
    set: PolicySet,
    options: CheckOptions,
    index: PolicyIndex,
}

impl HclLanguage {
    /// The language over a loaded set, with these options (levels and
    /// inputs the configuration resolved, limits, HTTP access, HCP context).
    pub fn new(set: PolicySet, options: CheckOptions) -> HclLanguage {
        let index = PolicyIndex::new(&set);
        HclLanguage { set, options, index }
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

    /// Every form of id (`identity.rs`): a block id, a policy id or alias,
    /// `POLICY/label[TYPE]`, a unique label.
    fn resolve(&self, written: &str) -> Option<Result<Resolution, Unresolved>> {
        Some(self.index.resolve(written).map(|r| Resolution {
            blocks: r.blocks.iter().map(|b| self.index.id(*b).to_string()).collect(),
            whole: r.whole,
        }))
    }

    fn evaluate(&self, plan: PlanInput<'_, '_>) -> Evaluation {
        let out = check_plan_releasing(&self.set, plan.plan, plan.name, &self.options, Some(plan.text));
        Evaluation { findings: out.findings, errors: out.errors, traces: Vec::new() }
    }
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
        let whole = lang.resolve("two").unwrap().unwrap();
        assert_eq!(whole.blocks, ["two/encrypted", "two/pinned"]);
        assert!(whole.whole);
        let one = lang.resolve("two/pinned").unwrap().unwrap();
        assert_eq!((one.blocks, one.whole), (vec!["two/pinned".to_string()], false));
        let e = lang.resolve("tow/pinned").unwrap().unwrap_err();
        assert!(!e.message.is_empty());
        let ids: Vec<String> = lang.describe().into_iter().map(|p| p.id).collect();
        assert_eq!(ids, ["two/encrypted", "two/pinned"]);
    }
}
