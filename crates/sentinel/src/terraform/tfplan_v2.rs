//! `tfplan/v2`: the plan as `terraform show -json` writes it, keyed for
//! policies (`resource_changes` by address, `variables` and
//! `output_changes` by name), with `raw`, the whole document.

use std::sync::Arc;

use tfgate_plan::ChangeSpans;

use super::{keyed, lazy_json, map, opt_string, strings, Instance, Namespace, PlanData};
use crate::value::Value;

pub(super) fn build(d: Arc<PlanData>) -> Value {
    let (d1, d2, d3, d4, d5, d6) = (d.clone(), d.clone(), d.clone(), d.clone(), d.clone(), d.clone());
    Namespace::new("tfplan/v2")
        .field("terraform_version", opt_string(d.terraform_version.as_deref()))
        .lazy("variables", move || {
            keyed(d1.variables.iter().map(|(name, value)| {
                (name.clone(), map([("name", Value::string(name)), ("value", lazy_json(value.as_ref(), Value::Null))]))
            }))
        })
        .lazy("planned_values", move || {
            map([
                ("outputs", super::tfstate_v2::outputs(&d2.planned)),
                ("resources", super::tfstate_v2::resources(&d2.planned)),
            ])
        })
        .lazy("resource_changes", move || instances(&d3.changes))
        .lazy("resource_drift", move || instances(&d4.drift))
        .lazy("output_changes", move || {
            keyed(d5.outputs.iter().map(|o| {
                (
                    o.name.clone(),
                    map([("name", Value::string(&o.name)), ("change", change(&o.change, Value::Undefined))]),
                )
            }))
        })
        .lazy("raw", move || lazy_json(Some(&d6.doc.whole()), Value::Undefined))
        .into_value()
}

/// `resource_changes` / `resource_drift`: keyed by address, with
/// `:DEPOSED` appended for a deposed object.
pub(super) fn instances(list: &[Instance]) -> Value {
    keyed(list.iter().map(|r| {
        let key = if r.deposed.is_empty() { r.address.clone() } else { format!("{}:{}", r.address, r.deposed) };
        (key, instance(r))
    }))
}

fn instance(r: &Instance) -> Value {
    map([
        ("address", Value::string(&r.address)),
        ("module_address", Value::string(&r.module_address)),
        ("mode", Value::string(r.mode)),
        ("type", Value::string(&r.resource_type)),
        ("name", Value::string(&r.name)),
        ("index", r.index.clone()),
        ("provider_name", Value::string(&r.provider_name)),
        ("deposed", Value::string(&r.deposed)),
        ("change", change(&r.change, Value::Null)),
    ])
}

/// A change representation. `after` is the file's `after`: attributes
/// unknown until apply are absent from it and `true` in `after_unknown`.
/// Sensitive values are there in clear, as in the real import; their marks
/// are in `before_sensitive` / `after_sensitive`. `missing` stands for a
/// `before`/`after` without a span: `null` for resources (the plan model
/// reads `null` as no value), undefined for outputs (an output unknown
/// until apply has no `after` at all; a `null` one has a span).
pub(super) fn change(c: &ChangeSpans, missing: Value) -> Value {
    map([
        ("actions", strings(&c.actions)),
        ("before", lazy_json(c.before.as_ref(), missing.clone())),
        ("after", lazy_json(c.after.as_ref(), missing)),
        ("after_unknown", lazy_json(c.after_unknown.as_ref(), Value::Undefined)),
        ("before_sensitive", lazy_json(c.before_sensitive.as_ref(), Value::Undefined)),
        ("after_sensitive", lazy_json(c.after_sensitive.as_ref(), Value::Undefined)),
    ])
}
