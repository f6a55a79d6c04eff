//! The Terraform imports, built from a plan: `tfplan/v2`, `tfconfig/v2`,
//! `tfstate/v2`, `tfrun` and the first-generation `tfplan`, `tfconfig` and
//! `tfstate`, in the shape HCP Terraform gives them to policies.
//!
//! Everything is built on first use: an import is built when a policy first
//! imports it, each collection when first read, and each resource's values
//! (`change.before`/`after`, `values`) when that resource's field is read.
//! The plan's own text is kept (one copy) and parsed a piece at a time; the
//! two largest sections after `resource_changes`, `planned_values` and
//! `prior_state`, are read only when a policy (or output scrubbing) needs
//! them.

mod convert;
mod state_texts;
mod tfconfig_v2;
mod tfplan_v2;
mod tfrun;
mod tfstate_v2;
mod v1;

pub(crate) use crate::value::value_from_json as from_json;
use rayon::prelude::*;
use std::collections::{BTreeSet, HashMap};
use std::sync::{Arc, OnceLock};

use indexmap::IndexMap;
use tfgate_plan::{ChangeSpans, InstanceKey, JsonSpan, Plan, PlanDocument, PlanError, StateView};

use crate::value::{Key, Map, Object, ObjectError, Value};

pub use tfrun::{CostEstimate, RunInfo, RunVariable, TagBinding, VcsRepo, WorkspaceInfo};

/// Why the Terraform imports could not be built from a plan.
#[derive(Debug, Clone, thiserror::Error)]
pub enum TerraformError {
    /// A section of the plan could not be read.
    #[error("cannot read the plan for the Terraform imports: {0}")]
    Plan(#[from] PlanError),
}

/// The names [`TerraformImports::resolve`] answers (and `tfplan/v1`,
/// `tfconfig/v1` and `tfstate/v1`, the Sentinel CLI's names for the first generation).
pub const IMPORT_NAMES: [&str; 7] =
    ["tfplan/v2", "tfconfig/v2", "tfstate/v2", "tfrun", "tfplan", "tfconfig", "tfstate"];

/// The Terraform imports of one plan. Cheap to clone; shareable between
/// threads.
#[derive(Clone)]
pub struct TerraformImports {
    data: Arc<PlanData>,
}

/// What the imports are built from: owned, so that lazy values may outlive
/// the [`Plan`] they came from.
pub(crate) struct PlanData {
    pub(crate) doc: PlanDocument,
    pub(crate) terraform_version: Option<String>,
    pub(crate) changes: Vec<Instance>,
    pub(crate) drift: Vec<Instance>,
    pub(crate) variables: Vec<(String, Option<JsonSpan>)>,
    pub(crate) outputs: Vec<tfgate_plan::OutputSpans>,
    /// `planned_values` and `prior_state`, read when first asked.
    planned: OnceLock<Result<StateView, TerraformError>>,
    prior: OnceLock<Result<StateView, TerraformError>>,
    /// `configuration` as JSON (small next to the values; read whole).
    pub(crate) configuration: Option<JsonSpan>,
    pub(crate) run: RunInfo,
    /// Sensitive texts of everything but the state sections: resource
    /// changes, drift and deferred changes, outputs, variables and the
    /// configuration.
    sensitive: Vec<String>,
    /// Sensitive texts of `planned_values` and `prior_state`, read when
    /// first asked.
    state_sensitive: StateTexts,
    /// `sensitive`, for marking values while they are converted.
    pub(crate) marks: Marks,
    /// `sensitive` and `state_sensitive`, for marking state values.
    state_marks: OnceLock<Marks>,
    built: [OnceLock<Value>; IMPORT_NAMES.len()],
}

impl PlanData {
    /// `planned_values` as a state representation, read on first use.
    pub(crate) fn planned(&self) -> Result<&StateView, TerraformError> {
        self.planned.get_or_init(|| Ok(self.doc.planned_values()?)).as_ref().map_err(Clone::clone)
    }

    /// `prior_state` as a state representation, read on first use.
    pub(crate) fn prior(&self) -> Result<&StateView, TerraformError> {
        self.prior.get_or_init(|| Ok(self.doc.prior_state()?)).as_ref().map_err(Clone::clone)
    }

    /// The sensitive texts of the state sections (see [`state_texts`]).
    fn state_sensitive(&self) -> &[String] {
        self.state_sensitive.get_or_init(|| state_texts_released(&self.doc))
    }

    /// Marks for every value a policy reads, whichever section it comes
    /// from: a provider may copy a secret that only the state marks (a data
    /// source's password) unmarked into a resource change, and a policy that
    /// transforms that copy before printing it would get past the scrubber.
    /// Fail closed: the first value read waits for the state's texts (read
    /// ahead on a large plan), at about a tenth of a large run's time.
    pub(crate) fn all_marks(&self) -> &Marks {
        self.state_marks()
    }

    /// Marks for values of the state sections: what marks the other
    /// sections' values, and the texts of the state's own sensitive values.
    pub(crate) fn state_marks(&self) -> &Marks {
        self.state_marks.get_or_init(|| {
            let mut texts: std::collections::HashSet<String> = self.marks.texts.iter().cloned().collect();
            texts.extend(self.state_sensitive().iter().cloned());
            Marks { texts: Arc::new(texts), variables: self.marks.variables.clone() }
        })
    }
}

/// A value that fails when read: what an import field built from a plan
/// section that cannot be read stands for (a policy that reads it stops
/// with an error, never sees an empty collection).
pub(crate) fn unreadable(e: &TerraformError) -> Value {
    struct Unreadable(String);
    impl Object for Unreadable {
        fn type_name(&self) -> &str {
            "unreadable plan section"
        }
        fn get(&self, _name: &str) -> Result<Value, ObjectError> {
            Err(ObjectError::Failed(self.0.clone()))
        }
        fn call(&self, _name: &str, _args: Vec<Value>) -> Result<Value, ObjectError> {
            Err(ObjectError::Failed(self.0.clone()))
        }
    }
    Value::Object(Arc::new(Unreadable(e.to_string())))
}

/// One entry of `resource_changes` or `resource_drift`.
/// The texts many instances repeat (types, names, providers, modules) are
/// shared: a plan may hold 100k instances of a few dozen types.
pub(crate) struct Instance {
    pub(crate) address: String,
    pub(crate) module_address: Arc<str>,
    /// Module call names from the root (keys dropped), for the v1 imports.
    pub(crate) module_path: Arc<[String]>,
    pub(crate) mode: &'static str,
    pub(crate) resource_type: Arc<str>,
    pub(crate) name: Arc<str>,
    pub(crate) index: Value,
    pub(crate) provider_name: Arc<str>,
    pub(crate) deposed: Arc<str>,
    pub(crate) change: ChangeSpans,
}

impl TerraformImports {
    /// Builds the imports of a plan; `run` answers `tfrun`.
    ///
    /// Reads the plan's structure (addresses, sections) now, and the values
    /// the plan marks sensitive outside `planned_values` and `prior_state`;
    /// those two sections, and values for policies, are read only when asked.
    pub fn new(plan: &Plan<'_>, run: RunInfo) -> Result<TerraformImports, TerraformError> {
        TerraformImports::from_document(plan, plan.document()?, run, None)
    }

    /// As [`TerraformImports::new`], sharing `text` — the very text `plan`
    /// was parsed from — instead of copying it: a large plan is then held
    /// in memory once.
    pub fn sharing(
        plan: &Plan<'_>,
        text: std::sync::Arc<tfgate_plan::PlanText>,
        run: RunInfo,
    ) -> Result<TerraformImports, TerraformError> {
        TerraformImports::sharing_prepared(plan, text, run, None)
    }

    /// As [`TerraformImports::sharing`], with the state sections' sensitive
    /// texts already read ([`read_state_texts`], while the plan was parsed).
    pub(crate) fn sharing_prepared(
        plan: &Plan<'_>,
        text: std::sync::Arc<tfgate_plan::PlanText>,
        run: RunInfo,
        state_texts: Option<StateTexts>,
    ) -> Result<TerraformImports, TerraformError> {
        TerraformImports::from_document(plan, plan.document_sharing(text)?, run, state_texts)
    }

    fn from_document(
        plan: &Plan<'_>,
        doc: tfgate_plan::PlanDocument,
        run: RunInfo,
        state_texts: Option<StateTexts>,
    ) -> Result<TerraformImports, TerraformError> {
        let state_sensitive = state_texts.unwrap_or_else(|| prefetch_state_texts(&doc));
        let mut texts: HashMap<String, Arc<str>> = HashMap::new();
        let mut shared = |s: &str| -> Arc<str> {
            match texts.get(s) {
                Some(t) => t.clone(),
                None => texts.entry(s.to_string()).or_insert_with(|| Arc::from(s)).clone(),
            }
        };
        // By module instance: its address and call path, rendered once.
        let mut modules: HashMap<tfgate_plan::ModulePath, (Arc<str>, Arc<[String]>)> = HashMap::new();
        let mut instance = |r: &tfgate_plan::ResourceInstance<'_>| {
            let (module_address, module_path) = match modules.get(r.module()) {
                Some(known) => known.clone(),
                None => {
                    let address: Arc<str> = r.module().render(plan.key_style).into();
                    let known = (address, r.module().call_path().into_iter().map(str::to_string).collect());
                    modules.insert(r.module().clone(), known.clone());
                    known
                }
            };
            Instance {
                address: r.address_text.to_string(),
                module_address,
                module_path,
                mode: r.mode().as_str(),
                resource_type: shared(r.resource_type()),
                name: shared(r.name()),
                index: match r.key() {
                    Some(InstanceKey::Int(i)) => Value::Int(*i),
                    Some(InstanceKey::Str(s)) => Value::string(s),
                    Some(InstanceKey::Wildcard) | None => Value::Null,
                },
                provider_name: shared(&r.provider_name),
                deposed: shared(r.deposed().unwrap_or("")),
                change: doc.change(r.change(), r.action.as_list().iter().map(|a| a.to_string()).collect()),
            }
        };
        let variables = doc.variables()?.into_iter().map(|v| (v.name, v.value)).collect();
        let outputs = doc.output_changes()?;
        let configuration = doc.section("configuration");
        // Read now so that a broken configuration is an error, not an empty
        // tfconfig; the imports read it again when first asked.
        let config_json = configuration.as_ref().map(JsonSpan::to_json).transpose()?;
        // The instances (one thread: their texts are shared through one map)
        // beside the pass over every mask of the plan.
        let ((changes, drift), sensitive) = rayon::join(
            || {
                let changes: Vec<Instance> = plan.resources.iter().map(&mut instance).collect();
                let drift: Vec<Instance> = plan.drift.iter().map(&mut instance).collect();
                (changes, drift)
            },
            || collect_sensitive(plan, &doc, &outputs, config_json.as_ref()),
        );
        let sensitive = sensitive?;
        // Those passes read much of the text; policies read what they use.
        doc.release_resident();
        let marks = Marks {
            texts: Arc::new(sensitive.iter().cloned().collect()),
            variables: Arc::new(plan.variables.iter().filter(|v| v.sensitive).map(|v| v.name.clone()).collect()),
        };
        let imports = TerraformImports {
            data: Arc::new(PlanData {
                terraform_version: plan.terraform_version.clone(),
                changes,
                drift,
                variables,
                outputs,
                planned: OnceLock::new(),
                prior: OnceLock::new(),
                configuration,
                run,
                sensitive,
                state_sensitive,
                marks,
                state_marks: OnceLock::new(),
                built: Default::default(),
                doc,
            }),
        };
        Ok(imports)
    }

    /// The import called `name`, or `None` when it is not a Terraform import.
    pub fn resolve(&self, name: &str) -> Option<Value> {
        // The Sentinel CLI's plugin names for the first generation.
        let name = match name {
            "tfplan/v1" => "tfplan",
            "tfconfig/v1" => "tfconfig",
            "tfstate/v1" => "tfstate",
            other => other,
        };
        let i = IMPORT_NAMES.iter().position(|n| *n == name)?;
        let data = &self.data;
        Some(
            data.built[i]
                .get_or_init(|| {
                    let d = self.data.clone();
                    match i {
                        0 => tfplan_v2::build(d),
                        1 => tfconfig_v2::build(d),
                        2 => tfstate_v2::build(d),
                        3 => tfrun::build(&d.run),
                        4 => v1::tfplan(d),
                        5 => v1::tfconfig(d),
                        _ => v1::tfstate(d),
                    }
                })
                .clone(),
        )
    }

    /// Every string the plan marks sensitive, and the text of every number
    /// it marks so (longest first): what a printed text must not show.
    /// Reads `planned_values` and `prior_state` if nothing has yet.
    pub fn sensitive_texts(&self) -> Vec<String> {
        let mut texts: Vec<String> = self.data.sensitive.clone();
        texts.extend(self.data.state_sensitive().iter().cloned());
        longest_first(texts)
    }

    /// A scrubber for this plan's sensitive texts that reads them only when
    /// it first has a non-empty text to scrub: a run that prints nothing
    /// never reads the state sections for it.
    pub fn scrubber(&self) -> crate::Scrubber {
        let imports = self.clone();
        crate::Scrubber::deferred(move || imports.sensitive_texts())
    }
}

impl crate::program::Imports for TerraformImports {
    fn resolve(&self, name: &str) -> Option<Value> {
        TerraformImports::resolve(self, name)
    }
}

/// The state sections' sensitive texts, read once (possibly on another thread).
pub(crate) type StateTexts = Arc<OnceLock<Vec<String>>>;

/// Sections of at least this size are worth reading ahead of time.
const LARGE_STATE: usize = 8 << 20;

/// The state sections' sensitive texts of a large plan, read now from its
/// text alone (on another thread while the plan is parsed, see
/// `SentinelLanguage::prepare`); `None` for a small plan or a text whose
/// sections cannot be found (the imports then read them when needed).
pub(crate) fn read_state_texts(text: &Arc<tfgate_plan::PlanText>) -> Option<StateTexts> {
    let doc = PlanDocument::of_text(text.clone()).ok()?;
    (state_size(&doc) >= LARGE_STATE).then(|| {
        let cell = Arc::new(OnceLock::new());
        cell.get_or_init(|| state_texts_released(&doc));
        cell
    })
}

fn state_size(doc: &PlanDocument) -> usize {
    ["planned_values", "prior_state"].iter().filter_map(|s| doc.section(s)).map(|s| s.as_str().len()).sum()
}

/// On a large plan, starts reading the state sections' sensitive texts on
/// another thread while the imports are built and policies run: a run that
/// prints anything needs them to scrub its output, and they take a pass over
/// the two sections. A reader that comes first simply waits for (or does)
/// the same work.
fn prefetch_state_texts(doc: &PlanDocument) -> StateTexts {
    let cell = Arc::new(OnceLock::new());
    if state_size(doc) >= LARGE_STATE {
        let (doc, cell) = (doc.clone(), cell.clone());
        // If the thread cannot start, the texts are read when needed.
        let _ = std::thread::Builder::new().name("sentinel-state-texts".into()).spawn(move || {
            cell.get_or_init(|| state_texts_released(&doc));
        });
    }
    cell
}

/// The state sections' sensitive texts; their pass read both sections, which
/// policies read little of, so a mapped text's pages go back to the cache.
fn state_texts_released(doc: &PlanDocument) -> Vec<String> {
    let texts = state_texts::collect(doc);
    doc.release_resident();
    texts
}

/// Collects the texts of every sensitive value of the plan: resource values
/// before and after (changes, drift, deferred), output values, variables
/// declared sensitive, state objects, and configuration defaults of
/// sensitive variables and constants passed to sensitive module arguments.
fn collect_sensitive(
    plan: &Plan<'_>,
    doc: &PlanDocument,
    outputs: &[tfgate_plan::OutputSpans],
    config: Option<&serde_json::Value>,
) -> Result<Vec<String>, TerraformError> {
    let instances: Vec<&tfgate_plan::ResourceInstance<'_>> =
        plan.resources.iter().chain(&plan.drift).chain(plan.deferred.iter().map(|d| &d.instance)).collect();
    // Each instance on its own (in parallel: a pass over every mask of the
    // plan), then merged in order, so a broken one is reported as before.
    let per_instance: Vec<Result<BTreeSet<String>, TerraformError>> = instances
        .par_iter()
        .map(|r| {
            let mut out = BTreeSet::new();
            let c = r.change();
            for (value, mask, full) in [
                (c.after, c.after_sensitive, &(|| r.after()) as &dyn Fn() -> Result<tfgate_plan::Value, PlanError>),
                (c.before, c.before_sensitive, &|| r.before()),
            ] {
                let Some(value) = value else { continue };
                match mask.and_then(|m| doc.span(m)) {
                    Some(mask) => marked_leaves(value.get(), mask.as_str(), &r.address_text, &mut out)?,
                    // Without a mask (plans before Terraform 0.15) the reader
                    // marks secret-looking attributes: the whole value is read.
                    None => sensitive_leaves(&full()?, false, &mut out),
                }
            }
            Ok(out)
        })
        .collect();
    let mut out = BTreeSet::new();
    for texts in per_instance {
        out.extend(texts?);
    }
    for o in &plan.outputs {
        sensitive_leaves(&o.after()?, o.is_sensitive(), &mut out);
    }
    for o in outputs {
        let declared = plan.outputs.iter().any(|p| p.name == o.name && p.is_sensitive());
        match (&o.change.before, &o.change.before_sensitive) {
            (Some(before), _) if declared => sensitive_leaves(&resolve_span(Some(before), None)?, true, &mut out),
            (Some(before), Some(mask)) => marked_leaves(before.as_str(), mask.as_str(), &o.name, &mut out)?,
            _ => {}
        }
    }
    for v in &plan.variables {
        sensitive_leaves(&v.value()?, false, &mut out);
    }
    // `planned_values` and `prior_state` are read later (state_texts.rs).
    if let Some(config) = config {
        config_sensitive(plan, config, &mut out);
    }
    Ok(longest_first(out.into_iter().collect()))
}

/// Distinct, non-empty, longest first, so that a scrubber replacing in order
/// never leaves the tail of a longer secret that contains a shorter one.
fn longest_first(mut texts: Vec<String>) -> Vec<String> {
    texts.retain(|t| !t.is_empty());
    texts.sort_by(|a, b| b.len().cmp(&a.len()).then_with(|| a.cmp(b)));
    texts.dedup();
    texts
}

/// Adds the sensitive leaves of a value with a sensitivity mask, building
/// only the top-level attributes the mask marks somewhere (a mask without
/// `true` marks nothing; most values have such masks).
pub(crate) fn marked_leaves(
    value: &str,
    mask: &str,
    what: &str,
    out: &mut BTreeSet<String>,
) -> Result<(), TerraformError> {
    if !mask.contains("true") {
        return Ok(());
    }
    // A mask that is not an object marks the whole value (or fails below).
    let marked: Option<BTreeSet<String>> = match serde_json::from_str(mask) {
        Ok(serde_json::Value::Object(m)) => {
            Some(m.iter().filter(|(_, v)| v.to_string().contains("true")).map(|(k, _)| k.clone()).collect())
        }
        _ => None,
    };
    let keep = |k: &str| marked.as_ref().is_none_or(|m| m.contains(k));
    let v = tfgate_plan::resolve_selected(
        Some(value),
        None,
        Some(mask),
        marked.is_some().then_some(&keep as tfgate_plan::Selection<'_>),
    )
    .map_err(|source| PlanError::Value { path: format!("{what}: value"), source })?;
    sensitive_leaves(&v, false, out);
    Ok(())
}

pub(crate) fn resolve_span(
    value: Option<&JsonSpan>,
    sensitive: Option<&JsonSpan>,
) -> Result<tfgate_plan::Value, TerraformError> {
    tfgate_plan::resolve(value.map(JsonSpan::as_str), None, sensitive.map(JsonSpan::as_str))
        .map_err(|source| TerraformError::Plan(PlanError::Value { path: "a state value".to_string(), source }))
}

/// Adds the text of every leaf of `v` that is sensitive (or under a
/// sensitive value, or everything when `all`).
pub(crate) fn sensitive_leaves(v: &tfgate_plan::Value, all: bool, out: &mut BTreeSet<String>) {
    use tfgate_plan::Kind;
    let marked = all || v.sensitive;
    match &v.kind {
        Kind::String(s) if marked => {
            out.insert(s.to_string());
        }
        Kind::Number(n) if marked => {
            out.insert(number_text(n));
        }
        Kind::Bool(b) if marked => {
            // Too short to scrub without mangling every other text; listed
            // only as part of a larger value's text below.
            let _ = b;
        }
        Kind::List(items) => items.iter().for_each(|i| sensitive_leaves(i, marked, out)),
        Kind::Object(obj) => obj.values().for_each(|i| sensitive_leaves(i, marked, out)),
        _ => {}
    }
}

fn number_text(n: &tfgate_plan::Number) -> String {
    match n {
        tfgate_plan::Number::Int(i) => i.to_string(),
        tfgate_plan::Number::Float(f) => format_float(*f),
        tfgate_plan::Number::Big(s) => s.to_string(),
    }
}

/// A float as Sentinel prints it when it has a fraction, and as an integer
/// when it has none.
fn format_float(f: f64) -> String {
    if f.fract() == 0.0 && f.abs() < 1e15 {
        format!("{}", f as i64)
    } else {
        format!("{f}")
    }
}

/// Sensitive texts the configuration holds: the defaults of variables
/// declared sensitive, and constants passed to module arguments that feed a
/// sensitive variable.
fn config_sensitive(plan: &Plan<'_>, config: &serde_json::Value, out: &mut BTreeSet<String>) {
    fn walk(
        plan: &Plan<'_>,
        m: &serde_json::Value,
        path: &mut Vec<String>,
        sensitive_vars: &BTreeSet<String>,
        out: &mut BTreeSet<String>,
    ) {
        if let Some(vars) = m.get("variables").and_then(|v| v.as_object()) {
            for (name, v) in vars {
                let declared = v.get("sensitive").and_then(|s| s.as_bool()) == Some(true);
                if declared || sensitive_vars.contains(name) {
                    json_leaves(v.get("default"), out);
                }
            }
        }
        for (name, call) in m.get("module_calls").and_then(|c| c.as_object()).into_iter().flatten() {
            path.push(name.clone());
            let key = path.iter().map(|p| format!("module.{p}")).collect::<Vec<_>>().join(".");
            let mc = plan.modules.get(&key);
            let mut fed = BTreeSet::new();
            for (arg, expr) in call.get("expressions").and_then(|e| e.as_object()).into_iter().flatten() {
                if mc.is_some_and(|mc| mc.is_sensitive_argument(arg)) {
                    json_leaves(expr.get("constant_value"), out);
                    fed.insert(arg.clone());
                }
            }
            if let Some(child) = call.get("module") {
                walk(plan, child, path, &fed, out);
            }
            path.pop();
        }
    }
    if let Some(root) = config.get("root_module") {
        walk(plan, root, &mut Vec::new(), &BTreeSet::new(), out);
    }
}

pub(crate) fn json_leaves(v: Option<&serde_json::Value>, out: &mut BTreeSet<String>) {
    match v {
        Some(serde_json::Value::String(s)) => {
            out.insert(s.clone());
        }
        Some(serde_json::Value::Number(n)) => {
            out.insert(n.to_string());
        }
        Some(serde_json::Value::Array(items)) => items.iter().for_each(|i| json_leaves(Some(i), out)),
        Some(serde_json::Value::Object(m)) => m.values().for_each(|i| json_leaves(Some(i), out)),
        _ => {}
    }
}

/// What marks a plan value sensitive while it is converted for policies:
/// the plan's masks where it has them, and everywhere the texts of its
/// sensitive values (which also cover plans without masks, variables and
/// configuration constants). A marked part becomes `Value::Sensitive`, so a
/// policy that reads it has its output withheld.
#[derive(Clone, Default)]
pub(crate) struct Marks {
    texts: Arc<std::collections::HashSet<String>>,
    /// Root variables declared sensitive.
    variables: Arc<std::collections::HashSet<String>>,
}

static JSON_NULL: serde_json::Value = serde_json::Value::Null;
static JSON_TRUE: serde_json::Value = serde_json::Value::Bool(true);

impl Marks {
    /// Whether a leaf's text is one of the plan's sensitive texts.
    fn secret_leaf(&self, v: &serde_json::Value) -> bool {
        match v {
            serde_json::Value::String(s) => self.secret_str(s),
            serde_json::Value::Number(n) => self.secret_number(n),
            _ => false,
        }
    }

    /// Whether a string leaf is one of the plan's sensitive texts.
    fn secret_str(&self, s: &str) -> bool {
        !self.texts.is_empty() && self.texts.contains(s)
    }

    /// Whether a number leaf's text (as the file or as Sentinel writes it)
    /// is one of the plan's sensitive texts.
    fn secret_number(&self, n: &serde_json::Number) -> bool {
        !self.texts.is_empty()
            && (self.texts.contains(&n.to_string())
                || n.as_f64().is_some_and(|f| self.texts.contains(&format_float(f))))
    }

    /// Whether the root variable `name` is declared sensitive.
    pub(crate) fn variable(&self, name: &str) -> bool {
        self.variables.contains(name)
    }

    /// `v` converted, every part `mask` marks `true` (a whole map, keys
    /// included) and every sensitive leaf wrapped.
    pub(crate) fn convert(&self, v: &serde_json::Value, mask: &serde_json::Value) -> Value {
        if mask.as_bool() == Some(true) || self.secret_leaf(v) {
            return Value::sensitive(from_json(v));
        }
        match v {
            serde_json::Value::Array(items) => Value::list(
                items.iter().enumerate().map(|(i, x)| self.convert(x, mask.get(i).unwrap_or(&JSON_NULL))).collect(),
            ),
            serde_json::Value::Object(m) => Value::Map(Map::from_pairs(
                m.iter().map(|(k, x)| (Key::from(k.as_str()), self.convert(x, mask.get(k).unwrap_or(&JSON_NULL)))),
            )),
            other => from_json(other),
        }
    }

    /// A whole plan document (or part of one) converted: change objects'
    /// `before`/`after` by their masks, state objects' `values` by
    /// `sensitive_values`, the `value`/`default` of anything declared
    /// `sensitive`, sensitive root variables, and sensitive leaves anywhere.
    pub(crate) fn convert_document(&self, v: &serde_json::Value, top: bool) -> Value {
        match v {
            serde_json::Value::Object(m) => {
                let declared = m.get("sensitive").and_then(serde_json::Value::as_bool) == Some(true);
                Value::Map(Map::from_pairs(m.iter().map(|(k, x)| {
                    let mask = match k.as_str() {
                        "before" => m.get("before_sensitive"),
                        "after" => m.get("after_sensitive"),
                        "values" => m.get("sensitive_values"),
                        "value" | "default" if declared => Some(&JSON_TRUE),
                        _ => None,
                    };
                    let value = match mask {
                        Some(mask) => self.convert(x, mask),
                        None if top && k == "variables" => self.convert_variables(x),
                        None => self.convert_document(x, false),
                    };
                    (Key::from(k.as_str()), value)
                })))
            }
            serde_json::Value::Array(items) => {
                Value::list(items.iter().map(|x| self.convert_document(x, false)).collect())
            }
            leaf => self.convert(leaf, &JSON_NULL),
        }
    }

    /// The plan's `variables` section (name → `{value}`).
    fn convert_variables(&self, v: &serde_json::Value) -> Value {
        match v {
            serde_json::Value::Object(m) => Value::Map(Map::from_pairs(m.iter().map(|(name, x)| {
                let value = if self.variable(name) {
                    Value::sensitive(self.convert_document(x, false))
                } else {
                    self.convert_document(x, false)
                };
                (Key::from(name.as_str()), value)
            }))),
            other => self.convert_document(other, false),
        }
    }

    /// An already converted value (configuration constants) with every
    /// sensitive leaf wrapped.
    pub(crate) fn mark_leaves(&self, v: Value) -> Value {
        if self.texts.is_empty() {
            return v;
        }
        let secret = |text: &str| self.texts.contains(text);
        match &v {
            Value::String(s) if secret(s) => Value::sensitive(v),
            Value::Int(i) if secret(&i.to_string()) => Value::sensitive(v),
            Value::Float(f) if secret(&format_float(*f)) => Value::sensitive(v),
            Value::List(l) => Value::list(l.as_slice().iter().map(|x| self.mark_leaves(x.clone())).collect()),
            Value::Map(m) => {
                Value::Map(Map::from_pairs(m.iter().map(|(k, x)| (k.clone(), self.mark_leaves(x.clone())))))
            }
            _ => v,
        }
    }

    /// A value of the plan converted when first read, marked by `mask`
    /// (the plan's sensitivity mask for it, if any); `missing` when the
    /// file has none.
    pub(crate) fn lazy(&self, span: Option<&JsonSpan>, mask: Option<&JsonSpan>, missing: Value) -> Value {
        let Some(span) = span else {
            return missing;
        };
        let (span, mask, marks) = (span.clone(), mask.cloned(), self.clone());
        Value::lazy(move || marks.convert_span(&span, mask.as_ref()))
    }

    /// A value of the plan converted now, marked by `mask` (see [`Marks::lazy`]).
    pub(crate) fn convert_span(&self, span: &JsonSpan, mask: Option<&JsonSpan>) -> Value {
        // A mask that cannot be read marks everything (fail closed).
        let mask = match mask {
            Some(m) => m.to_json().unwrap_or(serde_json::Value::Bool(true)),
            None => serde_json::Value::Null,
        };
        convert::marked_shallow(span, self, &mask).unwrap_or(Value::Undefined)
    }

    /// As [`Marks::lazy`], the whole value sensitive when `sensitive`.
    pub(crate) fn lazy_if(&self, span: Option<&JsonSpan>, sensitive: bool, missing: Value) -> Value {
        let v = self.lazy(span, None, missing);
        if sensitive && span.is_some() {
            Value::sensitive(v)
        } else {
            v
        }
    }
}

/// A value of the plan converted when first read; `missing` when the file
/// has none.
pub(crate) fn lazy_json(span: Option<&JsonSpan>, missing: Value) -> Value {
    match span {
        None => missing,
        Some(span) => {
            let span = span.clone();
            // The text was checked when the plan was read: a failure here
            // is the plan reader's bug, shown as undefined (which fails a
            // rule that needs the value) rather than as a made-up value.
            Value::lazy(move || convert::plain(span.as_str()).unwrap_or(Value::Undefined))
        }
    }
}

/// A map with string keys, in the given order.
pub(crate) fn map<'k>(pairs: impl IntoIterator<Item = (&'k str, Value)>) -> Value {
    Value::map_from(pairs)
}

/// A map keyed by owned strings.
pub(crate) fn keyed(pairs: impl IntoIterator<Item = (String, Value)>) -> Value {
    Value::map_from(pairs)
}

pub(crate) fn strings(items: &[String]) -> Value {
    Value::list(items.iter().map(Value::string).collect())
}

pub(crate) fn opt_string(s: Option<&str>) -> Value {
    s.map_or(Value::Undefined, Value::string)
}

type Method = Box<dyn Fn(Vec<Value>) -> Result<Value, ObjectError> + Send + Sync>;

/// An import namespace: named fields (often lazy) and functions.
pub(crate) struct Namespace {
    name: &'static str,
    fields: IndexMap<&'static str, Value>,
    methods: IndexMap<&'static str, Method>,
}

impl Namespace {
    pub(crate) fn new(name: &'static str) -> Namespace {
        Namespace { name, fields: IndexMap::new(), methods: IndexMap::new() }
    }
    pub(crate) fn field(mut self, name: &'static str, v: Value) -> Namespace {
        self.fields.insert(name, v);
        self
    }
    /// A field built on first read.
    pub(crate) fn lazy(self, name: &'static str, f: impl FnOnce() -> Value + Send + 'static) -> Namespace {
        self.field(name, Value::lazy(f))
    }
    pub(crate) fn method(
        mut self,
        name: &'static str,
        f: impl Fn(Vec<Value>) -> Result<Value, ObjectError> + Send + Sync + 'static,
    ) -> Namespace {
        self.methods.insert(name, Box::new(f));
        self
    }
    pub(crate) fn into_value(self) -> Value {
        Value::Object(Arc::new(self))
    }
}

impl Object for Namespace {
    fn type_name(&self) -> &str {
        self.name
    }
    fn get(&self, name: &str) -> Result<Value, ObjectError> {
        Ok(self.fields.get(name).cloned().unwrap_or(Value::Undefined))
    }
    fn call(&self, name: &str, args: Vec<Value>) -> Result<Value, ObjectError> {
        match self.methods.get(name) {
            Some(f) => f(args),
            None => Err(ObjectError::NoSuchMethod { type_name: self.name.to_string(), name: name.to_string() }),
        }
    }
}

/// The one string argument of a function, or Sentinel's error.
pub(crate) fn one_string(func: &str, args: &[Value]) -> Result<String, ObjectError> {
    match args {
        [v] => match v.as_str() {
            Some(s) => Ok(s.to_string()),
            None => Err(ObjectError::Failed(format!("{func}: expected a string argument, got {}", v.type_name()))),
        },
        _ => Err(ObjectError::Failed(format!("{func}: expected 1 argument, got {}", args.len()))),
    }
}

#[cfg(test)]
mod tests;
