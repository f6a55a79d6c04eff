#!/usr/bin/env bash
# The whole built-in library on one large plan against the floor of issue 10:
# a serde_json IgnoredAny pass over the same bytes, in the same run (targets:
# library with the JSON report within 2.0x the floor, peak RSS within 1.3x
# the file).
#
#   benches/engine-floor.sh [RUNS] [PLAN]     e.g. benches/engine-floor.sh 5 /work/bench/p100k.json
#
# Rows: "floor" (read_bench ignored), "read" (read_bench parse: the plan
# model, no values resolved), "no-policy" (`tfgate check PLAN --format json`
# with one policy for a type no plan has: reading, targets and an empty
# report, what every run pays before a policy applies), "lib-json"
# (`tfgate check PLAN --format json`) and "lib-table" (the default table).
# Each is run RUNS times, the five alternating so that a change in the
# machine's load hits all of them;
# times are medians of the wall clock, with each run's ratio to the floor
# of its own round (median and range); peak RSS the maximum and the median.
# Without PLAN, a 100k-resource plan is generated (gen_plan.py -n 100000). TFGATE_BIN
# replaces the freshly built binary (to measure an older build the same way).
# What the library's report itself costs is measured apart, with lib-json's
# report: `TFGATE_BENCH_REPORT=report.json cargo bench -p tfgate-report --bench render -- json`.
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-5}
target=${CARGO_TARGET_DIR:-target}
data=$target/engine-floor
mkdir -p "$data"
plan=${2:-$data/plan-100000.json}
[ -f "$plan" ] || python3 ../shared/tools/gen_plan.py -n 100000 -o "$plan" -q
cargo build --release -q -p tfgate
cargo build --release -q -p tfgate-plan --example read_bench
bin=${TFGATE_BIN:-$target/release/tfgate}
reader=$target/release/examples/read_bench
median() { sort -g | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
timed() { /usr/bin/time -f "%e %M" -o "$data/time.txt" "$@" > /dev/null || true; tail -1 "$data/time.txt"; }

none=$data/no-policy.policy.hcl
cat > "$none" <<'HCL'
resource_policy "tfgate_no_such_type" "none" {
  enforce {
    condition = true
  }
}
HCL

rows=(floor read no-policy lib-json lib-table)
for m in "${rows[@]}"; do : > "$data/t-$m.txt"; done
for _ in $(seq "$runs"); do
  timed "$reader" ignored "$plan" >> "$data/t-floor.txt"
  timed "$reader" parse "$plan" >> "$data/t-read.txt"
  timed "$bin" check "$plan" --format json --policy "$none" >> "$data/t-no-policy.txt"
  timed "$bin" check "$plan" --format json >> "$data/t-lib-json.txt"
  timed "$bin" check "$plan" >> "$data/t-lib-table.txt"
done
bytes=$(stat -c %s "$plan")
printf '%s: %.1f MB, median of %d alternating runs (whole process, wall clock)\n' \
  "$plan" "$(echo "$bytes/1000000" | bc -l)" "$runs"
floor=$(cut -d' ' -f1 "$data/t-floor.txt" | median)
# Besides the ratio of the medians, each run's time over the floor of the
# same round (median and range): a change in the machine's load between
# rounds then moves both sides of a ratio.
for m in "${rows[@]}"; do
  t=$(cut -d' ' -f1 "$data/t-$m.txt" | median)
  ratios=$(paste -d' ' "$data/t-$m.txt" "$data/t-floor.txt" | awk '{print $1/$3}' | sort -g)
  paired=$(echo "$ratios" | median)
  low=$(echo "$ratios" | head -1)
  high=$(echo "$ratios" | tail -1)
  rss=$(cut -d' ' -f2 "$data/t-$m.txt" | sort -g | tail -1)
  rss_median=$(cut -d' ' -f2 "$data/t-$m.txt" | median)
  awk -v m="$m" -v t="$t" -v f="$floor" -v p="$paired" -v lo="$low" -v hi="$high" -v rss="$rss" -v rm="$rss_median" -v bytes="$bytes" 'BEGIN {
    printf "  %-9s %6.2f s  %5.2fx floor (per round %.2fx, %.2f-%.2f)  peak RSS %4.0f MB (%.2fx file), median %4.0f MB (%.2fx)\n",
      m, t, t/f, p, lo, hi, rss*1024/1e6, rss*1024/bytes, rm*1024/1e6, rm*1024/bytes }'
done
