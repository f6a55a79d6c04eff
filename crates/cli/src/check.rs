//! `tfgate check PLAN... [--policy PATH...]`: evaluate policies, report, gate.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use clap::Args;
use rayon::prelude::*;
use tfgate_policy::check::{check_plan, describe_policies, CheckOptions};
use tfgate_policy::config::{self, Config, PolicySetSource};
use tfgate_policy::gate::{decide, UnknownMode};
use tfgate_report::{
    render, EnforcementLevel, Format, OverrideInfo, PlanInfo, RenderOptions, Report, ReportError, Status, Tool,
    SCHEMA_VERSION,
};

use crate::plan_input::{parse, read_plan_text};
use crate::policies_input::{load_policies, policy_error, BUILTIN_PREFIX};

#[derive(Args)]
pub struct CheckArgs {
    /// Plan JSON files (`terraform show -json PLANFILE > plan.json`) or directories of them;
    /// `-` reads standard input.
    #[arg(required = true)]
    plans: Vec<String>,
    /// Policy files or directories (searched for `*.policy.hcl`); the built-in library when none is given.
    #[arg(long = "policy", short = 'p', value_name = "PATH")]
    policies: Vec<PathBuf>,
    /// How a result that depends on values known only after apply counts: as a failure
    /// (the gate fails closed; the default), a warning, or a pass.
    #[arg(long, value_name = "MODE", value_parser = ["fail", "warn", "pass"])]
    unknown: Option<String>,
    /// The configuration file (policy sets, levels, inputs, waivers); `./tfgate.hcl` when it exists.
    #[arg(long, value_name = "PATH")]
    config: Option<PathBuf>,
    /// Override a failing soft-mandatory (mandatory-overridable) policy for this run (repeatable).
    #[arg(long = "override", value_name = "POLICY_ID")]
    overrides: Vec<String>,
    /// Override every failing soft-mandatory policy for this run.
    #[arg(long)]
    override_all_soft: bool,
    /// Why the override was given; recorded in the report with who gave it.
    #[arg(long, value_name = "TEXT")]
    override_reason: Option<String>,
    /// Output format on standard output.
    #[arg(long, short = 'f', value_name = "FORMAT", default_value = "table", value_parser = FORMATS)]
    format: String,
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
}

const FORMATS: [&str; 7] = ["table", "json", "sarif", "junit", "github", "markdown", "sentinel"];

pub fn run(args: CheckArgs) -> Result<u8> {
    let config = match args.config.clone().or_else(|| config::discover(Path::new("."))) {
        Some(path) => config::load_config(&path).map_err(policy_error)?,
        None => Config::default(),
    };
    let set = if args.policies.is_empty() && !config.policy_sets.is_empty() {
        load_policy_sets(&config.policy_sets)?
    } else {
        load_policies(&args.policies)?
    };
    if set.files().is_empty() {
        anyhow::bail!("no policies to run: the built-in library is empty and no --policy was given");
    }
    let unknown: UnknownMode = match &args.unknown {
        Some(u) => u.parse().map_err(anyhow::Error::msg)?,
        None => config.unknown.unwrap_or_default(),
    };
    let options =
        CheckOptions { inputs: config.inputs.clone(), levels: config.levels.clone(), ..CheckOptions::default() };
    let policies = describe_policies(&set, &options, |f| {
        f.name().strip_prefix(BUILTIN_PREFIX).map_or_else(|| f.name().to_string(), |b| format!("{BUILTIN_PREFIX}{b}"))
    });

    // Plans are independent: read and evaluate them in parallel, with a
    // progress bar for long multi-plan runs on a terminal.
    let plans = expand_plan_paths(&args.plans)?;
    let progress = (plans.len() > 1 && std::io::stderr().is_terminal()).then(|| {
        let bar = indicatif::ProgressBar::new(plans.len() as u64);
        bar.set_style(
            indicatif::ProgressStyle::with_template("{bar:40} {pos}/{len} plans {msg}")
                .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
        );
        bar
    });
    // The process ends soon after the report is printed: freeing a large
    // plan's (or report's) millions of small objects first would only cost
    // time (about a tenth of a run on a 100k-resource plan). With several
    // plans each is freed as soon as it is checked, to keep memory flat.
    let single_plan = plans.len() == 1;
    let results: Vec<Result<(PlanInfo, tfgate_policy::check::CheckOutput)>> = plans
        .par_iter()
        .map(|path| {
            let _tick = progress.as_ref().map(Tick);
            let input = read_plan_text(path)?;
            let plan = parse(&input)?;
            let output = check_plan(&set, &plan, &input.name, &options);
            let info = PlanInfo {
                path: input.name.clone(),
                format_version: plan.format_version.clone(),
                terraform_version: plan.terraform_version.clone(),
                producer: plan.producer.as_str().to_string(),
                resources: output.resources,
                warnings: plan.warnings.clone(),
            };
            if single_plan {
                std::mem::forget(plan);
            }
            Ok((info, output))
        })
        .collect();

    let mut report = Report {
        schema_version: SCHEMA_VERSION,
        tool: Tool { name: "tfgate".into(), version: env!("CARGO_PKG_VERSION").into() },
        policies,
        ..Report::default()
    };
    if let Some(bar) = progress {
        bar.finish_and_clear();
    }
    for r in results {
        let (info, output) = r?;
        report.plans.push(info);
        if report.findings.is_empty() {
            // Moved, not copied: a large plan has hundreds of thousands.
            report.findings = output.findings;
        } else {
            report.findings.extend(output.findings);
        }
        report.errors.extend(output.errors);
    }
    report.overrides = apply_overrides(&args, &mut report)?;
    report.waivers = config::apply_waivers(&config.waivers, &mut report.findings, &config::today());
    report.gate = decide(&report.findings, &report.errors, unknown);

    let terminal = std::io::stdout().is_terminal();
    let color = terminal && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty());
    // On a terminal, tables wrap their messages to its width.
    let width = terminal.then(|| terminal_size::terminal_size().map(|(w, _)| usize::from(w.0))).flatten();
    let options = RenderOptions {
        color,
        verbose: args.verbose,
        group_by_module: args.group_by.as_deref() == Some("module"),
        unknown_as: args.junit_unknown.parse().map_err(|e: ReportError| anyhow::anyhow!(e))?,
        width,
    };
    // Files first: a CI step should get its SARIF even when stdout is cut short.
    for spec in &args.outputs {
        let (format, path) = spec
            .split_once('=')
            .with_context(|| format!("--output {spec}: expected FORMAT=PATH, e.g. sarif=results.sarif"))?;
        let format: Format = format.parse().map_err(|e: ReportError| anyhow::anyhow!("--output {spec}: {e}"))?;
        let text = render(format, &report, &RenderOptions { color: false, ..options.clone() })?;
        std::fs::write(path, text).with_context(|| format!("cannot write {path}"))?;
    }
    let format: Format = args.format.parse().map_err(|e: ReportError| anyhow::anyhow!(e))?;
    print!("{}", render(format, &report, &options)?);
    let code = report.gate.exit_code;
    std::mem::forget(report);
    Ok(code)
}

/// Advances the progress bar when a plan is done (also on error).
struct Tick<'a>(&'a indicatif::ProgressBar);

impl Drop for Tick<'_> {
    fn drop(&mut self) {
        self.0.inc(1);
    }
}

/// Marks the findings of overridden soft-mandatory policies. Naming a
/// mandatory (hard) policy or an unknown one is an error: a gate that
/// silently ignored an override request would hide a mistake.
fn apply_overrides(args: &CheckArgs, report: &mut Report) -> Result<Vec<OverrideInfo>> {
    for id in &args.overrides {
        let Some(p) = report.policies.iter().find(|p| &p.id == id || &p.name == id) else {
            anyhow::bail!("--override {id}: no policy with this id ran");
        };
        if p.enforcement_level != EnforcementLevel::MandatoryOverridable {
            anyhow::bail!(
                "--override {id}: the policy is {} ({}), only soft-mandatory (mandatory-overridable) policies can be overridden",
                p.enforcement_level.as_str(),
                p.enforcement_level.sentinel_name()
            );
        }
    }
    let by = ["TFGATE_ACTOR", "GITHUB_ACTOR", "GITLAB_USER_LOGIN", "BUILD_REQUESTEDFOR", "USER", "USERNAME"]
        .iter()
        .find_map(|v| std::env::var(v).ok().filter(|s| !s.is_empty()));
    let mut overridden = std::collections::BTreeSet::new();
    for f in report.findings.iter_mut() {
        let named = args.overrides.iter().any(|o| **o == *f.policy_id || **o == *f.policy_name);
        if f.enforcement_level == EnforcementLevel::MandatoryOverridable
            && (named || args.override_all_soft)
            && matches!(f.status, Status::Fail | Status::Unknown)
        {
            f.overridden = true;
            overridden.insert(f.policy_id.to_string());
        }
    }
    Ok(overridden
        .into_iter()
        .map(|policy| OverrideInfo { policy, reason: args.override_reason.clone(), by: by.clone() })
        .collect())
}

/// Loads the policy sets a configuration names.
fn load_policy_sets(sets: &[PolicySetSource]) -> Result<tfgate_policy::PolicySet> {
    let mut all = tfgate_policy::PolicySet::default();
    for s in sets {
        let set = match s {
            PolicySetSource::Builtin => crate::policies_input::load_builtin()?,
            PolicySetSource::Path(p) => load_policies(std::slice::from_ref(p))?,
        };
        for f in set.files() {
            all.push(f.clone());
        }
    }
    Ok(all)
}

/// Plan paths as given, with directories replaced by the `*.json` files
/// below them (sorted), so that `tfgate check plans/` checks every plan.
fn expand_plan_paths(paths: &[String]) -> Result<Vec<String>> {
    let mut out = Vec::new();
    for p in paths {
        let path = Path::new(p);
        if p != "-" && path.is_dir() {
            let files = crate::policies_input::policy_files(&[path.to_path_buf()], ".json")?;
            if files.is_empty() {
                anyhow::bail!("{p}: no *.json plan files in this directory");
            }
            out.extend(files.into_iter().map(|f| f.display().to_string()));
        } else {
            out.push(p.clone());
        }
    }
    Ok(out)
}
