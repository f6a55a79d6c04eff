//! Following configuration references from one resource to another:
//! `aws_instance.web.launch_template[0].id = aws_launch_template.lt.id`, also
//! through module boundaries (a module output, a module input variable),
//! as far as the plan's `configuration` section records them.
//!
//! The configuration lists, for each argument, every address its expression
//! refers to (`references`); it keeps no values and no `locals`, and
//! `dynamic` blocks are absent, so a reference through a local or a dynamic
//! block cannot be followed.

use std::collections::BTreeSet;

use serde_json::Value as Json;

use crate::address::{InstanceKey, KeyStyle, ModulePath, ModuleStep};
use crate::plan::{Plan, ResourceInstance};
use crate::raw::RawConfigModule;

/// How many module boundaries a reference may cross before we stop.
const MAX_HOPS: usize = 16;

impl<'a> Plan<'a> {
    /// The resource instances that the argument at `argument` (a path of
    /// argument and nested block names, e.g. `["launch_template", "id"]`) of
    /// `instance`'s configuration refers to. Empty when the plan does not
    /// record the reference (a constant, a local value, a dynamic block).
    pub fn referenced_instances(
        &self,
        instance: &ResourceInstance<'_>,
        argument: &[&str],
    ) -> Vec<&ResourceInstance<'a>> {
        let Some(config) = self.config_resource(&instance.address) else { return Vec::new() };
        let Some(json) = config.expressions_json() else { return Vec::new() };
        let Ok(exprs) = serde_json::from_str::<Json>(json) else { return Vec::new() };
        let mut refs = BTreeSet::new();
        for node in navigate(&exprs, argument) {
            collect_references(node, &mut refs);
        }
        let mut found = BTreeSet::new();
        for r in &refs {
            self.resolve_reference(&instance.address.module, r, 0, &mut found);
        }
        let mut out: Vec<&ResourceInstance<'a>> = found.into_iter().map(|i| &self.resources[i]).collect();
        out.sort_by(|a, b| a.address.cmp(&b.address));
        out
    }

    /// Resolves one reference string as seen from `module` to indexes into
    /// `self.resources`.
    fn resolve_reference(&self, module: &ModulePath, reference: &str, hops: usize, found: &mut BTreeSet<usize>) {
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
                let (config_address, key) = if head == "data" || head == "ephemeral" {
                    let (Some((t, _)), Some((n, key))) = (steps.get(1), steps.get(2)) else { return };
                    (format!("{head}.{t}.{n}"), key.clone())
                } else {
                    let Some((n, key)) = steps.get(1) else { return };
                    (format!("{head}.{n}"), key.clone())
                };
                for &id in self.instance_indexes(module, &config_address) {
                    if key.as_ref().is_none_or(|k| self.resources[id].address.key.as_ref() == Some(k)) {
                        found.insert(id);
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
