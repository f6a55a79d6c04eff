//! The JSON format: the [`Report`] itself plus computed `counts` and
//! `modules`, with a fixed key order and sorted lists so that two runs over
//! the same input give byte-identical output. Documented in `docs/report-json.md`.

use serde::Serialize;

use crate::{
    module_rollup, Counts, EnforcementLevel, Finding, Gate, ModuleRollup, OverrideInfo, PlanInfo, PolicyInfo,
    RenderOptions, Report, ReportError, RunError, Status, Tool, WaiverInfo, SCHEMA_VERSION,
};

#[derive(Serialize)]
struct JsonReport<'a> {
    schema_version: u32,
    tool: &'a Tool,
    gate: &'a Gate,
    counts: JsonCounts,
    plans: &'a [PlanInfo],
    policies: Vec<&'a PolicyInfo>,
    findings: Vec<&'a Finding>,
    waivers: &'a [WaiverInfo],
    overrides: &'a [OverrideInfo],
    errors: &'a [RunError],
    modules: Vec<ModuleRollup>,
}

#[derive(Serialize)]
struct JsonCounts {
    #[serde(flatten)]
    by_status: Counts,
    total: usize,
    /// Failed findings (status `fail`, not overridden) by effective level.
    failed_by_level: FailedByLevel,
    overridden: usize,
    run_errors: usize,
}

#[derive(Serialize, Default)]
struct FailedByLevel {
    advisory: usize,
    #[serde(rename = "mandatory-overridable")]
    mandatory_overridable: usize,
    mandatory: usize,
}

pub fn render(report: &Report, _options: &RenderOptions) -> Result<String, ReportError> {
    let mut policies: Vec<&PolicyInfo> = report.policies.iter().collect();
    policies.sort_by(|a, b| a.id.cmp(&b.id));
    let mut findings: Vec<&Finding> = report.findings.iter().collect();
    // Stable: findings equal on these keys keep the evaluator's order. The
    // evaluator usually delivers them sorted already; checking is cheaper.
    fn key(f: &Finding) -> (&str, &str, &str) {
        (f.plan.as_str(), f.policy_id.as_str(), f.address.as_str())
    }
    if !findings.is_sorted_by(|a, b| key(a) <= key(b)) {
        findings.sort_by(|a, b| key(a).cmp(&key(b)));
    }

    let by_status = report.counts();
    let mut failed = FailedByLevel::default();
    let mut overridden = 0;
    for f in report.findings.iter().filter(|f| f.status == Status::Fail) {
        if f.overridden {
            overridden += 1;
            continue;
        }
        match f.enforcement_level {
            EnforcementLevel::Advisory => failed.advisory += 1,
            EnforcementLevel::MandatoryOverridable => failed.mandatory_overridable += 1,
            EnforcementLevel::Mandatory => failed.mandatory += 1,
        }
    }

    let doc = JsonReport {
        // The version of this renderer's output, whatever the producer set.
        schema_version: SCHEMA_VERSION,
        tool: &report.tool,
        gate: &report.gate,
        counts: JsonCounts {
            by_status,
            total: by_status.total(),
            failed_by_level: failed,
            overridden,
            run_errors: report.errors.len(),
        },
        plans: &report.plans,
        policies,
        findings,
        waivers: &report.waivers,
        overrides: &report.overrides,
        errors: &report.errors,
        modules: module_rollup(report),
    };
    let mut out = serde_json::to_string_pretty(&doc)?;
    out.push('\n');
    Ok(out)
}
