//! The first-generation imports `tfplan`, `tfconfig` and `tfstate` (also
//! known as `tfplan/v1` ...), kept for old policies. They are organised by
//! module: `module(["a", "b"])` gives a module's namespace, and the root
//! namespace aliases the root module's (`tfplan.resources` is
//! `tfplan.module([]).resources`). Resources are nested `TYPE` → `NAME` →
//! index (`0` for a resource without `count`, the key for `for_each`).
//!
//! Module paths are call names: instances of one module call (`count` or
//! `for_each` on a module, which these imports predate) share a path, and
//! their resources are merged into one namespace.

use std::collections::BTreeMap;
use std::sync::Arc;

use tfgate_plan::{ChangeSpans, JsonSpan, ModulePath, StateView};

use super::{from_json, keyed, map, strings, Instance, Marks, Namespace, PlanData};
use crate::value::{Key, Map, ObjectError, Value};

type Json = serde_json::Value;

/// What `applied` shows for a value not known until apply: the placeholder
/// Terraform's own legacy representation uses.
pub(crate) const UNKNOWN: &str = "74D93920-ED26-11E3-AC10-0800200C9A66";

/// `TYPE` → `NAME` → (index, resource namespace).
type ByType = BTreeMap<String, BTreeMap<String, Vec<(Key, Value)>>>;

/// A module's resources and data sources.
#[derive(Default)]
struct ModuleResources {
    resources: ByType,
    data: ByType,
}

impl ModuleResources {
    fn add(&mut self, data: bool, rtype: &str, name: &str, index: Key, v: Value) {
        let by_type = if data { &mut self.data } else { &mut self.resources };
        by_type.entry(rtype.to_string()).or_default().entry(name.to_string()).or_default().push((index, v));
    }
}

fn nested(m: &ByType) -> Value {
    keyed(m.iter().map(|(t, names)| {
        (t.clone(), keyed(names.iter().map(|(n, idx)| (n.clone(), Value::Map(Map::from_pairs(idx.iter().cloned()))))))
    }))
}

/// The index key of an instance: `0` without `count`/`for_each`.
fn index_key(index: &Value) -> Key {
    match index.resolved() {
        Value::Int(i) => Key::Int(*i),
        Value::String(s) => Key::String(s.clone()),
        _ => Key::Int(0),
    }
}

fn path_of(module_address: &str) -> Vec<String> {
    ModulePath::parse(module_address).map(|p| p.call_path().into_iter().map(str::to_string).collect()).unwrap_or_else(
        |_| {
            // Not an address the reader knows: keep its `module.NAME` steps.
            let steps: Vec<&str> = module_address.split('.').collect();
            steps.chunks(2).filter_map(|c| c.get(1).map(|n| n.split('[').next().unwrap_or(n).to_string())).collect()
        },
    )
}

fn path_value(path: &[String]) -> Value {
    strings(path)
}

/// The `module(path)` function: the namespace of the module at `path`, or
/// `null` when there is none.
fn module_fn(
    modules: Arc<BTreeMap<Vec<String>, Value>>,
) -> impl Fn(Vec<Value>) -> Result<Value, ObjectError> + Send + Sync + 'static {
    move |args| {
        let [arg] = args.as_slice() else {
            return Err(ObjectError::Failed(format!("module: expected 1 argument, got {}", args.len())));
        };
        let Some(list) = arg.as_list() else {
            return Err(ObjectError::Failed(format!("module: expected a list of strings, got {}", arg.type_name())));
        };
        let mut path = Vec::with_capacity(list.len());
        for step in list.as_slice() {
            match step.as_str() {
                Some(s) => path.push(s.to_string()),
                // An invalid address is `null`, as documented.
                None => return Ok(Value::Null),
            }
        }
        Ok(modules.get(&path).cloned().unwrap_or(Value::Null))
    }
}

fn module_paths(modules: &BTreeMap<Vec<String>, Value>) -> Value {
    Value::list(modules.keys().map(|p| path_value(p)).collect())
}

/// A root namespace: `module()`, `module_paths` and the root module's
/// fields under `aliases`.
fn root(name: &'static str, modules: BTreeMap<Vec<String>, Value>, aliases: &[&'static str]) -> Namespace {
    let modules = Arc::new(modules);
    let mut ns =
        Namespace::new(name).method("module", module_fn(modules.clone())).field("module_paths", module_paths(&modules));
    let root = modules.get(&Vec::new()).cloned();
    for alias in aliases {
        let v = root.as_ref().and_then(|r| r.as_object().and_then(|o| o.get(alias).ok())).unwrap_or(Value::Undefined);
        ns = ns.field(alias, v);
    }
    ns
}

// ---------------------------------------------------------------- tfplan

pub(super) fn tfplan(d: Arc<PlanData>) -> Value {
    let mut by_module: BTreeMap<Vec<String>, ModuleResources> = BTreeMap::new();
    by_module.entry(Vec::new()).or_default();
    for r in &d.changes {
        // The diff holds what changes; deposed objects have no place here.
        if !r.deposed.is_empty() || r.change.actions.iter().all(|a| a == "no-op") {
            continue;
        }
        let data = r.mode == "data";
        by_module.entry(r.module_path.to_vec()).or_default().add(
            data,
            &r.resource_type,
            &r.name,
            index_key(&r.index),
            plan_resource(r, data, d.all_marks()),
        );
    }
    let modules = by_module
        .into_iter()
        .map(|(path, m)| {
            let ns = Namespace::new("tfplan module")
                .field("path", path_value(&path))
                .field("resources", nested(&m.resources))
                .field("data", nested(&m.data))
                .into_value();
            (path, ns)
        })
        .collect();
    let (d1, d2) = (d.clone(), d.clone());
    root("tfplan", modules, &["resources", "data", "path"])
        .field("terraform_version", super::opt_string(d.terraform_version.as_deref()))
        .lazy("variables", move || {
            keyed(
                d.variables.iter().map(|(n, v)| {
                    (n.clone(), d.all_marks().lazy_if(v.as_ref(), d.all_marks().variable(n), Value::Null))
                }),
            )
        })
        .lazy("config", move || tfconfig(d1))
        .lazy("state", move || tfstate(d2))
        .into_value()
}

fn plan_resource(r: &Instance, data: bool, marks: &Marks) -> Value {
    let (c, m) = (r.change.clone(), marks.clone());
    let applied = Value::lazy(move || applied(&c, &m));
    let (c, m) = (r.change.clone(), marks.clone());
    let deletes = r.change.actions.iter().any(|a| a == "delete");
    let diff = Value::lazy(move || diff(&c, deletes, &m));
    if data {
        return map([("applied", applied), ("diff", diff)]);
    }
    let replace = deletes && r.change.actions.iter().any(|a| a == "create");
    map([
        ("applied", applied),
        ("destroy", Value::Bool(deletes)),
        ("requires_new", Value::Bool(replace)),
        ("diff", diff),
    ])
}

fn parse(span: Option<&JsonSpan>) -> Json {
    span.and_then(|s| s.to_json().ok()).unwrap_or(Json::Null)
}

/// The state after apply: `after`, with every value unknown until apply as
/// the unknown placeholder string, and what `after_sensitive` marks (or
/// holds a sensitive text) as `Value::Sensitive`.
fn applied(c: &ChangeSpans, marks: &Marks) -> Value {
    fn merge(after: &Json, unknown: &Json, sensitive: &Json, marks: &Marks) -> Value {
        if unknown.as_bool() == Some(true) {
            return Value::string(UNKNOWN);
        }
        if sensitive.as_bool() == Some(true) {
            return Value::sensitive(merge(after, unknown, &Json::Null, marks));
        }
        fn at<'j>(mask: &'j Json, k: &str) -> &'j Json {
            static NULL: Json = Json::Null;
            mask.get(k).unwrap_or(&NULL)
        }
        match after {
            Json::Object(m) => {
                let mut pairs: Vec<(Key, Value)> = m
                    .iter()
                    .map(|(k, v)| (Key::from(k.as_str()), merge(v, at(unknown, k), at(sensitive, k), marks)))
                    .collect();
                // Unknown attributes are missing from `after`.
                if let Some(u) = unknown.as_object() {
                    for (k, flag) in u {
                        if !m.contains_key(k) && flag.as_bool() == Some(true) {
                            pairs.push((Key::from(k.as_str()), Value::string(UNKNOWN)));
                        }
                    }
                }
                Value::Map(Map::from_pairs(pairs))
            }
            Json::Array(items) => Value::list(
                items
                    .iter()
                    .enumerate()
                    .map(|(i, v)| {
                        let (u, s) = (unknown.get(i).unwrap_or(&Json::Null), sensitive.get(i).unwrap_or(&Json::Null));
                        merge(v, u, s, marks)
                    })
                    .collect(),
            ),
            other => marks.convert(other, &Json::Null),
        }
    }
    let after = parse(c.after.as_ref());
    let unknown = parse(c.after_unknown.as_ref());
    if after.is_null() && unknown.as_bool() != Some(true) && !unknown.is_object() {
        return Value::map_from::<&str>([]);
    }
    // A mask that cannot be read marks everything (fail closed).
    let sensitive = c.after_sensitive.as_ref().map_or(Json::Null, |m| m.to_json().unwrap_or(Json::Bool(true)));
    merge(&after, &unknown, &sensitive, marks)
}

/// Flattens a value into the legacy `key.sub` / `list.#` / `map.%` form.
fn flatten(prefix: &str, v: &Json, out: &mut BTreeMap<String, String>) {
    let join = |k: &str| if prefix.is_empty() { k.to_string() } else { format!("{prefix}.{k}") };
    match v {
        Json::Null => {}
        Json::Bool(b) => {
            out.insert(prefix.to_string(), b.to_string());
        }
        Json::Number(n) => {
            out.insert(prefix.to_string(), n.to_string());
        }
        Json::String(s) => {
            out.insert(prefix.to_string(), s.clone());
        }
        Json::Array(items) => {
            if !prefix.is_empty() {
                out.insert(join("#"), items.len().to_string());
            }
            for (i, item) in items.iter().enumerate() {
                flatten(&join(&i.to_string()), item, out);
            }
        }
        Json::Object(m) => {
            if !prefix.is_empty() {
                out.insert(join("%"), m.len().to_string());
            }
            for (k, item) in m {
                flatten(&join(k), item, out);
            }
        }
    }
}

/// Keys (flattened) that are `true` in an `after_unknown` mask.
fn unknown_keys(prefix: &str, u: &Json, out: &mut Vec<String>) {
    let join = |k: &str| if prefix.is_empty() { k.to_string() } else { format!("{prefix}.{k}") };
    match u {
        Json::Bool(true) if !prefix.is_empty() => out.push(prefix.to_string()),
        Json::Array(items) => items.iter().enumerate().for_each(|(i, x)| unknown_keys(&join(&i.to_string()), x, out)),
        Json::Object(m) => m.iter().for_each(|(k, x)| unknown_keys(&join(k), x, out)),
        _ => {}
    }
}

/// The attribute diff: every flattened key whose value changes, or that is
/// unknown until apply, as `{computed, new, old}`. A destroy has none.
/// Flattened keys name what is inside a sensitive map, so the whole diff of
/// a change with anything sensitive is `Value::Sensitive`.
fn diff(c: &ChangeSpans, deletes_only: bool, marks: &Marks) -> Value {
    let marked = [&c.before_sensitive, &c.after_sensitive]
        .into_iter()
        .any(|m| m.as_ref().is_some_and(|m| m.as_str().contains("true")));
    let d = diff_of(c, deletes_only);
    if marked {
        Value::sensitive(d)
    } else {
        marks.mark_leaves(d)
    }
}

fn diff_of(c: &ChangeSpans, deletes_only: bool) -> Value {
    let after = parse(c.after.as_ref());
    if deletes_only && after.is_null() {
        return Value::map_from::<&str>([]);
    }
    let (mut old, mut new) = (BTreeMap::new(), BTreeMap::new());
    flatten("", &parse(c.before.as_ref()), &mut old);
    flatten("", &after, &mut new);
    let mut computed = Vec::new();
    unknown_keys("", &parse(c.after_unknown.as_ref()), &mut computed);
    let mut out: BTreeMap<String, Value> = BTreeMap::new();
    let entry = |computed: bool, new: &str, old: &str| {
        map([("computed", Value::Bool(computed)), ("new", Value::string(new)), ("old", Value::string(old))])
    };
    for (k, n) in &new {
        let o = old.get(k).map_or("", String::as_str);
        if old.get(k) != Some(n) {
            out.insert(k.clone(), entry(false, n, o));
        }
    }
    for (k, o) in &old {
        if !new.contains_key(k) {
            out.insert(k.clone(), entry(false, "", o));
        }
    }
    for k in computed {
        let o = old.get(&k).cloned().unwrap_or_default();
        out.insert(k, entry(true, "", &o));
    }
    keyed(out)
}

// ---------------------------------------------------------------- tfstate

pub(super) fn tfstate(d: Arc<PlanData>) -> Value {
    let view: &StateView = match d.prior() {
        Ok(view) => view,
        Err(e) => return super::unreadable(&e),
    };
    let marks = d.state_marks();
    let mut by_module: BTreeMap<Vec<String>, ModuleResources> = BTreeMap::new();
    for r in &view.resources {
        if r.deposed_key.as_deref().is_some_and(|k| !k.is_empty()) {
            continue;
        }
        let index = r.index.as_ref().and_then(|s| s.to_json().ok()).map_or(Value::Null, |j| from_json(&j));
        let (values, marks) = (r.values.clone(), marks.clone());
        let id = Value::lazy(move || {
            let j = parse(values.as_ref());
            marks.mark_leaves(Value::string(j.get("id").and_then(Json::as_str).unwrap_or("")))
        });
        let ns = map([
            ("attr", d.state_marks().lazy(r.values.as_ref(), r.sensitive_values.as_ref(), Value::map_from::<&str>([]))),
            ("depends_on", strings(&r.depends_on)),
            ("id", id),
            ("tainted", Value::Bool(r.tainted)),
        ]);
        by_module.entry(path_of(&r.module_address)).or_default().add(
            r.mode == "data",
            &r.resource_type,
            &r.name,
            index_key(&index),
            ns,
        );
    }
    by_module.entry(Vec::new()).or_default();
    let outputs = keyed(view.outputs.iter().map(|o| {
        let value = o.value.as_ref().and_then(|s| s.to_json().ok());
        let kind = match &value {
            Some(Json::Array(_)) => "list",
            Some(Json::Object(_)) => "map",
            Some(Json::String(_)) => "string",
            Some(Json::Bool(_)) => "bool",
            Some(Json::Number(_)) => "number",
            _ => "string",
        };
        (
            o.name.clone(),
            map([
                ("sensitive", Value::Bool(o.sensitive)),
                ("type", Value::string(kind)),
                ("value", value.as_ref().map_or(Value::Undefined, |v| marks.convert(v, &Json::Bool(o.sensitive)))),
            ]),
        )
    }));
    let modules = by_module
        .into_iter()
        .map(|(path, m)| {
            let mut ns = Namespace::new("tfstate module")
                .field("path", path_value(&path))
                .field("resources", nested(&m.resources))
                .field("data", nested(&m.data));
            // With Terraform 0.12 and later only the root module has outputs.
            if path.is_empty() {
                ns = ns.field("outputs", outputs.clone());
            }
            (path, ns.into_value())
        })
        .collect();
    let version = view.terraform_version.as_deref().or(d.terraform_version.as_deref());
    root("tfstate", modules, &["resources", "data", "outputs", "path"])
        .field("terraform_version", super::opt_string(version))
        .into_value()
}

// ---------------------------------------------------------------- tfconfig

/// `config` (constant values; nested blocks as lists of maps) and
/// `references` (the references of every non-constant expression) of a
/// block of expressions.
fn config_and_references(exprs: Option<&Json>) -> (Value, Value) {
    let mut config = Vec::new();
    let mut refs = Vec::new();
    for (k, e) in exprs.and_then(Json::as_object).into_iter().flatten() {
        match e {
            // A nested block: a list of blocks of expressions.
            Json::Array(blocks) => {
                let (c, r): (Vec<Value>, Vec<Value>) = blocks.iter().map(|b| config_and_references(Some(b))).unzip();
                config.push((Key::from(k.as_str()), Value::list(c)));
                refs.push((Key::from(k.as_str()), Value::list(r)));
            }
            _ => {
                if let Some(c) = e.get("constant_value") {
                    config.push((Key::from(k.as_str()), from_json(c)));
                }
                if let Some(r) = e.get("references") {
                    refs.push((Key::from(k.as_str()), from_json(r)));
                }
            }
        }
    }
    (Value::Map(Map::from_pairs(config)), Value::Map(Map::from_pairs(refs)))
}

fn block(exprs: Option<&Json>) -> Vec<(&'static str, Value)> {
    let (config, references) = config_and_references(exprs);
    vec![("config", config), ("references", references)]
}

pub(super) fn tfconfig(d: Arc<PlanData>) -> Value {
    let config = d.configuration.as_ref().and_then(|c| c.to_json().ok()).unwrap_or(Json::Null);
    let mut modules: BTreeMap<Vec<String>, Value> = BTreeMap::new();
    let providers = config.get("provider_config").and_then(Json::as_object).cloned().unwrap_or_default();
    if let Some(root) = config.get("root_module") {
        config_module(root, &mut Vec::new(), &providers, &mut modules, d.all_marks());
    } else {
        config_module(&Json::Object(Default::default()), &mut Vec::new(), &providers, &mut modules, d.all_marks());
    }
    root("tfconfig", modules, &["data", "modules", "outputs", "providers", "resources", "variables"]).into_value()
}

fn config_module(
    m: &Json,
    path: &mut Vec<String>,
    provider_config: &serde_json::Map<String, Json>,
    out: &mut BTreeMap<Vec<String>, Value>,
    marks: &Marks,
) {
    let mut resources = ModuleResources::default();
    for r in m.get("resources").and_then(Json::as_array).into_iter().flatten() {
        let mut fields = block(r.get("expressions"));
        let provisioners = r
            .get("provisioners")
            .and_then(Json::as_array)
            .into_iter()
            .flatten()
            .map(|p| {
                let mut f = block(p.get("expressions"));
                f.push(("type", Value::string(p.get("type").and_then(Json::as_str).unwrap_or(""))));
                map(f)
            })
            .collect();
        fields.push(("provisioners", Value::list(provisioners)));
        let data = r.get("mode").and_then(Json::as_str) == Some("data");
        let rtype = r.get("type").and_then(Json::as_str).unwrap_or("");
        let name = r.get("name").and_then(Json::as_str).unwrap_or("");
        // Configuration blocks have no index: one entry per name.
        let by_type = if data { &mut resources.data } else { &mut resources.resources };
        by_type.entry(rtype.to_string()).or_default().insert(name.to_string(), vec![(Key::Null, map(fields))]);
    }
    let flat = |m: &ByType| {
        keyed(m.iter().map(|(t, names)| {
            (
                t.clone(),
                keyed(names.iter().map(|(n, v)| (n.clone(), v.first().map_or(Value::Null, |(_, v)| v.clone())))),
            )
        }))
    };
    let modules = keyed(m.get("module_calls").and_then(Json::as_object).into_iter().flatten().map(|(name, c)| {
        let mut f = block(c.get("expressions"));
        f.push(("source", Value::string(c.get("source").and_then(Json::as_str).unwrap_or(""))));
        f.push(("version", Value::string(c.get("version_constraint").and_then(Json::as_str).unwrap_or(""))));
        (name.clone(), map(f))
    }));
    let outputs = keyed(m.get("outputs").and_then(Json::as_object).into_iter().flatten().map(|(name, o)| {
        let expr = o.get("expression");
        (
            name.clone(),
            map([
                ("depends_on", o.get("depends_on").map_or(Value::list(Vec::new()), from_json)),
                ("description", Value::string(o.get("description").and_then(Json::as_str).unwrap_or(""))),
                ("sensitive", Value::Bool(o.get("sensitive").and_then(Json::as_bool).unwrap_or(false))),
                ("references", expr.and_then(|e| e.get("references")).map_or(Value::list(Vec::new()), from_json)),
                ("value", expr.and_then(|e| e.get("constant_value")).map_or(Value::Undefined, from_json)),
            ]),
        )
    }));
    let variables = keyed(m.get("variables").and_then(Json::as_object).into_iter().flatten().map(|(name, v)| {
        (
            name.clone(),
            map([
                ("default", v.get("default").map_or(Value::Null, from_json)),
                ("description", Value::string(v.get("description").and_then(Json::as_str).unwrap_or(""))),
            ]),
        )
    }));
    // Providers configured in this module: TYPE → {config, references,
    // version, alias: {ALIAS → {config, references, version}}}.
    let here = if path.is_empty() {
        String::new()
    } else {
        path.iter().map(|p| format!("module.{p}")).collect::<Vec<_>>().join(".")
    };
    // Name → (the default configuration, the aliased ones).
    type Configs = (Option<Value>, Vec<(String, Value)>);
    let mut providers: BTreeMap<String, Configs> = BTreeMap::new();
    for p in provider_config.values() {
        if p.get("module_address").and_then(Json::as_str).unwrap_or("") != here {
            continue;
        }
        let name = p.get("name").and_then(Json::as_str).unwrap_or("").to_string();
        let mut f = block(p.get("expressions"));
        f.push(("version", Value::string(p.get("version_constraint").and_then(Json::as_str).unwrap_or(""))));
        let entry = providers.entry(name).or_default();
        match p.get("alias").and_then(Json::as_str) {
            Some(alias) if !alias.is_empty() => entry.1.push((alias.to_string(), map(f))),
            _ => entry.0 = Some(map(f)),
        }
    }
    let providers = keyed(providers.into_iter().map(|(name, (default, aliases))| {
        let mut pairs: Vec<(Key, Value)> = match default.as_ref().and_then(Value::as_map) {
            Some(m) => m.iter().map(|(k, v)| (k.clone(), v.clone())).collect(),
            None => vec![
                (Key::from("config"), Value::map_from::<&str>([])),
                (Key::from("references"), Value::map_from::<&str>([])),
                (Key::from("version"), Value::string("")),
            ],
        };
        pairs.push((Key::from("alias"), keyed(aliases)));
        (name, Value::Map(Map::from_pairs(pairs)))
    }));
    // Constants (defaults of sensitive variables, values passed to
    // sensitive module arguments) marked by their texts.
    let ns = Namespace::new("tfconfig module")
        .field("resources", marks.mark_leaves(flat(&resources.resources)))
        .field("data", marks.mark_leaves(flat(&resources.data)))
        .field("modules", marks.mark_leaves(modules))
        .field("outputs", marks.mark_leaves(outputs))
        .field("providers", marks.mark_leaves(providers))
        .field("variables", marks.mark_leaves(variables))
        .into_value();
    out.insert(path.clone(), ns);
    for (name, c) in m.get("module_calls").and_then(Json::as_object).into_iter().flatten() {
        if let Some(child) = c.get("module") {
            path.push(name.clone());
            config_module(child, path, provider_config, out, marks);
            path.pop();
        }
    }
}
