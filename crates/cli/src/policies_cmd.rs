//! `tfgate policies list|show`: the built-in library (or policies on disk)
//! and their documentation. The same text makes the catalog in `docs/policies/`.

use std::fmt::Write;
use std::path::PathBuf;

use anyhow::{bail, Result};
use clap::{Args, Subcommand};
use tfgate_engine::PolicyIndex;
use tfgate_lang_hcl::{describe_policies, policy_identities, CheckOptions, HclLanguage};
use tfgate_lang_hcl::{PolicyFile, PolicySet};

use crate::check::{config_error, load_policy_sets};
use crate::policies_input::{load_policies, BUILTIN_PREFIX};
use crate::{exit, pad};

#[derive(Args)]
pub struct PoliciesArgs {
    #[command(subcommand)]
    command: PoliciesCommand,
}

#[derive(Subcommand)]
enum PoliciesCommand {
    /// List the policies: id, enforcement level, severity, target, title.
    List {
        /// Policy files or directories instead of the built-in library.
        #[arg(long = "policy", short = 'p', value_name = "PATH")]
        policies: Vec<PathBuf>,
        /// Print a Markdown table linking to each policy's page (the catalog index).
        #[arg(long)]
        markdown: bool,
        /// The configuration file whose policy sets and levels to show; `tfgate.hcl` in the
        /// working directory or a parent up to the repository root when it exists.
        #[arg(long, value_name = "PATH")]
        config: Option<PathBuf>,
    },
    /// Show one policy's documentation: what it checks, why, examples, how unknown values are judged.
    Show {
        /// The policy id (`TFG-EC2-001`), a former id, or a policy block name.
        id: String,
        #[arg(long = "policy", short = 'p', value_name = "PATH")]
        policies: Vec<PathBuf>,
    },
}

pub fn run(args: PoliciesArgs, console: &crate::Console, stdout: &mut String) -> Result<u8> {
    match args.command {
        PoliciesCommand::List { policies, markdown, config } => {
            let policies = load_configured(console, &policies, config)?;
            let (set, options) = (policies.set(), policies.options());
            *stdout = if markdown { list_markdown(set, options) } else { list(set, options) };
        }
        PoliciesCommand::Show { id, policies } => {
            let set = load_policies(console, &policies)?;
            *stdout = document(find(&set, &id)?);
        }
    }
    Ok(exit::PASS)
}

/// The file holding a policy named by id, former id, block id or block
/// label, as `tfgate.hcl` and `--override` name them. A name that fits
/// several policies is an error listing them, never a silent pick; a name
/// in the wrong case gets a "did you mean".
pub fn find<'a>(set: &'a PolicySet, id: &str) -> Result<&'a PolicyFile> {
    let index = PolicyIndex::new(&policy_identities(set));
    let resolved = index.resolve(id).map_err(|e| anyhow::anyhow!("{e}; `tfgate policies list` shows the policies"))?;
    if let [one] = resolved.policies[..] {
        return Ok(&set.files()[one]);
    }
    bail!(
        "{id:?} names blocks of {} policies: {}; name one by its id",
        resolved.policies.len(),
        resolved.blocks.join(", ")
    )
}

pub fn source_label(file: &PolicyFile) -> String {
    file.name().to_string()
}

/// The policies `tfgate check` would run with the same `--policy` and
/// configuration (its policy sets when no `--policy` is given), with the
/// levels and inputs the configuration sets.
fn load_configured(console: &crate::Console, paths: &[PathBuf], config: Option<PathBuf>) -> Result<HclLanguage> {
    let Some(path) = config.map_or_else(crate::policies_input::discover_config, |p| Ok(Some(p)))? else {
        return Ok(HclLanguage::new(load_policies(console, paths)?, CheckOptions::default()));
    };
    let mut config = tfgate_engine::load_config(&path).map_err(config_error)?;
    let set = if paths.is_empty() && !config.policy_sets.is_empty() {
        load_policy_sets(console, &config.policy_sets)?
    } else {
        load_policies(console, paths)?
    };
    let language = HclLanguage::new(set, CheckOptions::default());
    let settings = tfgate_engine::resolve_config(&language, &mut config).map_err(config_error)?;
    Ok(language.with_options(CheckOptions {
        inputs: settings.inputs,
        levels: settings.levels,
        ..CheckOptions::default()
    }))
}

/// One line per policy block.
pub fn list(set: &PolicySet, options: &CheckOptions) -> String {
    let infos = describe_policies(set, options, source_label);
    let mut out = String::new();
    let id_w = infos.iter().map(|p| p.id.chars().count()).max().unwrap_or(2).max(2);
    let target_w = infos.iter().map(|p| p.target.chars().count() + 9).max().unwrap_or(6).max(6);
    // Padded by hand: ids and targets come from the policy files, and a
    // format width over 65,535 panics.
    let _ = writeln!(out, "{}  {:21}  {:8}  {}  TITLE", pad("ID", id_w), "LEVEL", "SEVERITY", pad("TARGET", target_w));
    for p in &infos {
        let target = format!("{} {}", p.target_kind.as_str(), p.target);
        let _ = writeln!(
            out,
            "{}  {:21}  {:8}  {}  {}",
            pad(&p.id, id_w),
            p.enforcement_level.as_str(),
            p.severity.map_or("-", |s| s.as_str()),
            pad(&target, target_w),
            p.title.as_deref().unwrap_or(&p.name)
        );
    }
    out
}

/// The catalog index: one row per policy file, linking to `ID.md`.
pub fn list_markdown(set: &PolicySet, options: &CheckOptions) -> String {
    let mut out = String::from(
        "| Id | Title | Severity | Enforcement | Applies to | Controls |\n| --- | --- | --- | --- | --- | --- |\n",
    );
    let mut files: Vec<&PolicyFile> = set.files().iter().collect();
    files.sort_by_key(|f| f.config.tfgate.id.clone().unwrap_or_else(|| f.name().to_string()));
    for f in files {
        let mut one = PolicySet::default();
        one.push(f.clone());
        let infos = describe_policies(&one, options, source_label);
        let meta = &f.config.tfgate;
        let id = meta.id.clone().unwrap_or_else(|| infos.first().map_or_else(String::new, |p| p.id.clone()));
        let levels: std::collections::BTreeSet<&str> = infos.iter().map(|p| p.enforcement_level.as_str()).collect();
        let targets: std::collections::BTreeSet<String> = infos.iter().map(|p| format!("`{}`", p.target)).collect();
        let _ = writeln!(
            out,
            "| [{id}]({id}.md) | {} | {} | {} | {} | {} |",
            meta.title.as_deref().unwrap_or("-"),
            meta.severity.map_or("-", |s| s.as_str()),
            levels.into_iter().collect::<Vec<_>>().join(", "),
            targets.into_iter().collect::<Vec<_>>().join(", "),
            meta.controls.join(", ")
        );
    }
    out
}

/// A policy file's documentation as Markdown.
pub fn document(file: &PolicyFile) -> String {
    let meta = &file.config.tfgate;
    let mut set = PolicySet::default();
    set.push(file.clone());
    let infos = describe_policies(&set, &CheckOptions::default(), source_label);
    let id = meta.id.clone().unwrap_or_else(|| infos.first().map_or_else(String::new, |p| p.id.clone()));
    let mut out = String::new();
    let _ = writeln!(out, "# {id}: {}\n", meta.title.as_deref().unwrap_or("(untitled)"));
    let levels: Vec<String> = infos
        .iter()
        .map(|p| p.enforcement_level.as_str().to_string())
        .collect::<std::collections::BTreeSet<_>>()
        .into_iter()
        .collect();
    let _ = writeln!(out, "| | |\n| --- | --- |");
    let _ = writeln!(out, "| Severity | {} |", meta.severity.map_or("-", |s| s.as_str()));
    let _ = writeln!(out, "| Enforcement | {} |", levels.join(", "));
    let targets: Vec<String> = infos.iter().map(|p| format!("`{}` ({})", p.target, p.name)).collect();
    let _ = writeln!(out, "| Applies to | {} |", targets.join(", "));
    if !meta.controls.is_empty() {
        let _ = writeln!(out, "| Controls | {} |", meta.controls.join(", "));
    }
    if !meta.aliases.is_empty() {
        let _ = writeln!(out, "| Former ids | {} |", meta.aliases.join(", "));
    }
    let source =
        file.name().strip_prefix(BUILTIN_PREFIX).map_or_else(|| file.name().to_string(), |s| format!("policies/{s}"));
    let _ = writeln!(out, "| Source | `{source}` |");
    if !file.inputs.is_empty() {
        let inputs: Vec<String> = file
            .inputs
            .iter()
            .map(|i| match &i.default {
                Some(d) => format!("`{}` (default `{d}`)", i.name),
                None => format!("`{}`", i.name),
            })
            .collect();
        let _ = writeln!(out, "| Inputs | {} |", inputs.join(", "));
    }
    let section = |out: &mut String, title: &str, text: &Option<String>| {
        if let Some(t) = text {
            let _ = writeln!(out, "\n## {title}\n\n{}", t.trim_end());
        }
    };
    let code = |out: &mut String, title: &str, text: &Option<String>| {
        if let Some(t) = text {
            let _ = writeln!(out, "\n## {title}\n\n```hcl\n{}\n```", t.trim_end());
        }
    };
    section(&mut out, "What it checks", &meta.description);
    section(&mut out, "Why it matters", &meta.rationale);
    code(&mut out, "Violating example", &meta.violating_example);
    code(&mut out, "Compliant example", &meta.compliant_example);
    section(&mut out, "Values known only after apply", &meta.unknown_values);
    if !meta.references.is_empty() {
        let _ = writeln!(out, "\n## References\n");
        for r in &meta.references {
            let _ = writeln!(out, "- {r}");
        }
    }
    out
}
