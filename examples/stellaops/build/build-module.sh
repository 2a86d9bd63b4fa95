#!/usr/bin/env bash
# Builds one StellaOps module of the example workspace: a NuGet package and the publish
# directory that becomes the module's container image. Standard tools only (no dotnet, no network);
# the assembly is a placeholder derived from the module's sources.
#
# Takes no arguments. Environment (see README.md):
#   MODULE        required  module name, e.g. Authority
#   MODULE_DIR    required  module source directory relative to the workspace, e.g. src/Authority
#   VERSION       required  module version to stamp, e.g. 1.4.0
#   OUTPUT_DIR    required  absolute path of an existing (empty) directory to write into
#   MODULE_LOWER  optional  lower-case module name; must match MODULE when given
#   SUITE_VERSION optional  suite version, e.g. 2026.04
#   CHANNEL       optional  edge | stable | lts
#   SOURCE_DATE_EPOCH       optional  timestamp for reproducible output (default 1980-01-01)
# Test hooks: STELLA_EXAMPLE_FAIL_MODULE=<MODULE> exits 3; STELLA_EXAMPLE_SLEEP=<seconds> waits first.
# Exit codes: 0 built, 2 bad or missing environment, 3 forced failure, other: build step failed.
set -euo pipefail

SCRIPT_NAME="build-module.sh"
WORKSPACE="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck source=lib.sh
source "$WORKSPACE/build/lib.sh"

if (($# > 0)); then
  die 2 "takes no arguments; it is configured through environment variables (see README.md)"
fi
cd "$WORKSPACE"

require_env MODULE MODULE_DIR VERSION OUTPUT_DIR
check_value MODULE "$MODULE" '^[A-Z][A-Za-z0-9]*$' "a module name like Authority"
expected_lower="$(printf '%s' "$MODULE" | tr '[:upper:]' '[:lower:]')"
MODULE_LOWER="${MODULE_LOWER:-$expected_lower}"
if [[ "$MODULE_LOWER" != "$expected_lower" ]]; then
  die 2 "MODULE_LOWER='$MODULE_LOWER' does not match MODULE='$MODULE' (expected '$expected_lower')"
fi
check_value VERSION "$VERSION" "$VERSION_RE" "a version (letters, digits, '.', '+', '-')"
SUITE_VERSION="${SUITE_VERSION:-}"
if [[ -n "$SUITE_VERSION" ]]; then
  check_value SUITE_VERSION "$SUITE_VERSION" '^[0-9]{4}[.][0-9]{2}([.][0-9]+)?$' "a suite version like 2026.04"
fi
CHANNEL="${CHANNEL:-}"
if [[ -n "$CHANNEL" ]]; then
  check_value CHANNEL "$CHANNEL" "$CHANNEL_RE" "one of edge, stable, lts"
fi
if [[ ! -d "$MODULE_DIR" ]]; then
  die 2 "MODULE_DIR='$MODULE_DIR' is not a directory under $WORKSPACE"
fi
check_output_dir
epoch="$(build_epoch)"

if [[ -n "${STELLA_EXAMPLE_FAIL_MODULE:-}" && "${STELLA_EXAMPLE_FAIL_MODULE}" == "$MODULE" ]]; then
  die 3 "build of $MODULE failed (forced by STELLA_EXAMPLE_FAIL_MODULE)"
fi
hook_sleep

ASSEMBLY="StellaOps.$MODULE"
info "building $ASSEMBLY $VERSION from $MODULE_DIR (suite ${SUITE_VERSION:-none}, channel ${CHANNEL:-none})"
note "output directory: $OUTPUT_DIR"

if [[ ! -f "$MODULE_DIR/$ASSEMBLY.csproj" ]]; then
  die 1 "$MODULE_DIR/$ASSEMBLY.csproj not found"
fi
digest="$(source_digest "$MODULE_DIR")"
info "hashed $(printf '%s\n' "$digest" | wc -l | tr -d ' ') source file(s)"

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

# The placeholder assembly: text that names what it is and changes whenever a source file does.
assembly_file="$work/$ASSEMBLY.dll"
{
  printf '%s placeholder assembly: not a .NET PE image.\n' "$ASSEMBLY"
  printf 'Written by build/build-module.sh of the stella-release example workspace.\n'
  printf 'module: %s\nversion: %s\nsuite: %s\nchannel: %s\n' \
    "$MODULE" "$VERSION" "${SUITE_VERSION:-none}" "${CHANNEL:-none}"
  printf 'sources (sha256):\n%s\n' "$digest"
} > "$assembly_file"

# --- publish/: what "dotnet publish" would leave for the container image -----------------------
publish="$OUTPUT_DIR/publish"
mkdir -p "$publish"
cp "$assembly_file" "$publish/$ASSEMBLY.dll"
cat > "$publish/appsettings.json" <<EOF
{
  "Logging": {
    "LogLevel": {
      "Default": "Information",
      "Microsoft.AspNetCore": "Warning"
    }
  },
  "AllowedHosts": "*",
  "StellaOps": {
    "Module": "$MODULE",
    "Service": "$MODULE_LOWER",
    "Version": "$VERSION",
    "SuiteVersion": "$SUITE_VERSION",
    "Channel": "$CHANNEL"
  }
}
EOF
cat > "$publish/$ASSEMBLY.runtimeconfig.json" <<'EOF'
{
  "runtimeOptions": {
    "tfm": "net10.0",
    "framework": {
      "name": "Microsoft.AspNetCore.App",
      "version": "10.0.0"
    },
    "configProperties": {
      "System.GC.Server": true,
      "System.Globalization.Invariant": true,
      "System.Reflection.Metadata.MetadataUpdater.IsSupported": false
    }
  }
}
EOF
stamp_tree "$publish" "$epoch"
info "published $publish: $ASSEMBLY.dll, appsettings.json, $ASSEMBLY.runtimeconfig.json"

# --- the NuGet package: an OPC zip with the nuspec, content types, relationships and lib/ ---------
pkg="$work/nupkg"
mkdir -p "$pkg/_rels" "$pkg/lib/net10.0"
cp "$assembly_file" "$pkg/lib/net10.0/$ASSEMBLY.dll"
# The package's dependencies: the csproj's PackageReference items, as `dotnet pack` writes them into the nuspec.
dependency_re='<PackageReference[[:space:]]+Include="([A-Za-z0-9._-]+)"[[:space:]]+Version="([0-9A-Za-z.+-]+)"'
dependencies=""
while IFS= read -r line || [[ -n "$line" ]]; do
  if [[ "$line" =~ $dependency_re ]]; then
    dependencies+="        <dependency id=\"${BASH_REMATCH[1]}\" version=\"${BASH_REMATCH[2]}\" exclude=\"Build,Analyzers\" />"$'\n'
  fi
done < "$MODULE_DIR/$ASSEMBLY.csproj"
if [[ -n "$dependencies" ]]; then
  dependency_group="      <group targetFramework=\"net10.0\">"$'\n'"$dependencies      </group>"
else
  dependency_group='      <group targetFramework="net10.0" />'
fi
release_notes="StellaOps $MODULE $VERSION"
if [[ -n "$SUITE_VERSION" ]]; then
  release_notes="$release_notes, part of suite $SUITE_VERSION"
fi
if [[ -n "$CHANNEL" ]]; then
  release_notes="$release_notes ($CHANNEL channel)"
fi
cat > "$pkg/$ASSEMBLY.nuspec" <<EOF
<?xml version="1.0" encoding="utf-8"?>
<package xmlns="http://schemas.microsoft.com/packaging/2013/05/nuspec.xsd">
  <metadata>
    <id>$ASSEMBLY</id>
    <version>$VERSION</version>
    <title>StellaOps $MODULE</title>
    <authors>StellaOps</authors>
    <owners>stella-ops.org</owners>
    <requireLicenseAcceptance>false</requireLicenseAcceptance>
    <projectUrl>https://git.stella-ops.org/stella-ops.org/git.stella-ops.org</projectUrl>
    <description>StellaOps $MODULE service library (placeholder package built by the stella-release example workspace).</description>
    <releaseNotes>$release_notes</releaseNotes>
    <tags>stellaops $MODULE_LOWER</tags>
    <repository type="git" url="https://git.stella-ops.org/stella-ops.org/git.stella-ops.org.git" />
    <dependencies>
$dependency_group
    </dependencies>
  </metadata>
</package>
EOF
cat > "$pkg/[Content_Types].xml" <<'EOF'
<?xml version="1.0" encoding="utf-8"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">
  <Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml" />
  <Default Extension="nuspec" ContentType="application/octet" />
  <Default Extension="dll" ContentType="application/octet" />
</Types>
EOF
rel_id="R$(printf '%s %s' "$ASSEMBLY" "$VERSION" | sha256sum | cut -c1-16)"
cat > "$pkg/_rels/.rels" <<EOF
<?xml version="1.0" encoding="utf-8"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
  <Relationship Type="http://schemas.microsoft.com/packaging/2010/07/manifest" Target="/$ASSEMBLY.nuspec" Id="$rel_id" />
</Relationships>
EOF
stamp_tree "$pkg" "$epoch"

nupkg="$OUTPUT_DIR/$ASSEMBLY.$VERSION.nupkg"
# Fixed entry order, no directory entries, no extra fields, UTC times: the same inputs give the same bytes.
(
  cd "$pkg"
  TZ=UTC zip -q -X -D -nw "$nupkg" -- "_rels/.rels" "$ASSEMBLY.nuspec" "[Content_Types].xml" \
    "lib/net10.0/$ASSEMBLY.dll"
)
touch -d "@$epoch" "$nupkg"
unzip -tq "$nupkg" > /dev/null || die 1 "the package $nupkg does not test as a valid zip"
info "packed $nupkg ($(wc -c < "$nupkg" | tr -d ' ') bytes)"
note "done: $ASSEMBLY $VERSION"
