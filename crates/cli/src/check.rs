//! `tfgate check PLAN... [--policy PATH...]`: evaluate policies, report, gate.

use std::io::IsTerminal;
use std::path::PathBuf;

use anyhow::{Context, Result};
use clap::Args;
use rayon::prelude::*;
use tfgate_policy::check::{check_plan, describe_policies, CheckOptions};
use tfgate_policy::gate::{decide, UnknownMode};
use tfgate_report::{render, Format, PlanInfo, RenderOptions, Report, ReportError, Tool, SCHEMA_VERSION};

use crate::plan_input::{parse, read_plan_text};
use crate::policies_input::{load_policies, BUILTIN_PREFIX};

#[derive(Args)]
pub struct CheckArgs {
    /// Plan JSON files (`terraform show -json PLANFILE > plan.json`); `-` reads standard input.
    #[arg(required = true)]
    plans: Vec<String>,
    /// Policy files or directories (searched for `*.policy.hcl`); the built-in library when none is given.
    #[arg(long = "policy", short = 'p', value_name = "PATH")]
    policies: Vec<PathBuf>,
    /// How a result that depends on values known only after apply counts: as a failure
    /// (the gate fails closed), a warning, or a pass.
    #[arg(long, value_name = "MODE", default_value = "fail", value_parser = ["fail", "warn", "pass"])]
    unknown: String,
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
    let set = load_policies(&args.policies)?;
    if set.files().is_empty() {
        anyhow::bail!("no policies to run: the built-in library is empty and no --policy was given");
    }
    let unknown: UnknownMode = args.unknown.parse().map_err(anyhow::Error::msg)?;
    let options = CheckOptions::default();
    let policies = describe_policies(&set, &options, |f| {
        f.name().strip_prefix(BUILTIN_PREFIX).map_or_else(|| f.name().to_string(), |b| format!("{BUILTIN_PREFIX}{b}"))
    });

    // Plans are independent: read and evaluate them in parallel.
    let results: Vec<Result<(PlanInfo, tfgate_policy::check::CheckOutput)>> = args
        .plans
        .par_iter()
        .map(|path| {
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
            Ok((info, output))
        })
        .collect();

    let mut report = Report {
        schema_version: SCHEMA_VERSION,
        tool: Tool { name: "tfgate".into(), version: env!("CARGO_PKG_VERSION").into() },
        policies,
        ..Report::default()
    };
    for r in results {
        let (info, output) = r?;
        report.plans.push(info);
        report.findings.extend(output.findings);
        report.errors.extend(output.errors);
    }
    report.gate = decide(&report.findings, &report.errors, unknown);

    let color = std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty());
    let options = RenderOptions {
        color,
        verbose: args.verbose,
        group_by_module: args.group_by.as_deref() == Some("module"),
        unknown_as: args.junit_unknown.parse().map_err(|e: ReportError| anyhow::anyhow!(e))?,
        width: None,
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
    Ok(report.gate.exit_code)
}
