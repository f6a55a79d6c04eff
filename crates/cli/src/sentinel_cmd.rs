//! `tfgate sentinel test|apply`: HashiCorp's `sentinel` command line, run by
//! tfgate's Sentinel implementation. The flags are Sentinel's, written with
//! one dash as the `sentinel` CLI takes them (`-run=REGEX`, `-verbose`,
//! `-json`, `-config=FILE`, `-param K=V`, `-global K=V`, `-trace`); the
//! two-dash spellings work too.

use std::ffi::OsString;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use anyhow::{bail, Context, Result};
use clap::{Args, Subcommand};
use tfgate_sentinel::StandardImports;
use tfgate_sentinel::{
    ApplyOptions, ChainImports, Config, Imports, PolicyConfig, PolicySet, Scrubber, TerraformImports, TestOptions,
    Value,
};

use crate::plan_input::read_plan_text;

#[derive(Args)]
pub struct SentinelArgs {
    #[command(subcommand)]
    command: SentinelCommand,
}

#[derive(Subcommand)]
enum SentinelCommand {
    /// Run a policy set's tests (`test/<policy>/<case>.hcl`), as `sentinel test` does.
    Test(TestArgs),
    /// Evaluate a policy set (or one policy) and report as `sentinel apply` does.
    // Boxed: the tfrun options make it far larger than the others.
    Apply(Box<ApplyArgs>),
}

#[derive(Args)]
struct TestArgs {
    /// Policy files or folders of policies (default: the current folder).
    paths: Vec<PathBuf>,
    /// Only cases whose `policy` or `policy/case` matches this regular expression.
    #[arg(long, value_name = "REGEX")]
    run: Option<String>,
    /// Show the trace and prints of passing cases too.
    #[arg(long)]
    verbose: bool,
    /// Write the results as JSON.
    #[arg(long)]
    json: bool,
}

#[derive(Args)]
struct ApplyArgs {
    /// A policy file, or a policy set (a folder or a `sentinel.hcl`); default: the current folder.
    policy: Option<PathBuf>,
    /// The configuration file (mocks, modules, params) for a single policy file.
    #[arg(long, value_name = "FILE")]
    config: Option<PathBuf>,
    /// A parameter value (`-param name=value`; the value is read as JSON when it parses as JSON).
    #[arg(long, value_name = "K=V")]
    param: Vec<String>,
    /// Show the trace of passing policies too.
    #[arg(long)]
    trace: bool,
    /// Write the result as JSON.
    #[arg(long)]
    json: bool,
    /// The plan JSON (`terraform show -json`) the Terraform imports are built from
    /// (default: the `plan_path` of an `import "plugin" "tfplan/v2"` block).
    #[arg(long, value_name = "PLAN")]
    plan: Option<String>,
    #[command(flatten)]
    tfrun: crate::check_sentinel::TfrunArgs,
}

/// The flags Sentinel spells with one dash.
const SINGLE_DASH_FLAGS: &[&str] = &["run", "verbose", "json", "config", "param", "global", "trace"];

/// Rewrites `tfgate sentinel test -run=X` into `--run=X` (clap's spelling),
/// for the flags the `sentinel` command line spells with one dash. Only the
/// arguments after `sentinel` are touched.
pub fn normalize_args(args: Vec<OsString>) -> Vec<OsString> {
    let Some(at) = args.iter().position(|a| a == "sentinel") else { return args };
    // `tfgate check --sentinel DIR` is not the subcommand.
    if at != 1 {
        return args;
    }
    args.into_iter()
        .enumerate()
        .map(|(i, a)| {
            if i <= at {
                return a;
            }
            let Some(text) = a.to_str() else { return a };
            let Some(rest) = text.strip_prefix('-').filter(|r| !r.starts_with('-')) else { return a };
            let name = rest.split('=').next().unwrap_or(rest);
            if SINGLE_DASH_FLAGS.contains(&name) {
                OsString::from(format!("--{rest}"))
            } else {
                a
            }
        })
        .collect()
}

pub fn run(args: SentinelArgs, console: &crate::Console, stdout: &mut dyn Write) -> Result<u8> {
    match args.command {
        SentinelCommand::Test(a) => test(a, stdout),
        SentinelCommand::Apply(a) => apply(*a, console, stdout),
    }
}

fn test(args: TestArgs, stdout: &mut dyn Write) -> Result<u8> {
    if let Some(re) = &args.run {
        regex::Regex::new(re).with_context(|| format!("-run={re} is not a regular expression"))?;
    }
    let paths = if args.paths.is_empty() { vec![PathBuf::from(".")] } else { args.paths };
    let opts = TestOptions {
        run: args.run,
        verbose: args.verbose,
        imports: Some(Arc::new(StandardImports::for_run())),
        ..TestOptions::default()
    };
    let report = tfgate_sentinel::run_tests_paths(&paths, &opts);
    let mut stdout = stdout;
    if args.json {
        report.write_json(&mut stdout, &opts.scrubber)?;
    } else {
        report.write_text(&mut stdout, &opts.scrubber)?;
    }
    Ok(exit_byte(report.exit_code()))
}

fn apply(args: ApplyArgs, console: &crate::Console, stdout: &mut dyn Write) -> Result<u8> {
    let target = args.policy.unwrap_or_else(|| PathBuf::from("."));
    let (set, only) = load_for_apply(&target, args.config.as_deref())?;
    let mut params = indexmap::IndexMap::new();
    for p in &args.param {
        let Some((k, v)) = p.split_once('=') else { bail!("-param {p:?}: expected name=value") };
        params.insert(k.to_string(), param_value(v));
    }
    let plan_path = match args.plan {
        Some(p) => Some(p),
        None => set.plan_path()?.map(|p| p.display().to_string()),
    };
    let standard = StandardImports::for_run();
    let (terraform, scrubber) = match &plan_path {
        Some(path) => {
            let input = read_plan_text(path, &console.stdin)?;
            // One copy of the plan text, shared by the plan model and the
            // imports' lazy values.
            let text = Arc::new(input.text);
            let plan = tfgate_plan::Plan::parse_locating_sections(&text).with_context(|| input.name.clone())?;
            let imports = TerraformImports::sharing(&plan, text.clone(), args.tfrun.run_info())
                .with_context(|| input.name.clone())?;
            let scrubber = imports.scrubber();
            (Some(imports), scrubber)
        }
        None => (None, Scrubber::none()),
    };
    let mut layers: Vec<&dyn Imports> = Vec::new();
    if let Some(t) = &terraform {
        layers.push(t);
    }
    layers.push(&standard);
    let fallback = ChainImports(layers);
    let opts = ApplyOptions { params, scrubber, trace: args.trace, only, ..ApplyOptions::default() };
    let report = set.apply(&fallback, &opts);
    if args.json {
        report.write_json(stdout, &opts.scrubber)?;
    } else {
        report.write_text(stdout, &opts.scrubber)?;
    }
    Ok(exit_byte(report.exit_code()))
}

/// A policy set for `apply`: a folder or configuration file as it is, or
/// one policy file with the configuration given (or none), evaluated alone.
fn load_for_apply(target: &Path, config: Option<&Path>) -> Result<(PolicySet, Option<String>)> {
    let is_policy_file = target.is_file() && target.extension().is_some_and(|e| e == "sentinel");
    if !is_policy_file {
        if config.is_some() {
            bail!("-config is for a single policy file; {} is a policy set", target.display());
        }
        return PolicySet::load(target).map(|s| (s, None)).map_err(|e| anyhow::anyhow!("{e}"));
    }
    let dir = target.parent().filter(|d| !d.as_os_str().is_empty()).unwrap_or(Path::new("."));
    let mut cfg = match config {
        Some(c) => Config::load(c).map_err(|e| anyhow::anyhow!("{e}"))?,
        None => Config::parse(&dir.join("sentinel.hcl"), "").map_err(|e| anyhow::anyhow!("{e}"))?,
    };
    let name = target.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
    let source = std::fs::canonicalize(target).unwrap_or_else(|_| target.to_path_buf()).display().to_string();
    let level = cfg.policies.get(&name).map(|p| p.enforcement_level).unwrap_or_default();
    let params = cfg.policies.get(&name).map(|p| p.params.clone()).unwrap_or_default();
    cfg.policies.insert(
        name.clone(),
        PolicyConfig { name: name.clone(), source, enforcement_level: level, params, pos: Default::default() },
    );
    let set = PolicySet::from_config(cfg).map_err(|e| anyhow::anyhow!("{e}"))?;
    Ok((set, Some(name)))
}

/// `-param` values: JSON when they parse as JSON (numbers, lists, maps,
/// quoted strings), the text itself otherwise, as the Sentinel CLI reads them.
fn param_value(text: &str) -> Value {
    match serde_json::from_str::<serde_json::Value>(text) {
        Ok(j) => tfgate_sentinel::value_from_json(&j),
        Err(_) => Value::string(text),
    }
}

fn exit_byte(code: i32) -> u8 {
    u8::try_from(code).unwrap_or(crate::exit::ERROR)
}
