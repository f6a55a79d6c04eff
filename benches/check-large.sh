#!/usr/bin/env bash
# Whole-process benchmark of `tfgate check` on large generated plans, against
# reading the plan alone (issue targets: one IMDSv2 policy adds at most 50 %
# to reading; the whole built-in library costs at most 2.5 times reading).
#
#   benches/check-large.sh [RUNS] [SIZES...]     e.g. benches/check-large.sh 5 100000
#
# "read" is the release reader on the same file (parse only, and parse plus
# resolving every after-value); "one" is `tfgate check` with
# examples/policies/imdsv2.policy.hcl; "library" is `tfgate check` with the
# built-in library (JSON report, which holds every finding, passes included);
# "lib-table" the same with the default table output. Medians of RUNS
# alternating runs; peak RSS is the maximum.
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-5}
shift || true
sizes=("${@:-100000}")
data=target/bench-data
mkdir -p "$data"
cargo build --release -q -p tfgate
cargo build --release -q -p tfgate-plan --example read_bench
median() { sort -g | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
timed() { /usr/bin/time -f "%e %M" "$@" 2>&1 >/dev/null | tail -1; }

for n in ${sizes[@]}; do
  plan="$data/plan-$n.json"
  [ -f "$plan" ] || python3 ../shared/tools/gen_plan.py -n "$n" --depth 3 --seed 7 -o "$plan" --truth "$data/truth-$n.tsv" -q
  for m in parse resolve one library lib-table; do : > "$data/t-$m.txt"; done
  for _ in $(seq "$runs"); do
    timed target/release/examples/read_bench parse "$plan" >> "$data/t-parse.txt"
    timed target/release/examples/read_bench resolve "$plan" >> "$data/t-resolve.txt"
    timed target/release/tfgate check -p examples/policies "$plan" --format json >> "$data/t-one.txt" || true
    timed target/release/tfgate check "$plan" --format json >> "$data/t-library.txt" || true
    timed target/release/tfgate check "$plan" >> "$data/t-lib-table.txt" || true
  done
  bytes=$(stat -c %s "$plan")
  printf '%7d resources, %6.1f MB (median of %d runs, whole process)\n' "$n" "$(echo "$bytes/1000000" | bc -l)" "$runs"
  base=$(cut -d' ' -f1 "$data/t-parse.txt" | median)
  for m in parse resolve one library lib-table; do
    t=$(cut -d' ' -f1 "$data/t-$m.txt" | median)
    rss=$(cut -d' ' -f2 "$data/t-$m.txt" | sort -g | tail -1)
    awk -v m="$m" -v t="$t" -v b="$base" -v rss="$rss" -v bytes="$bytes" 'BEGIN {
      printf "  %-8s %6.2f s  %5.2fx read  peak %6.0f MB (%.2fx file)\n", m, t, t/b, rss*1024/1e6, rss*1024/bytes }'
  done
done
