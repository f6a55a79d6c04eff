//! The targets of a plan, for languages that evaluate each policy per
//! target ([`crate::Granularity::PerTarget`]), and putting their verdicts in
//! report order. Which targets exist, how a finding names its target, and in
//! what order findings come are the same for every such language; only
//! turning a target into the language's own values (`.policy.hcl`'s `attrs`
//! and `meta`) is the language's.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use rayon::prelude::*;
use tfgate_core::{EnforcementLevel, Finding, Severity, Status, TargetKind};
use tfgate_plan::{Mode, ModuleCall, Plan, ProviderConfig, ResourceInstance};

use crate::language::Reads;

/// What a plan offers policies that `reads` selects, in report order.
pub struct PlanTargets<'p, 'a> {
    /// Managed resource instances (deposed objects are not targets) of a
    /// type some policy targets, by address.
    pub resources: Vec<&'p ResourceInstance<'a>>,
    /// Provider configurations, when some policy targets providers.
    pub providers: Vec<&'p ProviderConfig>,
    /// Module calls with their module address, when some policy targets modules.
    pub modules: Vec<(&'p str, &'p ModuleCall<'a>)>,
    /// How many managed resource instances the plan has (targeted or not),
    /// for the report.
    pub managed_resources: usize,
}

/// The targets of `plan` that `reads` selects. Instances of types no policy
/// targets are left out (and so never resolved).
pub fn plan_targets<'p, 'a>(plan: &'p Plan<'a>, reads: &Reads) -> PlanTargets<'p, 'a> {
    let managed = || plan.resources.iter().filter(|r| r.mode() == Mode::Managed && r.deposed().is_none());
    let mut targeted_types: HashMap<&str, bool> = HashMap::new();
    let mut resources: Vec<&ResourceInstance> = managed()
        .filter(|r| {
            *targeted_types.entry(r.resource_type()).or_insert_with(|| reads.reads_resource_type(r.resource_type()))
        })
        .collect();
    // Findings come out in the order of their targets, so with the targets in
    // address order the findings only need grouping by policy afterwards.
    resources.par_sort_unstable_by(|a, b| a.address_text.cmp(&b.address_text));
    PlanTargets {
        resources,
        providers: if reads.providers { plan.providers.values().collect() } else { Vec::new() },
        modules: if reads.modules {
            plan.modules.iter().map(|(path, call)| (path.as_str(), call)).collect()
        } else {
            Vec::new()
        },
        managed_resources: managed().count(),
    }
}

/// How a finding names its target: the fields every finding of that target
/// repeats, as shared strings.
#[derive(Clone, Debug, Default)]
pub struct TargetLabels {
    /// What kind of target it is.
    pub kind: TargetKind,
    /// The resource address, provider configuration key or module address.
    pub address: Arc<str>,
    /// The resource type, for a resource.
    pub resource_type: Option<Arc<str>>,
    /// The module the target is in (a module's own address for a module).
    pub module_path: Arc<str>,
    /// The source of that module's call.
    pub module_source: Option<Arc<str>>,
    /// The version constraint of that module's call.
    pub module_version: Option<Arc<str>>,
}

/// Makes [`TargetLabels`], sharing the strings many targets repeat
/// (resource types, module paths, sources and versions). Usable from many
/// threads.
#[derive(Default)]
pub struct TargetLabeler(Mutex<HashMap<Box<str>, Arc<str>>>);

impl TargetLabeler {
    fn shared(&self, s: &str) -> Arc<str> {
        let mut map = self.0.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(hit) = map.get(s) {
            return hit.clone();
        }
        let shared: Arc<str> = s.into();
        map.insert(s.into(), shared.clone());
        shared
    }

    /// A resource instance's labels.
    pub fn resource(&self, plan: &Plan<'_>, r: &ResourceInstance<'_>) -> TargetLabels {
        let call = plan.module_call(r.module());
        TargetLabels {
            kind: TargetKind::Resource,
            address: r.address_text.as_ref().into(),
            resource_type: Some(self.shared(r.resource_type())),
            module_path: self.shared(&r.module().to_string()),
            module_source: call.and_then(|c| c.source.as_deref()).map(|s| self.shared(s)),
            module_version: call.and_then(|c| c.version.as_deref()).map(|s| self.shared(s)),
        }
    }

    /// A provider configuration's labels.
    pub fn provider(&self, p: &ProviderConfig) -> TargetLabels {
        TargetLabels {
            kind: TargetKind::Provider,
            address: p.key.as_str().into(),
            module_path: p.module_address.as_deref().unwrap_or_default().into(),
            ..TargetLabels::default()
        }
    }

    /// A module call's labels (`path` is its module address).
    pub fn module(&self, path: &str, call: &ModuleCall<'_>) -> TargetLabels {
        let path: Arc<str> = path.into();
        TargetLabels {
            kind: TargetKind::Module,
            address: path.clone(),
            module_path: path,
            module_source: call.source.as_deref().map(Into::into),
            module_version: call.version.as_deref().map(Into::into),
            resource_type: None,
        }
    }
}

/// What every finding of one policy repeats.
#[derive(Clone, Debug)]
pub struct PolicyLabels {
    /// The policy id (several policies may share one).
    pub id: Arc<str>,
    /// The policy's name.
    pub name: Arc<str>,
    /// Its severity, when it has one.
    pub severity: Option<Severity>,
}

/// One policy's verdict on one target, before it becomes a finding. The
/// policy is a number (its place in the list of [`PolicyLabels`]), so that
/// the findings of a large plan are not held twice while they are put in
/// order.
#[derive(Clone, Debug)]
pub struct Verdict {
    /// The policy's place in the list of [`PolicyLabels`].
    pub policy: u32,
    /// The verdict.
    pub status: Status,
    /// The level it is enforced at.
    pub enforcement_level: EnforcementLevel,
    /// What the policy says about the target.
    pub message: String,
}

/// The findings of verdicts given target by target (targets in report
/// order: resources by address, then providers, then modules), in report
/// order: by policy id, then in target order.
pub fn findings_in_report_order(
    plan: &str,
    policies: &[PolicyLabels],
    mut per_target: Vec<(TargetLabels, Vec<Verdict>)>,
) -> Vec<Finding> {
    // Each policy's rank among the sorted ids (ids may repeat, names differ).
    let mut ids: Vec<&str> = policies.iter().map(|p| &*p.id).collect();
    ids.sort_unstable();
    ids.dedup();
    let rank: Vec<usize> = policies.iter().map(|p| ids.binary_search(&&*p.id).unwrap_or(ids.len())).collect();
    // One bucket per id, sized exactly up front (growing buckets of hundreds
    // of thousands of findings cost as much as filling them), filled in
    // target order. The buckets hold small verdicts; whole findings are made
    // only once, in place.
    let mut sizes = vec![0usize; ids.len() + 1];
    per_target.iter().flat_map(|(_, v)| v).for_each(|v| sizes[rank[v.policy as usize]] += 1);
    let mut buckets: Vec<Vec<(u32, Verdict)>> = sizes.iter().map(|n| Vec::with_capacity(*n)).collect();
    for (i, (_, verdicts)) in per_target.iter_mut().enumerate() {
        // Taken, not drained: each target's buffer is freed as it empties.
        for v in std::mem::take(verdicts) {
            buckets[rank[v.policy as usize]].push((i as u32, v));
        }
    }
    // The verdicts in report order, then the findings made from them in
    // parallel, each written in its place in the result (an indexed
    // collect: no second copy of a large plan's findings).
    let address = |(i, _): &(u32, Verdict)| &per_target[*i as usize].0.address;
    let mut ordered: Vec<(u32, Verdict)> = Vec::with_capacity(sizes.iter().sum());
    for mut bucket in buckets {
        if !bucket.is_sorted_by(|a, b| address(a) <= address(b)) {
            bucket.par_sort_by(|a, b| address(a).cmp(address(b)));
        }
        ordered.append(&mut bucket);
    }
    let plan: Arc<str> = plan.into();
    let mut findings = Vec::new();
    ordered
        .into_par_iter()
        .map(|(i, v)| {
            let target = &per_target[i as usize].0;
            let policy = &policies[v.policy as usize];
            Finding {
                policy_id: policy.id.clone(),
                policy_name: policy.name.clone(),
                status: v.status,
                enforcement_level: v.enforcement_level,
                severity: policy.severity,
                plan: plan.clone(),
                target_kind: target.kind,
                address: target.address.clone(),
                resource_type: target.resource_type.clone(),
                module_path: target.module_path.clone(),
                module_source: target.module_source.clone(),
                module_version: target.module_version.clone(),
                message: v.message,
                ..Finding::default()
            }
        })
        .collect_into_vec(&mut findings);
    findings
}

#[cfg(test)]
mod tests {
    use super::*;

    const PLAN: &str = r#"{"format_version":"1.2","terraform_version":"1.9.0",
      "resource_changes":[
        {"address":"module.m.aws_instance.b","module_address":"module.m","mode":"managed","type":"aws_instance","name":"b","provider_name":"registry.terraform.io/hashicorp/aws",
         "change":{"actions":["create"],"before":null,"after":{},"after_unknown":{}}},
        {"address":"aws_instance.a","mode":"managed","type":"aws_instance","name":"a","provider_name":"registry.terraform.io/hashicorp/aws",
         "change":{"actions":["create"],"before":null,"after":{},"after_unknown":{}}},
        {"address":"aws_s3_bucket.s","mode":"managed","type":"aws_s3_bucket","name":"s","provider_name":"registry.terraform.io/hashicorp/aws",
         "change":{"actions":["create"],"before":null,"after":{},"after_unknown":{}}},
        {"address":"data.aws_ami.x","mode":"data","type":"aws_ami","name":"x","provider_name":"registry.terraform.io/hashicorp/aws",
         "change":{"actions":["read"],"before":null,"after":{},"after_unknown":{}}}],
      "configuration":{"provider_config":{"aws":{"name":"aws","full_name":"registry.terraform.io/hashicorp/aws"}},
        "root_module":{"module_calls":{"m":{"source":"./m","module":{}}}}}}"#;

    #[test]
    fn targets_are_the_selected_managed_instances_by_address_and_kinds_asked_for() {
        let plan = Plan::parse(PLAN).unwrap();
        let reads = Reads { resource_types: vec!["aws_inst*".into()], ..Reads::default() };
        let targets = plan_targets(&plan, &reads);
        let addresses: Vec<&str> = targets.resources.iter().map(|r| &*r.address_text).collect();
        assert_eq!(addresses, ["aws_instance.a", "module.m.aws_instance.b"]);
        assert_eq!(targets.managed_resources, 3);
        assert!(targets.providers.is_empty() && targets.modules.is_empty());
        let all = plan_targets(&plan, &Reads { providers: true, modules: true, ..Reads::everything() });
        assert_eq!(all.resources.len(), 3);
        assert_eq!(all.providers.len(), 1);
        assert_eq!(all.modules.iter().map(|(p, _)| *p).collect::<Vec<_>>(), ["module.m"]);
    }

    #[test]
    fn findings_come_by_policy_id_then_target_and_share_their_labels() {
        let plan = Plan::parse(PLAN).unwrap();
        let labeler = TargetLabeler::default();
        let targets = plan_targets(&plan, &Reads::everything());
        let policy = |id: &str| PolicyLabels { id: id.into(), name: id.into(), severity: None };
        let policies = [policy("b-policy"), policy("a-policy")];
        let verdict = |policy: u32, status: Status| Verdict {
            policy,
            status,
            enforcement_level: EnforcementLevel::Mandatory,
            message: String::new(),
        };
        let per_target: Vec<(TargetLabels, Vec<Verdict>)> = targets
            .resources
            .iter()
            .map(|r| (labeler.resource(&plan, r), vec![verdict(0, Status::Pass), verdict(1, Status::Fail)]))
            .collect();
        let findings = findings_in_report_order("plan.json", &policies, per_target);
        let order: Vec<(&str, &str)> = findings.iter().map(|f| (&*f.policy_id, &*f.address)).collect();
        assert_eq!(
            order,
            [
                ("a-policy", "aws_instance.a"),
                ("a-policy", "aws_s3_bucket.s"),
                ("a-policy", "module.m.aws_instance.b"),
                ("b-policy", "aws_instance.a"),
                ("b-policy", "aws_s3_bucket.s"),
                ("b-policy", "module.m.aws_instance.b"),
            ]
        );
        assert!(Arc::ptr_eq(findings[0].resource_type.as_ref().unwrap(), findings[2].resource_type.as_ref().unwrap()));
        assert_eq!(&*findings[2].module_path, "module.m");
        assert_eq!(findings[2].module_source.as_deref(), Some("./m"));
    }
}
