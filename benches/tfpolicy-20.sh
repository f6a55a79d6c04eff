#!/usr/bin/env bash
# Whole-process benchmark of `tfgate check` with 20 typical Terraform policy
# files (benches/tfpolicy-20: S3, RDS, EC2, EBS, security groups, IAM, logs,
# SSM, provider regions, a wildcard tag policy; written here in the style of
# HashiCorp's policy library) on a generated plan, against reading the plan
# alone (`tfgate inspect PLAN`: parse and resolve every value, no policies).
# Reports the median of RUNS runs of each (run alternately, so that machine
# noise hits both alike), the ratio, and peak RSS.
#
#   benches/tfpolicy-20.sh [RUNS] [PLAN]      e.g. benches/tfpolicy-20.sh 3 /work/bench/p100k.json
#
# Measured 2026-12-02 (2 shared cores, 100,000-resource plan of 417 MB, 227,073 findings):
# reading 5.59 s, peak RSS 507 MB; check 6.13 s (1.10x), peak RSS 613 MB (1.54x the file).
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-3}
plan=${2:-/work/bench/p100k.json}
source benches/common.sh
if [ ! -f "$plan" ]; then
  mkdir -p "$(dirname "$plan")"
  python3 ../shared/tools/gen_plan.py -n 100000 -o "$plan" -q
fi
timed() { /usr/bin/time -f "%e %M" "$@" 2>&1 >/dev/null | tail -1; }
for m in read check; do : > "$data/t20-$m.txt"; done
for _ in $(seq "$runs"); do
  timed "$bin" inspect "$plan" >> "$data/t20-read.txt"
  # Exit 1 (policies fail) is expected: the plan has violations on purpose.
  timed "$bin" check "$plan" -p benches/tfpolicy-20 --format json >> "$data/t20-check.txt" || true
done
findings=$("$bin" check "$plan" -p benches/tfpolicy-20 --format json | python3 -c 'import json,sys; print(len(json.load(sys.stdin)["findings"]))' || true)
bytes=$(stat -L -c %s "$plan")
printf '%s: %.1f MB plan, 20 policy files, %s findings (median of %d runs, whole process)\n' \
  "$(basename "$plan")" "$(echo "$bytes/1000000" | bc -l)" "$findings" "$runs"
base=$(cut -d' ' -f1 "$data/t20-read.txt" | median)
for m in read check; do
  t=$(cut -d' ' -f1 "$data/t20-$m.txt" | median)
  rss=$(cut -d' ' -f2 "$data/t20-$m.txt" | sort -g | tail -1)
  printf '%-6s %6.2f s  %5.2fx reading the plan   peak RSS %6.0f MB  %4.2fx the file\n' "$m" "$t" \
    "$(echo "$t/$base" | bc -l)" "$(echo "$rss/1024" | bc -l)" "$(echo "$rss*1024/$bytes" | bc -l)"
done
