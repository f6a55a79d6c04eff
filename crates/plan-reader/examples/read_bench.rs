//! Whole-process measurement of the plan reader on one file, for the
//! benchmark script `benches/read-large.sh`.
//!
//! `read_bench ignored FILE`  — read the file and run a serde_json IgnoredAny pass (the baseline);
//! `read_bench resolve FILE`  — read the file, build the plan model and resolve
//!                              every resource's after-value (in parallel).
//! Prints the elapsed seconds (after the file is in memory) and the peak RSS.

use std::time::Instant;

use rayon::prelude::*;
use serde::de::IgnoredAny;

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

// The same allocator setting as the tfgate binary (see crates/cli/src/main.rs).
#[used]
#[link_section = ".init_array"]
static TUNE_ALLOCATOR: extern "C" fn() = tune_allocator;

extern "C" fn tune_allocator() {
    // SAFETY: sets a process-wide allocator option before anything runs.
    unsafe {
        libmimalloc_sys::mi_option_set(4 /* arena_eager_commit */, 0)
    };
}

fn peak_rss_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| s.lines().find(|l| l.starts_with("VmHWM:")).map(|l| l.to_string()))
        .and_then(|l| l.split_whitespace().nth(1).and_then(|n| n.parse().ok()))
        .unwrap_or(0)
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let [_, mode, file] = args.as_slice() else {
        eprintln!("usage: read_bench ignored|resolve FILE");
        std::process::exit(2);
    };
    let bytes = std::fs::read(file).expect("read file");
    let len = bytes.len();
    let start = Instant::now();
    let detail = match mode.as_str() {
        "ignored" => {
            let text = std::str::from_utf8(&bytes).expect("utf-8");
            serde_json::from_str::<IgnoredAny>(text).expect("valid JSON");
            String::new()
        }
        "parse" => {
            let text = tfgate_plan::Plan::decode(&bytes).expect("decode");
            let plan = tfgate_plan::Plan::parse(&text).expect("plan");
            let detail = format!(" resources={}", plan.resources.len());
            // Not freed, as `tfgate check` does not free a lone plan: the
            // baseline is reading, not tearing down.
            std::mem::forget(plan);
            detail
        }
        "resolve-loop" => {
            // Profiling aid: resolution only, many times over, single-threaded.
            let text = tfgate_plan::Plan::decode(&bytes).expect("decode");
            let plan = tfgate_plan::Plan::parse(&text).expect("plan");
            let t = Instant::now();
            let mut n = 0;
            for _ in 0..20 {
                for r in &plan.resources {
                    n += usize::from(r.after().expect("after").is_wholly_known());
                }
            }
            format!(" per_pass_seconds={:.4} known={n}", t.elapsed().as_secs_f64() / 20.0)
        }
        "select-loop" => {
            // Profiling aid: as resolve-loop, building three attributes only.
            let text = tfgate_plan::Plan::decode(&bytes).expect("decode");
            let plan = tfgate_plan::Plan::parse(&text).expect("plan");
            let keep = |k: &str| matches!(k, "metadata_options" | "ingress" | "encrypted");
            let t = Instant::now();
            let mut n = 0;
            for _ in 0..20 {
                for r in &plan.resources {
                    n += usize::from(r.after_selected(Some(&keep)).expect("after").is_wholly_known());
                }
            }
            format!(" per_pass_seconds={:.4} known={n}", t.elapsed().as_secs_f64() / 20.0)
        }
        "resolve" => {
            let text = tfgate_plan::Plan::decode(&bytes).expect("decode");
            let plan = tfgate_plan::Plan::parse(&text).expect("plan");
            let parsed = start.elapsed().as_secs_f64();
            let (values, unknown) = plan
                .resources
                .par_iter()
                .map(|r| {
                    let v = r.after().expect("after");
                    (1usize, usize::from(!v.is_wholly_known()))
                })
                .reduce(|| (0, 0), |a, b| (a.0 + b.0, a.1 + b.1));
            format!(" resources={values} partly_unknown={unknown} parse_seconds={parsed:.4}")
        }
        other => panic!("unknown mode {other}"),
    };
    let secs = start.elapsed().as_secs_f64();
    println!("mode={mode} bytes={len} seconds={secs:.4} peak_rss_kib={}{detail}", peak_rss_kib());
}
