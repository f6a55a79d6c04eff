#!/usr/bin/env bash
# A policy calling core::getresources("aws_instance", { subnet_id = ... }) for
# every aws_instance target (benches/gen_hostile.py getres-policy) on plans of
# N instances, ten per subnet: with indexed lookups the time grows
# near linearly with N.
#
#   benches/scale-getresources.sh [RUNS] [SIZES...]  e.g. benches/scale-getresources.sh 3 10000 100000 250000
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-3}
shift || true
sizes=("${@:-10000 100000 250000}")
# shellcheck source=benches/common.sh
. benches/common.sh
mkdir -p "$data/getres"
python3 benches/gen_hostile.py getres-policy -o "$data/getres/getres.policy.hcl"

first=""
for n in ${sizes[@]}; do
  plan="$data/plain-$n.json"
  [ -f "$plan" ] || python3 benches/gen_hostile.py plain "$n" -o "$plan"
  : > "$data/t-getres.txt"
  for _ in $(seq "$runs"); do
    /usr/bin/time -f "%e %M" -o "$data/time.txt" "$bin" check -p "$data/getres" "$plan" --format json > /dev/null || true
    tail -1 "$data/time.txt" >> "$data/t-getres.txt"
  done
  t=$(cut -d' ' -f1 "$data/t-getres.txt" | median)
  rss=$(cut -d' ' -f2 "$data/t-getres.txt" | median)
  [ -n "$first" ] || first="$n $t"
  awk -v n="$n" -v t="$t" -v rss="$rss" -v first="$first" 'BEGIN {
    split(first, f, " ");
    printf "%7d resources  %7.2f s  peak %6.0f MB  time/resource %.2fx the first size'"'"'s\n", n, t, rss*1024/1e6, (t/n)/(f[2]/f[1]) }'
done
