//! Rendering a failing report: the default table, as a user sees it in a CI
//! log (plain and wrapped to a terminal width), and the JSON report, written
//! into a sink as `tfgate check --format json` writes it to standard output.
//! On a large plan the JSON report is a fixed cost of the run that no policy
//! evaluation can remove (see `benches/engine-floor.sh`).
//!
//! Realistic input: `TFGATE_BENCH_REPORT=report.json` names a JSON report
//! (`tfgate check --format json` of a plan from `shared/tools/gen_plan.py`);
//! without it, a synthetic report of the same shape (51 policies, about
//! 6,000 findings of which a third need attention) is rendered.

use criterion::{criterion_group, criterion_main, Criterion};
use tfgate_report::{render, write, EnforcementLevel, Finding, Format, PolicyInfo, RenderOptions, Report, Status};

fn report() -> Report {
    if let Some(path) = std::env::var_os("TFGATE_BENCH_REPORT") {
        let text = std::fs::read_to_string(&path).expect("TFGATE_BENCH_REPORT names a readable report");
        return serde_json::from_str(&text).expect("a tfgate JSON report");
    }
    let mut report = Report::default();
    for p in 0..51 {
        let id = format!("TFG-EC2-{p:03}");
        report.policies.push(PolicyInfo {
            id: id.clone(),
            name: format!("rule_{p}"),
            title: Some("EC2 instances require IMDSv2 (session tokens) or have the metadata endpoint off".into()),
            enforcement_level: EnforcementLevel::Mandatory,
            ..PolicyInfo::default()
        });
        // Half the policies match nothing, as on a plan with few AWS types.
        if p % 2 == 1 {
            continue;
        }
        for i in 0..230 {
            let module = format!("module.app[\"svc-{}\"].module.web[{}]", i % 17, i % 3);
            let address = format!("{module}.aws_instance.web[{i}]");
            let status = if i % 3 == 0 { Status::Fail } else { Status::Pass };
            report.findings.push(Finding {
                policy_id: id.as_str().into(),
                status,
                message: format!(
                    "{address}: metadata_options.http_tokens is \"optional\"; instances accept IMDSv1. Set http_tokens = \"required\"."
                ),
                address: address.into(),
                module_path: module.into(),
                ..Finding::default()
            });
        }
    }
    report
}

fn table(c: &mut Criterion) {
    let report = report();
    let mut g = c.benchmark_group("table");
    g.sample_size(20);
    g.bench_function("default", |b| {
        b.iter(|| render(Format::Table, &report, &RenderOptions::default()).unwrap().len())
    });
    let narrow = RenderOptions { width: Some(120), ..RenderOptions::default() };
    g.bench_function("width_120", |b| b.iter(|| render(Format::Table, &report, &narrow).unwrap().len()));
    g.finish();
}

fn json(c: &mut Criterion) {
    let report = report();
    let mut g = c.benchmark_group("json");
    g.sample_size(10);
    g.bench_function("report", |b| {
        b.iter(|| write(Format::Json, &report, &RenderOptions::default(), &mut std::io::sink()).unwrap())
    });
    g.finish();
}

criterion_group!(benches, table, json);
criterion_main!(benches);
