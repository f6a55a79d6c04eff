//! `tfconfig/v2`: the configuration (`configuration` in the plan), every
//! block of every module flattened into collections keyed as HCP Terraform
//! keys them: `[module_address:]name` for variables, outputs and module
//! calls, the full address for resources, `resource_address:index` for
//! provisioners. Absent expressions are empty maps, absent lists empty lists.

use std::sync::{Arc, OnceLock};

use super::{from_json, keyed, map, one_string, Namespace, PlanData};
use crate::value::Value;

type Json = serde_json::Value;

#[derive(Default)]
struct Collections {
    providers: Vec<(String, Value)>,
    resources: Vec<(String, Value)>,
    provisioners: Vec<(String, Value)>,
    variables: Vec<(String, Value)>,
    outputs: Vec<(String, Value)>,
    module_calls: Vec<(String, Value)>,
}

pub(super) fn build(d: Arc<PlanData>) -> Value {
    let cell: Arc<OnceLock<Collections>> = Arc::new(OnceLock::new());
    let field = |pick: fn(&Collections) -> &Vec<(String, Value)>| {
        let (cell, d) = (cell.clone(), d.clone());
        // Constants (defaults of sensitive variables, values passed to
        // sensitive module arguments) marked by their texts.
        move || d.all_marks().mark_leaves(keyed(pick(cell.get_or_init(|| collect(&d))).iter().cloned()))
    };
    Namespace::new("tfconfig/v2")
        .lazy("providers", field(|c| &c.providers))
        .lazy("resources", field(|c| &c.resources))
        .lazy("provisioners", field(|c| &c.provisioners))
        .lazy("variables", field(|c| &c.variables))
        .lazy("outputs", field(|c| &c.outputs))
        .lazy("module_calls", field(|c| &c.module_calls))
        .method("strip_index", |args| Ok(Value::string(strip_index(&one_string("strip_index", &args)?))))
        .into_value()
}

fn collect(d: &PlanData) -> Collections {
    let config = d.configuration.as_ref().and_then(|c| c.to_json().ok()).unwrap_or(Json::Null);
    let mut out = Collections::default();
    for (key, p) in config.get("provider_config").and_then(Json::as_object).into_iter().flatten() {
        out.providers.push((
            key.clone(),
            map([
                ("provider_config_key", Value::string(key)),
                ("name", text(p, "name")),
                ("full_name", text(p, "full_name")),
                ("alias", text(p, "alias")),
                ("module_address", text(p, "module_address")),
                ("config", expr(p, "expressions")),
                ("version_constraint", text(p, "version_constraint")),
            ]),
        ));
    }
    if let Some(root) = config.get("root_module") {
        walk(root, "", &mut out);
    }
    out
}

/// `module_address:name`, or `name` in the root module.
fn scoped(module_address: &str, name: &str) -> String {
    if module_address.is_empty() {
        name.to_string()
    } else {
        format!("{module_address}:{name}")
    }
}

fn walk(m: &Json, module_address: &str, out: &mut Collections) {
    let ma = Value::string(module_address);
    for r in m.get("resources").and_then(Json::as_array).into_iter().flatten() {
        let mode = r.get("mode").and_then(Json::as_str).unwrap_or("managed");
        let (rtype, name) = (str_of(r, "type"), str_of(r, "name"));
        let local = match r.get("address").and_then(Json::as_str) {
            Some(a) => a.to_string(),
            None if mode == "data" => format!("data.{rtype}.{name}"),
            None => format!("{rtype}.{name}"),
        };
        let address = if module_address.is_empty() { local } else { format!("{module_address}.{local}") };
        let mut provisioners = Vec::new();
        for (i, p) in r.get("provisioners").and_then(Json::as_array).into_iter().flatten().enumerate() {
            let v = map([
                ("resource_address", Value::string(&address)),
                ("type", text(p, "type")),
                ("index", Value::string(i.to_string())),
                ("config", expr(p, "expressions")),
            ]);
            out.provisioners.push((format!("{address}:{i}"), v.clone()));
            provisioners.push(v);
        }
        out.resources.push((
            address.clone(),
            map([
                ("address", Value::string(&address)),
                ("module_address", ma.clone()),
                ("mode", Value::string(mode)),
                ("type", Value::string(rtype)),
                ("name", Value::string(name)),
                ("provider_config_key", text(r, "provider_config_key")),
                ("provisioners", Value::list(provisioners)),
                ("config", expr(r, "expressions")),
                ("count", expr(r, "count_expression")),
                ("for_each", expr(r, "for_each_expression")),
                ("depends_on", list(r, "depends_on")),
            ]),
        ));
    }
    for (name, v) in m.get("variables").and_then(Json::as_object).into_iter().flatten() {
        out.variables.push((
            scoped(module_address, name),
            map([
                ("module_address", ma.clone()),
                ("name", Value::string(name)),
                ("default", v.get("default").map_or(Value::Null, from_json)),
                ("description", text(v, "description")),
            ]),
        ));
    }
    for (name, o) in m.get("outputs").and_then(Json::as_object).into_iter().flatten() {
        out.outputs.push((
            scoped(module_address, name),
            map([
                ("module_address", ma.clone()),
                ("name", Value::string(name)),
                ("sensitive", Value::Bool(o.get("sensitive").and_then(Json::as_bool).unwrap_or(false))),
                ("value", expr(o, "expression")),
                ("description", text(o, "description")),
                ("depends_on", list(o, "depends_on")),
            ]),
        ));
    }
    for (name, c) in m.get("module_calls").and_then(Json::as_object).into_iter().flatten() {
        out.module_calls.push((
            scoped(module_address, name),
            map([
                ("module_address", ma.clone()),
                ("name", Value::string(name)),
                ("source", text(c, "source")),
                ("config", expr(c, "expressions")),
                ("count", expr(c, "count_expression")),
                ("depends_on", list(c, "depends_on")),
                ("for_each", expr(c, "for_each_expression")),
                ("version_constraint", text(c, "version_constraint")),
            ]),
        ));
        if let Some(child) = c.get("module") {
            let child_address = if module_address.is_empty() {
                format!("module.{name}")
            } else {
                format!("{module_address}.module.{name}")
            };
            walk(child, &child_address, out);
        }
    }
}

fn str_of<'j>(v: &'j Json, key: &str) -> &'j str {
    v.get(key).and_then(Json::as_str).unwrap_or("")
}

/// A string field; `""` when absent, as the real import gives it.
fn text(v: &Json, key: &str) -> Value {
    Value::string(str_of(v, key))
}

/// An expression (or block of expressions); `{}` when absent.
fn expr(v: &Json, key: &str) -> Value {
    match v.get(key) {
        Some(e) if !e.is_null() => from_json(e),
        _ => Value::map_from::<&str>([]),
    }
}

/// A list field; `[]` when absent.
fn list(v: &Json, key: &str) -> Value {
    match v.get(key) {
        Some(e) if !e.is_null() => from_json(e),
        _ => Value::list(Vec::new()),
    }
}

/// `module.a["x"].aws_instance.b[0]` → `module.a.aws_instance.b`: removes
/// every instance key, including string keys that hold `.` or `]`.
pub(crate) fn strip_index(addr: &str) -> String {
    let mut out = String::with_capacity(addr.len());
    let mut chars = addr.chars();
    while let Some(c) = chars.next() {
        if c != '[' {
            out.push(c);
            continue;
        }
        let mut in_string = false;
        while let Some(k) = chars.next() {
            match k {
                '\\' if in_string => {
                    chars.next();
                }
                '"' => in_string = !in_string,
                ']' if !in_string => break,
                _ => {}
            }
        }
    }
    out
}
