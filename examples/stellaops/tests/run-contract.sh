#!/usr/bin/env bash
# Contract tests of the example workspace: the Helm chart and the build scripts' environment
# contract (what stella-release relies on).
# Hook: STELLA_EXAMPLE_FAIL_SUITE=contract fails at once (see README.md).
set -euo pipefail

SUITE=contract
WORKSPACE="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck source=lib.sh
source "$WORKSPACE/tests/lib.sh"
cd "$WORKSPACE"
suite_start

CHART=devops/helm/stellaops

# has_line FILE LINE: FILE has exactly this line.
has_line() { grep -qxF -- "$2" "$1"; }

# module_image_ok LOWER: values.yaml has modules.<lower>.image.repository = the registry path, tag "".
module_image_ok() {
  awk -v want="$1" '
    /^modules:/ { in_modules = 1; next }
    /^[^ #]/ { in_modules = 0 }
    in_modules && /^  [a-z]/ { current = $1; sub(":", "", current); next }
    in_modules && current == want && /^      repository: / { repo = $2 }
    in_modules && current == want && /^      tag: / { tag = $2 }
    END { exit !(repo == "git.stella-ops.org/stella-ops.org/" want && tag == "\"\"") }
  ' "$CHART/values.yaml"
}

# Build scripts are run with hooks cleared, so a hook meant for the release under test cannot leak in.
run_clean() {
  env -u STELLA_EXAMPLE_FAIL_MODULE -u STELLA_EXAMPLE_FAIL_RID -u STELLA_EXAMPLE_SLEEP "$@"
}

scratch="$(mktemp -d)"
trap 'rm -rf "$scratch"' EXIT

missing_env_exits_2() {
  local rc=0
  run_clean -u MODULE -u RID bash "$1" > /dev/null 2>&1 || rc=$?
  [[ "$rc" == 2 ]]
}

module_build_ok() {
  local out="$scratch/module" nuspec
  mkdir -p "$out"
  run_clean MODULE=Policy MODULE_LOWER=policy MODULE_DIR=src/Policy VERSION=1.1.0 \
    SUITE_VERSION=2026.04 CHANNEL=edge OUTPUT_DIR="$out" bash build/build-module.sh > /dev/null 2>&1 || return 1
  [[ -f "$out/publish/StellaOps.Policy.dll" && -f "$out/publish/appsettings.json" ]] || return 1
  [[ -f "$out/publish/StellaOps.Policy.runtimeconfig.json" ]] || return 1
  nuspec="$(unzip -p "$out/StellaOps.Policy.1.1.0.nupkg" StellaOps.Policy.nuspec)" || return 1
  [[ "$nuspec" == *"<id>StellaOps.Policy</id>"* && "$nuspec" == *"<version>1.1.0</version>"* ]] || return 1
  unzip -l "$out/StellaOps.Policy.1.1.0.nupkg" | grep ' lib/net10.0/StellaOps.Policy.dll$' >/dev/null
}

cli_build_ok() {
  local out="$scratch/cli"
  mkdir -p "$out"
  run_clean RID=linux-x64 VERSION=2026.04 CHANNEL=edge OUTPUT_DIR="$out" bash build/build-cli.sh > /dev/null 2>&1 || return 1
  [[ -f "$out/LICENSE" && -f "$out/README.txt" && -x "$out/stella" ]] || return 1
  [[ "$("$out/stella" --version)" == "stella 2026.04 (linux-x64)" ]]
}

echo "-- Helm chart ($CHART)"
check "Chart.yaml: apiVersion: v2" has_line "$CHART/Chart.yaml" "apiVersion: v2"
check "Chart.yaml: name: stellaops" has_line "$CHART/Chart.yaml" "name: stellaops"
check "Chart.yaml: type: application" has_line "$CHART/Chart.yaml" "type: application"
check "Chart.yaml: has a version" grep -Eq '^version: [^ ]+$' "$CHART/Chart.yaml"
check "Chart.yaml: has an appVersion" grep -Eq '^appVersion: [^ ]+$' "$CHART/Chart.yaml"
for template in deployment.yaml service.yaml _helpers.tpl; do
  check "templates/$template exists" test -f "$CHART/templates/$template"
done
for template in deployment.yaml service.yaml; do
  # shellcheck disable=SC2016 # a literal template expression
  check "templates/$template loops over .Values.modules" \
    grep -q 'range $name, $module := .Values.modules' "$CHART/templates/$template"
done
for module in "${MODULES[@]}"; do
  lower="$(printf '%s' "$module" | tr '[:upper:]' '[:lower:]')"
  check "values.yaml: image git.stella-ops.org/stella-ops.org/$lower with an empty tag" module_image_ok "$lower"
done

echo "-- release documents"
check "CHANGELOG.md has an [Unreleased] section" grep -q '^## \[Unreleased\]' CHANGELOG.md
check "docs/release/CHECKLIST.md is a task list" grep -Eq '^- \[[ xX]\] ' docs/release/CHECKLIST.md

echo "-- build scripts"
check "build-module.sh without MODULE exits 2" missing_env_exits_2 build/build-module.sh
check "build-cli.sh without RID exits 2" missing_env_exits_2 build/build-cli.sh
check "build-module.sh builds Policy 1.1.0: nupkg with the right nuspec, publish/ complete" module_build_ok
check "build-cli.sh builds linux-x64: stella --version prints 'stella 2026.04 (linux-x64)'" cli_build_ok

suite_end
