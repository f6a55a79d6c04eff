#!/usr/bin/env bash
# A chain of N nested module calls (module.m.module.m..., one aws_instance in
# the innermost, benches/gen_hostile.py modules): report size, time and peak
# memory of `tfgate check --format sarif` (and json), which must grow with
# the findings (here: one address N calls long), not with N squared.
#
#   benches/scale-modules.sh [RUNS] [DEPTHS...]     e.g. benches/scale-modules.sh 3 5000 10000 20000
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-3}
shift || true
depths=("${@:-5000 10000 20000}")
# shellcheck source=benches/common.sh
. benches/common.sh

for n in ${depths[@]}; do
  plan="$data/modules-$n.json"
  [ -f "$plan" ] || python3 benches/gen_hostile.py modules "$n" -o "$plan"
  for fmt in sarif json; do
    : > "$data/t-$fmt.txt"
    for _ in $(seq "$runs"); do
      /usr/bin/time -f "%e %M" -o "$data/time.txt" "$bin" check "$plan" --format "$fmt" > "$data/out.$fmt" || true
      echo "$(cat "$data/time.txt" | tail -1) $(stat -c %s "$data/out.$fmt")" >> "$data/t-$fmt.txt"
    done
    t=$(cut -d' ' -f1 "$data/t-$fmt.txt" | median)
    rss=$(cut -d' ' -f2 "$data/t-$fmt.txt" | median)
    size=$(cut -d' ' -f3 "$data/t-$fmt.txt" | median)
    awk -v n="$n" -v f="$fmt" -v t="$t" -v rss="$rss" -v size="$size" 'BEGIN {
      printf "%6d levels  %-5s %7.2f s  peak %7.1f MB  report %9.2f MB\n", n, f, t, rss*1024/1e6, size/1e6 }'
  done
done
