#!/usr/bin/env bash
# Whole-process benchmark of a Sentinel policy written the way HashiCorp's
# libraries write them (benches/sentinel: a tfplan-functions-style module
# filters aws_instance, checks metadata_options.0.http_tokens, prints the
# violators) against its .policy.hcl twin (benches/sentinel-hcl), on a
# generated plan. Issue target: Sentinel within 2x the .policy.hcl policy's
# time, peak RSS within 1.5x the plan file.
#
#   benches/sentinel-large.sh [RUNS] [RESOURCES]      e.g. benches/sentinel-large.sh 5 100000
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-5}
n=${2:-100000}
source benches/common.sh
plan="$data/plan-$n.json"
[ -f "$plan" ] || python3 ../shared/tools/gen_plan.py -n "$n" --depth 3 --seed 7 -o "$plan" -q
timed() { /usr/bin/time -f "%e %M" "$@" 2>&1 >/dev/null | tail -1; }
for m in hcl sentinel; do : > "$data/t-$m.txt"; done
for _ in $(seq "$runs"); do
  timed "$bin" check "$plan" -p benches/sentinel-hcl --format json >> "$data/t-hcl.txt" || true
  timed "$bin" check "$plan" --sentinel benches/sentinel --format json >> "$data/t-sentinel.txt" || true
done
bytes=$(stat -L -c %s "$plan")
printf '%d resources, %.1f MB plan (median of %d runs, whole process)\n' "$n" "$(echo "$bytes/1000000" | bc -l)" "$runs"
base=$(cut -d' ' -f1 "$data/t-hcl.txt" | median)
for m in hcl sentinel; do
  t=$(cut -d' ' -f1 "$data/t-$m.txt" | median)
  rss=$(cut -d' ' -f2 "$data/t-$m.txt" | sort -g | tail -1)
  printf '%-9s %6.2f s  %5.2fx .policy.hcl   peak RSS %6.0f MB  %4.2fx the file\n' "$m" "$t" "$(echo "$t/$base" | bc -l)" \
    "$(echo "$rss/1024" | bc -l)" "$(echo "$rss*1024/$bytes" | bc -l)"
done
# Runs alternate, so each pair shares the machine's load of the moment: the
# median of the pairs' ratios is steadier than the ratio of the medians.
pairs=$(paste -d' ' "$data/t-sentinel.txt" "$data/t-hcl.txt" | awk '{print $1/$3}' | median)
printf 'median of the %d per-run ratios: %.2fx\n' "$runs" "$pairs"
