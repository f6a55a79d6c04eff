#!/usr/bin/env bash
# Whole-process benchmark of the plan reader on large generated plans
# (issue: reading + resolving every after-value within 2x a serde_json
# IgnoredAny pass over the same bytes; peak memory within 1.3x the file).
#
#   benches/read-large.sh [RUNS] [SIZES...]     e.g. benches/read-large.sh 7 10000 100000
#
# Plans come from ../shared/tools/gen_plan.py and are kept in target/bench-data.
# Reports the median of RUNS runs of each mode, run alternately so that
# machine noise hits both alike.
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-7}
shift || true
sizes=("${@:-10000 100000}")
data=target/bench-data
mkdir -p "$data"
cargo build --release -q -p tfgate-plan --example read_bench
bin=target/release/examples/read_bench

median() { sort -g | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }

for n in ${sizes[@]}; do
  plan="$data/plan-$n.json"
  [ -f "$plan" ] || python3 ../shared/tools/gen_plan.py -n "$n" --depth 3 --seed 7 -o "$plan" --truth "$data/truth-$n.tsv" -q
  : > "$data/ignored.txt"; : > "$data/resolve.txt"
  for _ in $(seq "$runs"); do
    "$bin" ignored "$plan" >> "$data/ignored.txt"
    "$bin" resolve "$plan" >> "$data/resolve.txt"
  done
  field() { sed -n "s/.*$1=\([0-9.]*\).*/\1/p" "$2"; }
  bytes=$(field bytes "$data/ignored.txt" | head -1)
  t_ign=$(field seconds "$data/ignored.txt" | median)
  t_res=$(field seconds "$data/resolve.txt" | median)
  rss=$(field peak_rss_kib "$data/resolve.txt" | median)
  rss_max=$(field peak_rss_kib "$data/resolve.txt" | sort -g | tail -1)
  awk -v n="$n" -v b="$bytes" -v ti="$t_ign" -v tr="$t_res" -v rss="$rss" -v mx="$rss_max" 'BEGIN {
    printf "%7d resources, %6.1f MB: IgnoredAny %.3f s, read+resolve %.3f s (ratio %.2f, target <= 2), peak RSS median %.1f MB (%.2fx file, target <= 1.3), max %.2fx\n",
      n, b/1e6, ti, tr, tr/ti, rss*1024/1e6, rss*1024/b, mx*1024/b }'
done
