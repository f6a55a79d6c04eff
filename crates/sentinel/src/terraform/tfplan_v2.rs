//! `tfplan/v2`: the plan as `terraform show -json` writes it, keyed for
//! policies (`resource_changes` by address, `variables` and
//! `output_changes` by name), with `raw`, the whole document.

use std::sync::Arc;

use tfgate_plan::ChangeSpans;

use super::{keyed, lazy_json, map, opt_string, strings, Instance, Marks, Namespace, PlanData};
use crate::value::Value;

pub(super) fn build(d: Arc<PlanData>) -> Value {
    let (d1, d2, d3, d4, d5, d6) = (d.clone(), d.clone(), d.clone(), d.clone(), d.clone(), d.clone());
    Namespace::new("tfplan/v2")
        .field("terraform_version", opt_string(d.terraform_version.as_deref()))
        .lazy("variables", move || {
            keyed(d1.variables.iter().map(|(name, value)| {
                let value = d1.marks.lazy_if(value.as_ref(), d1.marks.variable(name), Value::Null);
                (name.clone(), map([("name", Value::string(name)), ("value", value)]))
            }))
        })
        .lazy("planned_values", move || {
            map([
                ("outputs", super::tfstate_v2::outputs(&d2.planned, &d2.marks)),
                ("resources", super::tfstate_v2::resources(&d2.planned, &d2.marks)),
            ])
        })
        .lazy("resource_changes", move || instances(&d3.changes, &d3.marks))
        .lazy("resource_drift", move || instances(&d4.drift, &d4.marks))
        .lazy("output_changes", move || {
            keyed(d5.outputs.iter().map(|o| {
                // An output declared sensitive is sensitive whatever its masks say.
                let declared =
                    d5.planned.outputs.iter().chain(&d5.prior.outputs).any(|p| p.name == o.name && p.sensitive);
                let change = change(&o.change, Value::Undefined, &d5.marks, declared);
                (o.name.clone(), map([("name", Value::string(&o.name)), ("change", change)]))
            }))
        })
        .lazy("raw", move || {
            let raw = d6.doc.whole();
            let marks = d6.marks.clone();
            // The whole document, marked like the rest (masks beside the
            // values they mark, declared-sensitive values, sensitive texts).
            Value::lazy(move || raw.to_json().map(|j| marks.convert_document(&j, true)).unwrap_or(Value::Undefined))
        })
        .into_value()
}

/// `resource_changes` / `resource_drift`: keyed by address, with
/// `:DEPOSED` appended for a deposed object.
pub(super) fn instances(list: &[Instance], marks: &Marks) -> Value {
    keyed(list.iter().map(|r| {
        let key = if r.deposed.is_empty() { r.address.clone() } else { format!("{}:{}", r.address, r.deposed) };
        (key, instance(r, marks))
    }))
}

fn instance(r: &Instance, marks: &Marks) -> Value {
    map([
        ("address", Value::string(&r.address)),
        ("module_address", Value::string(&r.module_address)),
        ("mode", Value::string(r.mode)),
        ("type", Value::string(&r.resource_type)),
        ("name", Value::string(&r.name)),
        ("index", r.index.clone()),
        ("provider_name", Value::string(&r.provider_name)),
        ("deposed", Value::string(&r.deposed)),
        ("change", change(&r.change, Value::Null, marks, false)),
    ])
}

/// A change representation. `after` is the file's `after`: attributes
/// unknown until apply are absent from it and `true` in `after_unknown`.
/// Sensitive values are there in clear, as in the real import; their marks
/// are in `before_sensitive` / `after_sensitive`, and the values they mark
/// are `Value::Sensitive` (wholly so when `all_sensitive`). `missing` stands for a
/// `before`/`after` without a span: `null` for resources (the plan model
/// reads `null` as no value), undefined for outputs (an output unknown
/// until apply has no `after` at all; a `null` one has a span).
pub(super) fn change(c: &ChangeSpans, missing: Value, marks: &Marks, all_sensitive: bool) -> Value {
    let value = |span: Option<&tfgate_plan::JsonSpan>, mask: Option<&tfgate_plan::JsonSpan>, missing: Value| {
        if all_sensitive {
            marks.lazy_if(span, true, missing)
        } else {
            marks.lazy(span, mask, missing)
        }
    };
    map([
        ("actions", strings(&c.actions)),
        ("before", value(c.before.as_ref(), c.before_sensitive.as_ref(), missing.clone())),
        ("after", value(c.after.as_ref(), c.after_sensitive.as_ref(), missing)),
        ("after_unknown", lazy_json(c.after_unknown.as_ref(), Value::Undefined)),
        ("before_sensitive", lazy_json(c.before_sensitive.as_ref(), Value::Undefined)),
        ("after_sensitive", lazy_json(c.after_sensitive.as_ref(), Value::Undefined)),
    ])
}
