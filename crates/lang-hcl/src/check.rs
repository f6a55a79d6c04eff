//! Evaluating a policy set over a plan: the plan's resource instances,
//! provider configurations and module calls become [`Target`]s, every policy
//! file is evaluated against them (targets in parallel), and each applicable
//! policy × target gives one neutral [`Finding`].
//!
//! Gate decisions (how unknown counts, waivers, overrides) are not made
//! here: findings carry their status and enforcement level, and the caller
//! decides.

use std::collections::{BTreeMap, HashMap};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, OnceLock};

use rayon::prelude::*;
use tfgate_plan::{Action, Kind, Mode, Plan, ResourceInstance, Value};

use crate::eval::{Limits, ResourceList, ResourceSource};
use crate::functions::gethttprequest::HttpAccess;
use crate::language::reads_of;
use crate::model::{EnforcementLevel, Policy, PolicyFile, TargetKind};
use crate::reads::{ElementReads, Fields, ListReads, TargetReads};
use crate::run::{Evaluator, PolicyOutcome, Status, Target};
use crate::tfe::TfeMeta;
use crate::PolicySet;
use tfgate_engine::TfeContext;
use tfgate_engine::{findings_in_report_order, plan_targets, PolicyLabels, TargetLabeler, TargetLabels, Verdict};

/// What to evaluate and how.
#[derive(Clone, Debug, Default)]
pub struct CheckOptions {
    /// Input values per policy file name (as loaded, e.g. `builtin:aws/ec2/x.policy.hcl`),
    /// overriding defaults. [`tfgate_engine::resolve_config`] turns the ids a
    /// user writes into these keys, and rejects ids that name nothing.
    pub inputs: BTreeMap<String, BTreeMap<String, Value>>,
    /// Enforcement level overrides per policy block id ([`policy_id`]).
    pub levels: BTreeMap<String, EnforcementLevel>,
    /// Bounds on each evaluation (steps, depth, value bytes, work).
    pub limits: Limits,
    /// What `core::gethttprequest` may do; `None`: no requests.
    pub http: Option<Arc<HttpAccess>>,
    /// HCP Terraform context for `meta.tfe_workspace` and `meta.tfe_stack`.
    pub tfe: TfeContext,
}

/// The findings of one plan.
#[derive(Clone, Debug, Default)]
pub struct CheckOutput {
    pub findings: Vec<tfgate_core::Finding>,
    pub errors: Vec<tfgate_core::RunError>,
    /// How many targets of each kind were looked at.
    pub resources: usize,
}

/// The stable id of a policy block: the file's `tfgate { id }` when the file
/// holds one policy, `ID/NAME` when it holds several, and `FILE/NAME`
/// (file name without `.policy.hcl`) for files without an id. NAME is the
/// block's `block_label`.
pub fn policy_id(file: &PolicyFile, policy: &Policy) -> String {
    let label = block_label(file, policy);
    match &file.config.tfgate.id {
        Some(id) if file.policies.len() == 1 => id.clone(),
        Some(id) => format!("{id}/{label}"),
        None => format!("{}/{label}", file_stem(file.name())),
    }
}

/// How a block is named within its file: its label when no other block of
/// the file has it, else `label[TYPE]` (the first label, e.g.
/// `no_public_snapshots[aws_db_snapshot]`), and `label[KIND:TYPE]` when two
/// blocks of different kinds share label and type too. Terraform policy
/// identifies a block by kind, type and label, so a label alone may name
/// several; ids stay as they were for every label that is unique.
pub fn block_label(file: &PolicyFile, policy: &Policy) -> String {
    let same_label = || file.policies.iter().filter(|q| q.name == policy.name);
    if same_label().count() < 2 {
        return policy.name.clone();
    }
    if same_label().filter(|q| q.target == policy.target).count() < 2 {
        format!("{}[{}]", policy.name, policy.target)
    } else {
        format!("{}[{}:{}]", policy.name, crate::model::block_name(policy.kind), policy.target)
    }
}

/// A file's name without its folders and `.policy.hcl`.
pub(crate) fn file_stem(name: &str) -> &str {
    let base = name.rsplit(['/', '\\']).next().unwrap_or(name);
    base.strip_suffix(".policy.hcl").unwrap_or(base)
}

/// Describes every policy of a set for a report, with its effective level.
pub fn describe_policies(
    set: &PolicySet,
    options: &CheckOptions,
    source_label: impl Fn(&PolicyFile) -> String,
) -> Vec<tfgate_core::PolicyInfo> {
    let mut out = Vec::new();
    for file in set.files() {
        let meta = &file.config.tfgate;
        let ev = Evaluator::new(file, &input_values(file, options), &crate::eval::NoResources, options.limits).ok();
        for policy in &file.policies {
            let id = policy_id(file, policy);
            let level = options
                .levels
                .get(&id)
                .copied()
                .or_else(|| ev.as_ref().and_then(|ev| ev.enforcement_level(policy).ok()));
            out.push(tfgate_core::PolicyInfo {
                id,
                name: policy.name.clone(),
                title: meta.title.clone(),
                description: meta.description.clone(),
                severity: meta.severity,
                // A level that cannot be evaluated here is listed as the
                // default, mandatory: fail closed.
                enforcement_level: level.unwrap_or(EnforcementLevel::Mandatory),
                target_kind: policy.kind,
                target: policy.target.clone(),
                controls: meta.controls.clone(),
                source: source_label(file),
                help_uri: meta.docs.clone(),
            });
        }
    }
    out.sort_by(|a, b| a.id.cmp(&b.id));
    out
}

/// Evaluates every policy of `set` against `plan`.
pub fn check_plan(set: &PolicySet, plan: &Plan<'_>, plan_name: &str, options: &CheckOptions) -> CheckOutput {
    check_plan_releasing(set, plan, plan_name, options, None)
}

/// Resource targets evaluated between two releases of the plan's pages.
const RELEASE_EVERY: usize = 1024;

/// As [`check_plan`], with the text `plan` was parsed from: a mapped plan's
/// pages go back to the file cache after each batch of resource targets and
/// each list of resources built for a function, so the pages of values
/// already read do not pile up ([`tfgate_plan::PlanText::release_resident`]).
pub(crate) fn check_plan_releasing(
    set: &PolicySet,
    plan: &Plan<'_>,
    plan_name: &str,
    options: &CheckOptions,
    text: Option<&Arc<tfgate_plan::PlanText>>,
) -> CheckOutput {
    let source = PlanResources::new(plan)
        .with_tfe(options.tfe.clone())
        .with_text(text.cloned())
        .with_list_reads(ListReads::of_files(set.files()));
    let mut output = CheckOutput::default();

    let mut evaluators = Vec::new();
    for file in set.files() {
        match Evaluator::new(file, &input_values(file, options), &source, options.limits)
            .map(|ev| ev.with_http(options.http.clone()))
        {
            Ok(ev) => evaluators.push((file, ev, file.policies.iter().map(|p| policy_id(file, p)).collect::<Vec<_>>())),
            Err(e) => output.errors.push(tfgate_core::RunError {
                message: e.to_string(),
                plan: Some(plan_name.to_string()),
                policy_id: None,
            }),
        }
    }
    // What every finding of a policy repeats, made once and shared; a
    // verdict names its policy by its position in the set.
    let mut policies: Vec<PolicyLabels> = Vec::new();
    let numbers: Vec<Vec<u32>> = evaluators
        .iter()
        .map(|(file, _, ids)| {
            file.policies
                .iter()
                .zip(ids)
                .map(|(policy, id)| {
                    policies.push(PolicyLabels {
                        id: id.as_str().into(),
                        name: policy.name.as_str().into(),
                        severity: file.config.tfgate.severity,
                    });
                    (policies.len() - 1) as u32
                })
                .collect()
        })
        .collect();
    let evaluate = |target: &Target| -> Vec<Verdict> {
        evaluators
            .iter()
            .zip(&numbers)
            .flat_map(|((file, ev, ids), numbers)| {
                file.policies.iter().zip(ids).zip(numbers).filter_map(move |((policy, id), &number)| {
                    let outcome = ev.evaluate(policy, target);
                    verdict(ev, policy, id, &outcome, options).map(|(status, enforcement_level, message)| Verdict {
                        policy: number,
                        status,
                        enforcement_level,
                        message,
                    })
                })
            })
            .collect()
    };

    // The targets (the engine's), resource instances one at a time, in
    // parallel: a target's values are resolved, evaluated and dropped, so
    // memory stays flat whatever the plan size.
    // Only the parts of each target that some policy reads are built.
    let reads = TargetReads::of_files(set.files());
    let targets = plan_targets(plan, &reads_of(set, &reads));
    output.resources = targets.managed_resources;
    crate::file_locals::compute_read_by_every_target(evaluators.iter().map(|(file, ev, _)| (*file, ev)), &targets);
    let keep = reads.attrs.matcher();
    let selection: Option<tfgate_plan::Selection<'_>> = keep.as_ref().map(|k| k as tfgate_plan::Selection<'_>);
    let keep_prior = reads.prior_attrs.matcher();
    let prior_selection: Option<tfgate_plan::Selection<'_>> =
        keep_prior.as_ref().map(|k| k as tfgate_plan::Selection<'_>);
    let labeler = TargetLabeler::default();
    // Every RELEASE_EVERY targets, whichever thread gets there releases the
    // pages (others go on reading: a page they touch comes back).
    let evaluated = AtomicUsize::new(0);
    let results: Vec<Result<(TargetLabels, Vec<Verdict>), tfgate_core::RunError>> = targets
        .resources
        .par_iter()
        .map(|r| {
            let result = resource_target(&source, r, plan_name, &reads, (selection, prior_selection))
                .map(|target| (labeler.resource(plan, r), evaluate(&target)));
            if evaluated.fetch_add(1, Ordering::Relaxed) % RELEASE_EVERY == RELEASE_EVERY - 1 {
                source.release_pages();
            }
            result
        })
        .collect();
    source.release_pages();
    let mut per_target = Vec::with_capacity(results.len());
    for r in results {
        match r {
            Ok(findings) => per_target.push(findings),
            Err(e) => output.errors.push(e),
        }
    }
    // Providers and modules one at a time: a target's values (a module's
    // address is as long as its nesting is deep) are dropped once it is
    // evaluated.
    for p in targets.providers {
        per_target.push((labeler.provider(p), evaluate(&provider_target(p, &options.tfe))));
    }
    for (path, call) in targets.modules {
        per_target.push((labeler.module(path, call), evaluate(&module_target(path, call, &options.tfe))));
    }
    // The evaluators' caches (resource lists, file-level locals: millions of
    // small values on a large plan) are freed while the findings are put in
    // order, not after.
    let (findings, ()) = rayon::join(
        || findings_in_report_order(plan_name, &policies, per_target),
        || {
            drop(evaluators);
            source.free_caches();
        },
    );
    output.findings = findings;
    output
}

fn input_values(file: &PolicyFile, options: &CheckOptions) -> BTreeMap<String, Value> {
    // Inputs belong to a file: its blocks share one evaluator.
    options.inputs.get(file.name()).cloned().unwrap_or_default()
}

/// Status, effective level and message of an applicable policy's outcome;
/// `None` when the policy does not apply.
fn verdict(
    ev: &Evaluator<'_>,
    policy: &Policy,
    id: &str,
    outcome: &PolicyOutcome,
    options: &CheckOptions,
) -> Option<(Status, EnforcementLevel, String)> {
    let (status, level, message) = match outcome {
        PolicyOutcome::NotApplicable(_) => return None,
        PolicyOutcome::Error(e) => {
            let level = ev.enforcement_level(policy).unwrap_or(EnforcementLevel::Mandatory);
            (Status::Error, level, ev.diagnostic(e).render())
        }
        PolicyOutcome::Evaluated { enforcement_level, results, .. } => {
            let status = outcome.status().unwrap_or(Status::Pass);
            let messages: Vec<String> = results
                .iter()
                .filter_map(|r| match r.status {
                    Status::Pass => None,
                    Status::Fail | Status::Unknown => Some(r.error_message.clone().unwrap_or_else(|| {
                        format!("enforce block {} of {} {}", r.index + 1, policy.name, r.status.as_str())
                    })),
                    Status::Error => r.error.as_ref().map(|e| ev.diagnostic(e).render()),
                    // An enforce block is never waived: only the engine waives findings.
                    Status::Waived => None,
                })
                .collect();
            let message = if messages.is_empty() {
                results.iter().filter_map(|r| r.info_message.clone()).collect::<Vec<_>>().join("\n")
            } else {
                messages.join("\n")
            };
            (status, *enforcement_level, message)
        }
    };
    Some((status, options.levels.get(id).copied().unwrap_or(level), message))
}

/// The short provider type from a provider address (`registry.terraform.io/hashicorp/aws` → `aws`).
fn provider_type(provider_name: &str) -> &str {
    provider_name.rsplit('/').next().unwrap_or(provider_name).split('.').next().unwrap_or(provider_name)
}

/// The one-word operation a policy sees in `meta.operation`.
fn operation(action: &Action) -> &'static str {
    match action {
        Action::Create => "create",
        Action::Update => "update",
        Action::Delete | Action::Forget => "delete",
        Action::Read => "read",
        Action::NoOp => "no-op",
        Action::DeleteThenCreate | Action::CreateThenDelete | Action::CreateThenForget | Action::ForgetThenCreate => {
            "replace"
        }
        Action::Other(_) => "other",
    }
}

/// The arguments each configuration block sets, computed once per block
/// (instances of a `count` or `for_each` share their configuration).
#[derive(Default)]
struct ConfiguredCache {
    by_block: Mutex<HashMap<usize, Value>>,
}

impl ConfiguredCache {
    fn get(&self, plan: &Plan<'_>, r: &ResourceInstance<'_>) -> Value {
        let Some(block) = plan.config_resource(&r.address) else { return Value::unknown() };
        let key = block as *const _ as usize;
        if let Some(v) = self.by_block.lock().unwrap_or_else(|e| e.into_inner()).get(&key) {
            return v.clone();
        }
        let v = configured_arguments(plan, r);
        self.by_block.lock().unwrap_or_else(|e| e.into_inner()).insert(key, v.clone());
        v
    }
}

/// The keys of `meta` that `fields` names (all of them for [`Fields::All`]);
/// `configured` is computed by the caller, which may cache it.
fn resource_meta_fields(
    plan: &Plan<'_>,
    r: &ResourceInstance<'_>,
    fields: &Fields,
    configured: impl FnOnce() -> Value,
    tfe: &TfeContext,
) -> Value {
    let provider = || plan.provider_config(r);
    let call = || plan.module_call(r.module());
    let opt = |s: Option<&str>| s.map_or(Value::null(), Value::str);
    let mut pairs: Vec<(&str, Value)> = Vec::new();
    let mut put = |key: &'static str, value: &dyn Fn() -> Value| {
        if fields.includes(key) {
            pairs.push((key, value()));
        }
    };
    put("type", &|| Value::str(r.resource_type()));
    put("name", &|| Value::str(r.name()));
    put("address", &|| Value::str(&r.address_text));
    put("module_path", &|| {
        let module_path = r.module().to_string();
        Value::string(if module_path.is_empty() { ".".to_string() } else { module_path })
    });
    put("mode", &|| Value::str(r.mode().as_str()));
    put("index", &|| match r.key() {
        None => Value::null(),
        Some(tfgate_plan::InstanceKey::Int(i)) => Value::number(*i),
        Some(tfgate_plan::InstanceKey::Str(s)) => Value::str(s),
        Some(tfgate_plan::InstanceKey::Wildcard) => Value::unknown(),
    });
    put("provider_type", &|| Value::str(provider_type(&r.provider_name)));
    put("provider", &|| Value::str(&r.provider_name));
    put("provider_config_key", &|| opt(r.provider_key.as_deref()));
    put("provider_alias", &|| opt(provider().and_then(|p| p.alias.as_deref())));
    put("region", &|| provider().and_then(|p| p.region.as_ref()).map_or(Value::null(), |r| r.value()));
    put("operation", &|| Value::str(operation(&r.action)));
    put("actions", &|| Value::list(r.action.as_list().into_iter().map(Value::str).collect()));
    put("action_reason", &|| opt(r.action_reason.as_deref()));
    put("module_source", &|| opt(call().and_then(|c| c.source.as_deref())));
    put("module_version", &|| opt(call().and_then(|c| c.version.as_deref())));
    put("tfe_workspace", &|| tfe.workspace());
    put("tfe_stack", &|| tfe.stack());
    if fields.includes("configured") {
        pairs.push(("configured", configured()));
    }
    Value::object_from(pairs)
}

/// The argument and block names the resource's configuration sets, from
/// the plan reader; unknown when the plan does not record them.
fn configured_arguments(plan: &Plan<'_>, r: &ResourceInstance<'_>) -> Value {
    match plan.config_resource(&r.address).and_then(|c| c.configured_arguments()) {
        Some(keys) => Value::list(keys.into_iter().map(Value::string).collect()),
        None => Value::unknown(),
    }
}

/// The target of one resource instance (the plan and the HCP Terraform
/// context come from `source`).
fn resource_target(
    source: &PlanResources<'_, '_>,
    r: &ResourceInstance<'_>,
    plan_name: &str,
    reads: &TargetReads,
    (selection, prior_selection): (Option<tfgate_plan::Selection<'_>>, Option<tfgate_plan::Selection<'_>>),
) -> Result<Target, tfgate_core::RunError> {
    let (plan, tfe) = (source.plan, &source.tfe);
    let err = |e: tfgate_plan::PlanError| tfgate_core::RunError {
        message: format!("{}: {e}", r.address_text),
        plan: Some(plan_name.to_string()),
        policy_id: None,
    };
    let attrs = if r.action.exists_after_apply() { r.after_selected(selection).map_err(err)? } else { Value::null() };
    let prior_attrs =
        if reads.prior_attrs.is_nothing() { Value::null() } else { r.before_selected(prior_selection).map_err(err)? };
    let meta = resource_meta_fields(plan, r, &reads.meta, || source.configured.get(plan, r), tfe);
    Ok(Target {
        kind: TargetKind::Resource,
        name: r.resource_type().to_string(),
        attrs,
        prior_attrs,
        meta,
        actions: r.action.as_list().into_iter().map(str::to_string).collect(),
    })
}

/// The target of one provider configuration.
fn provider_target(p: &tfgate_plan::ProviderConfig, tfe: &TfeContext) -> Target {
    let full = p.full_name.clone().unwrap_or_default();
    let mut parts = full.rsplit('/');
    let ty = parts.next().unwrap_or(&p.name).to_string();
    let namespace = parts.next().map(str::to_string);
    // The plan records no provider arguments beyond the region.
    let mut attrs = Value::object_from(Vec::<(String, Value)>::new());
    if let Some(region) = &p.region {
        if let Kind::Object(obj) = &mut attrs.kind {
            obj.insert("region", region.value());
        }
    }
    let opt = |s: Option<&String>| s.map_or(Value::null(), |s| Value::str(s));
    let meta = Value::object_from([
        ("name", Value::str(&p.name)),
        ("type", Value::str(&ty)),
        ("alias", opt(p.alias.as_ref())),
        ("namespace", opt(namespace.as_ref())),
        ("source", namespace.as_ref().map_or(Value::null(), |n| Value::string(format!("{n}/{ty}")))),
        ("version", opt(p.version_constraint.as_ref())),
        ("config_key", Value::str(&p.key)),
        ("module_path", opt(p.module_address.as_ref())),
        ("tfe_workspace", tfe.workspace()),
        ("tfe_stack", tfe.stack()),
    ]);
    Target {
        kind: TargetKind::Provider,
        name: p.name.clone(),
        attrs,
        prior_attrs: Value::null(),
        meta,
        actions: vec![],
    }
}

/// The target of one module call (`path` is its module address).
fn module_target(path: &str, call: &tfgate_plan::ModuleCall<'_>, tfe: &TfeContext) -> Target {
    let source = call.source.clone().unwrap_or_default();
    let opt = |s: Option<&String>| s.map_or(Value::null(), |s| Value::str(s));
    let meta = Value::object_from([
        ("source", Value::str(&source)),
        ("version", opt(call.version.as_ref())),
        ("address", Value::str(path)),
        ("module_path", Value::str(path)),
        ("name", Value::str(call.path.last().map_or("", String::as_str))),
        ("tfe_workspace", tfe.workspace()),
        ("tfe_stack", tfe.stack()),
    ]);
    Target {
        kind: TargetKind::Module,
        name: source,
        attrs: call.argument_values(),
        prior_attrs: Value::null(),
        meta,
        actions: vec![],
    }
}

/// A resource list built once, in chunks, by every thread that needs it
/// while it is built: a thread claims the next chunk not yet claimed, and
/// once none is left waits for the chunks others are building. Handed out
/// by copy.
pub(crate) struct SharedList {
    len: usize,
    next: AtomicUsize,
    chunks: Vec<OnceLock<Vec<Value>>>,
}

impl SharedList {
    /// Instances per chunk: small enough that a thread waiting for the last
    /// ones waits little, large enough that claiming costs nothing.
    const CHUNK: usize = 256;

    fn new(len: usize) -> SharedList {
        SharedList {
            len,
            next: AtomicUsize::new(0),
            chunks: (0..len.div_ceil(Self::CHUNK)).map(|_| OnceLock::new()).collect(),
        }
    }

    /// The list, element `i` built by `element(i)`: the chunks no thread
    /// has claimed yet are built here, then those others are building
    /// waited for. Also true for the thread that claimed the last chunk.
    fn values(&self, element: impl Fn(usize) -> Value) -> (Vec<Value>, bool) {
        let build = |c: usize| (c * Self::CHUNK..((c + 1) * Self::CHUNK).min(self.len)).map(&element).collect();
        let mut claimed_last = false;
        while self.next.load(Ordering::Relaxed) < self.chunks.len() {
            let c = self.next.fetch_add(1, Ordering::Relaxed);
            let Some(chunk) = self.chunks.get(c) else { break };
            chunk.get_or_init(|| build(c));
            claimed_last = c + 1 == self.chunks.len();
        }
        let mut out = Vec::with_capacity(self.len);
        for (c, chunk) in self.chunks.iter().enumerate() {
            // Blocks while another thread builds the chunk.
            out.extend(chunk.get_or_init(|| build(c)).iter().cloned());
        }
        (out, claimed_last)
    }
}

/// `core::getresources` over a plan: the after-values of the instances of a
/// type that will exist after apply, resolved once per type.
pub struct PlanResources<'p, 'a> {
    plan: &'p Plan<'a>,
    by_type: HashMap<&'p str, Vec<&'p ResourceInstance<'a>>>,
    by_address: HashMap<&'p str, &'p ResourceInstance<'a>>,
    /// One shared list per type (built at the first call, by one thread).
    cache: Mutex<HashMap<String, Arc<OnceLock<Arc<ResourceList>>>>>,
    /// `tfgate::resources` lists, by type and what they are built with.
    described_cache: Mutex<HashMap<(String, ElementReads), Arc<SharedList>>>,
    /// What the policy set's calls read of each type's list.
    list_reads: ListReads,
    /// `meta.configured` of each configuration block, for targets and lists.
    configured: ConfiguredCache,
    /// `tfgate::referenced` results by configuration block, module instance
    /// and argument: the instances of one `count` or `for_each` block refer
    /// to the same things, and a launch template is read for each of them.
    referenced_cache: Mutex<HashMap<ReferenceKey, Arc<ReferenceCandidates>>>,
    /// `core::getdatasource` candidates by type, built at the first call.
    /// HCP Terraform context of the `meta` that `tfgate::*` functions give.
    tfe: TfeContext,
    /// `None` when the prior state cannot be read.
    data_cache: OnceLock<Option<HashMap<String, Arc<Vec<Value>>>>>,
    /// The text the plan was parsed from, when it may be mapped: a list
    /// built over every instance of a type hands its pages back.
    text: Option<Arc<tfgate_plan::PlanText>>,
}

/// Configuration block (by address in memory), module instance path, argument path.
type ReferenceKey = (usize, String, Vec<String>);

impl<'p, 'a> PlanResources<'p, 'a> {
    /// The resources of `plan`; indexes are built on first use.
    pub fn new(plan: &'p Plan<'a>) -> PlanResources<'p, 'a> {
        let mut by_type: HashMap<&str, Vec<&ResourceInstance>> = HashMap::new();
        let mut by_address = HashMap::new();
        for r in plan.instances_after_apply().filter(|r| r.mode() == Mode::Managed) {
            by_type.entry(r.resource_type()).or_default().push(r);
            by_address.insert(r.address_text.as_ref(), r);
        }
        PlanResources {
            plan,
            by_type,
            by_address,
            cache: Mutex::new(HashMap::new()),
            described_cache: Mutex::new(HashMap::new()),
            list_reads: ListReads::default(),
            configured: ConfiguredCache::default(),
            referenced_cache: Mutex::new(HashMap::new()),
            data_cache: OnceLock::new(),
            tfe: TfeContext::default(),
            text: None,
        }
    }

    /// Frees the lists and reference candidates built for functions (the
    /// instances' values of whole types) and the blocks' `meta.configured`,
    /// leaving the indexes.
    fn free_caches(&self) {
        fn take<T: Default>(m: &Mutex<T>) -> T {
            std::mem::take(&mut *m.lock().unwrap_or_else(|e| e.into_inner()))
        }
        drop((take(&self.cache), take(&self.described_cache), take(&self.referenced_cache)));
        drop(take(&self.configured.by_block));
    }

    /// Sets the text the plan was parsed from (see [`tfgate_plan::PlanText::release_resident`]).
    #[must_use]
    pub(crate) fn with_text(mut self, text: Option<Arc<tfgate_plan::PlanText>>) -> Self {
        self.text = text;
        self
    }

    /// Hands the text's resident pages back to the file cache: after a list
    /// over every instance of a type, or a batch of targets, was built from it.
    fn release_pages(&self) {
        if let Some(text) = &self.text {
            text.release_resident();
        }
    }

    /// Builds each type's `tfgate::resources` list once, with what every
    /// call of the set reads of it ([`ListReads`]).
    #[must_use]
    pub(crate) fn with_list_reads(mut self, list_reads: ListReads) -> Self {
        self.list_reads = list_reads;
        self
    }

    /// Sets the HCP Terraform context of `meta`.
    #[must_use]
    pub fn with_tfe(mut self, tfe: TfeContext) -> Self {
        self.tfe = tfe;
        self
    }

    /// Every data source of the plan by type: those read while planning
    /// (`prior_state`) and the reads deferred to apply (`resource_changes`,
    /// partly unknown), which replace a stale prior value at their address.
    fn all_data_sources(&self) -> Option<HashMap<String, Arc<Vec<Value>>>> {
        let mut by_type: HashMap<String, Vec<Value>> = HashMap::new();
        let deferred: Vec<&ResourceInstance> =
            self.plan.resources.iter().filter(|r| r.mode() == Mode::Data && r.deposed().is_none()).collect();
        let deferred_at: std::collections::HashSet<&str> = deferred.iter().map(|r| r.address_text.as_ref()).collect();
        let read = self.plan.data_sources().ok()?;
        for d in read.iter().filter(|d| d.deposed.is_none() && !deferred_at.contains(d.address_text.as_ref())) {
            // A value that cannot be read is unknown: never a false answer.
            let v = d.values().unwrap_or_else(|_| Value::unknown());
            by_type.entry(d.address.resource_type.clone()).or_default().push(v);
        }
        for r in deferred {
            let v = r.after().unwrap_or_else(|_| Value::unknown());
            by_type.entry(r.resource_type().to_string()).or_default().push(v);
        }
        Some(by_type.into_iter().map(|(k, v)| (k, Arc::new(v))).collect())
    }

    /// `{ address, attrs, meta }` of one instance, with only what `reads`
    /// names of `attrs` and `meta` (the address always).
    fn described(&self, r: &ResourceInstance<'_>, reads: &ElementReads) -> Value {
        let keep = reads.attrs.matcher();
        let selection: Option<tfgate_plan::Selection<'_>> = keep.as_ref().map(|k| k as tfgate_plan::Selection<'_>);
        Value::object_from([
            ("address", Value::str(&r.address_text)),
            ("attrs", r.after_selected(selection).unwrap_or_else(|_| Value::unknown())),
            ("meta", resource_meta_fields(self.plan, r, &reads.meta, || self.configured.get(self.plan, r), &self.tfe)),
        ])
    }

    /// The plan the resources come from.
    pub fn plan(&self) -> &Plan<'a> {
        self.plan
    }
}

impl ResourceSource for PlanResources<'_, '_> {
    fn instance_count(&self) -> u64 {
        self.by_address.len() as u64
    }

    fn resources(&self, resource_type: &str) -> Vec<Value> {
        self.resource_list(resource_type).values().to_vec()
    }

    fn resource_list(&self, resource_type: &str) -> Arc<ResourceList> {
        let cell =
            self.cache.lock().unwrap_or_else(|e| e.into_inner()).entry(resource_type.to_string()).or_default().clone();
        cell.get_or_init(|| {
            let values: Vec<Value> = self
                .by_type
                .get(resource_type)
                .map(|rs| rs.iter().map(|r| r.after().unwrap_or_else(|_| Value::unknown())).collect())
                .unwrap_or_default();
            self.release_pages();
            Arc::new(ResourceList::new(values))
        })
        .clone()
    }

    fn resources_with_meta(&self, resource_type: &str) -> Vec<Value> {
        self.resources_reading(resource_type, &ElementReads::ALL)
    }

    fn resources_reading(&self, resource_type: &str, reads: &ElementReads) -> Vec<Value> {
        let reads = self.list_reads.widen(resource_type, reads);
        let instances = self.by_type.get(resource_type).map_or(&[][..], Vec::as_slice);
        let list = self
            .described_cache
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .entry((resource_type.to_string(), reads.clone()))
            .or_insert_with(|| Arc::new(SharedList::new(instances.len())))
            .clone();
        let (values, built_last) = list.values(|i| self.described(instances[i], &reads));
        if built_last {
            self.release_pages();
        }
        values
    }
    fn data_sources(&self, data_type: &str) -> Arc<Vec<Value>> {
        match self.data_cache.get_or_init(|| self.all_data_sources()) {
            Some(by_type) => by_type.get(data_type).cloned().unwrap_or_default(),
            // A prior state that cannot be read: any data source may be there.
            None => Arc::new(vec![Value::unknown()]),
        }
    }

    fn referenced(&self, from_address: &str, argument: &[String]) -> Vec<Value> {
        let Some(from) = self.by_address.get(from_address) else { return Vec::new() };
        let block = self.plan.config_resource(&from.address).map_or(0, |b| b as *const _ as usize);
        let key = (block, from.module().to_string(), argument.to_vec());
        let cached = if block != 0 {
            self.referenced_cache.lock().unwrap_or_else(|e| e.into_inner()).get(&key).cloned()
        } else {
            None
        };
        let refs = match cached {
            Some(hit) => hit,
            None => {
                let refs = Arc::new(self.reference_candidates(from, argument));
                if block != 0 {
                    self.referenced_cache.lock().unwrap_or_else(|e| e.into_inner()).insert(key, refs.clone());
                }
                refs
            }
        };
        refs.narrowed(from)
    }
}

/// A candidate of one configured argument: its index among all the
/// candidates, and the attributes its references read.
type LeafCandidate = (usize, tfgate_plan::ReadAttributes);

/// The candidates of one `tfgate::referenced` query, shared by the instances
/// of a `count` or `for_each` block; each instance narrows them by its own
/// planned value ([`tfgate_plan::CandidateIndex`]).
struct ReferenceCandidates {
    /// Every instance some reference names, in address order: its planned
    /// value (for narrowing; only when some argument has several candidates)
    /// and its description when it is a managed resource that exists after
    /// apply (what `tfgate::referenced` returns).
    candidates: Vec<(Option<Value>, Option<Value>)>,
    /// Each configured argument's path, its candidates (indexes into
    /// `candidates`, with the attributes its references read) and their
    /// index for narrowing.
    leaves: Vec<(Vec<String>, Vec<LeafCandidate>, tfgate_plan::CandidateIndex)>,
}

impl ReferenceCandidates {
    fn narrowed(&self, from: &ResourceInstance<'_>) -> Vec<Value> {
        let several = self.leaves.iter().any(|(_, c, _)| c.len() > 1);
        let mut keep = vec![false; self.candidates.len()];
        // Only several candidates can be narrowed: read the instance's value for those alone,
        // and only the attributes the arguments are under.
        let planned = if several {
            let tops: Vec<&str> =
                self.leaves.iter().filter_map(|(path, _, _)| path.first().map(String::as_str)).collect();
            from.after_selected(Some(&|k: &str| tops.contains(&k))).ok()
        } else {
            None
        };
        for (path, cands, index) in &self.leaves {
            match index.narrow(planned.as_ref(), path) {
                Some(kept) => kept.into_iter().for_each(|k| keep[cands[k].0] = true),
                None => cands.iter().for_each(|(i, _)| keep[*i] = true),
            }
        }
        self.candidates.iter().zip(keep).filter(|(_, k)| *k).filter_map(|((_, d), _)| d.clone()).collect()
    }
}

impl PlanResources<'_, '_> {
    fn reference_candidates(&self, from: &ResourceInstance<'_>, argument: &[String]) -> ReferenceCandidates {
        let path: Vec<&str> = argument.iter().map(String::as_str).collect();
        let found = self.plan.reference_candidates(from, &path);
        let several = found.iter().any(|l| l.candidates.len() > 1);
        let mut all: Vec<&ResourceInstance<'_>> =
            found.iter().flat_map(|l| l.candidates.iter().map(|(c, _)| *c)).collect();
        all.sort_by(|a, b| a.address.cmp(&b.address));
        all.dedup_by(|a, b| std::ptr::eq(*a, *b));
        let position: HashMap<*const ResourceInstance<'_>, usize> =
            all.iter().enumerate().map(|(i, r)| (*r as *const _, i)).collect();
        let candidates: Vec<(Option<Value>, Option<Value>)> = all
            .iter()
            .map(|r| {
                let described = (r.exists_after_apply() && r.mode() == Mode::Managed)
                    .then(|| self.described(r, &ElementReads::ALL));
                let after = match &described {
                    _ if !several => None,
                    Some(d) => d.get("attrs").cloned(),
                    None => r.after().ok(),
                };
                (after, described)
            })
            .collect();
        let leaves = found
            .into_iter()
            .map(|l| {
                let cands: Vec<LeafCandidate> = l
                    .candidates
                    .into_iter()
                    .filter_map(|(c, attrs)| position.get(&(c as *const _)).map(|&i| (i, attrs)))
                    .collect();
                // Narrowing reads planned values, kept only when some argument has several candidates.
                let index = if several {
                    let views: Vec<(Option<&Value>, &tfgate_plan::ReadAttributes)> =
                        cands.iter().map(|(i, attrs)| (candidates[*i].0.as_ref(), attrs)).collect();
                    tfgate_plan::CandidateIndex::new(&views)
                } else {
                    tfgate_plan::CandidateIndex::default()
                };
                (l.path, cands, index)
            })
            .collect();
        ReferenceCandidates { candidates, leaves }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_shared_list_is_built_once_by_every_thread_that_asks_for_it() {
        let len = SharedList::CHUNK * 7 + 3;
        let list = SharedList::new(len);
        let built = AtomicUsize::new(0);
        let element = |i: usize| {
            built.fetch_add(1, Ordering::Relaxed);
            Value::number(i as i64)
        };
        let answers: Vec<(Vec<Value>, bool)> = std::thread::scope(|s| {
            let threads: Vec<_> = (0..4).map(|_| s.spawn(|| list.values(element))).collect();
            threads.into_iter().map(|t| t.join().expect("no panic")).collect()
        });
        let expected: Vec<Value> = (0..len).map(|i| Value::number(i as i64)).collect();
        for (values, _) in &answers {
            assert_eq!(values, &expected);
        }
        assert_eq!(built.load(Ordering::Relaxed), len, "each element built once");
        assert_eq!(answers.iter().filter(|(_, last)| *last).count(), 1, "one thread built the last chunk");
        // Later calls build nothing and say so.
        assert_eq!(list.values(element), (expected, false));
        assert_eq!(built.load(Ordering::Relaxed), len);
        assert_eq!(SharedList::new(0).values(element), (Vec::new(), false));
    }
}
