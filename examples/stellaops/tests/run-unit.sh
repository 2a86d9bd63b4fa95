#!/usr/bin/env bash
# Unit tests of the example workspace: module versions and project files.
# Hook: STELLA_EXAMPLE_FAIL_SUITE=unit fails at once (see README.md).
set -euo pipefail

SUITE=unit
WORKSPACE="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck source=lib.sh
source "$WORKSPACE/tests/lib.sh"
cd "$WORKSPACE"
suite_start

is_semver() { [[ "$1" =~ $SEMVER_RE ]]; }
not_semver() { ! is_semver "$1"; }

echo "-- the SemVer rule itself"
for good in 0.9.1 1.4.0 10.20.30 1.0.0-rc.1 1.0.0-alpha.beta+build.7 2.0.0+20260415; do
  check "accepts $good" is_semver "$good"
done
for bad in 1.4 01.4.0 1.4.0- 1.4.0-01 v1.4.0 "1.4.0 " 1.4.0+ ""; do
  check "rejects '$bad'" not_semver "$bad"
done

# One line, no carriage return, nothing but the version.
version_file_ok() {
  local file="$1" content
  [[ -f "$file" ]] || return 1
  [[ "$(wc -l < "$file" | tr -d ' ')" == 1 ]] || return 1
  content="$(cat "$file")"
  [[ "$content" != *$'\r'* ]] && is_semver "$content"
}

csproj_reads_version_txt() {
  grep -q "<Version>.*version.txt.*</Version>" "$1"
}

echo "-- module versions"
for module in "${MODULES[@]}"; do
  dir="src/$module"
  check "$module: $dir/version.txt holds one SemVer line ($(head -n 1 "$dir/version.txt" 2>/dev/null || echo missing))" \
    version_file_ok "$dir/version.txt"
  check "$module: StellaOps.$module.csproj takes its version from version.txt" \
    csproj_reads_version_txt "$dir/StellaOps.$module.csproj"
  check "$module: has a Program.cs" test -f "$dir/Program.cs"
done

suite_end
