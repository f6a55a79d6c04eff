#!/usr/bin/env bash
# The pre-commit hook `tfgate` (.pre-commit-hooks.yaml): plans each affected
# Terraform/OpenTofu root in a temporary copy of the repository and checks
# the plan with tfgate. No plan, state or .terraform folder is ever written
# into the repository: plans hold secrets, and nobody should be asked to
# commit one.
#
# Usage (pre-commit passes the changed files last):
#   pre-commit-tfgate.sh [--root DIR]... [--terraform BIN] [--var-file FILE]... [TFGATE_OPTION]... [FILE]...
#
#   --root DIR        a root module to plan (repeatable). Default: each folder
#                     holding a .terraform.lock.hcl among the changed files'
#                     folders and their parents (roots commit a lock file,
#                     modules do not).
#   --terraform BIN   terraform or tofu (default: terraform, else tofu)
#   --var-file FILE   passed to `plan` (relative to the root)
#   any other option  passed to `tfgate check` (e.g. --unknown=warn, --config=tfgate.hcl)
#
# The plan is made against an empty local state (the root's backend is
# replaced by a local one inside the temporary copy): remote state is never
# read or locked, and every resource appears as created, which is what
# policies about planned values need.
set -euo pipefail

die() {
	echo "tfgate pre-commit: $*" >&2
	exit 2
}

roots=()
files=()
var_files=()
tfgate_args=()
terraform_bin=""
while [ $# -gt 0 ]; do
	case "$1" in
	--root) [ $# -ge 2 ] || die "--root needs a folder"; roots+=("$2"); shift 2 ;;
	--root=*) roots+=("${1#*=}"); shift ;;
	--terraform) [ $# -ge 2 ] || die "--terraform needs a program"; terraform_bin="$2"; shift 2 ;;
	--terraform=*) terraform_bin="${1#*=}"; shift ;;
	--var-file) [ $# -ge 2 ] || die "--var-file needs a file"; var_files+=("-var-file=$2"); shift 2 ;;
	--var-file=*) var_files+=("-var-file=${1#*=}"); shift ;;
	--) shift; files+=("$@"); break ;;
	-*) tfgate_args+=("$1"); shift ;;
	*) files+=("$1"); shift ;;
	esac
done

command -v tfgate >/dev/null 2>&1 || die "tfgate is not installed (https://github.com/tfgate/tfgate#install)"
if [ -z "$terraform_bin" ]; then
	if command -v terraform >/dev/null 2>&1; then
		terraform_bin=terraform
	elif command -v tofu >/dev/null 2>&1; then
		terraform_bin=tofu
	else
		die "neither terraform nor tofu is installed (or give --terraform BIN)"
	fi
fi

repo=$(git rev-parse --show-toplevel 2>/dev/null) || die "not inside a git repository"
cd "$repo"

# Roots: given, or found above the changed files.
if [ ${#roots[@]} -eq 0 ]; then
	declare -A seen=()
	for f in "${files[@]}"; do
		dir=$(dirname "$f")
		while :; do
			if [ -f "$dir/.terraform.lock.hcl" ] && [ -z "${seen[$dir]:-}" ]; then
				seen[$dir]=1
				roots+=("$dir")
			fi
			[ "$dir" = . ] && break
			dir=$(dirname "$dir")
		done
	done
	if [ ${#roots[@]} -eq 0 ]; then
		echo "tfgate pre-commit: no root module (a folder with .terraform.lock.hcl) among the changed files; give --root DIR to choose" >&2
		exit 0
	fi
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/tfgate-pre-commit.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
# The repository's files as they are in the working tree (tracked and new,
# not ignored): local modules in ../ folders resolve as they do in place.
git ls-files -z --cached --others --exclude-standard |
	while IFS= read -r -d '' f; do
		if [ -f "$f" ]; then
			mkdir -p "$tmp/src/$(dirname "$f")"
			cp -p "$f" "$tmp/src/$f"
		fi
	done

status=0
for root in "${roots[@]}"; do
	root=${root%/}
	[ -d "$tmp/src/$root" ] || die "--root $root: no such folder in the repository"
	work="$tmp/src/$root"
	data="$tmp/data/$root"
	mkdir -p "$data"
	# Replaces any backend with a local state file outside the copy.
	printf 'terraform {\n  backend "local" {\n    path = "%s"\n  }\n}\n' "$data/terraform.tfstate" >"$work/zz_tfgate_pre_commit_override.tf"
	echo "tfgate pre-commit: planning $root with $terraform_bin" >&2
	export TF_DATA_DIR="$data/.terraform" TF_IN_AUTOMATION=1 TF_INPUT=0
	if ! "$terraform_bin" -chdir="$work" init -input=false -no-color >"$data/init.log" 2>&1; then
		cat "$data/init.log" >&2
		die "$root: $terraform_bin init failed"
	fi
	if ! "$terraform_bin" -chdir="$work" plan -input=false -lock=false -no-color ${var_files[@]+"${var_files[@]}"} -out="$data/tfplan" >"$data/plan.log" 2>&1; then
		cat "$data/plan.log" >&2
		die "$root: $terraform_bin plan failed"
	fi
	"$terraform_bin" -chdir="$work" show -json "$data/tfplan" >"$data/plan.json" || die "$root: $terraform_bin show -json failed"
	# Policies and the configuration are read from the repository itself.
	code=0
	tfgate check ${tfgate_args[@]+"${tfgate_args[@]}"} "$data/plan.json" || code=$?
	if [ "$code" -gt "$status" ]; then status=$code; fi
done
exit "$status"
