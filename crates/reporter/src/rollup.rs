//! The roll-up by module source and version, for platform teams: which
//! module produces which violations, across every plan of a run.
//!
//! Built from the findings alone, so a module instance that no policy
//! looked at does not appear.

use std::collections::{BTreeMap, BTreeSet, HashSet};

use serde::Serialize;

use crate::{Report, TargetKind};

/// The source shown for resources of the root module.
pub const ROOT_SOURCE: &str = "(root module)";
/// The source shown for module instances whose source the plan did not say.
pub const UNKNOWN_SOURCE: &str = "(unknown source)";

/// One module source and version, across every plan.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ModuleRollup {
    /// The module source (`terraform-aws-modules/vpc/aws`, `./modules/app`),
    /// [`ROOT_SOURCE`] or [`UNKNOWN_SOURCE`].
    pub source: String,
    /// The `version` argument of the module calls (a constraint such as
    /// `~> 5.0`); `None` without one.
    pub version: Option<String>,
    /// Module instances (plan × module path) using this source and version.
    pub instances: usize,
    /// Instances with at least one failing finding (a violation: see [`crate::Effect::is_violation`]).
    pub failing_instances: usize,
    /// Resource instances (plan × address) in those module instances.
    pub resources: usize,
    /// Those of them with at least one failing finding.
    pub failing_resources: usize,
    /// Ids of the policies that fail somewhere in this module, sorted.
    pub failing_policies: Vec<String>,
}

/// Only counted, so hashed: addresses in deep modules share long prefixes,
/// which made ordered sets compare the same bytes over and over.
#[derive(Default)]
struct Acc<'a> {
    instances: HashSet<(&'a str, &'a str)>,
    failing_instances: HashSet<(&'a str, &'a str)>,
    resources: HashSet<(&'a str, &'a str)>,
    failing_resources: HashSet<(&'a str, &'a str)>,
    failing_policies: BTreeSet<&'a str>,
}

/// The roll-up, sorted by source then version.
pub fn module_rollup(report: &Report) -> Vec<ModuleRollup> {
    let mut groups: BTreeMap<(&str, Option<&str>), Acc> = BTreeMap::new();
    for f in &report.findings {
        let source = match (&f.module_source, f.module_path.is_empty()) {
            (Some(s), _) => &**s,
            (None, true) => ROOT_SOURCE,
            (None, false) => UNKNOWN_SOURCE,
        };
        let acc = groups.entry((source, f.module_version.as_deref())).or_default();
        let instance = (&*f.plan, &*f.module_path);
        let resource = (&*f.plan, &*f.address);
        // Module and provider findings are about the module, not a resource.
        let is_resource = f.target_kind == TargetKind::Resource;
        acc.instances.insert(instance);
        if is_resource {
            acc.resources.insert(resource);
        }
        if f.effect.is_violation() {
            acc.failing_instances.insert(instance);
            if is_resource {
                acc.failing_resources.insert(resource);
            }
            acc.failing_policies.insert(&f.policy_id);
        }
    }
    groups
        .into_iter()
        .map(|((source, version), acc)| ModuleRollup {
            source: source.to_string(),
            version: version.map(str::to_string),
            instances: acc.instances.len(),
            failing_instances: acc.failing_instances.len(),
            resources: acc.resources.len(),
            failing_resources: acc.failing_resources.len(),
            failing_policies: acc.failing_policies.into_iter().map(str::to_string).collect(),
        })
        .collect()
}
