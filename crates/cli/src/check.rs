//! `tfgate check PLAN... [--policy PATH...]`: evaluate policies, report, gate.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::plan_input::read_plan_text;
use crate::policies_input::{load_policies, scan, Walk};
use crate::style::StyleArgs;
use crate::Console;
use anyhow::{Context, Result};
use clap::Args;
use rayon::prelude::*;
use tfgate_core::UnknownMode;
use tfgate_engine::{apply_overrides, decide, Engine, Evaluation, Overrides, PlanInput, PolicyLanguage};
use tfgate_engine::{resolve_config_with, ExternalPolicy};
use tfgate_engine::{Config, ConfigError, HttpSettings, PolicySetSource, TfeContext};
use tfgate_lang_hcl::HttpAccess;
use tfgate_lang_hcl::{CheckOptions, HclLanguage, Limits};
use tfgate_report::{
    EnforcementLevel, Format, PlanInfo, RenderOptions, Report, ReportError, RunError, Tool, SCHEMA_VERSION,
};
use tfgate_sentinel::SentinelLanguage;

#[derive(Args)]
pub struct CheckArgs {
    /// Plan JSON files (`terraform show -json PLANFILE > plan.json`) or directories of them;
    /// `-` reads standard input. A directory is searched for `*.json` regular files, skipping
    /// hidden directories and `.terraform`, special files and links out of it; JSON that is
    /// clearly not a plan is skipped with a note, and a broken plan is an error naming it
    /// while the others are still judged.
    #[arg(required = true)]
    plans: Vec<String>,
    /// Policy files or directories (searched for `*.policy.hcl`); the built-in library when none is given.
    #[arg(long = "policy", short = 'p', value_name = "PATH")]
    policies: Vec<PathBuf>,
    /// A Sentinel policy set (a folder with `sentinel.hcl`, or the file) judged in the same gate
    /// (repeatable): each Sentinel policy is one finding on the plan. Without `--policy`, only
    /// the Sentinel policies run (not the built-in library).
    #[arg(long, value_name = "PATH")]
    sentinel: Vec<PathBuf>,
    #[command(flatten)]
    tfrun: crate::check_sentinel::TfrunArgs,
    /// How a result that depends on values known only after apply counts: as a failure
    /// (the gate fails closed; the default), a warning, or a pass.
    #[arg(long, value_name = "MODE", value_enum)]
    unknown: Option<UnknownMode>,
    /// The configuration file (policy sets, levels, inputs, waivers); `tfgate.hcl` in the working
    /// directory or a parent up to the repository root when it exists.
    #[arg(long, value_name = "PATH")]
    config: Option<PathBuf>,
    /// Override a failing soft-mandatory (mandatory-overridable) policy for this run (repeatable):
    /// a whole policy id (all its blocks) or one block (`ID/label`).
    #[arg(long = "override", value_name = "POLICY_ID")]
    overrides: Vec<String>,
    /// Override every failing soft-mandatory policy for this run.
    #[arg(long)]
    override_all_soft: bool,
    /// Why the override was given; recorded in the report with who gave it.
    #[arg(long, value_name = "TEXT")]
    override_reason: Option<String>,
    /// Output format on standard output.
    #[arg(long, short = 'f', value_name = "FORMAT", default_value = "table", value_enum)]
    format: Format,
    /// Also write FORMAT to PATH (repeatable): `--output sarif=results.sarif --output junit=results.xml`.
    #[arg(long = "output", short = 'o', value_name = "FORMAT=PATH")]
    outputs: Vec<String>,
    /// Summarise findings per module source and version (for platform teams).
    #[arg(long, value_name = "WHAT", value_parser = ["module"])]
    group_by: Option<String>,
    /// In JUnit output, report unknown results as failures or as skipped tests.
    #[arg(long, value_name = "AS", default_value = "fail", value_parser = ["fail", "skip"])]
    junit_unknown: String,
    /// Also list the findings that pass.
    #[arg(long, short = 'v')]
    verbose: bool,
    /// The Terraform configuration's root directory (default: the working directory): each
    /// finding is placed on the `.tf` lines of its `resource`, `data`, `module` or `provider`
    /// block, in the root and in local modules (`./`, `../` sources), for SARIF, GitHub
    /// annotations, JUnit and JSON. Targets in remote modules, or in files that cannot be read,
    /// point at the plan (with a warning).
    #[arg(long, value_name = "DIR")]
    source_dir: Option<PathBuf>,
    #[command(flatten)]
    limits: LimitArgs,
    #[command(flatten)]
    http: HttpArgs,
    #[command(flatten)]
    tfe: TfeArgs,
}

/// `core::gethttprequest` access (`tfgate check` and `tfgate test`).
#[derive(Args, Clone, Debug, Default)]
pub struct HttpArgs {
    /// Let `core::gethttprequest` fetch from HOST (or HOST:PORT) over plain http:// (repeatable;
    /// added to `http { allowed_hosts }` of tfgate.hcl). Without any, HTTP requests are off and a
    /// policy that makes one fails with an error.
    #[arg(long = "allow-http-host", value_name = "HOST")]
    allow_http_hosts: Vec<String>,
}

impl HttpArgs {
    /// The access these flags and the configuration's `http` block give;
    /// `None` when no host is allowed.
    pub fn access(&self, settings: &HttpSettings) -> Result<Option<Arc<HttpAccess>>> {
        let mut hosts = settings.allowed_hosts.clone();
        for h in &self.allow_http_hosts {
            if h.is_empty() || h.contains(['/', '@', ' ']) {
                anyhow::bail!("--allow-http-host {h:?}: give a host name or host:port, not a URL");
            }
            hosts.push(h.clone());
        }
        if hosts.is_empty() {
            return Ok(None);
        }
        let mut access = HttpAccess::new(hosts);
        if let Some(t) = settings.timeout {
            access.timeout = t;
        }
        if let Some(n) = settings.max_bytes {
            access.max_bytes = n;
        }
        Ok(Some(Arc::new(access)))
    }
}

/// The HCP Terraform context policies read in `meta.tfe_workspace` and `meta.tfe_stack`.
#[derive(Args, Clone, Debug, Default)]
pub struct TfeArgs {
    /// A tag of the HCP Terraform workspace, for `meta.tfe_workspace.tags` (repeatable; overrides
    /// the `tfe { workspace_tags }` of tfgate.hcl key by key). Empty outside HCP Terraform.
    #[arg(long = "tfe-workspace-tag", value_name = "KEY=VALUE")]
    workspace_tags: Vec<String>,
    /// The Terraform Stacks stack name, for `meta.tfe_stack.stack_name` (default: empty).
    #[arg(long = "tfe-stack-name", value_name = "NAME")]
    stack_name: Option<String>,
    /// The Stacks deployment name, for `meta.tfe_stack.deployment_name` (default: empty).
    #[arg(long = "tfe-deployment-name", value_name = "NAME")]
    deployment_name: Option<String>,
    /// The Stacks deployment group, for `meta.tfe_stack.deployment_group` (default: empty).
    #[arg(long = "tfe-deployment-group", value_name = "NAME")]
    deployment_group: Option<String>,
}

impl TfeArgs {
    /// The configuration's `tfe` block with these flags over it.
    pub fn context(&self, from_config: &TfeContext) -> Result<TfeContext> {
        let mut tfe = from_config.clone();
        for t in &self.workspace_tags {
            let Some((k, v)) = t.split_once('=') else {
                anyhow::bail!("--tfe-workspace-tag {t:?}: give KEY=VALUE");
            };
            tfe.workspace_tags.insert(k.to_string(), v.to_string());
        }
        for (flag, field) in [
            (&self.stack_name, &mut tfe.stack_name),
            (&self.deployment_name, &mut tfe.deployment_name),
            (&self.deployment_group, &mut tfe.deployment_group),
        ] {
            if let Some(v) = flag {
                *field = v.clone();
            }
        }
        Ok(tfe)
    }
}

/// Evaluation limits, per policy and target (`tfgate check` and `tfgate test`).
#[derive(Args, Clone, Copy, Debug)]
pub struct LimitArgs {
    /// Stop a policy evaluation after N steps (expression nodes, `for` iterations, resources scanned).
    #[arg(long, value_name = "N", default_value_t = Limits::DEFAULT_MAX_STEPS, value_parser = clap::value_parser!(u64).range(1..))]
    max_steps: u64,
    /// Stop a policy evaluation that builds more than N bytes of values (strings, list elements, object entries).
    #[arg(long, value_name = "N", default_value_t = Limits::DEFAULT_MAX_VALUE_BYTES, value_parser = clap::value_parser!(u64).range(1..))]
    max_value_bytes: u64,
    /// Stop a policy evaluation whose functions do more than N units of work (about a byte scanned by a
    /// regular expression, or an element compared by a set function).
    #[arg(long, value_name = "N", default_value_t = Limits::DEFAULT_MAX_WORK, value_parser = clap::value_parser!(u64).range(1..))]
    max_work: u64,
}

impl LimitArgs {
    pub fn limits(self) -> Limits {
        Limits {
            max_steps: self.max_steps,
            max_value_bytes: self.max_value_bytes,
            max_work: self.max_work,
            ..Limits::default()
        }
    }
}

pub fn run(args: CheckArgs, style: StyleArgs, console: &Console, stdout: &mut dyn std::io::Write) -> Result<u8> {
    if style.quiet && args.verbose {
        anyhow::bail!("--quiet and --verbose cannot be used together: -q shows only what blocks, -v everything");
    }
    let mut config = match args.config.clone().map_or_else(crate::policies_input::discover_config, |p| Ok(Some(p)))? {
        Some(path) => tfgate_engine::load_config(&path).map_err(config_error)?,
        None => Config::default(),
    };
    let sentinel = SentinelLanguage::load(&args.sentinel)?.with_run(args.tfrun.run_info());
    let set = if args.policies.is_empty() && !config.policy_sets.is_empty() {
        load_policy_sets(console, &config.policy_sets)?
    } else if args.policies.is_empty() && !sentinel.is_empty() {
        // `--sentinel` alone: the team's Sentinel set is the whole gate.
        tfgate_lang_hcl::PolicySet::default()
    } else {
        load_policies(console, &args.policies)?
    };
    if set.files().is_empty() && sentinel.is_empty() {
        anyhow::bail!("no policies to run: the built-in library is empty and no --policy was given");
    }
    let unknown = args.unknown.or(config.unknown).unwrap_or_default();
    // Every id the user wrote names policy blocks of this set, or the run stops.
    // A waiver may also name a Sentinel policy, except a hard-mandatory one.
    let external: Vec<ExternalPolicy> = sentinel
        .describe()
        .into_iter()
        .map(|p| ExternalPolicy {
            not_waivable: (p.enforcement_level == EnforcementLevel::Mandatory).then(|| {
                format!("the Sentinel policy {} is hard-mandatory: it admits no exception, as in Sentinel", p.id)
            }),
            id: p.id.to_string(),
        })
        .collect();
    let hcl = HclLanguage::new(set, CheckOptions::default());
    let settings = resolve_config_with(&hcl, &mut config, &external).map_err(config_error)?;
    let options = CheckOptions {
        inputs: settings.inputs,
        levels: settings.levels,
        limits: args.limits.limits(),
        http: args.http.access(&config.http)?,
        tfe: args.tfe.context(&config.tfe)?,
    };
    // The languages this run was asked for, `.policy.hcl` first: its
    // policies are listed first and name ids first.
    let engine = Engine::new().with(Box::new(hcl.with_options(options))).with(Box::new(sentinel));
    let policies = engine.describe();
    let overrides = Overrides {
        named: engine.resolve_overrides(&args.overrides, &policies)?,
        all_soft: args.override_all_soft,
        reason: args.override_reason.clone(),
        by: ["TFGATE_ACTOR", "GITHUB_ACTOR", "GITLAB_USER_LOGIN", "BUILD_REQUESTEDFOR", "USER", "USERNAME"]
            .iter()
            .find_map(|v| console.var(v)),
    };

    // Paths are shown relative to the working directory; without one, nothing is mapped.
    if let Some(dir) = &args.source_dir {
        if !dir.is_dir() {
            anyhow::bail!("--source-dir {}: not a directory", dir.display());
        }
    }
    let source =
        std::env::current_dir().ok().map(|base| (args.source_dir.clone().unwrap_or_else(|| PathBuf::from(".")), base));

    // Plans are independent: read and evaluate them in parallel, with a
    // progress bar for long multi-plan runs on a terminal.
    let (plans, skipped) = expand_plan_paths(console, &args.plans)?;
    let progress = (plans.len() > 1 && !style.quiet && console.stderr_terminal).then(|| {
        let bar = indicatif::ProgressBar::new(plans.len() as u64);
        bar.set_style(
            indicatif::ProgressStyle::with_template("{bar:40} {pos}/{len} plans {msg}")
                .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
        );
        bar
    });
    // When the process ends soon after the report is printed (the binary),
    // freeing a large plan's (or report's) millions of small objects first
    // would only cost time (about a tenth of a run on a 100k-resource plan).
    // With several plans each is freed as soon as it is checked, to keep
    // memory flat; a caller that lives on (tests) always gets it back.
    let single_plan = plans.len() == 1 && console.exits_after_run;
    let stdin = &console.stdin;
    let results: Vec<PlanResult> = plans
        .par_iter()
        .map(|p| {
            let _tick = progress.as_ref().map(Tick);
            let input = match read_plan_text(&p.path, stdin) {
                Ok(input) => input,
                Err(e) => return PlanResult::Broken { name: p.path.clone(), message: without_name(&e, &p.path) },
            };
            // Shared with the Sentinel imports' lazy values: held once.
            let text = Arc::new(input.text);
            let plan = match engine.parse_plan(&text) {
                Ok(plan) => plan,
                // Only a file a directory scan found may be passed over: one
                // named on the command line was meant to be a plan.
                Err(e) if p.dir.is_some() && clearly_not_a_plan(&e, &text) => {
                    return PlanResult::NotAPlan { name: input.name, why: e.to_string() }
                }
                Err(e) => return PlanResult::Broken { name: input.name, message: e.to_string() },
            };
            // The model is an index into the text: what policies read of a
            // mapped plan comes back from the file cache when they read it.
            text.release_resident();
            let mut output = engine.evaluate(PlanInput { name: &input.name, plan: &plan, text: &text });
            let mut warnings = plan.warnings.clone();
            if let Some((dir, base)) = &source {
                let explicit = args.source_dir.is_some();
                warnings.extend(crate::source_locations::locate(&plan, &mut output.findings, dir, base, explicit));
            }
            let info = PlanInfo {
                path: input.name.clone(),
                format_version: plan.format_version.clone(),
                terraform_version: plan.terraform_version.clone(),
                producer: plan.producer.as_str().to_string(),
                resources: plan
                    .resources
                    .iter()
                    .filter(|r| r.mode() == tfgate_plan::Mode::Managed && r.deposed().is_none())
                    .count(),
                warnings,
            };
            if single_plan {
                std::mem::forget(plan);
            }
            PlanResult::Checked(Box::new((info, output)))
        })
        .collect();

    // Files that are not plans are passed over with a note; a broken plan
    // is a run error naming it (exit 2), and the others are still judged
    // and reported. Without a single plan there is nothing to report.
    let checked = results.iter().filter(|r| matches!(r, PlanResult::Checked(_))).count();
    let mut problems = Vec::new();
    for r in &results {
        match r {
            PlanResult::NotAPlan { name, why } => {
                console.note(&format!("skipping {name}: {why}"));
                problems.push(format!("{name}: skipped: {why}"));
            }
            PlanResult::Broken { name, message } => problems.push(format!("{name}: {message}")),
            PlanResult::Checked(_) => {}
        }
    }
    if checked == 0 {
        if let Some(p) = progress.as_ref() {
            p.finish_and_clear();
        }
        problems.extend(skipped.iter().map(|(path, why)| format!("{path}: skipped: {why}")));
        if problems.len() == 1 {
            anyhow::bail!("{}", problems[0]);
        }
        anyhow::bail!("no plan to check:\n  {}", problems.join("\n  "));
    }

    let mut report = Report {
        schema_version: SCHEMA_VERSION,
        tool: Tool { name: "tfgate".into(), version: env!("CARGO_PKG_VERSION").into() },
        policies,
        ..Report::default()
    };
    if let Some(bar) = progress {
        bar.finish_and_clear();
    }
    // A directory given that yields no plan at all was meant to hold some.
    for (i, dir) in args.plans.iter().enumerate() {
        let found: Vec<&PlanResult> =
            plans.iter().zip(&results).filter(|(p, _)| p.dir == Some(i)).map(|(_, r)| r).collect();
        if !found.is_empty() && !found.iter().any(|r| matches!(r, PlanResult::Checked(_))) {
            let message = "no usable plan in this directory (each file found is noted or reported)".to_string();
            report.errors.push(RunError { message, plan: Some(dir.clone()), policy_id: None });
        }
    }
    let mut sentinel_traces = std::collections::BTreeMap::new();
    for r in results {
        let (info, output) = match r {
            PlanResult::Checked(c) => *c,
            PlanResult::Broken { name, message } => {
                report.errors.push(RunError { message, plan: Some(name), policy_id: None });
                continue;
            }
            PlanResult::NotAPlan { .. } => continue,
        };
        report.plans.push(info);
        sentinel_traces.extend(output.traces);
        if report.findings.is_empty() {
            // Moved, not copied: a large plan has hundreds of thousands.
            report.findings = output.findings;
        } else {
            report.findings.extend(output.findings);
        }
        report.errors.extend(output.errors);
    }
    report.overrides = apply_overrides(&overrides, &mut report.findings);
    report.waivers = tfgate_engine::apply_waivers(&config.waivers, &mut report.findings, &tfgate_engine::today());
    report.gate = decide(&mut report.findings, &report.errors, unknown);

    let color = style.color.resolve(console.stdout_terminal, console.var_os("NO_COLOR"));
    // On a terminal, tables wrap their messages to its width.
    let width = console.terminal_width.filter(|_| console.stdout_terminal);
    let options = RenderOptions {
        color,
        quiet: style.quiet,
        verbose: args.verbose,
        group_by_module: args.group_by.as_deref() == Some("module"),
        unknown_as: args.junit_unknown.parse().map_err(|e: ReportError| anyhow::anyhow!(e))?,
        width,
        base_dir: source.as_ref().map(|(_, base)| base.clone()),
        full_report: full_report(console, &args.outputs),
        sentinel_traces,
    };
    // Files first: a CI step should get its SARIF even when stdout is cut short.
    for spec in &args.outputs {
        let (format, path) = spec
            .split_once('=')
            .with_context(|| format!("--output {spec}: expected FORMAT=PATH, e.g. sarif=results.sarif"))?;
        let format: Format = format.parse().map_err(|e: ReportError| anyhow::anyhow!("--output {spec}: {e}"))?;
        // Files are for machines and later reading: complete, without colour.
        let file_options = RenderOptions { color: false, quiet: false, ..options.clone() };
        // A report that cannot be made is not a write error: told apart so
        // that its own message is shown.
        let mut failed = None;
        crate::write_file_atomically(Path::new(path), |w| {
            match tfgate_report::write(format, &report, &file_options, w) {
                Ok(()) => Ok(()),
                Err(ReportError::Io(e)) => Err(e),
                Err(e) => {
                    let message = e.to_string();
                    failed = Some(e);
                    Err(std::io::Error::other(message))
                }
            }
        })
        .map_err(|e| match failed.take() {
            Some(report_error) => anyhow::Error::new(report_error),
            None => anyhow::Error::new(e),
        })
        .with_context(|| format!("cannot write {path}"))?;
    }
    match tfgate_report::write(args.format, &report, &options, stdout) {
        // The sink keeps the write error; `main` reports it (or stays quiet
        // for a closed pipe) and the verdict stands.
        Ok(()) | Err(ReportError::Io(_)) => {}
        Err(e) => return Err(e.into()),
    }
    let code = report.gate.exit_code;
    if console.exits_after_run {
        std::mem::forget(report);
    }
    Ok(code)
}

/// Where every finding can be read when the Markdown summary is cut short:
/// the report files of `--output` and, in GitHub Actions, the run's page.
fn full_report(console: &Console, outputs: &[String]) -> Option<String> {
    let mut places: Vec<String> = outputs
        .iter()
        .filter_map(|spec| spec.split_once('='))
        .filter(|(format, _)| matches!(format.parse::<Format>(), Ok(Format::Json | Format::Sarif | Format::Junit)))
        .map(|(_, path)| format!("`{path}`"))
        .collect();
    let var = |name: &str| console.var(name);
    if let (Some(server), Some(repo), Some(run)) =
        (var("GITHUB_SERVER_URL"), var("GITHUB_REPOSITORY"), var("GITHUB_RUN_ID"))
    {
        places.push(format!("the workflow run {server}/{repo}/actions/runs/{run}"));
    }
    (!places.is_empty()).then(|| places.join(" and "))
}

/// Advances the progress bar when a plan is done (also on error).
struct Tick<'a>(&'a indicatif::ProgressBar);

impl Drop for Tick<'_> {
    fn drop(&mut self) {
        self.0.inc(1);
    }
}

/// Configuration errors, every diagnostic rendered.
pub(crate) fn config_error(e: ConfigError) -> anyhow::Error {
    match &e {
        ConfigError::Invalid(diags) => {
            let n = diags.iter().filter(|d| d.is_error()).count();
            let rendered: Vec<String> = diags.iter().map(|d| d.render()).collect();
            anyhow::anyhow!("{}\n{n} error{} in the configuration", rendered.join("\n"), if n == 1 { "" } else { "s" })
        }
        _ => anyhow::Error::new(e),
    }
}

/// Loads the policy sets a configuration names.
pub(crate) fn load_policy_sets(console: &Console, sets: &[PolicySetSource]) -> Result<tfgate_lang_hcl::PolicySet> {
    let mut all = tfgate_lang_hcl::PolicySet::default();
    for s in sets {
        let set = match s {
            PolicySetSource::Builtin => crate::policies_input::load_builtin()?,
            PolicySetSource::Path(p) => load_policies(console, std::slice::from_ref(p))?,
        };
        for f in set.files() {
            all.push(f.clone());
        }
    }
    Ok(all)
}

/// What became of one plan path.
enum PlanResult {
    /// The plan's description, findings and errors, and its Sentinel policies' traces.
    Checked(Box<(PlanInfo, Evaluation)>),
    /// Found by a directory scan and clearly not a plan (`.terraform/modules/modules.json`, a report).
    NotAPlan { name: String, why: String },
    /// Unreadable, or meant to be a plan and not a valid one.
    Broken { name: String, message: String },
}

/// Files a directory scan passed over, and why.
type Skipped = Vec<(String, String)>;

/// A plan path to read; `dir`, the index of the directory argument a scan found it in.
struct PlanPath {
    path: String,
    dir: Option<usize>,
}

/// An error's message without the leading file name (a report names the plan on its own).
fn without_name(e: &anyhow::Error, name: &str) -> String {
    let full = crate::error_text(e);
    full.strip_prefix(name).and_then(|m| m.strip_prefix(": ")).map_or_else(|| full.clone(), str::to_string)
}

/// A file a directory scan found that is valid JSON but clearly not a
/// plan; the plan reader says which.
fn clearly_not_a_plan(e: &tfgate_plan::PlanError, text: &str) -> bool {
    matches!(e, tfgate_plan::PlanError::NotAPlan { .. }) && tfgate_plan::clearly_not_a_plan(text)
}

/// Plan paths as given, with directories replaced by the `*.json` files
/// below them (sorted, never under `.terraform` or another hidden
/// directory), so that `tfgate check plans/` checks every plan; and what
/// the scans skipped, each said on standard error.
fn expand_plan_paths(console: &Console, paths: &[String]) -> Result<(Vec<PlanPath>, Skipped)> {
    let mut out = Vec::new();
    let mut skipped = Vec::new();
    for (i, p) in paths.iter().enumerate() {
        let path = Path::new(p);
        if p != "-" && path.is_dir() {
            let found = scan(&[path.to_path_buf()], ".json", Walk::Plans)?;
            for (f, why) in found.skipped {
                console.note(&format!("skipping {}: {why}", f.display()));
                skipped.push((f.display().to_string(), why));
            }
            if found.files.is_empty() {
                let what: Vec<String> = skipped.iter().map(|(f, why)| format!("\n  {f}: skipped: {why}")).collect();
                anyhow::bail!("{p}: no *.json plan files in this directory{}", what.concat());
            }
            out.extend(found.files.into_iter().map(|f| PlanPath { path: f.display().to_string(), dir: Some(i) }));
        } else {
            out.push(PlanPath { path: p.clone(), dir: None });
        }
    }
    Ok((out, skipped))
}
