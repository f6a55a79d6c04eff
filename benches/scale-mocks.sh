#!/usr/bin/env bash
# `tfgate test` on a .policytest.hcl with N resource mocks whose policy calls
# core::getresources with a filter (benches/gen_hostile.py mocks): loading and
# running must stay near linear in N.
#
#   benches/scale-mocks.sh [RUNS] [SIZES...]     e.g. benches/scale-mocks.sh 3 10000 120000
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-3}
shift || true
sizes=("${@:-10000 120000}")
# shellcheck source=benches/common.sh
. benches/common.sh

first=""
for n in ${sizes[@]}; do
  dir="$data/mocks-$n"
  [ -d "$dir" ] || python3 benches/gen_hostile.py mocks "$n" -o "$dir"
  : > "$data/t-mocks.txt"
  for _ in $(seq "$runs"); do
    /usr/bin/time -f "%e %M" -o "$data/time.txt" "$bin" test "$dir/p.policytest.hcl" > /dev/null || true
    tail -1 "$data/time.txt" >> "$data/t-mocks.txt"
  done
  t=$(cut -d' ' -f1 "$data/t-mocks.txt" | median)
  rss=$(cut -d' ' -f2 "$data/t-mocks.txt" | median)
  [ -n "$first" ] || first="$n $t"
  awk -v n="$n" -v t="$t" -v rss="$rss" -v first="$first" 'BEGIN {
    split(first, f, " ");
    printf "%7d mocks  %7.2f s  peak %6.0f MB  time/mock %.2fx the first size'"'"'s\n", n, t, rss*1024/1e6, (t/n)/(f[2]/f[1]) }'
done
