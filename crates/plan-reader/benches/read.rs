//! Criterion benchmarks of the plan reader's hot functions.
//!
//! Whole-file figures on large generated plans come from
//! `benches/read-large.sh` (whole-process timings of the release build);
//! these measure the pieces: value resolution, address parsing, and parsing
//! a generated plan if `target/bench-data/plan-1000.json` exists (the script
//! makes it: `benches/read-large.sh 1 1000`).

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use serde::de::IgnoredAny;
use tfgate_plan::{resolve, Address, KeyStyle, Plan};

const AFTER: &str = r#"{"ami":"ami-0abcdef1234567890","associate_public_ip_address":false,"credit_specification":[],"disable_api_stop":false,"disable_api_termination":false,"ebs_optimized":true,"get_password_data":false,"hibernation":null,"iam_instance_profile":"web","instance_type":"m5.large","launch_template":[],"metadata_options":[{"http_endpoint":"enabled","http_put_response_hop_limit":1,"http_tokens":"required","instance_metadata_tags":"disabled"}],"monitoring":true,"root_block_device":[{"delete_on_termination":true,"encrypted":true,"volume_size":50,"volume_type":"gp3"}],"source_dest_check":true,"subnet_id":"subnet-0123456789abcdef0","tags":{"Name":"web","env":"prod","owner":"platform"},"timeouts":null,"user_data_replace_on_change":false,"volume_tags":null,"vpc_security_group_ids":["sg-0123456789abcdef0","sg-0fedcba9876543210"]}"#;
const UNKNOWN: &str = r#"{"arn":true,"availability_zone":true,"capacity_reservation_specification":true,"cpu_core_count":true,"credit_specification":[],"ebs_block_device":true,"id":true,"instance_state":true,"ipv6_addresses":true,"key_name":true,"launch_template":[],"metadata_options":[{}],"network_interface":true,"private_ip":true,"public_ip":true,"root_block_device":[{"device_name":true,"iops":true,"kms_key_id":true,"throughput":true,"volume_id":true}],"security_groups":true,"tags":{},"tags_all":true,"vpc_security_group_ids":[false,false]}"#;
const SENSITIVE: &str = r#"{"credit_specification":[],"launch_template":[],"metadata_options":[{}],"root_block_device":[{}],"tags":{},"vpc_security_group_ids":[false,false]}"#;

fn values(c: &mut Criterion) {
    let mut g = c.benchmark_group("resolve");
    g.throughput(Throughput::Bytes((AFTER.len() + UNKNOWN.len() + SENSITIVE.len()) as u64));
    g.bench_function("aws_instance_after", |b| {
        b.iter(|| resolve(Some(AFTER), Some(UNKNOWN), Some(SENSITIVE)).unwrap())
    });
    g.bench_function("aws_instance_ignored_any", |b| {
        b.iter(|| serde_json::from_str::<IgnoredAny>(AFTER).unwrap());
    });
    g.finish();
}

fn addresses(c: &mut Criterion) {
    let text = r#"module.app["blue"].module.db[0].aws_instance.web["jobs-0000"]"#;
    c.bench_function("address_parse", |b| b.iter(|| Address::parse_styled(text, KeyStyle::Hcl).unwrap()));
}

fn whole_plan(c: &mut Criterion) {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target/bench-data/plan-1000.json");
    let Ok(text) = std::fs::read_to_string(&path) else {
        eprintln!("{} is missing: run benches/read-large.sh 1 1000 to make it", path.display());
        return;
    };
    let mut g = c.benchmark_group("plan_1000");
    g.throughput(Throughput::Bytes(text.len() as u64));
    g.sample_size(20);
    g.bench_with_input(BenchmarkId::new("ignored_any", text.len()), &text, |b, t| {
        b.iter(|| serde_json::from_str::<IgnoredAny>(t).unwrap())
    });
    g.bench_with_input(BenchmarkId::new("parse", text.len()), &text, |b, t| b.iter(|| Plan::parse(t).unwrap()));
    g.bench_with_input(BenchmarkId::new("parse_and_resolve", text.len()), &text, |b, t| {
        b.iter(|| {
            let plan = Plan::parse(t).unwrap();
            plan.resources.iter().map(|r| r.after().unwrap().is_wholly_known() as usize).sum::<usize>()
        })
    });
    g.finish();
}

criterion_group!(benches, values, addresses, whole_plan);
criterion_main!(benches);
