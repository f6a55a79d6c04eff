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
    /// Left empty while the document is serialized; see [`findings_text`].
    findings: [(); 0],
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

    // The roll-up and the findings (most of the text) are independent.
    let (modules, chunks) = rayon::join(|| module_rollup(report), || findings_chunks(&findings));
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
        findings: [],
        waivers: &report.waivers,
        overrides: &report.overrides,
        errors: &report.errors,
        modules,
    };
    let skeleton = serde_json::to_string_pretty(&doc)?;
    // Top-level keys are the only lines starting with two spaces and a quote.
    const EMPTY: &str = "\n  \"findings\": [],\n";
    let at = skeleton
        .find(EMPTY)
        .ok_or_else(|| <serde_json::Error as serde::ser::Error>::custom("the serialized report has no findings key"))?
        + EMPTY.len()
        - 4;
    let (head, tail) = (&skeleton[..at], &skeleton[at + 2..]);
    let chunks = chunks?;
    // One allocation for the whole report: it can be over 100 MB.
    let mut out =
        String::with_capacity(head.len() + chunks.iter().map(|c| c.len() + 1).sum::<usize>() + tail.len() + 8);
    out.push_str(head);
    if chunks.is_empty() {
        out.push_str("[]");
    } else {
        out.push('[');
        for (i, chunk) in chunks.iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            out.push_str(chunk);
        }
        out.push_str("\n  ]");
    }
    out.push_str(tail);
    out.push('\n');
    Ok(out)
}

/// The elements of the findings array, as `to_string_pretty` writes them
/// in the value of a top-level key (each chunk a run of `\n    {...},`
/// without the last comma), built in parallel: reports of large plans hold
/// hundreds of thousands of findings, most of the rendering time.
fn findings_chunks(findings: &[&Finding]) -> Result<Vec<String>, ReportError> {
    use rayon::prelude::*;
    // Each chunk is written as the value of a top-level key, which indents
    // its elements as in the whole report; the wrapper is then cut away.
    #[derive(Serialize)]
    struct Wrapper<'a> {
        findings: &'a [&'a Finding],
    }
    const HEAD: &str = "{\n  \"findings\": [";
    const TAIL: &str = "\n  ]\n}";
    let chunks = findings
        .par_chunks(2048)
        .map(|chunk| {
            let mut text = serde_json::to_string_pretty(&Wrapper { findings: chunk })?;
            text.truncate(text.len() - TAIL.len());
            text.replace_range(..HEAD.len(), "");
            Ok(text)
        })
        .collect::<Result<_, serde_json::Error>>()?;
    Ok(chunks)
}
