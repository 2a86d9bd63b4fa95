#!/usr/bin/env bash
# Benchmarks stella-release's own cost beside the tools a user would otherwise pick (GNU make, adnanh/webhook, a
# minimal Camel application), in the same run on the same machine, and writes docs/BENCHMARKS.md. Every target of
# the performance work is a ratio to such a peer measured in the same run (the report's first table).
#
#   mvn -B -q package -DskipTests && bench/run.sh
#
# stella-release is measured as `after` (this checkout, started the documented way, bin/stella-release) and
# `after-jar` (the same jar with plain `java -jar`). With BASE_DIR (another checkout, e.g. the commit before a speed
# change, built with `mvn -B -q package -DskipTests`) it is also measured as `before`, alternating with the others:
#
#   git worktree add /tmp/base <commit> && (cd /tmp/base && mvn -B -q package -DskipTests) && BASE_DIR=/tmp/base bench/run.sh
#
# Settings (environment):
#   SECTIONS        default "orchestration huge serve webhooks scale"
#   VARIANTS        stella-release variants, default "after-jar after" ("before after-jar after" with BASE_DIR);
#                   e.g. VARIANTS="before after" to skip after-jar. serve and webhooks use them without after-jar.
#   SIZES           module counts for `true`, default "9 90 900"; REPS runs each (default 5), REPS_LARGE at 900 (3)
#   SIZES_SLEEP     module counts for `sleep 0.2`, default "9 90" ("" to skip); REPS each; 900 costs ~95 s a run per tool
#                   (REPS_SLEEP_LARGE, default 1)
#   SIZES_HUGE      N=9000 × `true`, once, for HUGE_VARIANTS (default "after") and make; default 9000, "" to skip
#   ROUNDS          webhook rounds per tool and case, default 3; WRK_SECONDS per measured round (10);
#                   WARMUP_SECONDS of load before each stella-release round (20; adnanh/webhook: 3)
#   WEBHOOK_CASES   default "ignored accepted accepted-pg" (accepted-pg: PostgreSQL as the store, PG_URL,
#                   default jdbc:postgresql://127.0.0.1:5432/test, PG_USER default postgres, a schema per round)
#   SCALE_RUNS      runs in the store for the run API and dashboard latencies (10000), SCALE_SECONDS per endpoint (5)
#   PORT, HOOK_PORT ports of serve / the minimal Camel application and of adnanh/webhook (18080, 19000)
#   BENCH_OUT       default docs/BENCHMARKS.md; BENCH_APPEND: a results.tsv of an earlier run whose figures are
#                   added to this run's report (e.g. the sections not run now)
# Not run by CI, and nothing in `mvn verify` asserts a time.
set -euo pipefail
cd "$(dirname "$0")/.."
REPO=$PWD
JAR=$REPO/target/stella-release.jar
REPS=${REPS:-5}
REPS_LARGE=${REPS_LARGE:-3}
ROUNDS=${ROUNDS:-3}
WRK_SECONDS=${WRK_SECONDS:-10}
WARMUP_SECONDS=${WARMUP_SECONDS:-20}
SIZES=${SIZES:-9 90 900}
SIZES_SLEEP=${SIZES_SLEEP-9 90}
SIZES_HUGE=${SIZES_HUGE-9000}
HUGE_VARIANTS=${HUGE_VARIANTS:-after}
WEBHOOK_CASES=${WEBHOOK_CASES:-ignored accepted accepted-pg}
SCALE_RUNS=${SCALE_RUNS:-10000}
SCALE_SECONDS=${SCALE_SECONDS:-5}
PG_URL=${PG_URL:-jdbc:postgresql://127.0.0.1:5432/test}
PG_USER=${PG_USER:-postgres}
PORT=${PORT:-18080}
HOOK_PORT=${HOOK_PORT:-19000}
OUT_MD=${BENCH_OUT:-docs/BENCHMARKS.md}
SECTIONS=${SECTIONS:-orchestration huge serve webhooks scale}
JAVA_BIN=${JAVA:-java}   # what bin/stella-release starts; the minimal Camel application gets the same
[ -f "$JAR" ] || { echo "bench: build first: mvn -B -q package -DskipTests" >&2; exit 2; }
if [ -n "${BASE_DIR:-}" ]; then
  BASE_DIR=$(cd "$BASE_DIR" && pwd)
  [ -f "$BASE_DIR/target/stella-release.jar" ] || { echo "bench: BASE_DIR has no jar: build it in $BASE_DIR" >&2; exit 2; }
  read -r -a VARIANTS <<<"${VARIANTS:-before after-jar after}"
else
  read -r -a VARIANTS <<<"${VARIANTS:-after-jar after}"
fi
for v in "${VARIANTS[@]}"; do
  case $v in after|after-jar) ;; before) [ -n "${BASE_DIR:-}" ] || { echo "bench: VARIANTS has before: set BASE_DIR" >&2; exit 2; } ;;
    *) echo "bench: unknown variant $v (before, after-jar, after)" >&2; exit 2 ;; esac
done
# serve and the webhooks: the variants started the documented way (bin/stella-release for after).
SERVE_VARIANTS=(); for v in "${VARIANTS[@]}"; do [ "$v" = after-jar ] || SERVE_VARIANTS+=("$v"); done
[ ${#SERVE_VARIANTS[@]} -gt 0 ] || SERVE_VARIANTS=(after)
has() { [[ " $SECTIONS " == *" $1 "* ]]; }
# vcmd VARIANT: sets CMD to the command that starts that stella-release, from its own checkout (routes, properties).
vcmd() {
  case $1 in
    after) CMD=(env -C "$REPO" bin/stella-release) ;;
    after-jar) CMD=(env -C "$REPO" "$JAVA_BIN" -jar target/stella-release.jar) ;;
    before) CMD=(env -C "$BASE_DIR" bin/stella-release) ;;
  esac
  # A base checkout from before bin/stella-release existed: its jar, plainly.
  if [ "$1" = before ] && [ ! -x "$BASE_DIR/bin/stella-release" ]; then CMD=(env -C "$BASE_DIR" "$JAVA_BIN" -jar target/stella-release.jar); fi
}
vhome() { if [ "$1" = before ]; then echo "$BASE_DIR"; else echo "$REPO"; fi; }

# --- What we compare against, from Debian's packages ---
need=()
for tool in make webhook wrk python3 curl; do command -v "$tool" >/dev/null || need+=("$tool"); done
[ -x /usr/bin/time ] || need+=(time)
if [ ${#need[@]} -gt 0 ]; then
  echo "bench: installing ${need[*]}"
  apt-get update -qq && apt-get install -y -qq "${need[@]}" >/dev/null
fi
# The minimal Camel application (bench/minimal-camel), built once.
MINIMAL_JAR=$REPO/bench/minimal-camel/target/minimal-camel.jar
if has serve && [ ! -f "$MINIMAL_JAR" ]; then
  echo "bench: building bench/minimal-camel"
  (cd bench/minimal-camel && { mvn -B -o -q package || mvn -B -q package; }) >&2
fi

WORK=$(mktemp -d /tmp/stella-bench.XXXXXX)
RESULTS=$WORK/results.tsv
PIDS=()
PG_SCHEMAS=()
cleanup() {
  for p in "${PIDS[@]:-}"; do [ -n "$p" ] && kill "$p" 2>/dev/null || true; done
  for s in "${PG_SCHEMAS[@]:-}"; do if [ -n "$s" ]; then pg_drop "$s"; fi; done
  return 0
}
trap cleanup EXIT
echo "bench: scratch directory $WORK"
P=$(nproc)
gen() { python3 bench/gen.py "$@"; }
# record SECTION CASE TOOL METRIC VALUE
record() { printf '%s\t%s\t%s\t%s\t%s\n' "$@" >>"$RESULTS"; }
now_ms() { echo $(( $(date +%s%N) / 1000000 )); }
rss_kb() { awk '/^VmRSS/ {print $2}' "/proc/$1/status" 2>/dev/null || echo 0; }
loadavg() { cut -d' ' -f1 /proc/loadavg; }
# The machine may be shared: its load before and after each section is part of the report.
section_load() { record load "$1" "$2" value "$(loadavg)"; record load "$1" "$2" epoch "$(date +%s)"; }
record machine load before value "$(loadavg)"
record meta date - - "$(date -u '+%Y-%m-%d %H:%M UTC')"
record meta commit - - "$(git rev-parse --short HEAD)"
record meta dirty - - "$([ -n "$(git status --porcelain --untracked-files=no)" ] && echo yes || echo no)"
record meta hotfixes - - "${HOTFIXES:-100000}"
record meta settings - - "SECTIONS='$SECTIONS' VARIANTS='${VARIANTS[*]}' SIZES='$SIZES' SIZES_SLEEP='$SIZES_SLEEP' SIZES_HUGE='$SIZES_HUGE' REPS=$REPS REPS_LARGE=$REPS_LARGE ROUNDS=$ROUNDS WRK_SECONDS=$WRK_SECONDS WARMUP_SECONDS=$WARMUP_SECONDS WEBHOOK_CASES='$WEBHOOK_CASES' SCALE_RUNS=$SCALE_RUNS SCALE_SECONDS=$SCALE_SECONDS"
# The machine as it was during the run (the report may be written later, elsewhere).
record meta nproc - - "$P"
record meta machine - - "$P CPUs (\`nproc\`), $(awk '/MemTotal/ {printf "%.1f", $2 / 1048576}' /proc/meminfo) GiB, $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1)"
record meta kernel - - "$(uname -r)"
record meta java - - "$("${JAVA:-java}" -version 2>&1 | head -1)"
record meta tools - - "$(make --version | head -1); webhook $(webhook -version 2>/dev/null | awk '{print $NF}'); $(wrk -v 2>&1 | head -1 | sed 's/ \[.*//')"
[ -n "${BASE_DIR:-}" ] && record meta base - - "$(git -C "$BASE_DIR" rev-parse --short HEAD 2>/dev/null || echo "$BASE_DIR")"

# --- 1. Orchestration: the suite pipeline vs make -j over the same DAG and commands ---
# orch_run SECTION N CMD TOOLS...: one run of each tool (a stella-release variant or make), in that order.
RUN_SEQ=0
orch_run() {
  local section=$1 n=$2 cmd=$3; shift 3
  local ws=$WORK/ws-$n case_="$n × $cmd" t0 t1 rss user sys
  [ -d "$ws" ] || gen workspace "$ws" "$n"
  [ -f "$WORK/release-$n-${cmd// /_}.yaml" ] || gen config "$WORK/release-$n-${cmd// /_}.yaml" "$ws" "$WORK/out-$n" "$n" "$cmd"
  [ -f "$WORK/Makefile-$n-${cmd// /_}" ] || gen makefile "$WORK/Makefile-$n-${cmd// /_}" "$n" "$cmd"
  for v in "$@"; do
    echo "bench: $section N=$n '$cmd' $v"
    # A fresh output directory per run, none deleted while the bench runs: ext4 makes a new file slower where many
    # were just deleted (perf: `recently_deleted` under `ext4_create`, 18% of the machine's samples), so a rm -rf
    # of the previous run's thousands of files before each run slowed the next one (900 × true: 2.3-2.5 s in a fresh
    # directory or tmpfs, 4.5-5 s in the reused one); make writes no files and was never affected.
    RUN_SEQ=$((RUN_SEQ + 1)); local out=$WORK/runs/$RUN_SEQ
    mkdir -p "$WORK/runs"
    if [ "$v" = make ]; then
      t0=$(now_ms)
      /usr/bin/time -f '%M %U %S' -o "$WORK/time" make -s -j"$P" -f "$WORK/Makefile-$n-${cmd// /_}" all
      t1=$(now_ms)
    else
      vcmd "$v"
      t0=$(now_ms)
      /usr/bin/time -f '%M %U %S' -o "$WORK/time" "${CMD[@]}" release suite-2026.04-nova --config "$WORK/release-$n-${cmd// /_}.yaml" \
        --workspace "$ws" --out "$out" --dry-run --skip-tests >"$WORK/release.log" 2>&1 \
        || { echo "bench: the release failed:"; tail -30 "$WORK/release.log"; exit 1; }
      t1=$(now_ms)
      # The pipeline's own total (JVM start-up and shutdown excluded), from its summary.
      record "$section" "$case_" "$v" pipeline_ms "$(python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(sum(s.get("durationMs",0) for s in d["stages"]))' "$out/2026.04/state.json")"
    fi
    record "$section" "$case_" "$v" wall_ms $((t1 - t0))
    read -r rss user sys <"$WORK/time"
    # /usr/bin/time's %M: the largest RSS of the process and of each child it waited for (make: make itself).
    record "$section" "$case_" "$v" rss_kb "$rss"
    record "$section" "$case_" "$v" cpu_ms "$(python3 -c "print(round(($user + $sys) * 1000))")"
  done
}
if has orchestration; then
  section_load orch before
  for cmd in "true" "sleep 0.2"; do
    if [ "$cmd" = true ]; then sizes=$SIZES; else sizes=$SIZES_SLEEP; fi
    for n in $sizes; do
      reps=$REPS
      if [ "$n" -ge 900 ]; then reps=$REPS_LARGE; [ "$cmd" = "true" ] || reps=${REPS_SLEEP_LARGE:-1}; fi
      for r in $(seq 1 "$reps"); do
        echo "bench: run $r/$reps"
        orch_run orch "$n" "$cmd" "${VARIANTS[@]}" make
      done
    done
  done
  section_load orch after
fi
# --- 1b. One very large run: time per module and memory from 90 to 9,000 modules ---
if has huge && [ -n "$SIZES_HUGE" ]; then
  section_load huge before
  read -r -a hv <<<"$HUGE_VARIANTS"
  for n in $SIZES_HUGE; do orch_run huge "$n" true "${hv[@]}" make; done
  section_load huge after
fi

# --- The service: a bench configuration and properties (state, queue and port in the scratch directory) ---
SECRET=bench-$(date +%s)-secret
export STELLA_WEBHOOK_SECRET=$SECRET STELLA_DISPATCH_TOKEN=bench-token
HOTFIXES=${HOTFIXES:-100000}  # distinct tags per body file: more than a round sends (60,000 was passed at 6k req/s)
svc_setup() {
  [ -f "$WORK/release-svc.yaml" ] && return
  # Webhook runs copy a 9-module workspace whose commands are `true` (cheap real runs, every stage) instead of cloning.
  gen workspace "$WORK/ws-svc" 9 "$HOTFIXES"
  [ -d "$WORK/ws-9" ] || gen workspace "$WORK/ws-9" 9
  gen config "$WORK/release-svc.yaml" "$WORK/ws-9" "$WORK/svc-out" 9 "true" \
    "[\"sh\", \"-c\", \"cp -a '$WORK/ws-svc/.' \\\"\$CHECKOUT_DIR\\\"\"]"
  # Dispatch runs release the 900-module workspace (commands `true`): the footprint while 900 modules build.
  [ -d "$WORK/ws-900" ] || gen workspace "$WORK/ws-900" 900
}
wait_healthy() { # wait_healthy PID PORT LOG: until /observe/health answers 200 (at most 300 s)
  local deadline=$(( $(now_ms) + 300000 ))
  until curl -sf -o /dev/null "http://127.0.0.1:$2/observe/health"; do
    kill -0 "$1" 2>/dev/null || { echo "bench: it died:"; tail -30 "$3"; exit 1; }
    [ "$(now_ms)" -lt "$deadline" ] || { echo "bench: not healthy after 300 s:"; tail -30 "$3"; exit 1; }
    sleep 0.02
  done
}
port_free() { # port_free PORT: until nothing answers on it (at most 10 s): the previous process has let it go
  local i=0
  while curl -s -o /dev/null --max-time 1 "http://127.0.0.1:$1/" && [ $i -lt 500 ]; do i=$((i + 1)); sleep 0.02; done
}
# start_serve VARIANT NAME CONFIG [EXTRA PROPERTIES]: starts serve on the state $WORK/NAME/state (kept if it exists),
# waits for health; sets SERVE_PID, STARTUP_MS.
start_serve() {
  local variant=$1 name=$2 config=$3 extra=${4:-}
  mkdir -p "$WORK/$name"
  # The variant's own application.properties, with the queue in the scratch directory.
  { cat "$(vhome "$variant")/config/application.properties"; printf '\nstella.dispatch.dir = %s\n%s\n' "$WORK/$name/queue" "$extra"; } \
    >"$WORK/$name.properties"
  vcmd "$variant"
  port_free "$PORT"
  local t0; t0=$(now_ms)
  "${CMD[@]}" serve --port "$PORT" --state "$WORK/$name/state" --config "$config" \
    --properties "$WORK/$name.properties" >>"$WORK/$name/serve.log" 2>&1 &
  SERVE_PID=$!; PIDS+=("$SERVE_PID")
  wait_healthy "$SERVE_PID" "$PORT" "$WORK/$name/serve.log"
  STARTUP_MS=$(( $(now_ms) - t0 ))
}
stop_serve() { kill -TERM "$SERVE_PID" 2>/dev/null || true; wait "$SERVE_PID" 2>/dev/null || true; }
pg_drop() { command -v psql >/dev/null && psql -q -h 127.0.0.1 -U "$PG_USER" -d "${PG_URL##*/}" -c "drop schema if exists $1 cascade" >/dev/null 2>&1 || true; }

# --- 2. Start-up and footprint: serve vs a minimal Camel application, alternating ---
if has serve; then
  svc_setup
  section_load serve before
  for r in $(seq 1 "$REPS"); do
   for v in "${SERVE_VARIANTS[@]}" minimal; do
    if [ "$v" = minimal ]; then
      echo "bench: start-up run $r/$REPS: minimal Camel application"
      mkdir -p "$WORK/minimal-$r"
      port_free "$PORT"
      t0=$(now_ms)
      "$JAVA_BIN" -Dcamel.server.port="$PORT" -Dcamel.management.port="$PORT" -jar "$MINIMAL_JAR" >"$WORK/minimal-$r/out.log" 2>&1 &
      mpid=$!; PIDS+=("$mpid")
      wait_healthy "$mpid" "$PORT" "$WORK/minimal-$r/out.log"
      record serve startup minimal startup_ms $(( $(now_ms) - t0 ))
      sleep 2
      record serve idle minimal rss_kb "$(rss_kb "$mpid")"
      kill -TERM "$mpid"; wait "$mpid" 2>/dev/null || true
      continue
    fi
    echo "bench: start-up run $r/$REPS: $v"
    # Each run releases into a directory of its own, for the reason given in orch_run (with a rm -rf of the
    # previous run's 900 modules before each, five runs took 7.7, 8.1, 9.2, 11.1 and 13.2 s).
    gen config "$WORK/release-svc900-$r-$v.yaml" "$WORK/ws-900" "$WORK/svc900-out-$r-$v" 900 "true"
    start_serve "$v" "startup-$r-$v" "$WORK/release-svc900-$r-$v.yaml"
    record serve startup "$v" startup_ms "$STARTUP_MS"
    sleep 2
    record serve idle "$v" rss_kb "$(rss_kb "$SERVE_PID")"
    run=$(curl -sf -H "Authorization: Bearer $STELLA_DISPATCH_TOKEN" -H 'Content-Type: application/json' \
      -d '{"kind":"suite","version":"2026.04","codename":"Nova","dryRun":true,"skipTests":true}' \
      "http://127.0.0.1:$PORT/api/v1/dispatch" | python3 -c 'import json,sys; print(json.load(sys.stdin)["run"])')
    # One watcher process samples the RSS and polls the run's state every 0.1 s. A curl and a python3 started
    # for each poll took ~25 % of a CPU from the run it measured (2 CPUs): its build stage took 3.2-5.7 s
    # instead of 2.3 s. Prints "<peak RSS kB> <ms from dispatch to done>"; exits 1 if the run fails or serve dies.
    python3 - "$SERVE_PID" "$PORT" "$run" >"$WORK/watch" <<'PY' || { echo "bench: the 900-module run failed:"; tail -30 "$WORK/startup-$r-$v/serve.log"; exit 1; }
import json, sys, time, urllib.request
pid, port, run = sys.argv[1:4]
t0, peak = time.monotonic(), 0
while time.monotonic() - t0 < 600:
    try:
        with open(f"/proc/{pid}/status") as f:
            peak = max(peak, next(int(l.split()[1]) for l in f if l.startswith("VmRSS")))
    except (OSError, StopIteration):
        sys.exit("serve died")
    try:  # a poll that fails (a busy moment) is only a missed sample
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/v1/runs/{run}", timeout=5) as r:
            state = json.load(r)["run"]["state"]
    except Exception as e:
        print(f"bench: a status poll of run {run} failed: {e}", file=sys.stderr); state = None
    if state == "succeeded":
        print(peak, round((time.monotonic() - t0) * 1000)); sys.exit(0)
    if state in ("failed", "interrupted"):
        sys.exit(f"the 900-module run {state}")
    time.sleep(0.1)
sys.exit("the 900-module run takes over 10 min")
PY
    read -r peak run_ms <"$WORK/watch"
    record serve "900 modules building" "$v" rss_kb "$peak"
    record serve "900-module run (dispatch to done)" "$v" run_ms "$run_ms"
    stop_serve
   done
  done
  section_load serve after
fi

# --- 3. Webhook intake: stella-release serve, then adnanh/webhook, each tool in its own block ---
WRK=(wrk -t2 -c16 --latency)
wrk_run() { # wrk_run URL BODIES OFFSET SECONDS DELIVERY-PREFIX -> RESULT line
  "${WRK[@]}" -d"$4"s -s bench/wrk.lua "$1" -- "/${1#http://127.0.0.1:*/}" "$2" "$3" 2 "$5" | grep '^RESULT' || true
}
field() { sed -n "s/.* $1=\([^ ]*\).*/\1/p" <<<" $2"; }
case_name() {
  case $1 in
    ignored) echo "not a release tag (ignored)" ;;
    accepted) echo "distinct release tags (accepted, file store)" ;;
    accepted-pg) echo "distinct release tags (accepted, PostgreSQL store)" ;;
  esac
}
case_bodies() { if [ "$1" = ignored ]; then echo "$WORK/bodies-other.txt"; else echo "$WORK/bodies-release.txt"; fi; }
# The warm-up's requests: the same kind, other tags (release tags of 2026.10, whose runs fail at validation: the
# changelog has no section for them), so the measured round's tags are all new.
case_warm() { if [ "$1" = ignored ]; then echo "$WORK/bodies-other.txt"; else echo "$WORK/bodies-warm.txt"; fi; }
webhook_stella_round() { # webhook_stella_round CASE ROUND VARIANT
  local c=$1 r=$2 v=$3 extra="" schema=""
  local case_; case_=$(case_name "$c")
  local bodies; bodies=$(case_bodies "$c")
  local name="wh-$r-$v-$c"
  if [ "$c" = accepted-pg ]; then
    schema="bench_wh_${r}_${v//-/_}_$$"; PG_SCHEMAS+=("$schema")
    extra=$(printf 'stella.store.url = %s\nstella.store.user = %s\nstella.store.schema = %s\n' "$PG_URL" "$PG_USER" "$schema")
  fi
  echo "bench: webhook '$case_' round $r/$ROUNDS: stella-release ($v)"
  if [ "$c" = accepted ]; then
    # The hotfix tags fix suite 2026.04: with it in the release history the accepted runs execute every stage (a cheap
    # 9-module release beside the intake, as real runs would be), instead of failing at validate within milliseconds.
    mkdir -p "$WORK/$name/state/history/suites"
    printf 'suite:\n  version: "2026.04"\n  tag: suite-2026.04-nova\n  channel: stable\n  codename: Nova\n  releasedAt: "2026-04-15T00:00:00Z"\nmodules: []\n' \
      >"$WORK/$name/state/history/suites/suite-2026.04-nova.yaml"
  fi
  start_serve "$v" "$name" "$WORK/release-svc.yaml" "$extra"
  local url="http://127.0.0.1:$PORT/api/v1/webhooks/gitea"
  curl -s -H 'Content-Type: application/json' -H 'X-Gitea-Event: create' \
    -H "X-Gitea-Signature: $(head -1 "$bodies" | cut -f1)" --data-binary "$(head -1 "$bodies" | cut -f2)" "$url" >"$WORK/answer.json"
  echo "bench:   first answer: $(cat "$WORK/answer.json")"
  local res
  res=$(wrk_run "$url" "$(case_warm "$c")" 1 "$WARMUP_SECONDS" warm); echo "bench:   warm-up ${WARMUP_SECONDS}s: $res"
  record webhook "$case_" "$v" warmup_rps "$(field rps "$res")"
  record webhook "$case_" "$v" warmup_requests "$(field requests "$res")"
  res=$(wrk_run "$url" "$bodies" 2 "$WRK_SECONDS" measured); echo "bench:   $res"
  for k in rps p50_ms p99_ms requests non2xx sockerr; do record webhook "$case_" "$v" "$k" "$(field $k "$res")"; done
  if [ "$c" = accepted ]; then
    # Runs with a file of their own (started) plus runs recorded only in the group-committed journal (still queued).
    record webhook "$case_" "$v" runs_recorded "$(python3 bench/gen.py count-run-files "$WORK/$name/state/runs" || echo 0)"
  fi
  stop_serve
  if [ -n "$schema" ]; then pg_drop "$schema"; fi
}
webhook_hook_round() { # webhook_hook_round CASE ROUND
  local c=$1 r=$2
  local case_; case_=$(case_name "$c")
  local bodies; bodies=$(case_bodies "$c")
  echo "bench: webhook '$case_' round $r/$ROUNDS: adnanh/webhook"
  # Started again when it could not bind (the previous round's socket can linger a moment), up to 5 times.
  local hook_pid="" attempt i
  for attempt in 1 2 3 4 5; do
    webhook -hooks "$WORK/hooks.json" -ip 127.0.0.1 -port "$HOOK_PORT" >"$WORK/webhook.log" 2>&1 &
    hook_pid=$!; PIDS+=("$hook_pid")
    i=0
    until curl -s -o /dev/null "http://127.0.0.1:$HOOK_PORT/"; do
      kill -0 "$hook_pid" 2>/dev/null || break
      i=$((i + 1)); [ $i -lt 1500 ] || { echo "bench: adnanh/webhook did not answer:"; cat "$WORK/webhook.log"; exit 1; }
      sleep 0.02
    done
    kill -0 "$hook_pid" 2>/dev/null && break
    echo "bench:   adnanh/webhook exited at start (attempt $attempt): $(tail -1 "$WORK/webhook.log")"
    wait "$hook_pid" 2>/dev/null || true; hook_pid=""; sleep 1
  done
  [ -n "$hook_pid" ] || { echo "bench: adnanh/webhook did not start"; exit 1; }
  local url="http://127.0.0.1:$HOOK_PORT/hooks/gitea" res
  wrk_run "$url" "$(case_warm "$c")" 1 3 warm >/dev/null
  res=$(wrk_run "$url" "$bodies" 2 "$WRK_SECONDS" measured); echo "bench:   $res"
  for k in rps p50_ms p99_ms requests non2xx sockerr; do record webhook "$case_" webhook "$k" "$(field $k "$res")"; done
  kill "$hook_pid"; wait "$hook_pid" 2>/dev/null || true
  port_free "$HOOK_PORT"
}
if has webhooks; then
  svc_setup
  gen bodies-release "$WORK/bodies-release.txt" "$SECRET" "$HOTFIXES"
  gen bodies-warm "$WORK/bodies-warm.txt" "$SECRET" "$HOTFIXES"
  gen bodies-other "$WORK/bodies-other.txt" "$SECRET" 1
  gen hooks "$WORK/hooks.json" "$SECRET"
  if [[ " $WEBHOOK_CASES " == *" accepted-pg "* ]] && ! (exec 3<>/dev/tcp/127.0.0.1/"$(sed 's|.*://[^:/]*:\([0-9]*\)/.*|\1|' <<<"$PG_URL")") 2>/dev/null; then
    echo "bench: nothing listens for $PG_URL: the PostgreSQL case is skipped"
    WEBHOOK_CASES=${WEBHOOK_CASES//accepted-pg/}
  fi
  section_load webhook-stella before
  # stella-release's block: every case and round (variants alternating within a round), each after a warm-up.
  for c in $WEBHOOK_CASES; do
    for r in $(seq 1 "$ROUNDS"); do for v in "${SERVE_VARIANTS[@]}"; do webhook_stella_round "$c" "$r" "$v"; done; done
  done
  section_load webhook-stella after
  # adnanh/webhook's block, after: it spawns a process per request, thousands a second, which slows a JVM measured
  # right after it 5-10x on these machines. The PostgreSQL case has no counterpart: its peer is the accepted one.
  section_load webhook-hook before
  for c in $WEBHOOK_CASES; do
    [ "$c" = accepted-pg ] && continue
    for r in $(seq 1 "$ROUNDS"); do webhook_hook_round "$c" "$r"; done
  done
  section_load webhook-hook after
fi

# --- 4. Scale of the service: the run API and the dashboard with SCALE_RUNS runs in the store ---
if has scale; then
  svc_setup
  section_load scale before
  v=${SERVE_VARIANTS[-1]}
  name=scale-$v
  # Retention would prune finished runs down to 1000 at start-up: it is raised for this section only.
  keep=$(printf 'stella.runs.retention.max-count = %d\nstella.runs.retention.max-age = P3650D\n' $((SCALE_RUNS * 2)))
  echo "bench: scale: a real run through a webhook, as the template of the stored runs"
  start_serve "$v" "$name" "$WORK/release-svc.yaml" "$keep"
  gen bodies-release "$WORK/bodies-scale.txt" "$SECRET" 1
  curl -sf -H 'Content-Type: application/json' -H 'X-Gitea-Event: create' -H 'X-Gitea-Delivery: bench-scale-template' \
    -H "X-Gitea-Signature: $(cut -f1 "$WORK/bodies-scale.txt")" --data-binary "$(cut -f2 "$WORK/bodies-scale.txt")" \
    "http://127.0.0.1:$PORT/api/v1/webhooks/gitea" >"$WORK/answer.json"
  template=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["run"])' "$WORK/answer.json")
  t0=$(now_ms)
  # It fails at validation (a hotfix of a suite the history does not hold), as the accepted webhooks' runs do.
  until [[ "$(curl -sf "http://127.0.0.1:$PORT/api/v1/runs/$template" | python3 -c 'import json,sys; print(json.load(sys.stdin)["run"]["state"])' 2>/dev/null)" =~ ^(succeeded|failed)$ ]]; do
    [ $(( $(now_ms) - t0 )) -lt 300000 ] || { echo "bench: the template run did not end:"; tail -30 "$WORK/$name/serve.log"; exit 1; }
    sleep 0.2
  done
  stop_serve
  # Accepted webhooks stay queued and then execute for hours at 2 at a time; the stored runs are therefore
  # finished records made from the real one (gen.py runs): the service reads them at start as its own.
  gen runs "$WORK/$name/state/runs/$template.json" $((SCALE_RUNS - 1))
  start_serve "$v" "$name" "$WORK/release-svc.yaml" "$keep"
  record scale "start-up with the runs" "$v" startup_ms "$STARTUP_MS"
  sleep 2
  record scale "idle RSS with the runs" "$v" rss_kb "$(rss_kb "$SERVE_PID")"
  # What the service holds: the runs counted through the API, page by page.
  counted=$(python3 bench/gen.py count-runs "http://127.0.0.1:$PORT")
  echo "bench: scale: $counted runs in the store"
  record scale runs "$v" count "$counted"
  middle=$(curl -sf "http://127.0.0.1:$PORT/api/v1/runs?limit=200" | python3 -c 'import json,sys; print(json.load(sys.stdin)["runs"][100]["id"])')
  cursor=$(curl -sf "http://127.0.0.1:$PORT/api/v1/runs?limit=50" | python3 -c 'import json,sys; print(json.load(sys.stdin)["next"])')
  # What the dashboard asks for: its page and script, the first page of runs (50), the next page, a filter, the
  # release history, and one run.
  endpoints=(
    "GET / (dashboard page)|/"
    "GET /dashboard/dashboard.js|/dashboard/dashboard.js"
    "GET /api/v1/runs (first page, 50)|/api/v1/runs?limit=50"
    "GET /api/v1/runs (200)|/api/v1/runs?limit=200"
    "GET /api/v1/runs (next page)|/api/v1/runs?limit=50&cursor=$cursor"
    "GET /api/v1/runs?state=failed|/api/v1/runs?state=failed&limit=50"
    "GET /api/v1/releases|/api/v1/releases"
    "GET /api/v1/runs/<id> (the real run)|/api/v1/runs/$template"
    "GET /api/v1/runs/<id> (a stored run)|/api/v1/runs/$middle"
  )
  for e in "${endpoints[@]}"; do
    label=${e%%|*}; path=${e#*|}
    code=$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$PORT$path")
    res=$(wrk -t1 -c4 --latency -d"$SCALE_SECONDS"s -s bench/wrk-get.lua "http://127.0.0.1:$PORT$path" | grep '^RESULT' || true)
    echo "bench: scale: $label ($code): $res"
    for k in rps p50_ms p99_ms requests non2xx; do record scale "$label" "$v" "$k" "$(field $k "$res")"; done
  done
  stop_serve
  section_load scale after
fi

record machine load after value "$(loadavg)"
# --- The report ---
mkdir -p "$(dirname "$OUT_MD")"
if [ -n "${BENCH_APPEND:-}" ]; then grep -v -P '^(meta|machine)\t' "$BENCH_APPEND" >>"$RESULTS"; fi
if [ "$OUT_MD" = docs/BENCHMARKS.md ]; then cp "$RESULTS" bench/results-latest.tsv; fi
# The build workers' section (bench/workers.sh) is kept as it is.
workers_section=$(sed -n '/<!-- workers:begin/,/<!-- workers:end -->/p' "$OUT_MD" 2>/dev/null || true)
python3 bench/report.py "$RESULTS" >"$OUT_MD.tmp"
mv "$OUT_MD.tmp" "$OUT_MD"
if [ -n "$workers_section" ]; then printf '\n%s\n' "$workers_section" >>"$OUT_MD"; fi
echo "bench: wrote $OUT_MD (raw figures: $RESULTS$([ "$OUT_MD" = docs/BENCHMARKS.md ] && echo ", bench/results-latest.tsv"))"
