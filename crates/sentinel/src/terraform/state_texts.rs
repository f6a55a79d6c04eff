//! The sensitive texts of `planned_values` and `prior_state`, the two
//! largest sections after `resource_changes`. They are read only when needed
//! (a policy reads a state value, or output must be scrubbed), in one lean
//! pass that keeps nothing but the texts: no state objects are built.

use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet};

use serde::Deserialize;
use serde_json::value::RawValue;
use tfgate_plan::{Plan, PlanDocument};

use super::{json_leaves, marked_leaves, sensitive_leaves};

#[derive(Deserialize)]
struct Prior<'a> {
    #[serde(borrow)]
    values: Option<Values<'a>>,
}

#[derive(Deserialize)]
struct Values<'a> {
    #[serde(borrow, default)]
    outputs: BTreeMap<Cow<'a, str>, Output<'a>>,
    #[serde(borrow)]
    root_module: Option<Module<'a>>,
}

#[derive(Deserialize)]
struct Output<'a> {
    #[serde(borrow)]
    sensitive: Option<&'a RawValue>,
    #[serde(borrow)]
    value: Option<&'a RawValue>,
}

#[derive(Deserialize)]
struct Module<'a> {
    #[serde(borrow, default)]
    resources: Vec<Object<'a>>,
    #[serde(borrow, default)]
    child_modules: Vec<Module<'a>>,
}

#[derive(Deserialize)]
struct Object<'a> {
    #[serde(borrow)]
    address: Option<Cow<'a, str>>,
    #[serde(borrow)]
    values: Option<&'a RawValue>,
    #[serde(borrow)]
    sensitive_values: Option<&'a RawValue>,
}

/// Every text the state sections mark sensitive: the marked leaves of each
/// object's `values` (by `sensitive_values`), every leaf of a sensitive
/// output, and, for prior state objects without a mask (plans before
/// Terraform 0.15), what the plan reader marks as secret-looking. A section
/// that does not have the expected shape gives all its leaves (fail closed:
/// output is over-scrubbed, never under).
pub(super) fn collect(doc: &PlanDocument) -> Vec<String> {
    // Two independent passes over the two largest sections but one: side by
    // side when a core is free (the first value a policy reads waits here).
    let (mut planned, prior) = rayon::join(|| planned_texts(doc), || prior_texts(doc));
    planned.extend(prior);
    planned.into_iter().collect()
}

fn planned_texts(doc: &PlanDocument) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    if let Some(section) = doc.section("planned_values") {
        let text = section.as_str();
        let read = serde_json::from_str::<Option<Values<'_>>>(text)
            .map_err(|_| ())
            .and_then(|v| v.map_or(Ok(false), |v| values(&v, &mut out)));
        if read.is_err() {
            every_leaf(text, &mut out);
        }
    }
    out
}

fn prior_texts(doc: &PlanDocument) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    if let Some(section) = doc.section("prior_state") {
        let text = section.as_str();
        let read = serde_json::from_str::<Option<Prior<'_>>>(text)
            .map_err(|_| ())
            .and_then(|p| p.and_then(|p| p.values).map_or(Ok(false), |v| values(&v, &mut out)));
        match read {
            Ok(false) => {}
            // Objects without a mask: the plan reader's secret-looking marks.
            Ok(true) => {
                if unmasked_prior(doc, &mut out).is_err() {
                    every_leaf(text, &mut out);
                }
            }
            Err(()) => every_leaf(text, &mut out),
        }
    }
    out
}

/// Adds the texts of one state representation; `Ok(true)` when an object
/// has values but no mask.
fn values(v: &Values<'_>, out: &mut BTreeSet<String>) -> Result<bool, ()> {
    let mut unmasked = false;
    let mut stack: Vec<&Module<'_>> = v.root_module.iter().collect();
    while let Some(m) = stack.pop() {
        for r in &m.resources {
            match (r.values, r.sensitive_values) {
                (Some(values), Some(mask)) => {
                    let what = r.address.as_deref().unwrap_or("a state object");
                    marked_leaves(values.get(), mask.get(), what, out).map_err(|_| ())?;
                }
                (Some(_), None) => unmasked = true,
                _ => {}
            }
        }
        stack.extend(&m.child_modules);
    }
    for o in v.outputs.values() {
        if o.sensitive.is_some_and(|s| s.get() == "true") {
            let value = tfgate_plan::resolve(o.value.map(RawValue::get), None, None).map_err(|_| ())?;
            sensitive_leaves(&value, true, out);
        }
    }
    Ok(unmasked)
}

/// Prior state objects as the plan reader reads them (it marks
/// secret-looking attributes of objects without a mask). Rare: only old
/// plans lack masks, so the plan is parsed again here rather than kept.
fn unmasked_prior(doc: &PlanDocument, out: &mut BTreeSet<String>) -> Result<(), tfgate_plan::PlanError> {
    let whole = doc.whole();
    let plan = Plan::parse(whole.as_str())?;
    for r in plan.prior_state()? {
        sensitive_leaves(&r.values()?, false, out);
    }
    Ok(())
}

fn every_leaf(text: &str, out: &mut BTreeSet<String>) {
    // Not JSON at all cannot happen: the plan reader would have refused the plan.
    if let Ok(v) = serde_json::from_str::<serde_json::Value>(text) {
        json_leaves(Some(&v), out);
    }
}
