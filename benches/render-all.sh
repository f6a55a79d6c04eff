#!/usr/bin/env bash
# Renders every output format for every corpus plan (and the example plan with
# its configuration) with one tfgate binary into a folder, so two binaries can be
# compared byte for byte: `benches/render-all.sh OLD out-old; benches/render-all.sh
# NEW out-new; diff -r out-old out-new`.
# Usage: render-all.sh BINARY OUTDIR [CORPUS] [EXTRA_PLAN...]
set -uo pipefail
bin=$(realpath "$1"); out=$2; corpus=${3:-${TFGATE_CORPUS:-../shared/fixtures/plans}}
shift $(( $# < 3 ? $# : 3 ))
root=$(cd "$(dirname "$0")/.." && pwd)
rm -rf "$out"; mkdir -p "$out"; out=$(realpath "$out")
formats="table json sarif junit github markdown sentinel"
render() { # name, then check arguments
  local name=$1; shift
  for f in $formats; do
    "$bin" check --format "$f" "$@" >"$out/$name.$f" 2>"$out/$name.$f.err"
    echo "exit $?" >>"$out/$name.$f.err"
  done
}
find "$corpus" -name '*.json' | sort | while read -r plan; do
  name=$(echo "${plan#"$corpus"/}" | tr '/' '_')
  render "$name" "$plan"
done
# Verbose, grouped, unknown modes and a configuration with waivers and overrides.
first=$(find "$corpus" -name '*.json' | sort | head -20)
# shellcheck disable=SC2086
render corpus-verbose -v $first
render corpus-group --group-by module $first
render corpus-unknown-warn --unknown warn $first
render corpus-junit-skip --junit-unknown skip $first
(cd "$root/examples/config" && render example-config "$root/examples/plans/web-tier.json")
(cd "$root/examples/config" && render example-override --override-all-soft --override-reason because "$root/examples/plans/web-tier.json")
render example-policy -p "$root/examples/policies" "$root/examples/plans/web-tier.json"
for extra in "$@"; do render "extra-$(basename "$extra")" "$extra"; done
