//! `tfplan/v2`: the plan as `terraform show -json` writes it, keyed for
//! policies (`resource_changes` by address, `variables` and
//! `output_changes` by name), with `raw`, the whole document.

use std::collections::HashMap;
use std::sync::{Arc, OnceLock};

use tfgate_plan::ChangeSpans;

use super::{keyed, lazy_json, map, opt_string, strings, Namespace, PlanData};
use crate::value::{Key, Map, Value};

pub(super) fn build(d: Arc<PlanData>) -> Value {
    let (d1, d2, d3, d4, d5, d6) = (d.clone(), d.clone(), d.clone(), d.clone(), d.clone(), d.clone());
    Namespace::new("tfplan/v2")
        .field("terraform_version", opt_string(d.terraform_version.as_deref()))
        .lazy("variables", move || {
            keyed(d1.variables.iter().map(|(name, value)| {
                let value = d1.all_marks().lazy_if(value.as_ref(), d1.all_marks().variable(name), Value::Null);
                (name.clone(), map([("name", Value::string(name)), ("value", value)]))
            }))
        })
        .lazy("planned_values", move || match d2.planned() {
            Ok(planned) => map([
                ("outputs", super::tfstate_v2::outputs(planned, d2.state_marks())),
                ("resources", super::tfstate_v2::resources(planned, d2.state_marks())),
            ]),
            Err(e) => super::unreadable(&e),
        })
        .lazy("resource_changes", move || instances(&d3, false))
        .lazy("resource_drift", move || instances(&d4, true))
        .lazy("output_changes", move || {
            let (planned, prior) = match (d5.planned(), d5.prior()) {
                (Ok(planned), Ok(prior)) => (planned, prior),
                (Err(e), _) | (_, Err(e)) => return super::unreadable(&e),
            };
            keyed(d5.outputs.iter().map(|o| {
                // An output declared sensitive is sensitive whatever its masks say.
                let declared = planned.outputs.iter().chain(&prior.outputs).any(|p| p.name == o.name && p.sensitive);
                let change = change(&o.change, Value::Undefined, &d5, declared);
                (o.name.clone(), map([("name", Value::string(&o.name)), ("change", change)]))
            }))
        })
        .lazy("raw", move || {
            let raw = d6.doc.whole();
            // The document holds the state sections too.
            let marks = d6.state_marks().clone();
            // The whole document, marked like the rest (masks beside the
            // values they mark, declared-sensitive values, sensitive texts).
            Value::lazy(move || raw.to_json().map(|j| marks.convert_document(&j, true)).unwrap_or(Value::Undefined))
        })
        .into_value()
}

/// `resource_changes` / `resource_drift`: keyed by address, with
/// `:DEPOSED` appended for a deposed object.
///
/// A plan may hold 100k instances, and a policy that filters them reads this
/// whole map: each entry is kept small. Field names and repeated texts
/// (type, name, mode, provider, module) are shared between entries, the
/// address is shared with the key, and `change` is built when read.
pub(super) fn instances(d: &Arc<PlanData>, drift: bool) -> Value {
    let list = if drift { &d.drift } else { &d.changes };
    let field = |name: &str| Key::from(name);
    // One list of keys for every entry: each entry holds only its values.
    let names: Arc<[Key]> =
        ["address", "module_address", "mode", "type", "name", "index", "provider_name", "deposed", "change"]
            .map(field)
            .into();
    fn shared<'a>(texts: &mut HashMap<&'a str, Arc<str>>, s: &'a str) -> Value {
        Value::String(texts.entry(s).or_insert_with(|| Arc::from(s)).clone())
    }
    let mut texts: HashMap<&str, Arc<str>> = HashMap::new();
    let mut text = move |s| shared(&mut texts, s);
    let entries = list.iter().enumerate().map(|(i, r)| {
        let address: Arc<str> = if r.deposed.is_empty() {
            Arc::from(r.address.as_str())
        } else {
            Arc::from(format!("{}:{}", r.address, r.deposed))
        };
        let address_value = if r.deposed.is_empty() { Value::String(address.clone()) } else { text(&r.address) };
        let d = d.clone();
        let change_value = Value::lazy(move || {
            let r = if drift { &d.drift[i] } else { &d.changes[i] };
            change(&r.change, Value::Null, &d, false)
        });
        let values = [
            address_value,
            Value::String(r.module_address.clone()),
            text(r.mode),
            Value::String(r.resource_type.clone()),
            Value::String(r.name.clone()),
            r.index.clone(),
            Value::String(r.provider_name.clone()),
            Value::String(r.deposed.clone()),
            change_value,
        ];
        (Key::String(address), Value::Map(Map::record(&names, Vec::from(values))))
    });
    Value::Map(Map::from_pairs(entries.collect::<Vec<_>>()))
}

/// A change representation. `after` is the file's `after`: attributes
/// unknown until apply are absent from it and `true` in `after_unknown`.
/// Sensitive values are there in clear, as in the real import; their marks
/// are in `before_sensitive` / `after_sensitive`, and the values they mark
/// are `Value::Sensitive` (wholly so when `all_sensitive`). `missing` stands for a
/// `before`/`after` without a span: `null` for resources (the plan model
/// reads `null` as no value), undefined for outputs (an output unknown
/// until apply has no `after` at all; a `null` one has a span).
pub(super) fn change(c: &ChangeSpans, missing: Value, data: &Arc<PlanData>, all_sensitive: bool) -> Value {
    // The marks (which wait for the state sections' sensitive texts) are
    // asked for when `before` or `after` is read, not when the change is:
    // a policy that looks only at `actions` does not wait for them.
    let value = |span: Option<&tfgate_plan::JsonSpan>, mask: Option<&tfgate_plan::JsonSpan>, missing: Value| {
        let Some(span) = span else { return missing };
        let (span, mask, data) = (span.clone(), if all_sensitive { None } else { mask.cloned() }, data.clone());
        let v = Value::lazy(move || data.all_marks().convert_span(&span, mask.as_ref()));
        if all_sensitive {
            Value::sensitive(v)
        } else {
            v
        }
    };
    // One list of keys for every change of the plan.
    static KEYS: OnceLock<Arc<[Key]>> = OnceLock::new();
    let keys = KEYS.get_or_init(|| {
        ["actions", "before", "after", "after_unknown", "before_sensitive", "after_sensitive"].map(Key::from).into()
    });
    Value::Map(Map::record(
        keys,
        vec![
            strings(&c.actions),
            value(c.before.as_ref(), c.before_sensitive.as_ref(), missing.clone()),
            value(c.after.as_ref(), c.after_sensitive.as_ref(), missing),
            lazy_json(c.after_unknown.as_ref(), Value::Undefined),
            lazy_json(c.before_sensitive.as_ref(), Value::Undefined),
            lazy_json(c.after_sensitive.as_ref(), Value::Undefined),
        ],
    ))
}
