# shellcheck shell=bash
# Helpers shared by build-module.sh and build-cli.sh. Sourced, never run on its own.
# The sourcing script sets SCRIPT_NAME first.

# Print to stdout / stderr with the script's name in front.
info() { printf '%s: %s\n' "$SCRIPT_NAME" "$*"; }
note() { printf '%s: %s\n' "$SCRIPT_NAME" "$*" >&2; }

# die CODE MESSAGE...: print an error on stderr and exit with CODE.
die() {
  local code="$1"
  shift
  printf '%s: error: %s\n' "$SCRIPT_NAME" "$*" >&2
  exit "$code"
}

# require_env NAME...: exit 2 unless every named variable is set and not empty.
require_env() {
  local name
  for name in "$@"; do
    if [[ -z "${!name:-}" ]]; then
      die 2 "required environment variable $name is not set (see README.md for this script's variables)"
    fi
  done
}

# check_value NAME VALUE REGEX WHAT: exit 2 unless VALUE matches REGEX.
check_value() {
  if [[ ! "$2" =~ $3 ]]; then
    die 2 "$1='$2' is not $4"
  fi
}

# Characters allowed in VERSION: they end up in file names and XML, so nothing that needs escaping.
# shellcheck disable=SC2034 # used by the scripts that source this file
VERSION_RE='^[0-9A-Za-z][0-9A-Za-z.+-]*$'
# shellcheck disable=SC2034
CHANNEL_RE='^(edge|stable|lts)$'

# check_output_dir: OUTPUT_DIR must be an absolute path to an existing directory.
check_output_dir() {
  if [[ "$OUTPUT_DIR" != /* ]]; then
    die 2 "OUTPUT_DIR='$OUTPUT_DIR' must be an absolute path"
  fi
  if [[ ! -d "$OUTPUT_DIR" ]]; then
    die 2 "OUTPUT_DIR='$OUTPUT_DIR' is not an existing directory"
  fi
}

# Test hook: STELLA_EXAMPLE_SLEEP=<seconds> (fractions allowed) waits before building.
# sleep runs as a child process; on SIGTERM/SIGINT this shell kills it and exits, so stopping
# either this process or the whole process tree ends the wait at once.
SLEEP_PID=""
hook_sleep() {
  local seconds="${STELLA_EXAMPLE_SLEEP:-}"
  if [[ -z "$seconds" ]]; then
    return 0
  fi
  check_value STELLA_EXAMPLE_SLEEP "$seconds" '^[0-9]+([.][0-9]+)?$' "a number of seconds"
  note "STELLA_EXAMPLE_SLEEP is set: sleeping ${seconds}s before building"
  sleep "$seconds" &
  SLEEP_PID=$!
  trap 'kill "$SLEEP_PID" 2>/dev/null; wait "$SLEEP_PID" 2>/dev/null; exit 143' TERM
  trap 'kill "$SLEEP_PID" 2>/dev/null; wait "$SLEEP_PID" 2>/dev/null; exit 130' INT
  wait "$SLEEP_PID"
  trap - TERM INT
  SLEEP_PID=""
}

# Reproducible timestamps: SOURCE_DATE_EPOCH, default 1980-01-01 (the earliest a zip can store).
build_epoch() {
  local epoch="${SOURCE_DATE_EPOCH:-315532800}"
  check_value SOURCE_DATE_EPOCH "$epoch" '^[0-9]+$' "a number of seconds since 1970"
  if ((epoch < 315532800)); then
    epoch=315532800
  fi
  printf '%s\n' "$epoch"
}

# stamp_tree DIR EPOCH: fixed modes (644 files, 755 directories, executables kept 755) and mtimes.
stamp_tree() {
  find "$1" -type d -exec chmod 755 {} +
  find "$1" -type f ! -perm -u+x -exec chmod 644 {} +
  find "$1" -type f -perm -u+x -exec chmod 755 {} +
  find "$1" -exec touch -h -d "@$2" {} +
}

# source_digest DIR: "sha256  ./path" for every file under DIR, sorted by path.
source_digest() {
  (cd "$1" && find . -type f -print0 | LC_ALL=C sort -z | xargs -0 -r sha256sum)
}
