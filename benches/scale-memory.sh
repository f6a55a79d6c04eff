#!/usr/bin/env bash
# Peak memory of `tfgate check` (built-in library) on N small aws_instance
# entries (benches/gen_hostile.py instances), against the plan's size: memory
# must stay proportional to the plan and the findings.
#
#   benches/scale-memory.sh [RUNS] [SIZES...]     e.g. benches/scale-memory.sh 3 100000 1000000
#
# Prints, per size and output format (table, json, sarif), the median time
# and the median peak RSS of RUNS runs, and the RSS as a multiple of the file.
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-3}
shift || true
sizes=("${@:-100000}")
# shellcheck source=benches/common.sh
. benches/common.sh
timed() { /usr/bin/time -f "%e %M" "$@" 2>&1 >/dev/null | tail -1; }

for n in "${sizes[@]}"; do
  plan="$data/instances-$n.json"
  [ -f "$plan" ] || python3 benches/gen_hostile.py instances "$n" -o "$plan"
  bytes=$(stat -c %s "$plan")
  printf '%8d instances, %6.1f MB (median of %d runs)\n' "$n" "$(echo "$bytes/1000000" | bc -l)" "$runs"
  for fmt in table json sarif; do
    : > "$data/t-$fmt.txt"
    for _ in $(seq "$runs"); do
      timed "$bin" check "$plan" --format "$fmt" >> "$data/t-$fmt.txt" || true
    done
    t=$(cut -d' ' -f1 "$data/t-$fmt.txt" | median)
    rss=$(cut -d' ' -f2 "$data/t-$fmt.txt" | median)
    awk -v f="$fmt" -v t="$t" -v rss="$rss" -v bytes="$bytes" 'BEGIN {
      printf "  %-6s %7.2f s  peak %7.0f MB  (%.2fx file)\n", f, t, rss*1024/1e6, rss*1024/bytes }'
  done
done
