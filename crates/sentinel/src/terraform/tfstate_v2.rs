//! `tfstate/v2`: the state the plan was made against (`prior_state`), and
//! the state representation `tfplan/v2`'s `planned_values` shares.

use std::sync::Arc;

use tfgate_plan::{StateObject, StateView};

use super::{keyed, lazy_json, map, opt_string, strings, Marks, Namespace, PlanData};
use crate::value::Value;

pub(super) fn build(d: Arc<PlanData>) -> Value {
    let prior = match d.prior() {
        Ok(prior) => prior,
        Err(e) => return super::unreadable(&e),
    };
    // The prior state's own version; a plan without a prior state was made
    // by the plan's Terraform.
    let version = prior.terraform_version.as_deref().or(d.terraform_version.as_deref());
    let (d1, d2) = (d.clone(), d.clone());
    Namespace::new("tfstate/v2")
        .field("terraform_version", opt_string(version))
        .lazy("resources", move || {
            d1.prior().map_or_else(|e| super::unreadable(&e), |p| resources(p, d1.state_marks()))
        })
        .lazy("outputs", move || d2.prior().map_or_else(|e| super::unreadable(&e), |p| outputs(p, d2.state_marks())))
        .into_value()
}

/// Resources of a state representation, keyed by address (deposed objects
/// under `ADDRESS:DEPOSED`, so that they do not hide the current object).
pub(super) fn resources(view: &StateView, marks: &Marks) -> Value {
    keyed(view.resources.iter().map(|r| {
        let key = match &r.deposed_key {
            Some(k) if !k.is_empty() => format!("{}:{k}", r.address),
            _ => r.address.clone(),
        };
        (key, resource(r, marks))
    }))
}

fn resource(r: &StateObject, marks: &Marks) -> Value {
    map([
        ("address", Value::string(&r.address)),
        ("module_address", Value::string(&r.module_address)),
        ("mode", Value::string(&r.mode)),
        ("type", Value::string(&r.resource_type)),
        ("name", Value::string(&r.name)),
        ("index", lazy_json(r.index.as_ref(), Value::Null)),
        ("provider_name", Value::string(&r.provider_name)),
        ("values", marks.lazy(r.values.as_ref(), r.sensitive_values.as_ref(), Value::map_from::<&str>([]))),
        ("depends_on", strings(&r.depends_on)),
        ("tainted", Value::Bool(r.tainted)),
        ("deposed_key", Value::string(r.deposed_key.as_deref().unwrap_or(""))),
    ])
}

/// Root module outputs, keyed by name. An output whose value is unknown
/// until apply has no `value` (undefined).
pub(super) fn outputs(view: &StateView, marks: &Marks) -> Value {
    keyed(view.outputs.iter().map(|o| {
        (
            o.name.clone(),
            map([
                ("name", Value::string(&o.name)),
                ("sensitive", Value::Bool(o.sensitive)),
                ("value", marks.lazy_if(o.value.as_ref(), o.sensitive, Value::Undefined)),
            ]),
        )
    }))
}
