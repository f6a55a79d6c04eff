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
    /// Left empty while the document is serialized; see [`findings_chunks`].
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
        (&*f.plan, &*f.policy_id, &*f.address)
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
    let chunks = findings
        .par_chunks(2048)
        .map(|chunk| {
            let mut text = Vec::with_capacity(chunk.len() * 700);
            for (i, f) in chunk.iter().enumerate() {
                if i > 0 {
                    text.push(b',');
                }
                write_finding(&mut text, f)?;
            }
            String::from_utf8(text).map_err(<serde_json::Error as serde::ser::Error>::custom)
        })
        .collect::<Result<_, serde_json::Error>>()?;
    Ok(chunks)
}

/// One finding as `to_string_pretty` writes an element of a top-level key's
/// array, written field by field (scalars only, each through serde_json):
/// the general pretty printer was most of the time of a large report.
fn write_finding(out: &mut Vec<u8>, f: &Finding) -> Result<(), serde_json::Error> {
    // Every field, by name: a new field does not compile until written here.
    let Finding {
        policy_id,
        policy_name,
        status,
        enforcement_level,
        severity,
        plan,
        target_kind,
        address,
        resource_type,
        module_path,
        module_source,
        module_version,
        attribute_path,
        message,
        waived_by,
        overridden,
    } = f;
    fn field(out: &mut Vec<u8>, name: &str, value: &(impl Serialize + ?Sized)) -> Result<(), serde_json::Error> {
        out.extend_from_slice(b"\n      \"");
        out.extend_from_slice(name.as_bytes());
        out.extend_from_slice(b"\": ");
        serde_json::to_writer(&mut *out, value)?;
        out.push(b',');
        Ok(())
    }
    out.extend_from_slice(b"\n    {");
    field(out, "policy_id", policy_id)?;
    field(out, "policy_name", policy_name)?;
    field(out, "status", status)?;
    field(out, "enforcement_level", enforcement_level)?;
    field(out, "severity", severity)?;
    field(out, "plan", plan)?;
    field(out, "target_kind", target_kind)?;
    field(out, "address", address)?;
    field(out, "resource_type", resource_type)?;
    field(out, "module_path", module_path)?;
    field(out, "module_source", module_source)?;
    field(out, "module_version", module_version)?;
    field(out, "attribute_path", attribute_path)?;
    field(out, "message", message)?;
    field(out, "waived_by", waived_by)?;
    field(out, "overridden", overridden)?;
    out.pop(); // the last field's comma
    out.extend_from_slice(b"\n    }");
    Ok(())
}
