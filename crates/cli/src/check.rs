//! `tfgate check PLAN... [--policy PATH...]`: evaluate policies, report, gate.

use std::fmt::Write;
use std::path::PathBuf;

use anyhow::Result;
use clap::Args;
use rayon::prelude::*;
use tfgate_policy::check::{check_plan, describe_policies, CheckOptions};
use tfgate_policy::gate::{decide, UnknownMode};
use tfgate_report::{PlanInfo, Report, Status, Tool, SCHEMA_VERSION};

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
    /// Output format.
    #[arg(long, value_name = "FORMAT", default_value = "text", value_parser = ["text", "json"])]
    format: String,
    /// Also list the findings that pass.
    #[arg(long, short = 'v')]
    verbose: bool,
}

pub fn run(args: CheckArgs) -> Result<u8> {
    let set = load_policies(&args.policies)?;
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

    let out = match args.format.as_str() {
        "json" => serde_json::to_string_pretty(&report)? + "\n",
        _ => render_text(&report, args.verbose),
    };
    print!("{out}");
    Ok(report.gate.exit_code)
}

/// One line per finding (policy, status, level, address, module, message), then a summary.
fn render_text(report: &Report, verbose: bool) -> String {
    let mut out = String::new();
    let many_plans = report.plans.len() > 1;
    for f in report.findings.iter().filter(|f| verbose || f.status != Status::Pass) {
        let module = if f.module_path.is_empty() { "(root)" } else { &f.module_path };
        let plan = if many_plans { format!("{}: ", f.plan) } else { String::new() };
        let _ = write!(
            out,
            "{:<7} {:<21} {:<28} {plan}{}  [{module}]",
            f.status.as_str().to_uppercase(),
            f.enforcement_level.as_str(),
            f.policy_id,
            f.address
        );
        let mut lines = f.message.lines();
        if let Some(first) = lines.next() {
            let _ = write!(out, "  {first}");
        }
        out.push('\n');
        for line in lines {
            let _ = writeln!(out, "        {line}");
        }
    }
    for e in &report.errors {
        let _ = writeln!(out, "ERROR   {}", e.message);
    }
    let c = report.counts();
    let resources: usize = report.plans.iter().map(|p| p.resources).sum();
    let _ = writeln!(
        out,
        "\n{} polic{} on {resources} resource{} in {} plan{}: {} fail, {} unknown, {} error, {} pass",
        report.policies.len(),
        if report.policies.len() == 1 { "y" } else { "ies" },
        if resources == 1 { "" } else { "s" },
        report.plans.len(),
        if report.plans.len() == 1 { "" } else { "s" },
        c.fail,
        c.unknown,
        c.error,
        c.pass
    );
    let verdict = if report.gate.passed { "PASSED" } else { "FAILED" };
    let _ = writeln!(out, "gate {verdict}: {} (unknown counts as {})", report.gate.summary, report.gate.unknown_mode);
    out
}
