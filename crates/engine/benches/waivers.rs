//! Waiver matching at scale: 10,000 waivers over the 100,000 findings of a
//! large plan (`cargo bench -p tfgate-engine --bench waivers`), and for
//! comparison a one-by-one scan of every waiver per finding on a tenth of it.

use criterion::{criterion_group, criterion_main, BatchSize, Criterion};
use tfgate_engine::{apply_waivers, Waiver, WaiverScope};
use tfgate_plan::AddressPattern;

const POLICIES: usize = 40;

fn policy(i: usize) -> String {
    format!("TFG-X-{:03}/block", i % POLICIES)
}

/// Findings over 1,000 modules of `n / 1000` instances, a third failing.
fn findings(n: usize) -> Vec<tfgate_core::Finding> {
    (0..n)
        .map(|i| tfgate_core::Finding {
            policy_id: policy(i).into(),
            address: format!("module.m{}.aws_instance.r[{}]", i % 1000, i / 1000).into(),
            status: if i % 3 == 0 { tfgate_core::Status::Fail } else { tfgate_core::Status::Pass },
            ..tfgate_core::Finding::default()
        })
        .collect()
}

/// Three in four waivers name one address, the rest a module glob; every
/// twentieth covers a whole policy of several blocks, a few cover `*`.
fn waivers(n: usize) -> Vec<Waiver> {
    (0..n)
        .map(|i| {
            let address = if i % 4 == 3 {
                format!("module.m{}.*", (i * 7) % 1000)
            } else {
                format!("module.m{}.aws_instance.r[{}]", (i * 13) % 1000, i % 100)
            };
            let scope = match i {
                _ if i % 997 == 0 => WaiverScope::All,
                _ if i % 20 == 0 => WaiverScope::Blocks((0..4).map(|k| policy(i + k)).collect()),
                _ => WaiverScope::Blocks(vec![policy(i)]),
            };
            Waiver {
                policy: policy(i),
                policy_at: 0..0,
                address: AddressPattern::new(&address),
                reason: "bench".into(),
                owner: None,
                expires: (i % 10 == 0).then(|| "2020-01-01".to_string()),
                scope,
            }
        })
        .collect()
}

/// The matching as it was: every waiver tried against every finding.
fn scan_every_waiver(waivers: &[Waiver], findings: &mut [tfgate_core::Finding], today: &str) -> usize {
    let mut matched = 0;
    for w in waivers.iter().filter(|w| !w.expired(today)) {
        for f in findings.iter_mut() {
            let covers = match &w.scope {
                WaiverScope::All => true,
                WaiverScope::Blocks(ids) => ids.iter().any(|id| **id == *f.policy_id),
                WaiverScope::Unresolved => false,
            };
            if matches!(f.status, tfgate_core::Status::Fail | tfgate_core::Status::Unknown)
                && covers
                && w.address.matches(&f.address)
            {
                f.status = tfgate_core::Status::Waived;
                matched += 1;
            }
        }
    }
    matched
}

fn bench(c: &mut Criterion) {
    let mut group = c.benchmark_group("waivers");
    group.sample_size(10);
    let (w, f) = (waivers(10_000), findings(100_000));
    group.bench_function("indexed 10k waivers x 100k findings", |b| {
        b.iter_batched(|| f.clone(), |mut f| apply_waivers(&w, &mut f, "2026-12-01"), BatchSize::LargeInput)
    });
    let (w, f) = (waivers(1_000), findings(10_000));
    group.bench_function("indexed 1k waivers x 10k findings", |b| {
        b.iter_batched(|| f.clone(), |mut f| apply_waivers(&w, &mut f, "2026-12-01"), BatchSize::LargeInput)
    });
    group.bench_function("scan 1k waivers x 10k findings", |b| {
        b.iter_batched(|| f.clone(), |mut f| scan_every_waiver(&w, &mut f, "2026-12-01"), BatchSize::LargeInput)
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
