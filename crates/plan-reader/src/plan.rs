//! The plan model: what `terraform show -json` says, indexed and typed.

use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::{Arc, OnceLock};

use serde_json::value::RawValue;

use crate::action::Action;
use crate::address::{Address, InstanceKey, KeyStyle, Mode, ModulePath, ModuleStep};
use crate::error::PlanError;
use crate::input::{decode, json_error, json_error_in};
use crate::raw::{self, RawChange, RawConfigModule, RawPlan, RawResourceChange};
use crate::resolve::{resolve, resolve_selected, resolve_with_masks, Mask, ResolveError, Selection};
use crate::source::redact_module_source;
use crate::value::Value;

/// Which program wrote the plan.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Producer {
    /// HashiCorp Terraform.
    Terraform,
    /// OpenTofu.
    OpenTofu,
    /// No version and no provider address said which.
    Unknown,
}

impl Producer {
    /// The producer's name for messages and reports (`Terraform`, `OpenTofu`, `unknown`).
    pub fn as_str(self) -> &'static str {
        match self {
            Producer::Terraform => "Terraform",
            Producer::OpenTofu => "OpenTofu",
            Producer::Unknown => "unknown",
        }
    }
}

/// A plan read from `terraform show -json` / `tofu show -json` output.
///
/// Borrows from the text it was read from; values stay raw until asked for.
pub struct Plan<'a> {
    /// The plan's `format_version` (checked to be below 2.0).
    pub format_version: String,
    /// The version of the program that wrote the plan.
    pub terraform_version: Option<String>,
    /// Terraform or OpenTofu, as far as the file tells.
    pub producer: Producer,
    /// How this plan's addresses quote string keys.
    pub key_style: KeyStyle,
    /// Every entry of `resource_changes`, in file order.
    pub resources: Vec<ResourceInstance<'a>>,
    /// `resource_drift`: what refresh found changed outside Terraform.
    pub drift: Vec<ResourceInstance<'a>>,
    /// `deferred_changes` (Terraform 1.9+ with deferral allowed).
    pub deferred: Vec<DeferredChange<'a>>,
    /// Root module output changes, by name.
    pub outputs: Vec<OutputChange<'a>>,
    /// Root module input variables, by name.
    pub variables: Vec<Variable<'a>>,
    /// Provider configurations, by configuration key (`aws`, `aws.west`, `module.m:aws`).
    pub providers: BTreeMap<Arc<str>, ProviderConfig>,
    /// Module calls, by call path without keys (`module.a.module.b`).
    pub modules: BTreeMap<String, ModuleCall<'a>>,
    /// Resource blocks of the configuration.
    pub config_resources: Vec<ConfigResource<'a>>,
    /// Results of `check` blocks, preconditions and postconditions (`checks`).
    pub checks: Vec<Check>,
    /// `relevant_attributes`: (resource address, attribute path as JSON).
    pub relevant_attributes: Vec<(String, String)>,
    /// When the plan was made (`timestamp`, Terraform 1.5+).
    pub timestamp: Option<String>,
    /// Whether the plan can be applied (`applyable`, Terraform 1.8+).
    pub applyable: Option<bool>,
    /// Whether the plan is complete, without deferred changes (`complete`).
    pub complete: Option<bool>,
    /// Whether planning failed part way (`errored`).
    pub errored: Option<bool>,
    /// Things a reader of this plan should know (old format, partial plan, …).
    pub warnings: Vec<String>,
    planned_values: Option<&'a RawValue>,
    prior_state: Option<&'a RawValue>,
    root_config: RawConfigModule<'a>,
    config_index: HashMap<(String, String), usize>,
    instance_index: OnceLock<HashMap<(ModulePath, String), Vec<usize>>>,
    data_sources: OnceLock<Result<Vec<StateResource<'a>>, PlanError>>,
    pub(crate) source: &'a str,
}

/// One entry of `resource_changes` (or `resource_drift`).
pub struct ResourceInstance<'a> {
    /// The parsed instance address.
    pub address: Address,
    /// The address exactly as the file writes it (rebuilt for old drift entries).
    pub address_text: Cow<'a, str>,
    /// The provider's source address (`registry.terraform.io/hashicorp/aws`).
    pub provider_name: Cow<'a, str>,
    /// Key into [`Plan::providers`] of the configuration this instance uses.
    pub provider_key: Option<Arc<str>>,
    /// What the plan does with the object.
    pub action: Action,
    /// Why, when Terraform says (`replace_because_tainted`, …).
    pub action_reason: Option<Cow<'a, str>>,
    /// Facts few instances have, out of line: plans of 100k instances hold
    /// one of these structs per instance.
    rare: Option<Box<Rare<'a>>>,
    /// Terraform 1.10+: a deferred instance whose key is not known yet.
    pub index_unknown: bool,
    /// The configuration was generated for an import (`-generate-config-out`).
    pub has_generated_config: bool,
    /// The file gave no address (drift entries of Terraform 0.15.4 to 1.0.0).
    pub address_rebuilt: bool,
    change: Change<'a>,
}

/// What few resource instances have.
struct Rare<'a> {
    previous_address: Option<Cow<'a, str>>,
    deposed: Option<Cow<'a, str>>,
    importing: Option<Importing>,
}

/// An import recorded on a change.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Importing {
    /// The imported object's id (absent for an import by identity).
    pub id: Option<String>,
    /// The id is known only after apply.
    pub unknown: bool,
}

/// Raw values of a change object.
#[derive(Clone, Copy, Default)]
pub struct Change<'a> {
    /// `before` as written.
    pub before: Option<&'a RawValue>,
    /// `after` as written.
    pub after: Option<&'a RawValue>,
    /// `after_unknown` as written.
    pub after_unknown: Option<&'a RawValue>,
    /// `before_sensitive` as written.
    pub before_sensitive: Option<&'a RawValue>,
    /// `after_sensitive` as written.
    pub after_sensitive: Option<&'a RawValue>,
    /// `replace_paths`: the attributes that force a replacement.
    pub replace_paths: Option<&'a RawValue>,
}

impl<'a> Change<'a> {
    fn from_raw(c: &RawChange<'a>) -> Change<'a> {
        Change {
            before: c.before,
            after: c.after,
            after_unknown: c.after_unknown,
            before_sensitive: c.before_sensitive,
            after_sensitive: c.after_sensitive,
            replace_paths: c.replace_paths,
        }
    }
    /// The planned value after apply, unknowns and sensitive marks merged in.
    pub fn after(&self) -> Result<Value, ResolveError> {
        self.after_selected(None)
    }
    /// As [`Change::after`], with only the top-level attributes `keep` accepts.
    pub fn after_selected(&self, keep: Option<Selection<'_>>) -> Result<Value, ResolveError> {
        let v = resolve_selected(
            self.after.map(RawValue::get),
            self.after_unknown.map(RawValue::get),
            self.after_sensitive.map(RawValue::get),
            keep,
        )?;
        Ok(if self.after_sensitive.is_none() { mark_secret_looking(v) } else { v })
    }
    /// The value before the change (fully known).
    pub fn before(&self) -> Result<Value, ResolveError> {
        self.before_selected(None)
    }
    /// As [`Change::before`], with only the top-level attributes `keep` accepts.
    pub fn before_selected(&self, keep: Option<Selection<'_>>) -> Result<Value, ResolveError> {
        let v = resolve_selected(self.before.map(RawValue::get), None, self.before_sensitive.map(RawValue::get), keep)?;
        Ok(if self.before_sensitive.is_none() { mark_secret_looking(v) } else { v })
    }
}

impl<'a> ResourceInstance<'a> {
    /// Builds an instance from its raw entry. Addresses are read in HCL key
    /// style, then Go style; [`Plan::parse`] re-reads the few that differ once
    /// it knows the Terraform version.
    pub(crate) fn from_raw(rc: RawResourceChange<'a>) -> Result<ResourceInstance<'a>, BadAddress> {
        let (address, address_text, address_rebuilt) = match rc.address {
            Some(text) => {
                let address = Address::parse_styled(&text, KeyStyle::Hcl)
                    .or_else(|e| Address::parse_styled(&text, KeyStyle::Go).map_err(|_| e))
                    .map_err(|e| BadAddress { field: ".address", text: text.to_string(), message: e.message })?;
                (address, text, false)
            }
            None => {
                let address = rebuild_address(&rc, KeyStyle::Hcl)?;
                let text = Cow::Owned(address.render(KeyStyle::Hcl));
                (address, text, true)
            }
        };
        let importing = rc
            .change
            .importing
            .as_ref()
            .map(|i| Importing { id: i.id.as_deref().map(str::to_string), unknown: i.unknown.unwrap_or(false) });
        let rare = (rc.previous_address.is_some() || rc.deposed.is_some() || importing.is_some())
            .then(|| Box::new(Rare { previous_address: rc.previous_address, deposed: rc.deposed, importing }));
        Ok(ResourceInstance {
            address,
            address_text,
            provider_name: rc.provider_name.unwrap_or(Cow::Borrowed("")),
            provider_key: None,
            action: Action::from_list(&rc.change.actions),
            action_reason: rc.action_reason,
            rare,
            index_unknown: rc.index_unknown.unwrap_or(false),
            has_generated_config: rc.change.generated_config.is_some(),
            address_rebuilt,
            change: Change::from_raw(&rc.change),
        })
    }

    /// Managed, data or ephemeral.
    pub fn mode(&self) -> Mode {
        self.address.mode
    }
    /// The deposed key, for an old object left over from a create_before_destroy replacement.
    pub fn deposed(&self) -> Option<&str> {
        self.rare.as_ref().and_then(|r| r.deposed.as_deref())
    }
    /// The address before a `moved` block (Terraform 1.1+).
    pub fn previous_address(&self) -> Option<&str> {
        self.rare.as_ref().and_then(|r| r.previous_address.as_deref())
    }
    /// The import this change carries out, if any.
    pub fn importing(&self) -> Option<&Importing> {
        self.rare.as_ref().and_then(|r| r.importing.as_ref())
    }
    /// The resource type (`aws_instance`).
    pub fn resource_type(&self) -> &str {
        &self.address.resource_type
    }
    /// The block's name label.
    pub fn name(&self) -> &str {
        &self.address.name
    }
    /// The module instance the resource is in.
    pub fn module(&self) -> &ModulePath {
        &self.address.module
    }
    /// The instance key, for `count` and `for_each` resources.
    pub fn key(&self) -> Option<&InstanceKey> {
        self.address.key.as_ref()
    }
    /// The raw change values.
    pub fn change(&self) -> &Change<'a> {
        &self.change
    }
    /// Resolved planned after-value: `null` for deletes, [`Value::unknown`] parts
    /// where Terraform knows them only after apply.
    pub fn after(&self) -> Result<Value, PlanError> {
        self.after_selected(None)
    }
    /// As [`ResourceInstance::after`], building only the top-level attributes
    /// `keep` accepts (the others are absent): for readers that know which
    /// attributes they need.
    pub fn after_selected(&self, keep: Option<Selection<'_>>) -> Result<Value, PlanError> {
        self.change
            .after_selected(keep)
            .map_err(|source| PlanError::Value { path: format!("{}: change.after", self.address_text), source })
    }
    /// Resolved value before the change: `null` for creates.
    pub fn before(&self) -> Result<Value, PlanError> {
        self.before_selected(None)
    }
    /// As [`ResourceInstance::before`], building only the top-level
    /// attributes `keep` accepts (as [`ResourceInstance::after_selected`]).
    pub fn before_selected(&self, keep: Option<Selection<'_>>) -> Result<Value, PlanError> {
        self.change
            .before_selected(keep)
            .map_err(|source| PlanError::Value { path: format!("{}: change.before", self.address_text), source })
    }
    /// True when an object will exist after apply (not a delete, forget or deposed object).
    pub fn exists_after_apply(&self) -> bool {
        self.deposed().is_none() && self.action.exists_after_apply()
    }
    /// Replacement causes (`replace_paths`) as JSON text, if any.
    pub fn replace_paths(&self) -> Option<&str> {
        self.change.replace_paths.map(RawValue::get)
    }
}

/// A change Terraform postponed to a later plan.
pub struct DeferredChange<'a> {
    /// Why it was deferred (`resource_config_unknown`, …).
    pub reason: Option<String>,
    /// The change as far as Terraform planned it.
    pub instance: ResourceInstance<'a>,
}

/// A root module output change.
pub struct OutputChange<'a> {
    /// The output's name.
    pub name: String,
    /// What happens to the output.
    pub action: Action,
    change: Change<'a>,
    /// Masks of earlier occurrences of this output in `output_changes`.
    earlier_masks: Vec<(Option<&'a RawValue>, Option<&'a RawValue>)>,
    /// The configuration declares the output `sensitive = true`.
    declared_sensitive: bool,
}

impl OutputChange<'_> {
    /// The output's planned value, sensitive when the output is.
    pub fn after(&self) -> Result<Value, PlanError> {
        self.after_merged()
            .map(|v| mark_deep(v, self.declared_sensitive))
            .map_err(|source| PlanError::Value { path: format!("output_changes.{}.after", self.name), source })
    }
    /// The value with the marks of every occurrence of the output.
    fn after_merged(&self) -> Result<Value, ResolveError> {
        if self.earlier_masks.is_empty() {
            return self.change.after();
        }
        fn parse(m: Option<&RawValue>) -> Result<Mask<'_>, ResolveError> {
            Mask::parse(m.map(RawValue::get))
        }
        let (mut unknown, mut sensitive) = (parse(self.change.after_unknown)?, parse(self.change.after_sensitive)?);
        for (u, s) in &self.earlier_masks {
            unknown = unknown.union(parse(*u)?);
            sensitive = sensitive.union(parse(*s)?);
        }
        let v = resolve_with_masks(self.change.after.map(RawValue::get), &unknown, &sensitive)?;
        let no_masks = self.change.after_sensitive.is_none() && self.earlier_masks.iter().all(|(_, s)| s.is_none());
        Ok(if no_masks { mark_secret_looking(v) } else { v })
    }
    /// True when the output holds a sensitive value (or cannot be read).
    pub fn is_sensitive(&self) -> bool {
        self.declared_sensitive || self.after().map_or(true, |v| v.contains_sensitive())
    }
}

/// A root module input variable.
pub struct Variable<'a> {
    /// The variable's name.
    pub name: String,
    /// Declared `sensitive = true` in the configuration.
    pub sensitive: bool,
    value: Option<&'a RawValue>,
}

impl Variable<'_> {
    /// The value, marked sensitive when the variable is declared sensitive.
    pub fn value(&self) -> Result<Value, PlanError> {
        let v = resolve(self.value.map(RawValue::get), None, None)
            .map_err(|source| PlanError::Value { path: format!("variables.{}.value", self.name), source })?;
        Ok(mark_deep(v, self.sensitive))
    }
}

/// Plans from before Terraform 0.15 carry no sensitivity masks, although they
/// hold passwords and keys in clear. Without the provider schemas, attribute
/// names are the best evidence: anything named like a secret is marked, so
/// that no output prints it.
fn mark_secret_looking(mut v: Value) -> Value {
    if let crate::Kind::Object(obj) = &mut v.kind {
        let secret_keys: Vec<String> = obj.keys().filter(|k| names_a_secret(k)).map(str::to_string).collect();
        for k in secret_keys {
            if let Some(item) = obj.get_mut(&k) {
                *item = mark_deep(std::mem::replace(item, Value::NULL), true);
            }
        }
        for item in obj.values_mut() {
            if !item.sensitive {
                *item = mark_secret_looking(std::mem::replace(item, Value::NULL));
            }
        }
    } else if let crate::Kind::List(items) = &mut v.kind {
        items.iter_mut().for_each(|item| *item = mark_secret_looking(std::mem::replace(item, Value::NULL)));
    }
    v
}

/// Whether an attribute name says it holds a secret, matched by whole words
/// (`_`-separated, or camelCase) so that settings merely named after secrets
/// keep their values: `auth_token`, `access_token` and `token` are secrets,
/// `http_tokens` (the IMDS mode) is not; references to secrets (`_arn`, `_id`)
/// are not secrets either.
fn names_a_secret(key: &str) -> bool {
    // Single words, and word pairs that are secrets only together.
    const WORDS: [&str; 9] =
        ["password", "passwords", "passwd", "secret", "secrets", "token", "passphrase", "credential", "credentials"];
    const PAIRS: [(&str, &str); 3] = [("private", "key"), ("auth", "key"), ("secret", "key")];
    let mut words: Vec<String> = Vec::new();
    let mut current = String::new();
    let mut prev_lower = false;
    for c in key.chars() {
        if c == '_' || c == '-' || c == '.' {
            words.push(std::mem::take(&mut current));
            prev_lower = false;
            continue;
        }
        if c.is_ascii_uppercase() && prev_lower {
            words.push(std::mem::take(&mut current));
        }
        prev_lower = c.is_ascii_lowercase() || c.is_ascii_digit();
        current.push(c.to_ascii_lowercase());
    }
    words.push(current);
    words.retain(|w| !w.is_empty());
    let last = words.last().map(String::as_str);
    if words.first().is_some_and(|w| w == "get") || matches!(last, Some("arn" | "id" | "ids" | "arns")) {
        return false;
    }
    words.iter().any(|w| WORDS.contains(&w.as_str()))
        || words.windows(2).any(|p| PAIRS.iter().any(|(a, b)| p[0] == *a && p[1] == *b))
}

/// Marks a value and everything inside it sensitive.
fn mark_deep(mut v: Value, mark: bool) -> Value {
    if !mark {
        return v;
    }
    v.sensitive = true;
    match &mut v.kind {
        crate::Kind::List(items) => {
            items.iter_mut().for_each(|item| *item = mark_deep(std::mem::replace(item, Value::NULL), true))
        }
        crate::Kind::Object(obj) => {
            obj.values_mut().for_each(|item| *item = mark_deep(std::mem::replace(item, Value::NULL), true))
        }
        _ => {}
    }
    v
}

/// A provider configuration from `configuration.provider_config`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ProviderConfig {
    /// The configuration key (`aws`, `aws.west`, `module.m:aws`).
    pub key: String,
    /// Local name (`aws`).
    pub name: String,
    /// Fully qualified source address (`registry.terraform.io/hashicorp/aws`), 1.1+.
    pub full_name: Option<String>,
    /// The `alias` argument.
    pub alias: Option<String>,
    /// The module the provider block is in, for provider blocks in child modules.
    pub module_address: Option<String>,
    /// The `version` argument of the provider block, when given.
    pub version_constraint: Option<String>,
    /// The `region` argument when it is a constant (or a root variable's value).
    pub region: Option<Region>,
}

/// A provider's `region`, sensitive when it comes from a variable declared
/// `sensitive = true`: shown and handed to policies only with its mark.
#[derive(Clone, PartialEq, Eq)]
pub struct Region {
    text: String,
    sensitive: bool,
}

impl Region {
    /// A region, marked sensitive or not.
    pub fn new(text: impl Into<String>, sensitive: bool) -> Region {
        Region { text: text.into(), sensitive }
    }
    /// True when the region came from a sensitive variable.
    pub fn is_sensitive(&self) -> bool {
        self.sensitive
    }
    /// The region as a value, marked sensitive when it is.
    pub fn value(&self) -> Value {
        Value::str(&self.text).mark_if(self.sensitive)
    }
}

/// The region, or `(sensitive value)`.
impl std::fmt::Display for Region {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(if self.sensitive { crate::value::SENSITIVE_TEXT } else { &self.text })
    }
}

impl std::fmt::Debug for Region {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Region({:?})", self.to_string())
    }
}

/// True for valid JSON that does not even try to be a plan: not an object,
/// or an object without `format_version` (`modules.json`, tfgate's own
/// report). A state file or a plan of another version is not "clearly"
/// anything. For callers that scan folders for plans and pass over other
/// JSON; [`Plan::parse`] says what is wrong with a file meant as a plan.
pub fn clearly_not_a_plan(text: &str) -> bool {
    match serde_json::from_str::<serde_json::Value>(text) {
        Ok(serde_json::Value::Object(o)) => !o.contains_key("format_version"),
        Ok(_) => true,
        Err(_) => false,
    }
}

/// A `module` block of the configuration.
pub struct ModuleCall<'a> {
    /// Call names from the root: `["a", "b"]` for `module.a.module.b`.
    pub path: Vec<String>,
    /// The `source` argument as written (`terraform-aws-modules/vpc/aws`,
    /// `./modules/x`), with any credentials in it (userinfo, tokens and
    /// signatures in the query) replaced by `REDACTED`.
    pub source: Option<String>,
    /// The `version` argument (a constraint such as `~> 5.0`).
    pub version: Option<String>,
    /// The call uses `count`.
    pub has_count: bool,
    /// The call uses `for_each`.
    pub has_for_each: bool,
    expressions: Option<&'a RawValue>,
    /// Arguments whose value is sensitive (see [`sensitive_arguments`]).
    sensitive_arguments: BTreeSet<String>,
}

impl ModuleCall<'_> {
    /// The call arguments' expressions (`{"name": {"references": [...]}}`) as JSON text.
    pub fn expressions_json(&self) -> Option<&str> {
        self.expressions.map(RawValue::get)
    }
    /// True when the argument `name` carries a sensitive value.
    pub fn is_sensitive_argument(&self, name: &str) -> bool {
        self.sensitive_arguments.contains(name)
    }
    /// The call's arguments as values, what a module policy sees as
    /// `attrs`: an object keyed by argument name, constants as written,
    /// anything computed from references unknown, and the sensitive
    /// arguments marked so, wholly. Empty when the plan records no arguments.
    pub fn argument_values(&self) -> Value {
        self.mark_sensitive_arguments(expression_values(self.expressions_json()))
    }
    /// The call's arguments (an object keyed by argument name) with the
    /// sensitive ones marked, wholly.
    pub fn mark_sensitive_arguments(&self, mut args: Value) -> Value {
        if let crate::Kind::Object(obj) = &mut args.kind {
            for name in &self.sensitive_arguments {
                if let Some(v) = obj.get_mut(name) {
                    *v = mark_deep(std::mem::replace(v, Value::NULL), true);
                }
            }
        }
        args
    }
}

/// The arguments of a module call that carry a sensitive value: those
/// setting a variable the module declares sensitive, and those whose
/// expression refers to a sensitive variable of the calling module (declared
/// so, or in `fed_sensitive`: set from a sensitive value by its own caller)
/// or to an output another module declares sensitive.
fn sensitive_arguments(
    caller: &RawConfigModule<'_>,
    fed_sensitive: &BTreeSet<String>,
    call: &raw::RawModuleCall<'_>,
) -> BTreeSet<String> {
    let declared = |m: Option<&RawConfigModule<'_>>, name: &str| {
        m.and_then(|m| m.variables.as_ref()).and_then(|v| v.get(name)).is_some_and(|v| v.sensitive == Some(true))
    };
    let Some(exprs) = call.expressions.and_then(|e| serde_json::from_str::<serde_json::Value>(e.get()).ok()) else {
        return Default::default();
    };
    let Some(args) = exprs.as_object() else { return Default::default() };
    args.iter()
        .filter(|(name, expr)| {
            if declared(call.module.as_deref(), name) {
                return true;
            }
            let mut refs = BTreeSet::new();
            crate::references::collect_references(expr, &mut refs);
            refs.iter().any(|r| {
                let steps = crate::references::parse_traversal(r).unwrap_or_default();
                let name = |i: usize| steps.get(i).map(|(n, _)| n.as_str());
                match (name(0), name(1), name(2)) {
                    (Some("var"), Some(var), _) => declared(Some(caller), var) || fed_sensitive.contains(var),
                    // `module.C.O` (or `module.C["k"].O`) where C declares its output O sensitive.
                    (Some("module"), Some(c), Some(o)) => caller
                        .module_calls
                        .as_ref()
                        .and_then(|calls| calls.get(c))
                        .and_then(|call| call.module.as_ref())
                        .and_then(|m| m.outputs.as_ref())
                        .and_then(|outputs| outputs.get(o))
                        .is_some_and(|out| out.sensitive == Some(true)),
                    _ => false,
                }
            })
        })
        .map(|(name, _)| name.clone())
        .collect()
}

/// A `resource` or `data` block of the configuration.
pub struct ConfigResource<'a> {
    /// Module call path without keys (`module.a.module.b`, empty for the root).
    pub module: String,
    /// Module-relative address (`aws_instance.web`, `data.aws_ami.x`).
    pub address: String,
    /// Key into [`Plan::providers`] of the provider configuration it uses.
    pub provider_config_key: Option<String>,
    /// The block uses `count`.
    pub has_count: bool,
    /// The block uses `for_each`.
    pub has_for_each: bool,
    expressions: Option<&'a RawValue>,
}

impl ConfigResource<'_> {
    /// The block's expressions as JSON text (`{"ami": {"constant_value": "..."}}`).
    pub fn expressions_json(&self) -> Option<&str> {
        self.expressions.map(RawValue::get)
    }
    /// The argument and block names the block's configuration sets (the
    /// keys of its expressions), sorted: tells "left unset" from "set to a
    /// value known only after apply". `None` when the plan does not record
    /// the block's expressions. `dynamic` blocks are not recorded by Terraform.
    pub fn configured_arguments(&self) -> Option<Vec<String>> {
        let json = self.expressions_json()?;
        serde_json::from_str::<BTreeMap<String, serde::de::IgnoredAny>>(json)
            .ok()
            .map(|keys| keys.into_keys().collect())
    }
}

/// Configuration expressions as values: a constant as written (read from
/// its own text, not re-serialized), a reference or an empty expression
/// unknown, a nested block an object, a list of blocks a list. Text that is
/// not JSON gives an empty object.
fn expression_values(json: Option<&str>) -> Value {
    match json.map(serde_json::from_str::<&RawValue>) {
        Some(Ok(raw)) => expression_value(raw),
        _ => Value::object_from(Vec::<(String, Value)>::new()),
    }
}

fn expression_value(raw: &RawValue) -> Value {
    let text = raw.get();
    match text.trim_start().as_bytes().first() {
        Some(b'{') => {
            let Ok(map) = serde_json::from_str::<BTreeMap<String, &RawValue>>(text) else { return Value::unknown() };
            if let Some(constant) = map.get("constant_value") {
                return resolve(Some(constant.get()), None, None).unwrap_or_else(|_| Value::unknown());
            }
            if map.contains_key("references") || map.is_empty() {
                return Value::unknown();
            }
            Value::object(map.into_iter().map(|(k, v)| (k, expression_value(v))).collect())
        }
        Some(b'[') => match serde_json::from_str::<Vec<&RawValue>>(text) {
            Ok(items) => Value::list(items.into_iter().map(expression_value).collect()),
            Err(_) => Value::unknown(),
        },
        _ => Value::unknown(),
    }
}

/// A checkable object (`checks`, Terraform 1.3+).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Check {
    /// What is checked: `resource`, `output_value`, `check` or `var`.
    pub kind: String,
    /// The checked object's address.
    pub address: String,
    /// `pass`, `fail`, `error` or `unknown` (also when the file says nothing).
    pub status: String,
    /// The result for each instance of the object.
    pub instances: Vec<CheckInstance>,
}

/// The result of a check for one instance of a checkable object.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CheckInstance {
    /// The instance's address.
    pub address: String,
    /// `pass`, `fail`, `error` or `unknown`.
    pub status: String,
    /// The messages of the failed conditions.
    pub problems: Vec<String>,
}

/// A resource object from a state view (`prior_state`), such as a data
/// source read during planning.
pub struct StateResource<'a> {
    /// The parsed instance address.
    pub address: Address,
    /// The address exactly as the file writes it.
    pub address_text: Cow<'a, str>,
    /// The provider's source address.
    pub provider_name: Cow<'a, str>,
    /// The deposed key of an old object kept by a `create_before_destroy` replacement.
    pub deposed: Option<Cow<'a, str>>,
    values: Option<&'a RawValue>,
    sensitive_values: Option<&'a RawValue>,
}

impl StateResource<'_> {
    /// The object's attributes, sensitive marks applied.
    pub fn values(&self) -> Result<Value, PlanError> {
        resolve(self.values.map(RawValue::get), None, self.sensitive_values.map(RawValue::get))
            .map(|v| if self.sensitive_values.is_none() { mark_secret_looking(v) } else { v })
            .map_err(|source| PlanError::Value { path: format!("{}: values", self.address_text), source })
    }
}

impl<'a> Plan<'a> {
    /// Decodes bytes (UTF-8 or UTF-16, with or without BOM) into the text a
    /// plan borrows from. Call [`Plan::parse`] on the result.
    pub fn decode(bytes: &[u8]) -> Result<Cow<'_, str>, PlanError> {
        decode(bytes)
    }

    /// Reads a plan from its JSON text.
    pub fn parse(text: &'a str) -> Result<Plan<'a>, PlanError> {
        let trimmed = text.trim_start();
        if trimmed.is_empty() {
            return Err(PlanError::Empty);
        }
        if !trimmed.starts_with('{') {
            // Still report invalid JSON as such, with its position.
            if let Err(e) = serde_json::from_str::<serde::de::IgnoredAny>(text) {
                return Err(json_error(text, &e));
            }
            let what = match trimmed.as_bytes()[0] {
                b'[' => "an array",
                b'"' => "a string",
                b't' | b'f' => "a boolean",
                b'n' => "null",
                _ => "a number",
            };
            return Err(PlanError::NotAPlan { reason: format!("the document is {what}, not an object") });
        }
        let raw: RawPlan<'a> = serde_json::from_str(text).map_err(|e| json_error(text, &e))?;
        Plan::from_raw(raw, text)
    }

    /// As [`Plan::parse`], locating the text's top-level sections on another
    /// thread meanwhile, for a caller that will ask for the plan's
    /// [`crate::PlanDocument`]: the pass is done while the text is in memory
    /// anyway, and costs no time when a core is free.
    pub fn parse_locating_sections(text: &'a crate::PlanText) -> Result<Plan<'a>, PlanError> {
        // A text whose sections cannot be located fails the same way when
        // the document is asked for.
        rayon::join(|| Plan::parse(text), || text.locate_sections()).0
    }

    fn from_raw(raw: RawPlan<'a>, source: &'a str) -> Result<Plan<'a>, PlanError> {
        let looks_like_plan =
            raw.planned_values.is_some() || raw.resource_changes.is_some() || raw.configuration.is_some();
        if !looks_like_plan {
            if raw.lineage.is_some() || raw.serial.is_some() || (raw.version.is_some() && raw.resources.is_some()) {
                return Err(PlanError::StateFile { detail: " (a raw terraform.tfstate)".into() });
            }
            if raw.values.is_some() {
                return Err(PlanError::StateFile {
                    detail: " (the output of `terraform show -json` without a plan file)".into(),
                });
            }
        }
        let Some(format_version) = raw.format_version.as_deref() else {
            return Err(PlanError::NotAPlan { reason: "it has no \"format_version\"".into() });
        };
        check_format_version(format_version)?;
        if !looks_like_plan && raw.errored != Some(true) && raw.prior_state.is_none() {
            return Err(PlanError::NotAPlan {
                reason: "it has none of \"planned_values\", \"resource_changes\" or \"configuration\"".into(),
            });
        }

        let terraform_version = raw.terraform_version.as_deref().map(str::to_string);
        let key_style = KeyStyle::for_terraform_version(terraform_version.as_deref());
        let mut warnings = Vec::new();
        let configuration = raw.configuration.unwrap_or_default();

        let mut plan = Plan {
            format_version: format_version.to_string(),
            producer: Producer::Unknown,
            terraform_version,
            key_style,
            resources: Vec::new(),
            drift: Vec::new(),
            deferred: Vec::new(),
            outputs: Vec::new(),
            variables: Vec::new(),
            providers: BTreeMap::new(),
            modules: BTreeMap::new(),
            config_resources: Vec::new(),
            checks: Vec::new(),
            relevant_attributes: Vec::new(),
            timestamp: raw.timestamp.as_deref().map(str::to_string),
            applyable: raw.applyable,
            complete: raw.complete,
            errored: raw.errored,
            warnings: Vec::new(),
            planned_values: raw.planned_values,
            prior_state: raw.prior_state,
            root_config: configuration.root_module.unwrap_or_default(),
            config_index: HashMap::new(),
            instance_index: OnceLock::new(),
            data_sources: OnceLock::new(),
            source,
        };

        plan.index_configuration();
        let root_vars = raw.variables.unwrap_or_default();
        let sensitive_vars: HashMap<&str, bool> = plan
            .root_config
            .variables
            .iter()
            .flatten()
            .map(|(k, v)| (k.as_ref(), v.sensitive.unwrap_or(false)))
            .collect();
        plan.variables = root_vars
            .iter()
            .map(|(name, v)| Variable {
                name: name.to_string(),
                sensitive: sensitive_vars.get(name.as_ref()).copied().unwrap_or(false),
                value: v.value,
            })
            .collect();
        plan.providers = read_providers(configuration.provider_config.unwrap_or_default(), &root_vars, &sensitive_vars);

        plan.resources = raw.resource_changes.map_or_else(|| Ok(Vec::new()), |i| i.into_vec("resource_changes"))?;
        plan.drift = raw.resource_drift.map_or_else(|| Ok(Vec::new()), |i| i.into_vec("resource_drift"))?;
        let drift_without_address = plan.drift.iter().filter(|d| d.address_rebuilt).count();
        plan.link_instances()?;
        for (i, d) in raw.deferred_changes.unwrap_or_default().into_iter().enumerate() {
            let reason = d.reason.as_deref().map(str::to_string);
            let mut instance = ResourceInstance::from_raw(d.resource_change)
                .map_err(|bad| bad.at(&format!("$.deferred_changes[{i}].resource_change")))?;
            instance.provider_key = plan.provider_key_for(&instance.address);
            plan.deferred.push(DeferredChange { reason, instance });
        }
        let declared_sensitive = |name: &str| {
            plan.root_config.outputs.as_ref().and_then(|o| o.get(name)).is_some_and(|o| o.sensitive == Some(true))
        };
        plan.outputs = raw
            .output_changes
            .unwrap_or_default()
            .iter()
            .map(|(name, c)| OutputChange {
                name: name.to_string(),
                action: Action::from_list(&c.actions),
                change: Change::from_raw(c),
                earlier_masks: c.earlier_masks.clone(),
                declared_sensitive: declared_sensitive(name),
            })
            .collect();
        plan.checks = raw.checks.unwrap_or_default().into_iter().map(read_check).collect();
        plan.relevant_attributes = raw
            .relevant_attributes
            .unwrap_or_default()
            .into_iter()
            .map(|r| (r.resource.to_string(), r.attribute.map_or_else(|| "[]".to_string(), |a| a.get().to_string())))
            .collect();
        plan.producer = detect_producer(&plan);

        // Warnings a user should see before trusting a verdict.
        if plan.errored == Some(true) {
            warnings.push("the plan errored: Terraform stopped planning, so what is here is partial".to_string());
        }
        if plan.complete == Some(false) {
            warnings.push("the plan is incomplete: applying it will need another plan to converge".to_string());
        }
        if !plan.deferred.is_empty() {
            warnings
                .push(format!("{} change(s) were deferred to a later plan and are not evaluated", plan.deferred.len()));
        }
        if drift_without_address > 0 {
            warnings.push(format!(
                "{drift_without_address} drift entries have no address (Terraform 0.15.4 to 1.0.0); their addresses were rebuilt"
            ));
        }
        let unknown_actions = plan.resources.iter().filter(|r| matches!(r.action, Action::Other(_))).count();
        if unknown_actions > 0 {
            warnings
                .push(format!("{unknown_actions} resource change(s) have an action list this version does not know"));
        }
        let wildcard = plan.resources.iter().filter(|r| r.index_unknown).count();
        if wildcard > 0 {
            warnings.push(format!("{wildcard} resource change(s) have an instance key not known until apply"));
        }
        if plan.format_version.starts_with("0.1")
            && !has_masks(&plan)
            && plan.resources.iter().any(|r| r.change.after.is_some())
        {
            warnings.push(
                "this plan predates sensitivity marks (Terraform before 0.15): values the provider treats as secret are not marked and cannot be redacted"
                    .to_string(),
            );
        }
        plan.warnings = warnings;
        Ok(plan)
    }

    fn index_configuration(&mut self) {
        /// `fed_sensitive`: variables of `m` that its caller sets from a
        /// sensitive value (sensitive in `m` whatever `m` declares).
        fn walk<'a>(
            m: &RawConfigModule<'a>,
            fed_sensitive: &BTreeSet<String>,
            path: &mut Vec<String>,
            resources: &mut Vec<ConfigResource<'a>>,
            modules: &mut BTreeMap<String, ModuleCall<'a>>,
        ) {
            let module = call_path_string(path);
            for r in m.resources.iter().flatten() {
                let address = match &r.address {
                    Some(a) => a.to_string(),
                    None => {
                        let prefix = if r.mode.as_deref() == Some("data") { "data." } else { "" };
                        format!(
                            "{prefix}{}.{}",
                            r.resource_type.as_deref().unwrap_or(""),
                            r.name.as_deref().unwrap_or("")
                        )
                    }
                };
                resources.push(ConfigResource {
                    module: module.clone(),
                    address,
                    provider_config_key: r.provider_config_key.as_deref().map(str::to_string),
                    has_count: r.count_expression.is_some(),
                    has_for_each: r.for_each_expression.is_some(),
                    expressions: r.expressions,
                });
            }
            for (name, call) in m.module_calls.iter().flatten() {
                path.push(name.to_string());
                let sensitive_arguments = sensitive_arguments(m, fed_sensitive, call);
                if let Some(child) = &call.module {
                    walk(child, &sensitive_arguments, path, resources, modules);
                }
                modules.insert(
                    call_path_string(path),
                    ModuleCall {
                        path: path.clone(),
                        // Redacted here, once, for every consumer.
                        source: call.source.as_deref().map(|s| redact_module_source(s).into_owned()),
                        version: call.version_constraint.as_deref().map(str::to_string),
                        has_count: call.count_expression.is_some(),
                        has_for_each: call.for_each_expression.is_some(),
                        expressions: call.expressions,
                        sensitive_arguments,
                    },
                );
                path.pop();
            }
        }
        let mut resources = Vec::new();
        let mut modules = BTreeMap::new();
        walk(&self.root_config, &BTreeSet::new(), &mut Vec::new(), &mut resources, &mut modules);
        self.config_index =
            resources.iter().enumerate().map(|(i, r)| ((r.module.clone(), r.address.clone()), i)).collect();
        self.config_resources = resources;
        self.modules = modules;
    }

    /// Completes instances read before the configuration was: addresses with
    /// Go-style keys (Terraform before 1.3) and provider configurations.
    fn link_instances(&mut self) -> Result<(), PlanError> {
        let style = self.key_style;
        let mut resources = std::mem::take(&mut self.resources);
        let mut drift = std::mem::take(&mut self.drift);
        for (section, list) in [("resource_changes", &mut resources), ("resource_drift", &mut drift)] {
            for (i, r) in list.iter_mut().enumerate() {
                // Only keys with escapes or `$$`/`%%` read differently in the two styles.
                if style == KeyStyle::Go && !r.address_rebuilt && r.address_text.contains(['\\', '$', '%']) {
                    r.address = self.parse_address(&r.address_text, &format!("$.{section}[{i}]"))?;
                }
                r.provider_key = self.provider_key_for(&r.address);
            }
        }
        self.resources = resources;
        self.drift = drift;
        Ok(())
    }

    /// Parses an address in this plan's key style, falling back to the other
    /// (test harnesses strip `terraform_version`, so the style can be a guess).
    fn parse_address(&self, text: &str, path: &str) -> Result<Address, PlanError> {
        let other = match self.key_style {
            KeyStyle::Hcl => KeyStyle::Go,
            KeyStyle::Go => KeyStyle::Hcl,
        };
        Address::parse_styled(text, self.key_style)
            .or_else(|e| Address::parse_styled(text, other).map_err(|_| e))
            .map_err(|e| PlanError::Address {
                path: format!("{path}.address"),
                text: text.to_string(),
                message: e.message,
            })
    }

    /// Which provider configuration a resource instance uses.
    fn provider_key_for(&self, address: &Address) -> Option<Arc<str>> {
        let module = address.module.without_keys().to_string();
        let config = self.config_index.get(&(module, address.config_address()))?;
        let key = self.config_resources[*config].provider_config_key.as_deref()?;
        if let Some((k, _)) = self.providers.get_key_value(key) {
            return Some(k.clone());
        }
        // Before Terraform 1.2 keys inside modules were `CALLNAME:aws`; the
        // provider_config map uses `module.PATH:aws`. Look in the resource's
        // module, then each ancestor, then the root.
        let local = key.rsplit_once(':').map_or(key, |(_, rest)| rest);
        let mut path = address.module.without_keys();
        loop {
            let candidate = if path.is_root() { local.to_string() } else { format!("{path}:{local}") };
            if let Some((k, _)) = self.providers.get_key_value(candidate.as_str()) {
                return Some(k.clone());
            }
            path = path.parent()?;
        }
    }

    /// The provider configuration of an instance, when the plan has one.
    pub fn provider_config(&self, instance: &ResourceInstance<'_>) -> Option<&ProviderConfig> {
        instance.provider_key.as_deref().and_then(|k| self.providers.get(k))
    }

    /// The module call that produced a module instance (`None` for the root).
    pub fn module_call(&self, module: &ModulePath) -> Option<&ModuleCall<'a>> {
        if module.is_root() {
            return None;
        }
        self.modules.get(&module.without_keys().to_string())
    }

    /// The configuration block of a resource instance.
    pub fn config_resource(&self, address: &Address) -> Option<&ConfigResource<'a>> {
        let module = address.module.without_keys().to_string();
        self.config_index.get(&(module, address.config_address())).map(|&i| &self.config_resources[i])
    }

    /// Instances that will exist after apply: what policies look at by default.
    pub fn instances_after_apply(&self) -> impl Iterator<Item = &ResourceInstance<'a>> {
        self.resources.iter().filter(|r| r.exists_after_apply())
    }

    /// Resource instances of one resource block in one module instance.
    pub fn instances_of(&self, module: &ModulePath, config_address: &str) -> Vec<&ResourceInstance<'a>> {
        self.instance_indexes(module, config_address).iter().map(|&i| &self.resources[i]).collect()
    }

    /// Positions in `resources` of one resource block's instances in one module instance.
    pub(crate) fn instance_indexes(&self, module: &ModulePath, config_address: &str) -> &[usize] {
        let index = self.instance_index.get_or_init(|| {
            let mut map: HashMap<(ModulePath, String), Vec<usize>> = HashMap::new();
            for (i, r) in self.resources.iter().enumerate() {
                map.entry((r.address.module.clone(), r.address.config_address())).or_default().push(i);
            }
            map
        });
        index.get(&(module.clone(), config_address.to_string())).map_or(&[], Vec::as_slice)
    }

    /// Module instances that appear in the plan (from resource addresses), sorted.
    pub fn module_instances(&self) -> Vec<ModulePath> {
        let mut seen: Vec<ModulePath> =
            self.resources.iter().map(|r| r.address.module.clone()).filter(|m| !m.is_root()).collect();
        seen.sort();
        seen.dedup();
        seen
    }

    /// `planned_values` as JSON text, when present.
    pub fn planned_values_json(&self) -> Option<&'a str> {
        self.planned_values.map(RawValue::get)
    }

    /// Addresses of every resource in `planned_values`, walking child modules.
    pub fn planned_addresses(&self) -> Result<Vec<String>, PlanError> {
        let Some(raw) = self.planned_values else {
            return Ok(Vec::new());
        };
        let values: raw::RawValuesRepr<'_> =
            serde_json::from_str(raw.get()).map_err(|e| json_error_in(self.source, raw.get(), &e))?;
        let mut out = Vec::new();
        fn walk(m: &raw::RawStateModule<'_>, out: &mut Vec<String>) {
            out.extend(m.resources.iter().filter_map(|r| r.address.as_deref().map(str::to_string)));
            for c in &m.child_modules {
                walk(c, out);
            }
        }
        if let Some(root) = &values.root_module {
            walk(root, &mut out);
        }
        Ok(out)
    }

    /// Data sources read during planning: only `prior_state` has them.
    pub fn data_sources(&self) -> Result<&[StateResource<'a>], PlanError> {
        let result = self.data_sources.get_or_init(|| self.read_prior_state(Some(Mode::Data)));
        result.as_deref().map_err(Clone::clone)
    }

    /// Every object of the prior (refreshed) state.
    pub fn prior_state(&self) -> Result<Vec<StateResource<'a>>, PlanError> {
        self.read_prior_state(None)
    }

    fn read_prior_state(&self, only: Option<Mode>) -> Result<Vec<StateResource<'a>>, PlanError> {
        let Some(raw) = self.prior_state else {
            return Ok(Vec::new());
        };
        let state: raw::RawStateValues<'a> =
            serde_json::from_str(raw.get()).map_err(|e| json_error_in(self.source, raw.get(), &e))?;
        let mut out = Vec::new();
        let mut stack: Vec<raw::RawStateModule<'a>> = state.values.and_then(|v| v.root_module).into_iter().collect();
        while let Some(m) = stack.pop() {
            for r in m.resources {
                let Some(text) = r.address.clone() else {
                    continue;
                };
                let address = self.parse_address(&text, "$.prior_state")?;
                if only.is_some_and(|mode| mode != address.mode) {
                    continue;
                }
                out.push(StateResource {
                    address,
                    address_text: text,
                    provider_name: r.provider_name.unwrap_or(Cow::Borrowed("")),
                    deposed: r.deposed_key,
                    values: r.values,
                    sensitive_values: r.sensitive_values,
                });
            }
            stack.extend(m.child_modules);
        }
        out.sort_by(|a, b| a.address.cmp(&b.address));
        Ok(out)
    }

    /// Resolves every value of the plan once (in parallel) and cross-checks
    /// `planned_values` against `resource_changes`. Returns warnings about
    /// what is inconsistent; errors when a value cannot be read at all.
    pub fn validate(&self) -> Result<Vec<String>, PlanError> {
        use rayon::prelude::*;
        self.resources.par_iter().chain(self.drift.par_iter()).try_for_each(|r| {
            r.after()?;
            r.before().map(drop)
        })?;
        for o in &self.outputs {
            o.after()?;
        }
        for v in &self.variables {
            v.value()?;
        }
        for d in self.data_sources()? {
            d.values()?;
        }
        let mut warnings = Vec::new();
        let changed: std::collections::HashSet<&str> = self.resources.iter().map(|r| r.address_text.as_ref()).collect();
        let missing: Vec<String> =
            self.planned_addresses()?.into_iter().filter(|a| !changed.contains(a.as_str())).collect();
        if let Some(first) = missing.first() {
            warnings.push(format!(
                "planned_values lists {} resource(s) that resource_changes does not have (first: {first}); the file may have been edited",
                missing.len()
            ));
        }
        Ok(warnings)
    }

    /// A root variable by name.
    pub fn variable(&self, name: &str) -> Option<&Variable<'a>> {
        self.variables.iter().find(|v| v.name == name)
    }

    /// The configuration's root module, for the reference resolver.
    pub(crate) fn root_config(&self) -> &RawConfigModule<'a> {
        &self.root_config
    }
}

/// `module.a.module.b` from call names.
fn call_path_string(path: &[String]) -> String {
    ModulePath { steps: path.iter().map(|n| ModuleStep { name: n.clone(), key: None }).collect() }.to_string()
}

fn check_format_version(v: &str) -> Result<(), PlanError> {
    let mut parts = v.split('.');
    let major = parts.next().and_then(|p| p.parse::<u32>().ok());
    let minor_ok = parts.next().is_some_and(|p| p.parse::<u32>().is_ok());
    match major {
        Some(m) if m >= 2 => Err(PlanError::UnsupportedVersion { found: v.to_string() }),
        Some(_) if minor_ok => Ok(()),
        _ => Err(PlanError::NotAPlan { reason: format!("its format_version {v:?} is not a version number") }),
    }
}

fn has_masks(plan: &Plan<'_>) -> bool {
    plan.resources.iter().any(|r| r.change.after_sensitive.is_some() || r.change.before_sensitive.is_some())
}

fn detect_producer(plan: &Plan<'_>) -> Producer {
    let tofu = |s: &str| s.contains("registry.opentofu.org");
    if plan.resources.iter().any(|r| tofu(&r.provider_name))
        || plan.providers.values().any(|p| p.full_name.as_deref().is_some_and(tofu))
    {
        return Producer::OpenTofu;
    }
    if plan.resources.iter().any(|r| r.provider_name.contains("registry.terraform.io"))
        || plan.terraform_version.is_some()
    {
        return Producer::Terraform;
    }
    Producer::Unknown
}

/// Why an entry's address could not be read: the field (`.address`,
/// `.module_address`, or empty when the entry has neither), its text, and why.
#[derive(Debug)]
pub(crate) struct BadAddress {
    pub field: &'static str,
    pub text: String,
    pub message: String,
}

impl BadAddress {
    /// The error, located at the entry `entry` (`$.resource_changes[3]`).
    pub(crate) fn at(self, entry: &str) -> PlanError {
        PlanError::Address { path: format!("{entry}{}", self.field), text: self.text, message: self.message }
    }
}

/// Rebuilds an address for drift entries of Terraform 0.15.4 to 1.0.0,
/// which have none.
fn rebuild_address(rc: &RawResourceChange<'_>, style: KeyStyle) -> Result<Address, BadAddress> {
    let module = match &rc.module_address {
        Some(m) => ModulePath::parse_styled(m, style).map_err(|e| BadAddress {
            field: ".module_address",
            text: m.to_string(),
            message: e.message,
        })?,
        None => ModulePath::root(),
    };
    let missing = |what: &str| BadAddress {
        field: "",
        text: String::new(),
        message: format!("the entry has neither an address nor a {what}"),
    };
    let mode = rc.mode.as_deref().and_then(Mode::parse).unwrap_or(Mode::Managed);
    let resource_type = rc.resource_type.as_deref().ok_or_else(|| missing("type"))?.to_string();
    let name = rc.name.as_deref().ok_or_else(|| missing("name"))?.to_string();
    let key = match rc.index.map(|i| serde_json::from_str::<serde_json::Value>(i.get())) {
        Some(Ok(serde_json::Value::Number(n))) => n.as_i64().map(InstanceKey::Int),
        Some(Ok(serde_json::Value::String(s))) => Some(InstanceKey::Str(s)),
        _ => None,
    };
    Ok(Address { module, mode, resource_type, name, key })
}

fn read_providers(
    configs: BTreeMap<Cow<'_, str>, raw::RawProviderConfig<'_>>,
    root_vars: &BTreeMap<Cow<'_, str>, raw::RawVariable<'_>>,
    sensitive_vars: &HashMap<&str, bool>,
) -> BTreeMap<Arc<str>, ProviderConfig> {
    configs
        .into_iter()
        .map(|(key, p)| {
            let region = p.expressions.and_then(|e| {
                constant_string(e.get(), "region", |var| {
                    // A root provider's `region = var.x` is as good as a constant.
                    if p.module_address.is_some() {
                        return None;
                    }
                    let raw = root_vars.get(var)?.value?;
                    let text = serde_json::from_str::<String>(raw.get()).ok()?;
                    // A variable the configuration does not declare (an edited
                    // or stripped plan) may be sensitive: it is treated so.
                    Some(Region::new(text, sensitive_vars.get(var).copied().unwrap_or(true)))
                })
            });
            let config = ProviderConfig {
                key: key.to_string(),
                name: p
                    .name
                    .as_deref()
                    .unwrap_or_else(|| key.rsplit(':').next().unwrap_or(&key).split('.').next().unwrap_or(""))
                    .to_string(),
                full_name: p.full_name.as_deref().map(str::to_string),
                alias: p.alias.as_deref().map(str::to_string),
                module_address: p.module_address.as_deref().map(str::to_string),
                version_constraint: p.version_constraint.as_deref().map(str::to_string),
                region,
            };
            (Arc::from(key.as_ref()), config)
        })
        .collect()
}

/// Reads `expressions[attr]` when it is a constant string, or a single
/// `var.NAME` reference that `variable` can resolve.
fn constant_string(expressions: &str, attr: &str, variable: impl Fn(&str) -> Option<Region>) -> Option<Region> {
    let exprs: serde_json::Value = serde_json::from_str(expressions).ok()?;
    let expr = exprs.get(attr)?;
    if let Some(s) = expr.get("constant_value").and_then(|c| c.as_str()) {
        return Some(Region::new(s, false));
    }
    let refs = expr.get("references")?.as_array()?;
    match refs.as_slice() {
        [serde_json::Value::String(r)] => variable(r.strip_prefix("var.")?),
        _ => None,
    }
}

fn read_check(c: raw::RawCheck<'_>) -> Check {
    Check {
        kind: c.address.kind.as_deref().unwrap_or("").to_string(),
        address: c.address.to_display.as_deref().unwrap_or("").to_string(),
        status: c.status.as_deref().unwrap_or("unknown").to_string(),
        instances: c
            .instances
            .into_iter()
            .map(|i| CheckInstance {
                address: i.address.to_display.as_deref().unwrap_or("").to_string(),
                status: i.status.as_deref().unwrap_or("unknown").to_string(),
                problems: i.problems.into_iter().filter_map(|p| p.message.map(|m| m.to_string())).collect(),
            })
            .collect(),
    }
}

#[cfg(test)]
mod secret_name_tests {
    use super::names_a_secret;

    #[test]
    fn secret_names_are_matched_by_whole_words() {
        // Real secret-bearing attribute names (AWS, Azure, Google, Kubernetes, GitHub providers).
        for k in [
            "password",
            "master_password",
            "admin_password",
            "password_data",
            "secret",
            "client_secret",
            "secret_string",
            "secret_key",
            "secret_access_key",
            "token",
            "auth_token",
            "access_token",
            "refresh_token",
            "session_token",
            "apiToken",
            "private_key",
            "private_key_pem",
            "auth_key",
            "passphrase",
            "credentials",
            "client_credential",
        ] {
            assert!(names_a_secret(k), "{k} names a secret");
        }
    }

    #[test]
    fn settings_named_like_secrets_are_not_secrets() {
        // `http_tokens` is the IMDS mode ("required" / "optional"): IMDS messages need it.
        for k in [
            "http_tokens",
            "httpTokens",
            "tokens",
            "kms_key_id",
            "secret_arn",
            "master_user_secret_kms_key_id",
            "password_last_used_id",
            "get_password_data",
            "key_name",
            "public_key",
            "tokenizer",
            "secretsmanager_endpoint",
        ] {
            assert!(!names_a_secret(k), "{k} does not name a secret");
        }
    }
}
