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

/// Writes the report into `out` as it is serialized: the findings, most of
/// a large report (over 2 GB for a million instances), go out in batches
/// rendered in parallel and are never held whole in memory.
pub fn write(report: &Report, _options: &RenderOptions, out: &mut dyn std::io::Write) -> Result<(), ReportError> {
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

    let modules = module_rollup(report);
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
    out.write_all(head.as_bytes())?;
    write_findings(out, &findings, FINDINGS_PER_CHUNK, CHUNKS_PER_BATCH)?;
    out.write_all(tail.as_bytes())?;
    out.write_all(b"\n")?;
    Ok(())
}

/// The findings array: a batch of chunks is rendered in parallel, written,
/// and dropped.
fn write_findings(
    out: &mut dyn std::io::Write,
    findings: &[&Finding],
    per_chunk: usize,
    chunks_per_batch: usize,
) -> Result<(), ReportError> {
    if findings.is_empty() {
        out.write_all(b"[]")?;
        return Ok(());
    }
    out.write_all(b"[")?;
    for (i, batch) in findings.chunks(per_chunk * chunks_per_batch).enumerate() {
        for (j, chunk) in findings_chunks(batch, per_chunk)?.iter().enumerate() {
            if i > 0 || j > 0 {
                out.write_all(b",")?;
            }
            out.write_all(chunk.as_bytes())?;
        }
    }
    out.write_all(b"\n  ]")?;
    Ok(())
}

/// Chunks rendered at once: the memory a report needs beyond its findings.
const CHUNKS_PER_BATCH: usize = 64;

/// Findings per chunk rendered by one worker.
const FINDINGS_PER_CHUNK: usize = 2048;

/// The elements of the findings array, as `to_string_pretty` writes them
/// in the value of a top-level key (each chunk a run of `\n    {...},`
/// without the last comma), built in parallel: reports of large plans hold
/// hundreds of thousands of findings, most of the rendering time.
fn findings_chunks(findings: &[&Finding], per_chunk: usize) -> Result<Vec<String>, ReportError> {
    use rayon::prelude::*;
    let chunks = findings
        .par_chunks(per_chunk)
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
        location,
        // The gate's part, said by status, level, `overridden` and the gate.
        effect: _,
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
    // Nested, indented as the pretty printer would.
    match location {
        None => field(out, "location", &None::<()>)?,
        Some(l) => {
            out.extend_from_slice(b"\n      \"location\": {\n        \"file\": ");
            serde_json::to_writer(&mut *out, &l.file)?;
            out.extend_from_slice(
                format!(
                    ",\n        \"start_line\": {},\n        \"end_line\": {}\n      }},",
                    l.start_line, l.end_line
                )
                .as_bytes(),
            );
        }
    }
    out.pop(); // the last field's comma
    out.extend_from_slice(b"\n    }");
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn finding(i: usize) -> Finding {
        Finding {
            policy_id: "P".into(),
            address: format!("aws_instance.web[{i}]").into(),
            message: if i % 2 == 0 { format!("line \"{i}\"\nnext") } else { String::new() },
            ..Finding::default()
        }
    }

    /// Batches and chunks of any size give the bytes of one pass.
    #[test]
    fn batches_and_chunks_do_not_change_the_bytes() {
        let findings: Vec<Finding> = (0..50).map(finding).collect();
        let refs: Vec<&Finding> = findings.iter().collect();
        let mut whole = Vec::new();
        write_findings(&mut whole, &refs, 1000, 1).unwrap();
        for (per_chunk, per_batch) in [(1, 1), (3, 2), (7, 3), (50, 1), (64, 64)] {
            let mut cut = Vec::new();
            write_findings(&mut cut, &refs, per_chunk, per_batch).unwrap();
            assert_eq!(String::from_utf8(cut).unwrap(), String::from_utf8(whole.clone()).unwrap());
        }
        let mut empty = Vec::new();
        write_findings(&mut empty, &[], 3, 2).unwrap();
        assert_eq!(empty, b"[]");
    }

    /// A writer that fails stops the report with its error.
    #[test]
    fn a_failing_writer_stops_the_report() {
        struct Full;
        impl std::io::Write for Full {
            fn write(&mut self, _: &[u8]) -> std::io::Result<usize> {
                Err(std::io::Error::new(std::io::ErrorKind::StorageFull, "disk full"))
            }
            fn flush(&mut self) -> std::io::Result<()> {
                Ok(())
            }
        }
        let report = Report { findings: (0..10).map(finding).collect(), ..Report::default() };
        let err = write(&report, &RenderOptions::default(), &mut Full).unwrap_err();
        assert!(matches!(err, ReportError::Io(ref e) if e.kind() == std::io::ErrorKind::StorageFull), "{err}");
    }
}
