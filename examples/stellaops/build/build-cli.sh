#!/usr/bin/env bash
# Builds the "stella" CLI of the example workspace for one runtime. Standard tools only: the
# binaries are honest placeholders (a POSIX sh script on linux/osx, a text stub on Windows).
#
# Takes no arguments. Environment (see README.md):
#   RID         required  linux-x64 | linux-arm64 | win-x64 | osx-x64 | osx-arm64
#   VERSION     required  version to stamp, e.g. 2026.04
#   OUTPUT_DIR  required  absolute path of an existing (empty) directory to write into
#   CHANNEL     optional  edge | stable | lts
#   SOURCE_DATE_EPOCH     optional  timestamp for reproducible output (default 1980-01-01)
# Test hooks: STELLA_EXAMPLE_FAIL_RID=<RID> exits 4; STELLA_EXAMPLE_SLEEP=<seconds> waits first.
# Exit codes: 0 built, 2 bad or missing environment (including an unknown RID), 4 forced failure.
set -euo pipefail

SCRIPT_NAME="build-cli.sh"
WORKSPACE="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck source=lib.sh
source "$WORKSPACE/build/lib.sh"

if (($# > 0)); then
  die 2 "takes no arguments; it is configured through environment variables (see README.md)"
fi
cd "$WORKSPACE"

require_env RID VERSION OUTPUT_DIR
case "$RID" in
  linux-x64 | linux-arm64 | osx-x64 | osx-arm64) binary="stella" ;;
  win-x64) binary="stella.exe" ;;
  *) die 2 "unknown RID '$RID' (expected linux-x64, linux-arm64, win-x64, osx-x64 or osx-arm64)" ;;
esac
check_value VERSION "$VERSION" "$VERSION_RE" "a version (letters, digits, '.', '+', '-')"
CHANNEL="${CHANNEL:-}"
if [[ -n "$CHANNEL" ]]; then
  check_value CHANNEL "$CHANNEL" "$CHANNEL_RE" "one of edge, stable, lts"
fi
check_output_dir
epoch="$(build_epoch)"

if [[ -n "${STELLA_EXAMPLE_FAIL_RID:-}" && "${STELLA_EXAMPLE_FAIL_RID}" == "$RID" ]]; then
  die 4 "CLI build for $RID failed (forced by STELLA_EXAMPLE_FAIL_RID)"
fi
hook_sleep

info "building stella $VERSION for $RID (channel ${CHANNEL:-none})"
note "output directory: $OUTPUT_DIR"
if [[ ! -f src/Cli/StellaOps.Cli.csproj ]]; then
  die 1 "src/Cli/StellaOps.Cli.csproj not found"
fi
digest="$(source_digest src/Cli | sha256sum | cut -c1-64)"

if [[ "$binary" == "stella" ]]; then
  {
    printf '#!/bin/sh\n'
    printf '# stella: placeholder for the StellaOps CLI (%s), written by build/build-cli.sh of the\n' "$RID"
    printf '# stella-release example workspace. It is a shell script, not the .NET single-file binary.\n'
    printf "STELLA_VERSION='%s'\n" "$VERSION"
    printf "STELLA_RID='%s'\n" "$RID"
    cat <<'EOF'
case "${1:-}" in
  --version)
    printf 'stella %s (%s)\n' "$STELLA_VERSION" "$STELLA_RID"
    ;;
  '' | --help | -h)
    printf 'stella %s (%s): placeholder build of the StellaOps CLI\n' "$STELLA_VERSION" "$STELLA_RID"
    printf 'usage: stella --version | --help\n'
    ;;
  *)
    printf 'stella: %s: this placeholder build only knows --version and --help\n' "$1" >&2
    exit 2
    ;;
esac
EOF
  } > "$OUTPUT_DIR/stella"
  chmod 755 "$OUTPUT_DIR/stella"
else
  {
    printf 'stella.exe: placeholder for the StellaOps CLI %s (%s).\r\n' "$VERSION" "$RID"
    printf 'Written by build/build-cli.sh of the stella-release example workspace; this is a text file,\r\n'
    printf 'not a Windows executable. The real CLI is built with: dotnet publish --runtime %s\r\n' "$RID"
  } > "$OUTPUT_DIR/stella.exe"
fi

cat > "$OUTPUT_DIR/LICENSE" <<'EOF'
Placeholder LICENSE file.

This archive was produced by the example workspace bundled with stella-release
(examples/stellaops). It stands in for the StellaOps CLI so that the release layout
can be exercised; it is not the StellaOps CLI and carries none of its license terms.
The real StellaOps CLI ships with its own license text.
EOF

cat > "$OUTPUT_DIR/README.txt" <<EOF
StellaOps CLI $VERSION ($RID)

This is a placeholder build made by build/build-cli.sh in the stella-release example
workspace. "$binary" is not a compiled program: $(if [[ "$binary" == "stella" ]]; then
  printf 'it is a POSIX sh script\nthat answers --version and --help.'
else
  printf 'it is a text file standing\nin for the Windows executable.'
fi)

Version:  $VERSION
Runtime:  $RID
Channel:  ${CHANNEL:-none}
Sources:  src/Cli (sha256 of the file digests: $digest)
EOF

# Fixed modes and mtimes on what this script wrote (OUTPUT_DIR itself is left alone).
if [[ "$binary" == "stella.exe" ]]; then
  chmod 644 "$OUTPUT_DIR/stella.exe"
fi
chmod 644 "$OUTPUT_DIR/LICENSE" "$OUTPUT_DIR/README.txt"
touch -d "@$epoch" "$OUTPUT_DIR/$binary" "$OUTPUT_DIR/LICENSE" "$OUTPUT_DIR/README.txt"
info "wrote $binary, LICENSE and README.txt to $OUTPUT_DIR"
note "done: stella $VERSION ($RID)"
