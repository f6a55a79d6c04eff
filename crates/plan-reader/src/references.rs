//! Following configuration references from one resource to another:
//! `aws_instance.web.launch_template[0].id = aws_launch_template.lt.id`, also
//! through module boundaries (a module output, a module input variable),
//! as far as the plan's `configuration` section records them.
//!
//! The configuration lists, for each argument, every address its expression
//! refers to (`references`); it keeps no values and no `locals`, and
//! `dynamic` blocks are absent, so a reference through a local or a dynamic
//! block cannot be followed.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use serde_json::Value as Json;

use crate::address::{InstanceKey, KeyStyle, ModulePath, ModuleStep};
use crate::plan::{Plan, ResourceInstance};
use crate::raw::RawConfigModule;
use crate::value::{Kind, Value};

/// How many module boundaries a reference may cross before we stop.
const MAX_HOPS: usize = 16;

/// Attribute paths (`["id"]`, `["arn"]`) that references read from one candidate instance.
pub type ReadAttributes = BTreeSet<Vec<String>>;

/// One configured argument under the queried one (`launch_template.id` under
/// `launch_template`) and the instances its references may name.
pub struct ReferenceLeaf<'p, 'a> {
    /// Argument path from the resource: nested block names, then the argument.
    pub path: Vec<String>,
    /// Every instance a reference names, in address order, with the
    /// attributes the references read from it (`id` when they name the
    /// resource alone: `x.y[each.key].id` is recorded as `x.y`).
    pub candidates: Vec<(&'p ResourceInstance<'a>, ReadAttributes)>,
}

impl<'a> Plan<'a> {
    /// The resource instances that the argument at `argument` (a path of
    /// argument and nested block names, e.g. `["launch_template", "id"]`) of
    /// `instance`'s configuration refers to. Empty when the plan does not
    /// record the reference (a constant, a local value, a dynamic block).
    ///
    /// Terraform records `x.y[each.key].id` as a reference to every instance
    /// of `x.y`; the candidates are narrowed by the argument's known planned
    /// value (see [`narrow_candidates`]).
    pub fn referenced_instances(
        &self,
        instance: &ResourceInstance<'_>,
        argument: &[&str],
    ) -> Vec<&ResourceInstance<'a>> {
        let leaves = self.reference_candidates(instance, argument);
        let planned = if leaves.iter().any(|l| l.candidates.len() > 1) { instance.after().ok() } else { None };
        let mut out: Vec<&ResourceInstance<'a>> = Vec::new();
        for leaf in &leaves {
            let afters: Vec<Option<Value>> =
                leaf.candidates.iter().map(|(c, _)| if planned.is_some() { c.after().ok() } else { None }).collect();
            let views: Vec<(Option<&Value>, &ReadAttributes)> =
                afters.iter().zip(&leaf.candidates).map(|(a, (_, attrs))| (a.as_ref(), attrs)).collect();
            match narrow_candidates(planned.as_ref(), &leaf.path, &views) {
                Some(kept) => out.extend(kept.into_iter().map(|i| leaf.candidates[i].0)),
                None => out.extend(leaf.candidates.iter().map(|(c, _)| *c)),
            }
        }
        out.sort_by(|a, b| a.address.cmp(&b.address));
        out.dedup_by(|a, b| std::ptr::eq(*a, *b));
        out
    }

    /// The configured arguments at or under `argument` that hold references,
    /// each with every instance its references may name (not narrowed).
    pub fn reference_candidates<'p>(
        &'p self,
        instance: &ResourceInstance<'_>,
        argument: &[&str],
    ) -> Vec<ReferenceLeaf<'p, 'a>> {
        let Some(config) = self.config_resource(&instance.address) else { return Vec::new() };
        let Some(json) = config.expressions_json() else { return Vec::new() };
        let Ok(exprs) = serde_json::from_str::<Json>(json) else { return Vec::new() };
        let mut leaves: Vec<(Vec<String>, BTreeSet<String>)> = Vec::new();
        let base: Vec<String> = argument.iter().map(|s| (*s).to_string()).collect();
        for node in navigate(&exprs, argument) {
            collect_leaves(node, &base, &mut leaves);
        }
        let mut out: Vec<ReferenceLeaf<'p, 'a>> = Vec::new();
        for (path, refs) in leaves {
            let mut found = BTreeMap::new();
            for r in &refs {
                self.resolve_reference(&instance.address.module, r, 0, &mut found);
            }
            if found.is_empty() {
                continue;
            }
            let mut candidates: Vec<(&'p ResourceInstance<'a>, ReadAttributes)> =
                found.into_iter().map(|(i, attrs)| (&self.resources[i], attrs)).collect();
            candidates.sort_by(|a, b| a.0.address.cmp(&b.0.address));
            // Several block elements with the same argument: one leaf, all their references.
            match out.iter_mut().find(|l| l.path == path) {
                Some(leaf) => {
                    for (c, attrs) in candidates {
                        match leaf.candidates.iter_mut().find(|(d, _)| std::ptr::eq(*d, c)) {
                            Some((_, have)) => have.extend(attrs),
                            None => leaf.candidates.push((c, attrs)),
                        }
                    }
                    leaf.candidates.sort_by(|a, b| a.0.address.cmp(&b.0.address));
                }
                None => out.push(ReferenceLeaf { path, candidates }),
            }
        }
        out
    }

    /// Resolves one reference string as seen from `module` to indexes into
    /// `self.resources`.
    fn resolve_reference(
        &self,
        module: &ModulePath,
        reference: &str,
        hops: usize,
        found: &mut BTreeMap<usize, ReadAttributes>,
    ) {
        if hops > MAX_HOPS {
            return;
        }
        let Some(steps) = parse_traversal(reference) else { return };
        let Some((head, _)) = steps.first() else { return };
        match head.as_str() {
            "module" => {
                let Some((call, key)) = steps.get(1) else { return };
                let Some((output, _)) = steps.get(2) else { return };
                for child in self.child_instances(module, call, key.as_ref()) {
                    let Some(config) = self.config_module(&child) else { continue };
                    let Some(expr) = config.outputs.as_ref().and_then(|o| o.get(output.as_str())) else { continue };
                    let Some(expr) = expr.expression.and_then(|e| serde_json::from_str::<Json>(e.get()).ok()) else {
                        continue;
                    };
                    let mut refs = BTreeSet::new();
                    collect_references(&expr, &mut refs);
                    for r in &refs {
                        self.resolve_reference(&child, r, hops + 1, found);
                    }
                }
            }
            "var" => {
                let Some((name, _)) = steps.get(1) else { return };
                let Some(parent) = module.parent() else { return };
                let Some(call) = self.module_call(module) else { return };
                let Some(json) = call.expressions_json() else { return };
                let Ok(exprs) = serde_json::from_str::<Json>(json) else { return };
                let mut refs = BTreeSet::new();
                if let Some(arg) = exprs.get(name.as_str()) {
                    collect_references(arg, &mut refs);
                }
                for r in &refs {
                    self.resolve_reference(&parent, r, hops + 1, found);
                }
            }
            "local" | "each" | "count" | "path" | "self" | "terraform" => {}
            _ => {
                let (config_address, key, rest) = if head == "data" || head == "ephemeral" {
                    let (Some((t, _)), Some((n, key))) = (steps.get(1), steps.get(2)) else { return };
                    (format!("{head}.{t}.{n}"), key.clone(), &steps[3..])
                } else {
                    let Some((n, key)) = steps.get(1) else { return };
                    (format!("{head}.{n}"), key.clone(), &steps[2..])
                };
                // The attribute read: `id` when the reference names the resource
                // alone; none usable when it indexes into an attribute.
                let attribute: Option<Vec<String>> = if rest.is_empty() {
                    Some(vec!["id".to_string()])
                } else if rest.iter().all(|(_, k)| k.is_none()) {
                    Some(rest.iter().map(|(n, _)| n.clone()).collect())
                } else {
                    None
                };
                for &id in self.instance_indexes(module, &config_address) {
                    if key.as_ref().is_none_or(|k| self.resources[id].address.key.as_ref() == Some(k)) {
                        let attrs = found.entry(id).or_default();
                        attrs.extend(attribute.clone());
                    }
                }
            }
        }
    }

    /// Module instances `module.CALL[KEY]` directly below `module` that the
    /// plan knows of (from the addresses of the resources in or below them).
    fn child_instances(&self, module: &ModulePath, call: &str, key: Option<&InstanceKey>) -> Vec<ModulePath> {
        let depth = module.steps.len();
        let mut out: Vec<ModulePath> = self
            .resources
            .iter()
            .map(|r| &r.address.module)
            .filter(|m| m.steps.len() > depth && m.starts_with(module) && m.steps[depth].name == call)
            .filter(|m| key.is_none_or(|k| m.steps[depth].key.as_ref() == Some(k)))
            .map(|m| ModulePath { steps: m.steps[..=depth].to_vec() })
            .collect();
        out.sort();
        out.dedup();
        if out.is_empty() && self.modules.contains_key(&format!("{}", child_path(module, call).without_keys())) {
            // A module with no resources of its own still has a configuration.
            out.push(child_path(module, call));
        }
        out
    }

    /// The configuration of the module that a module instance runs.
    fn config_module(&self, module: &ModulePath) -> Option<&RawConfigModule<'a>> {
        let mut m = self.root_config();
        for step in &module.steps {
            m = m.module_calls.as_ref()?.get(step.name.as_str())?.module.as_deref()?;
        }
        Some(m)
    }
}

fn child_path(module: &ModulePath, call: &str) -> ModulePath {
    let mut steps = module.steps.clone();
    steps.push(ModuleStep { name: call.to_string(), key: None });
    ModulePath { steps }
}

/// The expression nodes at an argument path; nested blocks are arrays of
/// objects, and every element is followed.
fn navigate<'j>(exprs: &'j Json, path: &[&str]) -> Vec<&'j Json> {
    let mut nodes = vec![exprs];
    for step in path {
        let mut next = Vec::new();
        for node in nodes {
            match node {
                Json::Array(items) => next.extend(items.iter().filter_map(|i| i.get(*step))),
                Json::Object(_) => next.extend(node.get(*step)),
                _ => {}
            }
        }
        // A nested block's value is itself an array of objects.
        nodes = next
            .into_iter()
            .flat_map(|n| match n {
                Json::Array(items) if items.iter().all(Json::is_object) => items.iter().collect(),
                other => vec![other],
            })
            .collect();
    }
    nodes
}

/// The configured arguments under an expression node that hold references,
/// with their paths; a nested block (an array of objects, or one object
/// without `references`) is walked into.
fn collect_leaves(node: &Json, path: &[String], out: &mut Vec<(Vec<String>, BTreeSet<String>)>) {
    match node {
        Json::Object(map)
            if map.get("references").is_some_and(Json::is_array) || map.contains_key("constant_value") =>
        {
            let mut refs = BTreeSet::new();
            collect_references(node, &mut refs);
            if !refs.is_empty() {
                out.push((path.to_vec(), refs));
            }
        }
        Json::Object(map) => {
            for (k, v) in map {
                let mut p = path.to_vec();
                p.push(k.clone());
                collect_leaves(v, &p, out);
            }
        }
        Json::Array(items) => items.iter().for_each(|i| collect_leaves(i, path, out)),
        _ => {}
    }
}

/// Narrows the candidates of one configured argument by its planned value:
/// which of them can the value have come from?
///
/// `planned` is the referring instance's planned value (`after`), `path` the
/// argument's path in it (nested blocks are lists of objects, each followed),
/// and each candidate comes with its own planned value and the attributes the
/// references read from it. The argument's value must be wholly known and
/// made of strings (one, or a list or set of them); a candidate is kept when
/// one of its read attributes has a known planned value equal to one of those
/// strings (a candidate whose attribute is unknown cannot have produced a
/// known value). Returns the indexes of the kept candidates only when every
/// string matched some candidate; `None` (keep them all) otherwise, so the
/// instance the value came from is never dropped.
pub fn narrow_candidates(
    planned: Option<&Value>,
    path: &[String],
    candidates: &[(Option<&Value>, &ReadAttributes)],
) -> Option<Vec<usize>> {
    CandidateIndex::new(candidates).narrow(planned, path)
}

/// The strings an argument's planned value is made of (one, or a list or
/// set of them); `None` when it is not wholly known strings, or is empty.
fn wanted_strings<'v>(planned: &'v Value, path: &[String]) -> Option<BTreeSet<&'v str>> {
    let mut found = Vec::new();
    planned_at(planned, path, &mut found)?;
    let mut wanted: BTreeSet<&str> = BTreeSet::new();
    for v in found {
        match &v.kind {
            Kind::String(_) => wanted.insert(v.as_str()?),
            Kind::List(items) => {
                for i in items {
                    wanted.insert(i.as_str()?);
                }
                true
            }
            _ => return None,
        };
    }
    (!wanted.is_empty()).then_some(wanted)
}

/// The candidates of one configured argument, indexed by the strings their
/// read attributes hold. Built once, it narrows each referring instance
/// (every instance of a `count` or `for_each` block, say) by a lookup per
/// string of its value instead of a scan of every candidate
/// ([`narrow_candidates`] for one instance).
#[derive(Clone, Debug, Default)]
pub struct CandidateIndex {
    /// Each string some candidate's read attribute holds: the candidates
    /// holding it (indexes, ascending).
    by_string: HashMap<String, Vec<usize>>,
}

impl CandidateIndex {
    /// Indexes candidates given as to [`narrow_candidates`]: each with its
    /// planned value and the attributes the references read from it.
    pub fn new(candidates: &[(Option<&Value>, &ReadAttributes)]) -> CandidateIndex {
        let mut by_string: HashMap<String, Vec<usize>> = HashMap::new();
        for (i, (after, attrs)) in candidates.iter().enumerate() {
            let Some(after) = after else { continue };
            for attr in attrs.iter() {
                let Some(s) = attribute_at(after, attr).and_then(Value::as_str) else { continue };
                let holders = by_string.entry(s.to_string()).or_default();
                // In order: a repeat is this candidate's other attribute.
                if holders.last() != Some(&i) {
                    holders.push(i);
                }
            }
        }
        CandidateIndex { by_string }
    }

    /// [`narrow_candidates`] for these candidates.
    pub fn narrow(&self, planned: Option<&Value>, path: &[String]) -> Option<Vec<usize>> {
        let wanted = wanted_strings(planned?, path)?;
        let mut kept = Vec::new();
        for w in wanted {
            // A string no candidate holds came from outside: keep them all.
            kept.extend_from_slice(self.by_string.get(w)?);
        }
        kept.sort_unstable();
        kept.dedup();
        Some(kept)
    }
}

/// The values at an argument path of a planned value, following every
/// element of a nested block list. `None` when the path cannot be followed
/// (an unknown block, an attribute absent from the value).
fn planned_at<'v>(v: &'v Value, path: &[String], out: &mut Vec<&'v Value>) -> Option<()> {
    let Some((step, rest)) = path.split_first() else {
        out.push(v);
        return Some(());
    };
    match &v.kind {
        Kind::Object(o) => planned_at(o.get(step)?, rest, out),
        Kind::List(items) if items.iter().all(|i| matches!(i.kind, Kind::Object(_))) => {
            items.iter().try_for_each(|i| planned_at(i, path, out))
        }
        _ => None,
    }
}

/// An attribute (by names) of a candidate's planned value.
fn attribute_at<'v>(v: &'v Value, path: &[String]) -> Option<&'v Value> {
    path.iter().try_fold(v, |v, step| v.get(step))
}

/// Every string in every `references` array under `node`.
pub(crate) fn collect_references(node: &Json, out: &mut BTreeSet<String>) {
    match node {
        Json::Object(map) => {
            for (k, v) in map {
                if k == "references" {
                    for r in v.as_array().into_iter().flatten().filter_map(Json::as_str) {
                        out.insert(r.to_string());
                    }
                } else if k != "constant_value" {
                    collect_references(v, out);
                }
            }
        }
        Json::Array(items) => items.iter().for_each(|i| collect_references(i, out)),
        _ => {}
    }
}

/// Splits `module.lt["a.b"].id` into `[("module", None), ("lt", Some("a.b")), ("id", None)]`.
pub(crate) fn parse_traversal(s: &str) -> Option<Vec<(String, Option<InstanceKey>)>> {
    let mut out = Vec::new();
    let mut rest = s;
    while !rest.is_empty() {
        let end = rest.find(['.', '[']).unwrap_or(rest.len());
        let name = &rest[..end];
        rest = &rest[end..];
        let mut key = None;
        if rest.starts_with('[') {
            let close = key_end(rest)?;
            let inner = &rest[1..close];
            key = Some(if let Ok(i) = inner.parse::<i64>() {
                InstanceKey::Int(i)
            } else {
                // Reuse the address parser's unquoting.
                let addr = crate::Address::parse_styled(&format!("t.n[{inner}]"), KeyStyle::Hcl).ok()?;
                addr.key?
            });
            rest = &rest[close + 1..];
        }
        out.push((name.to_string(), key));
        rest = rest.strip_prefix('.').unwrap_or(rest);
        if rest.starts_with('[') {
            // A further index (`x[0][1]`): not an instance key, stop here.
            break;
        }
    }
    Some(out)
}

/// Index of the `]` closing the key that starts `s` (quotes respected).
fn key_end(s: &str) -> Option<usize> {
    let mut in_str = false;
    let mut escaped = false;
    for (i, c) in s.char_indices().skip(1) {
        match c {
            _ if escaped => escaped = false,
            '\\' if in_str => escaped = true,
            '"' => in_str = !in_str,
            ']' if !in_str => return Some(i),
            _ => {}
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    const PLAN: &str = r#"{
      "format_version": "1.2",
      "resource_changes": [
        {"address": "aws_instance.direct", "mode": "managed", "type": "aws_instance", "name": "direct",
         "change": {"actions": ["create"], "after": {}}},
        {"address": "aws_launch_template.root", "mode": "managed", "type": "aws_launch_template", "name": "root",
         "change": {"actions": ["create"], "after": {}}},
        {"address": "aws_instance.via_module", "mode": "managed", "type": "aws_instance", "name": "via_module",
         "change": {"actions": ["create"], "after": {}}},
        {"address": "module.lt[\"x.y\"].aws_launch_template.this", "module_address": "module.lt[\"x.y\"]", "mode": "managed",
         "type": "aws_launch_template", "name": "this", "change": {"actions": ["create"], "after": {}}},
        {"address": "module.lt[\"other\"].aws_launch_template.this", "module_address": "module.lt[\"other\"]", "mode": "managed",
         "type": "aws_launch_template", "name": "this", "change": {"actions": ["create"], "after": {}}},
        {"address": "module.app.aws_instance.inner[0]", "module_address": "module.app", "mode": "managed",
         "type": "aws_instance", "name": "inner", "index": 0, "change": {"actions": ["create"], "after": {}}}
      ],
      "configuration": {"root_module": {
        "resources": [
          {"address": "aws_instance.direct", "mode": "managed", "type": "aws_instance", "name": "direct",
           "expressions": {"launch_template": [{"id": {"references": ["aws_launch_template.root.id", "aws_launch_template.root"]}}]}},
          {"address": "aws_launch_template.root", "mode": "managed", "type": "aws_launch_template", "name": "root"},
          {"address": "aws_instance.via_module", "mode": "managed", "type": "aws_instance", "name": "via_module",
           "expressions": {"launch_template": [{"id": {"references": ["module.lt[\"x.y\"].id", "module.lt[\"x.y\"]", "module.lt"]}}]}}
        ],
        "module_calls": {
          "lt": {"source": "./lt", "for_each_expression": {"references": ["var.names"]}, "module": {
            "resources": [{"address": "aws_launch_template.this", "mode": "managed", "type": "aws_launch_template", "name": "this"}],
            "outputs": {"id": {"expression": {"references": ["aws_launch_template.this.id", "aws_launch_template.this"]}}}
          }},
          "app": {"source": "./app", "expressions": {"template_id": {"references": ["aws_launch_template.root.id", "aws_launch_template.root"]}},
            "module": {
              "resources": [{"address": "aws_instance.inner", "mode": "managed", "type": "aws_instance", "name": "inner",
                "count_expression": {"constant_value": 1},
                "expressions": {"launch_template": [{"id": {"references": ["var.template_id"]}}]}}]
            }}
        }
      }}
    }"#;

    fn referenced(plan: &Plan<'_>, from: &str, arg: &[&str]) -> Vec<String> {
        let r = plan.resources.iter().find(|r| r.address_text == from).unwrap();
        plan.referenced_instances(r, arg).iter().map(|r| r.address_text.to_string()).collect()
    }

    #[test]
    fn follows_references_in_the_same_module() {
        let plan = Plan::parse(PLAN).unwrap();
        assert_eq!(referenced(&plan, "aws_instance.direct", &["launch_template", "id"]), ["aws_launch_template.root"]);
        assert_eq!(referenced(&plan, "aws_instance.direct", &["launch_template"]), ["aws_launch_template.root"]);
        assert!(referenced(&plan, "aws_instance.direct", &["ami"]).is_empty());
    }

    #[test]
    fn follows_module_outputs_with_keys() {
        let plan = Plan::parse(PLAN).unwrap();
        // `module.lt` alone names no output, so only the keyed instance counts.
        assert_eq!(
            referenced(&plan, "aws_instance.via_module", &["launch_template", "id"]),
            [r#"module.lt["x.y"].aws_launch_template.this"#]
        );
    }

    #[test]
    fn follows_module_input_variables_to_the_parent() {
        let plan = Plan::parse(PLAN).unwrap();
        assert_eq!(
            referenced(&plan, "module.app.aws_instance.inner[0]", &["launch_template", "id"]),
            ["aws_launch_template.root"]
        );
    }

    /// Volumes of one `for_each` block, and snapshots whose `volume_id` is
    /// `aws_ebs_volume.data[each.key].id` (recorded as the whole block).
    const BLOCK: &str = r#"{
      "format_version": "1.2",
      "resource_changes": [
        {"address": "aws_ebs_volume.data[\"a\"]", "mode": "managed", "type": "aws_ebs_volume", "name": "data", "index": "a",
         "change": {"actions": ["no-op"], "before": {"id": "vol-a", "arn": "arn:vol-a"}, "after": {"id": "vol-a", "arn": "arn:vol-a"}}},
        {"address": "aws_ebs_volume.data[\"b\"]", "mode": "managed", "type": "aws_ebs_volume", "name": "data", "index": "b",
         "change": {"actions": ["no-op"], "before": {"id": "vol-b", "arn": "arn:vol-b"}, "after": {"id": "vol-b", "arn": "arn:vol-b"}}},
        {"address": "aws_ebs_volume.data[\"c\"]", "mode": "managed", "type": "aws_ebs_volume", "name": "data", "index": "c",
         "change": {"actions": ["create"], "after": {}, "after_unknown": {"id": true, "arn": true}}},
        {"address": "aws_ebs_snapshot.s[\"a\"]", "mode": "managed", "type": "aws_ebs_snapshot", "name": "s", "index": "a",
         "change": {"actions": ["create"], "after": {"volume_id": "vol-a"}}},
        {"address": "aws_ebs_snapshot.s[\"c\"]", "mode": "managed", "type": "aws_ebs_snapshot", "name": "s", "index": "c",
         "change": {"actions": ["create"], "after": {}, "after_unknown": {"volume_id": true}}},
        {"address": "aws_ebs_snapshot.s[\"x\"]", "mode": "managed", "type": "aws_ebs_snapshot", "name": "s", "index": "x",
         "change": {"actions": ["create"], "after": {"volume_id": "vol-elsewhere"}}},
        {"address": "aws_ebs_snapshot.by_arn", "mode": "managed", "type": "aws_ebs_snapshot", "name": "by_arn",
         "change": {"actions": ["create"], "after": {"volume_id": "arn:vol-b"}}},
        {"address": "aws_instance.two", "mode": "managed", "type": "aws_instance", "name": "two",
         "change": {"actions": ["create"], "after": {"vpc_security_group_ids": ["vol-a", "vol-b"], "launch_template": [{"id": "vol-b", "version": "$Latest"}]}}},
        {"address": "aws_instance.outside", "mode": "managed", "type": "aws_instance", "name": "outside",
         "change": {"actions": ["create"], "after": {"vpc_security_group_ids": ["vol-a", "sg-outside"]}}}
      ],
      "configuration": {"root_module": {"resources": [
        {"address": "aws_ebs_volume.data", "mode": "managed", "type": "aws_ebs_volume", "name": "data"},
        {"address": "aws_ebs_snapshot.s", "mode": "managed", "type": "aws_ebs_snapshot", "name": "s",
         "expressions": {"volume_id": {"references": ["aws_ebs_volume.data", "each.key"]}}},
        {"address": "aws_ebs_snapshot.by_arn", "mode": "managed", "type": "aws_ebs_snapshot", "name": "by_arn",
         "expressions": {"volume_id": {"references": ["aws_ebs_volume.data", "var.which"]}}},
        {"address": "aws_instance.two", "mode": "managed", "type": "aws_instance", "name": "two",
         "expressions": {"vpc_security_group_ids": {"references": ["aws_ebs_volume.data"]},
                         "launch_template": [{"id": {"references": ["aws_ebs_volume.data", "var.k"]}, "version": {"constant_value": "$Latest"}}]}},
        {"address": "aws_instance.outside", "mode": "managed", "type": "aws_instance", "name": "outside",
         "expressions": {"vpc_security_group_ids": {"references": ["aws_ebs_volume.data"]}}}
      ]}}
    }"#;

    const ABC: [&str; 3] =
        [r#"aws_ebs_volume.data["a"]"#, r#"aws_ebs_volume.data["b"]"#, r#"aws_ebs_volume.data["c"]"#];

    #[test]
    fn a_known_id_narrows_a_whole_block_reference_to_its_instance() {
        let plan = Plan::parse(BLOCK).unwrap();
        assert_eq!(referenced(&plan, r#"aws_ebs_snapshot.s["a"]"#, &["volume_id"]), [ABC[0]]);
    }

    #[test]
    fn an_unknown_value_keeps_every_instance() {
        let plan = Plan::parse(BLOCK).unwrap();
        assert_eq!(referenced(&plan, r#"aws_ebs_snapshot.s["c"]"#, &["volume_id"]), ABC);
    }

    #[test]
    fn a_known_value_that_matches_no_instance_keeps_every_instance() {
        let plan = Plan::parse(BLOCK).unwrap();
        assert_eq!(referenced(&plan, r#"aws_ebs_snapshot.s["x"]"#, &["volume_id"]), ABC);
    }

    #[test]
    fn the_attribute_read_is_the_one_the_reference_names() {
        // Recorded as `aws_ebs_volume.data` plus `var.which`: `id` is assumed, and an
        // ARN matches no id, so all are kept.
        let plan = Plan::parse(BLOCK).unwrap();
        assert_eq!(referenced(&plan, "aws_ebs_snapshot.by_arn", &["volume_id"]), ABC);
        // With the traversal recorded (`aws_ebs_volume.data.arn`), the ARN narrows.
        let text = BLOCK.replace(
            r#"["aws_ebs_volume.data", "var.which"]"#,
            r#"["aws_ebs_volume.data.arn", "aws_ebs_volume.data"]"#,
        );
        let plan = Plan::parse(&text).unwrap();
        assert_eq!(referenced(&plan, "aws_ebs_snapshot.by_arn", &["volume_id"]), [ABC[1]]);
    }

    #[test]
    fn lists_narrow_when_every_value_matches() {
        let plan = Plan::parse(BLOCK).unwrap();
        assert_eq!(referenced(&plan, "aws_instance.two", &["vpc_security_group_ids"]), &ABC[..2]);
        // One value from outside the plan: the block could still be any of them.
        assert_eq!(referenced(&plan, "aws_instance.outside", &["vpc_security_group_ids"]), ABC);
    }

    #[test]
    fn nested_block_arguments_narrow_by_their_own_value() {
        let plan = Plan::parse(BLOCK).unwrap();
        assert_eq!(referenced(&plan, "aws_instance.two", &["launch_template", "id"]), [ABC[1]]);
        // The whole block: each argument under it narrows by its own value.
        assert_eq!(referenced(&plan, "aws_instance.two", &["launch_template"]), [ABC[1]]);
    }

    #[test]
    fn narrowing_never_applies_to_values_it_cannot_compare() {
        let attrs: ReadAttributes = [vec!["id".to_string()]].into();
        let a = Value::object_from([("id", Value::str("x"))]);
        let b = Value::object_from([("id", Value::str("y"))]);
        let cands = [(Some(&a), &attrs), (Some(&b), &attrs)];
        let path = ["v".to_string()];
        let with = |v: Value| narrow_candidates(Some(&Value::object_from([("v", v)])), &path, &cands);
        assert_eq!(with(Value::str("x")), Some(vec![0]));
        assert_eq!(with(Value::list(vec![Value::str("y"), Value::str("x")])), Some(vec![0, 1]));
        assert_eq!(with(Value::null()), None);
        assert_eq!(with(Value::list(vec![])), None);
        assert_eq!(with(Value::list(vec![Value::str("x"), Value::unknown()])), None);
        assert_eq!(with(Value::number(1)), None);
        assert_eq!(narrow_candidates(None, &path, &cands), None);
    }

    /// The rule of [`narrow_candidates`] as its documentation states it, one
    /// candidate at a time: the oracle of the index.
    fn narrowed_by_scan(
        planned: &Value,
        path: &[String],
        candidates: &[(Option<&Value>, &ReadAttributes)],
    ) -> Option<Vec<usize>> {
        let wanted = wanted_strings(planned, path)?;
        let mut matched: BTreeSet<&str> = BTreeSet::new();
        let mut kept = Vec::new();
        for (i, (after, attrs)) in candidates.iter().enumerate() {
            let Some(after) = after else { continue };
            let mut hit = false;
            for attr in attrs.iter() {
                let Some(s) = attribute_at(after, attr).and_then(Value::as_str) else { continue };
                if let Some(w) = wanted.get(s) {
                    matched.insert(w);
                    hit = true;
                }
            }
            if hit {
                kept.push(i);
            }
        }
        (matched.len() == wanted.len()).then_some(kept)
    }

    proptest::proptest! {
        /// The index gives the scan's answer: candidates with one or two read
        /// attributes (absent, unknown or one of a few strings), values that
        /// are a string or a list of them (some unknown).
        #[test]
        fn the_index_narrows_as_the_scan_does(
            cands in proptest::collection::vec(
                (proptest::option::of(0u8..6), proptest::option::of(0u8..6), proptest::bool::ANY), 0..8),
            value in proptest::collection::vec(0u8..7, 0..4),
            as_list in proptest::bool::ANY,
        ) {
            // 5 is unknown, 6 a string no candidate can hold.
            let text = |n: u8| match n {
                5 => Value::unknown(),
                n => Value::string(format!("s{n}")),
            };
            let afters: Vec<Value> = cands
                .iter()
                .map(|(a, b, _)| {
                    let mut pairs = Vec::new();
                    if let Some(a) = a { pairs.push(("id", text(*a))); }
                    if let Some(b) = b { pairs.push(("arn", text(*b))); }
                    Value::object_from(pairs)
                })
                .collect();
            let both: ReadAttributes = [vec!["id".to_string()], vec!["arn".to_string()]].into();
            let id: ReadAttributes = [vec!["id".to_string()]].into();
            let views: Vec<(Option<&Value>, &ReadAttributes)> = afters
                .iter()
                .zip(&cands)
                .enumerate()
                .map(|(i, (a, (_, _, two)))| ((i % 4 != 3).then_some(a), if *two { &both } else { &id }))
                .collect();
            let v = if as_list || value.len() != 1 {
                Value::list(value.iter().map(|n| text(*n)).collect())
            } else {
                text(value[0])
            };
            let planned = Value::object_from([("v", v)]);
            let path = ["v".to_string()];
            proptest::prop_assert_eq!(
                CandidateIndex::new(&views).narrow(Some(&planned), &path),
                narrowed_by_scan(&planned, &path, &views)
            );
        }
    }

    #[test]
    fn traversals() {
        assert_eq!(
            parse_traversal(r#"module.lt["a.b"].id"#).unwrap(),
            vec![
                ("module".to_string(), None),
                ("lt".to_string(), Some(InstanceKey::Str("a.b".into()))),
                ("id".to_string(), None)
            ]
        );
        assert_eq!(parse_traversal("aws_instance.x[2]").unwrap()[1], ("x".to_string(), Some(InstanceKey::Int(2))));
    }
}
