//! `tfgate inspect PLAN [ADDRESS]`: what a plan holds, or the planned values
//! of the matching resource instances.

use std::collections::BTreeMap;
use std::fmt::Write;

use anyhow::{bail, Context, Result};
use clap::Args;
use serde_json::json;
use tfgate_plan::render_resource;
use tfgate_plan::{AddressPattern, Mode, Plan, ResourceInstance};

use crate::exit;
use crate::plan_input::{parse, read_plan_text};

#[derive(Args)]
pub struct InspectArgs {
    /// The plan JSON (`terraform show -json PLANFILE > plan.json`); `-` reads standard input.
    plan: String,
    /// Show the resolved after-values of instances matching this address or glob
    /// (`aws_instance.web`, `module.app["blue"].*`). `*` matches anything.
    address: Option<String>,
    /// Print machine-readable JSON instead of text.
    #[arg(long)]
    json: bool,
    /// Include instances being deleted or forgotten when showing values.
    #[arg(long)]
    all: bool,
}

pub fn run(args: InspectArgs, console: &crate::Console, stdout: &mut String) -> Result<u8> {
    let input = read_plan_text(&args.plan, &console.stdin)?;
    let plan = parse(&input)?;
    let out = match &args.address {
        None => {
            let extra = plan.validate().with_context(|| input.name.clone())?;
            if args.json {
                serde_json::to_string_pretty(&summary_json(&plan, &extra))? + "\n"
            } else {
                summary_text(&input.name, &plan, &extra)
            }
        }
        Some(pattern) => {
            let pattern = AddressPattern::new(pattern);
            let matches: Vec<&ResourceInstance> = plan
                .resources
                .iter()
                .filter(|r| pattern.matches(&r.address_text))
                .filter(|r| args.all || r.exists_after_apply() || pattern.is_literal())
                .collect();
            if matches.is_empty() {
                bail!("{}: no resource instance matches {pattern}", input.name);
            }
            if args.json {
                let items: Result<Vec<_>> = matches.iter().map(|r| instance_json(&plan, r)).collect();
                serde_json::to_string_pretty(&items?)? + "\n"
            } else {
                let mut out = String::new();
                for (i, r) in matches.iter().enumerate() {
                    if i > 0 {
                        out.push('\n');
                    }
                    out.push_str(&instance_text(r)?);
                }
                out
            }
        }
    };
    *stdout = out;
    Ok(exit::PASS)
}

fn instance_text(r: &ResourceInstance) -> Result<String> {
    let verb = match r.action.summary_word() {
        "create" => "will be created",
        "update" => "will be updated in-place",
        "delete" => "will be destroyed",
        "replace" => "must be replaced",
        "read" => "will be read during apply",
        "no-op" => "has no changes",
        "forget" => "will be removed from state (the object is kept)",
        "replace-forget" => "must be replaced (the old object is kept)",
        _ => "has an unrecognised action",
    };
    let mut out = format!("# {} {verb}", r.address_text);
    if let Some(d) = r.deposed() {
        let _ = write!(out, " (deposed object {d})");
    }
    if let Some(reason) = &r.action_reason {
        let _ = write!(out, " ({})", reason.replace('_', " "));
    }
    out.push('\n');
    let keyword = match r.mode() {
        Mode::Managed => "resource",
        Mode::Data => "data",
        Mode::Ephemeral => "ephemeral",
    };
    let value = if r.exists_after_apply() { r.after()? } else { r.before()? };
    out.push_str(&render_resource(keyword, r.resource_type(), r.name(), &value));
    Ok(out)
}

fn instance_json(plan: &Plan, r: &ResourceInstance) -> Result<serde_json::Value> {
    let provider = plan.provider_config(r);
    Ok(json!({
        "address": r.address_text,
        "module": r.module().to_string(),
        "mode": r.mode().as_str(),
        "type": r.resource_type(),
        "name": r.name(),
        "index": r.key().map(|k| match k {
            tfgate_plan::InstanceKey::Int(i) => json!(i),
            tfgate_plan::InstanceKey::Str(s) => json!(s),
            tfgate_plan::InstanceKey::Wildcard => json!("*"),
        }),
        "deposed": r.deposed(),
        "actions": r.action.as_list(),
        "action_reason": r.action_reason,
        "provider": {
            "name": r.provider_name,
            "config_key": r.provider_key.as_deref(),
            "alias": provider.and_then(|p| p.alias.clone()),
            "region": provider.and_then(|p| p.region.as_ref()).map(|r| r.value().to_redacted_json()),
        },
        "after": r.after()?.to_redacted_json(),
    }))
}

#[derive(Default)]
struct Counts(BTreeMap<String, usize>);

impl Counts {
    fn add(&mut self, key: &str) {
        *self.0.entry(key.to_string()).or_default() += 1;
    }
    fn total(&self) -> usize {
        self.0.values().sum()
    }
    /// `create 5, update 2` in a fixed action order.
    fn actions_line(&self) -> String {
        const ORDER: [&str; 9] =
            ["create", "update", "replace", "replace-forget", "delete", "forget", "read", "no-op", "other"];
        ORDER.iter().filter_map(|a| self.0.get(*a).map(|n| format!("{a} {n}"))).collect::<Vec<_>>().join(", ")
    }
}

struct Summary {
    by_action: Counts,
    by_type: BTreeMap<String, Counts>,
    by_module: BTreeMap<String, Counts>,
}

fn summarise(plan: &Plan) -> Summary {
    let mut s = Summary { by_action: Counts::default(), by_type: BTreeMap::new(), by_module: BTreeMap::new() };
    for r in &plan.resources {
        let word = r.action.summary_word();
        s.by_action.add(word);
        s.by_type.entry(r.address.config_address()).or_default().add(word);
        s.by_module.entry(r.module().to_string()).or_default().add(word);
    }
    s
}

fn module_label(plan: &Plan, module: &str) -> String {
    if module.is_empty() {
        return "(root)".to_string();
    }
    let Ok(path) = tfgate_plan::ModulePath::parse_styled(module, tfgate_plan::KeyStyle::Hcl) else {
        return module.to_string();
    };
    match plan.module_call(&path) {
        Some(call) => match (&call.source, &call.version) {
            (Some(src), Some(v)) => format!("{module} ({src} {v})"),
            (Some(src), None) => format!("{module} ({src})"),
            _ => module.to_string(),
        },
        None => module.to_string(),
    }
}

fn summary_text(name: &str, plan: &Plan, extra_warnings: &[String]) -> String {
    let s = summarise(plan);
    let mut out = String::new();
    let version = plan.terraform_version.as_deref().map_or("version not recorded".to_string(), |v| v.to_string());
    let _ = writeln!(out, "{name}: plan format {}, {} {version}", plan.format_version, plan.producer.as_str());
    let _ = writeln!(out, "resource changes: {} ({})", s.by_action.total(), s.by_action.actions_line());
    if !s.by_type.is_empty() {
        let _ = writeln!(out, "\nby resource type:");
        let width = s.by_type.keys().map(|k| k.chars().count()).max().unwrap_or(0);
        for (t, c) in &s.by_type {
            let _ = writeln!(out, "  {}  {:>5}  {}", crate::pad(t, width), c.total(), c.actions_line());
        }
    }
    if s.by_module.len() > 1 || s.by_module.keys().any(|m| !m.is_empty()) {
        let _ = writeln!(out, "\nby module:");
        let labels: Vec<(String, &Counts)> = s.by_module.iter().map(|(m, c)| (module_label(plan, m), c)).collect();
        let width = labels.iter().map(|(l, _)| l.chars().count()).max().unwrap_or(0);
        for (label, c) in &labels {
            let _ = writeln!(out, "  {}  {:>5}  {}", crate::pad(label, width), c.total(), c.actions_line());
        }
    }
    if !plan.drift.is_empty() {
        let objects = if plan.drift.len() == 1 { "object" } else { "objects" };
        let _ = writeln!(out, "\ndrift: {} {objects} changed outside Terraform", plan.drift.len());
        for d in &plan.drift {
            let _ = writeln!(out, "  {} ({})", d.address_text, d.action);
        }
    }
    if let Ok(data) = plan.data_sources() {
        if !data.is_empty() {
            let _ = writeln!(out, "\ndata sources read during planning: {}", data.len());
        }
    }
    if !plan.providers.is_empty() {
        let _ = writeln!(out, "\nproviders:");
        for p in plan.providers.values() {
            let mut line = format!("  {}", p.key);
            if let Some(f) = &p.full_name {
                let _ = write!(line, " ({f})");
            }
            if let Some(r) = &p.region {
                let _ = write!(line, " region {r}");
            }
            let _ = writeln!(out, "{line}");
        }
    }
    let sensitive_outputs = plan.outputs.iter().filter(|o| o.is_sensitive()).count();
    if !plan.outputs.is_empty() {
        let _ = writeln!(out, "\noutputs: {} ({sensitive_outputs} sensitive)", plan.outputs.len());
    }
    if !plan.variables.is_empty() {
        let sensitive = plan.variables.iter().filter(|v| v.sensitive).count();
        let _ = writeln!(out, "variables: {} ({sensitive} sensitive)", plan.variables.len());
    }
    if !plan.checks.is_empty() {
        let failing = plan.checks.iter().filter(|c| c.status == "fail" || c.status == "error").count();
        let _ = writeln!(out, "checks: {} ({failing} failing)", plan.checks.len());
    }
    if !plan.warnings.is_empty() || !extra_warnings.is_empty() {
        let _ = writeln!(out, "\nwarnings:");
        for w in plan.warnings.iter().chain(extra_warnings) {
            let _ = writeln!(out, "  - {w}");
        }
    }
    out
}

fn counts_json(c: &Counts) -> serde_json::Value {
    json!({ "total": c.total(), "actions": c.0 })
}

fn summary_json(plan: &Plan, extra_warnings: &[String]) -> serde_json::Value {
    let s = summarise(plan);
    json!({
        "format_version": plan.format_version,
        "terraform_version": plan.terraform_version,
        "producer": plan.producer.as_str(),
        "resource_changes": counts_json(&s.by_action),
        "by_type": s.by_type.iter().map(|(k, c)| (k.clone(), counts_json(c))).collect::<serde_json::Map<_, _>>(),
        "by_module": s.by_module.iter().map(|(m, c)| {
            let path = tfgate_plan::ModulePath::parse(m).ok();
            let call = path.as_ref().and_then(|p| plan.module_call(p));
            json!({
                "module": m,
                "source": call.and_then(|c| c.source.clone()),
                "version": call.and_then(|c| c.version.clone()),
                "total": c.total(),
                "actions": c.0,
            })
        }).collect::<Vec<_>>(),
        "drift": plan.drift.iter().map(|d| json!({"address": d.address_text, "actions": d.action.as_list()})).collect::<Vec<_>>(),
        "data_sources": plan.data_sources().map(|d| d.len()).unwrap_or(0),
        "providers": plan.providers.values().map(|p| json!({
            "key": p.key, "name": p.name, "full_name": p.full_name, "alias": p.alias,
            "region": p.region.as_ref().map(|r| r.value().to_redacted_json()),
        })).collect::<Vec<_>>(),
        "outputs": plan.outputs.len(),
        "variables": plan.variables.len(),
        "errored": plan.errored,
        "complete": plan.complete,
        "applyable": plan.applyable,
        "warnings": plan.warnings.iter().chain(extra_warnings).collect::<Vec<_>>(),
    })
}
