//! The roll-up by module source and version, for platform teams: which
//! module produces which violations, across every plan of a run.
//!
//! Built from the findings alone, so a module instance that no policy
//! looked at does not appear.

use std::collections::{BTreeMap, BTreeSet, HashSet};

use serde::Serialize;

use crate::{Finding, Report, TargetKind};

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

impl<'a> Acc<'a> {
    /// Counts one finding; its module instance only when `instance` (and
    /// as failing only when `failing_instance`): the caller knows it counted.
    fn add(&mut self, f: &'a Finding, instance: bool, failing_instance: bool) {
        let module = (&*f.plan, &*f.module_path);
        let resource = (&*f.plan, &*f.address);
        // Module and provider findings are about the module, not a resource.
        let is_resource = f.target_kind == TargetKind::Resource;
        if instance {
            self.instances.insert(module);
        }
        if is_resource {
            self.resources.insert(resource);
        }
        if f.effect.is_violation() {
            if failing_instance {
                self.failing_instances.insert(module);
            }
            if is_resource {
                self.failing_resources.insert(resource);
            }
            self.failing_policies.insert(&f.policy_id);
        }
    }
}

/// The roll-up, sorted by source then version.
pub fn module_rollup(report: &Report) -> Vec<ModuleRollup> {
    let mut groups: BTreeMap<(&str, Option<&str>), Acc> = BTreeMap::new();
    // Findings in report order come policy by policy, each policy's by
    // address: a module instance is mostly the one just seen, which a
    // comparison tells more cheaply than a hash.
    let mut last: Option<(&Finding, bool)> = None;
    for f in &report.findings {
        let same = last.is_some_and(|(l, _)| {
            l.plan == f.plan
                && l.module_path == f.module_path
                && l.module_source == f.module_source
                && l.module_version == f.module_version
        });
        // Whether this module instance is counted as failing already.
        let counted_failing = same && last.is_some_and(|(_, counted)| counted);
        last = Some((f, f.effect.is_violation() || counted_failing));
        groups.entry(group_of(f)).or_default().add(f, !same, !counted_failing);
    }
    finish(groups)
}

/// The source and version a finding's module instance is counted under.
fn group_of(f: &Finding) -> (&str, Option<&str>) {
    let source = match (&f.module_source, f.module_path.is_empty()) {
        (Some(s), _) => &**s,
        (None, true) => ROOT_SOURCE,
        (None, false) => UNKNOWN_SOURCE,
    };
    (source, f.module_version.as_deref())
}

fn finish(groups: BTreeMap<(&str, Option<&str>), Acc>) -> Vec<ModuleRollup> {
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Effect;
    use proptest::prelude::*;

    /// The roll-up by definition: every finding's module instance counted
    /// (the sets keep each once), whatever the order of the findings.
    fn by_definition(report: &Report) -> Vec<ModuleRollup> {
        let mut groups: BTreeMap<(&str, Option<&str>), Acc> = BTreeMap::new();
        for f in &report.findings {
            groups.entry(group_of(f)).or_default().add(f, true, true);
        }
        finish(groups)
    }

    fn finding() -> impl Strategy<Value = Finding> {
        // Few values each, so that findings share plans, modules and addresses.
        (0..2usize, 0..3usize, 0..3usize, 0..2usize, 0..4usize, 0..3usize, 0..3usize, any::<bool>()).prop_map(
            |(plan, module, source, version, address, policy, effect, resource)| {
                let module_path = ["", "module.a", "module.b[\"x\"]"][module];
                Finding {
                    policy_id: format!("P{policy}").into(),
                    plan: format!("plan{plan}.json").into(),
                    module_path: module_path.into(),
                    module_source: [None, Some("./a".into()), Some("reg/b/aws".into())][source].clone(),
                    module_version: [None, Some("~> 1.0".into())][version].clone(),
                    address: format!("{module_path}.aws_instance.i{address}").into(),
                    target_kind: if resource { TargetKind::Resource } else { TargetKind::Module },
                    effect: [Effect::None, Effect::Warns, Effect::Blocks][effect],
                    ..Finding::default()
                }
            },
        )
    }

    proptest! {
        /// Skipping a module instance just seen counts as the sets would,
        /// in report order or any other.
        #[test]
        fn the_rollup_counts_what_its_definition_does(mut findings in prop::collection::vec(finding(), 0..40), sorted in any::<bool>()) {
            if sorted {
                findings.sort_by(|a, b| (&a.policy_id, &a.address).cmp(&(&b.policy_id, &b.address)));
            }
            let report = Report { findings, ..Report::default() };
            prop_assert_eq!(module_rollup(&report), by_definition(&report));
        }
    }
}
