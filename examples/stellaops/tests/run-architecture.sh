#!/usr/bin/env bash
# Architecture tests of the example workspace: module layout and boundaries.
# Hook: STELLA_EXAMPLE_FAIL_SUITE=architecture fails at once (see README.md).
set -euo pipefail

SUITE=architecture
WORKSPACE="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck source=lib.sh
source "$WORKSPACE/tests/lib.sh"
cd "$WORKSPACE"
suite_start

known_dir() {
  local name="$1" module
  [[ "$name" == Cli ]] && return 0
  for module in "${MODULES[@]}"; do
    [[ "$name" == "$module" ]] && return 0
  done
  return 1
}

# The project's root namespace and assembly name are StellaOps.<Module>.
csproj_names_ok() {
  grep -q "<RootNamespace>StellaOps.$2</RootNamespace>" "$1" &&
    grep -q "<AssemblyName>StellaOps.$2</AssemblyName>" "$1"
}

# Every C# file declares a namespace inside StellaOps.<Module>.
namespaces_ok() {
  local dir="$1" module="$2" file
  while IFS= read -r -d '' file; do
    grep -Eq "^namespace StellaOps\\.$module(\\.[A-Za-z0-9.]+)?;" "$file" || return 1
  done < <(find "$dir" -name '*.cs' -print0)
}

# No file of one module names another module: no ProjectReference into its folder, no
# `using StellaOps.<Other>`, no path like src/<Other>/ or ../<Other>/. Modules talk over HTTP.
no_cross_references() {
  local dir="$1" module="$2" other
  for other in "${MODULES[@]}" Cli; do
    [[ "$other" == "$module" ]] && continue
    if grep -rEq "StellaOps\\.$other([^A-Za-z0-9]|\$)|(src|\\.\\.)[/\\\\]$other([/\\\\]|\$)" "$dir"; then
      printf '        %s references %s:\n' "$dir" "$other"
      grep -rEn "StellaOps\\.$other([^A-Za-z0-9]|\$)|(src|\\.\\.)[/\\\\]$other([/\\\\]|\$)" "$dir" | sed 's/^/          /'
      return 1
    fi
  done
}

echo "-- layout"
for dir in src/*/; do
  name="$(basename "$dir")"
  check "src/$name is a known module or the CLI" known_dir "$name"
done

echo "-- modules"
for module in "${MODULES[@]}" Cli; do
  dir="src/$module"
  project="$dir/StellaOps.$module.csproj"
  check "$module: has $project" test -f "$project"
  if [[ "$module" != Cli ]]; then
    check "$module: project names StellaOps.$module as namespace and assembly" csproj_names_ok "$project" "$module"
  fi
  check "$module: C# files stay in namespace StellaOps.$module" namespaces_ok "$dir" "$module"
  check "$module: references no other module" no_cross_references "$dir" "$module"
done

suite_end
