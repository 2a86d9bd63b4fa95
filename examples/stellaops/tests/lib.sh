# shellcheck shell=bash
# Helpers shared by the test suites. Sourced, never run on its own; the suite sets SUITE first.

# The modules of the suite, as in src/<Module>/. src/Cli is the CLI, not a module.
# shellcheck disable=SC2034 # used by the suites that source this file
MODULES=(Authority Signer Attestor Concelier Scanner Excititor Policy Scheduler Notify)

# SemVer 2.0.0 (https://semver.org), as an extended regular expression.
NUM='(0|[1-9][0-9]*)'
IDENT='(0|[1-9][0-9]*|[0-9]*[A-Za-z-][0-9A-Za-z-]*)'
# shellcheck disable=SC2034 # used by the suites that source this file
SEMVER_RE="^$NUM\\.$NUM\\.$NUM(-$IDENT(\\.$IDENT)*)?(\\+[0-9A-Za-z-]+(\\.[0-9A-Za-z-]+)*)?\$"

PASSED=0
FAILED=0

pass() {
  PASSED=$((PASSED + 1))
  printf '  ok    %s\n' "$*"
}

fail() {
  FAILED=$((FAILED + 1))
  printf '  FAIL  %s\n' "$*"
}

# check DESCRIPTION COMMAND...: run COMMAND, pass if it succeeds.
check() {
  local description="$1"
  shift
  if "$@"; then
    pass "$description"
  else
    fail "$description"
  fi
}

# suite_start: honour the test hooks, then print the header.
suite_start() {
  if [[ -n "${STELLA_EXAMPLE_FAIL_SUITE:-}" && "${STELLA_EXAMPLE_FAIL_SUITE}" == "$SUITE" ]]; then
    printf 'FAILED: %s (forced by STELLA_EXAMPLE_FAIL_SUITE)\n' "$SUITE"
    exit 1
  fi
  local seconds="${STELLA_EXAMPLE_SUITE_SLEEP:-}"
  if [[ -n "$seconds" ]]; then
    if [[ ! "$seconds" =~ ^[0-9]+([.][0-9]+)?$ ]]; then
      printf 'FAILED: %s (STELLA_EXAMPLE_SUITE_SLEEP=%s is not a number of seconds)\n' "$SUITE" "$seconds"
      exit 2
    fi
    printf '%s: STELLA_EXAMPLE_SUITE_SLEEP is set: sleeping %ss\n' "$SUITE" "$seconds" >&2
    sleep "$seconds" &
    SLEEP_PID=$!
    trap 'kill "$SLEEP_PID" 2>/dev/null; wait "$SLEEP_PID" 2>/dev/null; exit 143' TERM
    trap 'kill "$SLEEP_PID" 2>/dev/null; wait "$SLEEP_PID" 2>/dev/null; exit 130' INT
    wait "$SLEEP_PID"
    trap - TERM INT
  fi
  printf '== %s tests (%s)\n' "$SUITE" "$PWD"
}

# suite_end: print the summary and exit 0 when every check passed, 1 otherwise.
suite_end() {
  printf '%d passed, %d failed\n' "$PASSED" "$FAILED"
  if ((FAILED > 0)); then
    printf 'FAILED: %s (%d of %d checks failed)\n' "$SUITE" "$FAILED" "$((PASSED + FAILED))"
    exit 1
  fi
  printf 'PASSED: %s\n' "$SUITE"
}
