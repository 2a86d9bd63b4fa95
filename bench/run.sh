#!/usr/bin/env bash
# Benchmarks stella-release's own cost beside the tools a user would otherwise pick (GNU make,
# adnanh/webhook), in the same run on the same machine, and writes docs/BENCHMARKS.md.
#
#   mvn -B -q package -DskipTests && bench/run.sh
#
# stella-release is measured as `after` (this checkout, started the documented way, bin/stella-release) and
# `after-jar` (the same jar with plain `java -jar`). With BASE_DIR (another checkout, e.g. the commit before a speed
# change, built with `mvn -B -q package -DskipTests`) it is also measured as `before`, alternating with the others:
#
#   git worktree add /tmp/base <commit> && (cd /tmp/base && mvn -B -q package -DskipTests) && BASE_DIR=/tmp/base bench/run.sh
#
# Settings (environment): SIZES (module counts, default "9 90 900"), REPS (runs per figure, default 5),
# REPS_LARGE (900-module runs, default 3), REPS_SLEEP_LARGE (900 × `sleep 0.2`, default 1: ~95 s a run for make
# alone), ROUNDS (webhook rounds per tool, default 3), WRK_SECONDS (default 10), BENCH_OUT (default docs/BENCHMARKS.md),
# SECTIONS (default "orchestration serve webhooks"), BENCH_APPEND (a results.tsv of an earlier run whose figures are
# added to this run's report, e.g. the sections not run now).
# Not run by CI, and nothing in `mvn verify` asserts a time.
set -euo pipefail
cd "$(dirname "$0")/.."
REPO=$PWD
JAR=$REPO/target/stella-release.jar
REPS=${REPS:-5}
REPS_LARGE=${REPS_LARGE:-3}
ROUNDS=${ROUNDS:-3}
WRK_SECONDS=${WRK_SECONDS:-10}
OUT_MD=${BENCH_OUT:-docs/BENCHMARKS.md}
[ -f "$JAR" ] || { echo "bench: build first: mvn -B -q package -DskipTests" >&2; exit 2; }
if [ -n "${BASE_DIR:-}" ]; then
  BASE_DIR=$(cd "$BASE_DIR" && pwd)
  [ -f "$BASE_DIR/target/stella-release.jar" ] || { echo "bench: BASE_DIR has no jar: build it in $BASE_DIR" >&2; exit 2; }
  VARIANTS=(before after-jar after)
else
  VARIANTS=(after-jar after)
fi
# vcmd VARIANT: sets CMD to the command that starts that stella-release, from its own checkout (routes, properties).
vcmd() {
  case $1 in
    after) CMD=(env -C "$REPO" bin/stella-release) ;;
    after-jar) CMD=(env -C "$REPO" java -jar target/stella-release.jar) ;;
    before) CMD=(env -C "$BASE_DIR" java -jar target/stella-release.jar) ;;
  esac
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

WORK=$(mktemp -d /tmp/stella-bench.XXXXXX)
RESULTS=$WORK/results.tsv
PIDS=()
cleanup() { for p in "${PIDS[@]:-}"; do [ -n "$p" ] && kill "$p" 2>/dev/null || true; done; }
trap cleanup EXIT
echo "bench: scratch directory $WORK"
P=$(nproc)
gen() { python3 bench/gen.py "$@"; }
# record SECTION CASE TOOL METRIC VALUE
record() { printf '%s\t%s\t%s\t%s\t%s\n' "$@" >>"$RESULTS"; }
now_ms() { echo $(( $(date +%s%N) / 1000000 )); }
rss_kb() { awk '/^VmRSS/ {print $2}' "/proc/$1/status" 2>/dev/null || echo 0; }
# The machine may be shared: its load before and after is part of the report.
record machine load before value "$(cut -d' ' -f1 /proc/loadavg)"
record meta date - - "$(date -u '+%Y-%m-%d %H:%M UTC')"
record meta commit - - "$(git rev-parse --short HEAD)"
record meta dirty - - "$([ -n "$(git status --porcelain --untracked-files=no)" ] && echo yes || echo no)"
[ -n "${BASE_DIR:-}" ] && record meta base - - "$(git -C "$BASE_DIR" rev-parse --short HEAD 2>/dev/null || echo "$BASE_DIR")"

SECTIONS=${SECTIONS:-orchestration serve webhooks}
# --- 1. Orchestration: the suite pipeline vs make -j over the same DAG and commands ---
[[ " $SECTIONS " == *" orchestration "* ]] && for cmd in "true" "sleep 0.2"; do
  for n in ${SIZES:-9 90 900}; do
    reps=$REPS
    if [ "$n" = 900 ]; then reps=$REPS_LARGE; [ "$cmd" = "true" ] || reps=${REPS_SLEEP_LARGE:-1}; fi
    ws=$WORK/ws-$n; [ -d "$ws" ] || gen workspace "$ws" "$n"
    case_=$n" × "$cmd
    gen config "$WORK/release-$n.yaml" "$ws" "$WORK/out-$n" "$n" "$cmd"
    gen makefile "$WORK/Makefile-$n" "$n" "$cmd"
    for r in $(seq 1 "$reps"); do
      for v in "${VARIANTS[@]}"; do
        echo "bench: orchestration N=$n '$cmd' $v run $r/$reps"
        rm -rf "$WORK/out-$n"
        vcmd "$v"
        t0=$(now_ms)
        /usr/bin/time -f '%M %U %S' -o "$WORK/time" "${CMD[@]}" release suite-2026.04-nova --config "$WORK/release-$n.yaml" \
          --workspace "$ws" --out "$WORK/out-$n" --dry-run --skip-tests >"$WORK/release.log" 2>&1 \
          || { echo "bench: the release failed:"; tail -30 "$WORK/release.log"; exit 1; }
        t1=$(now_ms)
        record orch "$case_" "$v" wall_ms $((t1 - t0))
        read -r rss user sys <"$WORK/time"
        record orch "$case_" "$v" rss_kb "$rss"
        record orch "$case_" "$v" cpu_ms "$(python3 -c "print(round(($user + $sys) * 1000))")"
        # The pipeline's own total (JVM start-up and shutdown excluded), from its summary.
        record orch "$case_" "$v" pipeline_ms "$(python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(sum(s.get("durationMs",0) for s in d["stages"]))' "$WORK/out-$n/2026.04/state.json")"
      done
      t0=$(now_ms)
      /usr/bin/time -f '%M %U %S' -o "$WORK/time" make -s -j"$P" -f "$WORK/Makefile-$n" all
      t1=$(now_ms)
      record orch "$case_" make wall_ms $((t1 - t0))
      read -r rss user sys <"$WORK/time"
      record orch "$case_" make rss_kb "$rss"
      record orch "$case_" make cpu_ms "$(python3 -c "print(round(($user + $sys) * 1000))")"
    done
  done
done

# --- The service: a bench configuration and properties (state, queue and port in the scratch directory) ---
SECRET=bench-$(date +%s)-secret
export STELLA_WEBHOOK_SECRET=$SECRET STELLA_DISPATCH_TOKEN=bench-token
PORT=18080; HOOK_PORT=19000
HOTFIXES=40000
# Webhook runs copy a 9-module workspace whose commands are `true` (cheap real runs, every stage) instead of cloning.
gen workspace "$WORK/ws-svc" 9 "$HOTFIXES"
gen config "$WORK/release-svc.yaml" "$WORK/ws-9" "$WORK/svc-out" 9 "true" \
  "[\"sh\", \"-c\", \"cp -a '$WORK/ws-svc/.' \\\"\$CHECKOUT_DIR\\\"\"]"
# Dispatch runs release the 900-module workspace (commands `true`): the footprint while 900 modules build.
[ -d "$WORK/ws-900" ] || gen workspace "$WORK/ws-900" 900
gen config "$WORK/release-svc900.yaml" "$WORK/ws-900" "$WORK/svc-out" 900 "true"
# serve is measured as `after` (bin/stella-release serve) and, with BASE_DIR, `before`.
SERVE_VARIANTS=(after); [ -n "${BASE_DIR:-}" ] && SERVE_VARIANTS=(before after)
start_serve() { # start_serve VARIANT NAME CONFIG: starts serve with fresh state, waits for health; sets SERVE_PID, STARTUP_MS
  local variant=$1 name=$2 config=$3
  mkdir -p "$WORK/$name"
  # The variant's own application.properties, with the queue in the scratch directory.
  { cat "$(vhome "$variant")/config/application.properties"; printf '\nstella.dispatch.dir = %s\n' "$WORK/$name/queue"; } \
    >"$WORK/$name.properties"
  vcmd "$variant"
  local t0; t0=$(now_ms)
  "${CMD[@]}" serve --port "$PORT" --state "$WORK/$name/state" --config "$config" \
    --properties "$WORK/$name.properties" >"$WORK/$name/serve.log" 2>&1 &
  SERVE_PID=$!; PIDS+=("$SERVE_PID")
  until curl -sf -o /dev/null "http://127.0.0.1:$PORT/observe/health"; do
    kill -0 "$SERVE_PID" 2>/dev/null || { echo "bench: serve died:"; tail -30 "$WORK/$name/serve.log"; exit 1; }
    sleep 0.02
  done
  STARTUP_MS=$(( $(now_ms) - t0 ))
}
stop_serve() { kill -TERM "$SERVE_PID"; wait "$SERVE_PID" 2>/dev/null || true; }

# --- 3. Start-up and footprint ---
[[ " $SECTIONS " == *" serve "* ]] && for r in $(seq 1 "$REPS"); do
 for v in "${SERVE_VARIANTS[@]}"; do
  echo "bench: start-up run $r/$REPS: $v"; rm -rf "$WORK/svc-out"
  start_serve "$v" "startup-$r-$v" "$WORK/release-svc900.yaml"
  record serve startup "$v" startup_ms "$STARTUP_MS"
  sleep 2
  record serve idle "$v" rss_kb "$(rss_kb "$SERVE_PID")"
  run=$(curl -sf -H "Authorization: Bearer $STELLA_DISPATCH_TOKEN" -H 'Content-Type: application/json' \
    -d '{"kind":"suite","version":"2026.04","codename":"Nova","dryRun":true,"skipTests":true}' \
    "http://127.0.0.1:$PORT/api/v1/dispatch" | python3 -c 'import json,sys; print(json.load(sys.stdin)["run"])')
  peak=0; t0=$(now_ms)
  while :; do
    kb=$(rss_kb "$SERVE_PID"); [ "$kb" -gt "$peak" ] && peak=$kb
    # A poll that fails (a busy moment) is only a missed sample; a dead server is an error.
    state=$(curl -sf "http://127.0.0.1:$PORT/api/v1/runs/$run" 2>/dev/null \
      | python3 -c 'import json,sys; print(json.load(sys.stdin)["run"]["state"])' 2>/dev/null || echo unknown)
    if [ "$state" = unknown ]; then
      echo "bench: a status poll of run $run failed (curl -sf exit or no JSON)"
      kill -0 "$SERVE_PID" 2>/dev/null || { echo "bench: serve died:"; tail -30 "$WORK/startup-$r-$v/serve.log"; exit 1; }
    fi
    case $state in succeeded) break ;; failed|interrupted) echo "bench: the 900-module run $state"; exit 1 ;; esac
    sleep 0.1
  done
  record serve "900 modules building" "$v" rss_kb "$peak"
  record serve "900-module run (dispatch to done)" "$v" run_ms $(( $(now_ms) - t0 ))
  stop_serve
 done
done

# --- 2. Webhook intake: stella-release serve vs adnanh/webhook, alternating ---
gen bodies-release "$WORK/bodies-release.txt" "$SECRET" "$HOTFIXES"
gen bodies-other "$WORK/bodies-other.txt" "$SECRET" 1
gen hooks "$WORK/hooks.json" "$SECRET"
WRK=(wrk -t2 -c16 --latency)
wrk_run() { # wrk_run URL BODIES OFFSET SECONDS -> RESULT line
  "${WRK[@]}" -d"$4"s -s bench/wrk.lua "$1" -- "/${1#http://127.0.0.1:*/}" "$2" "$3" 2 | grep '^RESULT' || true
}
field() { sed -n "s/.* $1=\([^ ]*\).*/\1/p" <<<" $2"; }
webhook_case() { # webhook_case CASE BODIES
  local case_=$1 bodies=$2
  for r in $(seq 1 "$ROUNDS"); do
   for v in "${SERVE_VARIANTS[@]}"; do
    echo "bench: webhook '$case_' round $r/$ROUNDS: stella-release ($v)"
    local name="wh-$r-$v-${case_// /}"
    start_serve "$v" "$name" "$WORK/release-svc.yaml"
    local url="http://127.0.0.1:$PORT/api/v1/webhooks/gitea"
    curl -s -H 'Content-Type: application/json' -H 'X-Gitea-Event: create' \
      -H "X-Gitea-Signature: $(head -1 "$bodies" | cut -f1)" --data-binary "$(head -1 "$bodies" | cut -f2)" "$url" >"$WORK/answer.json"
    echo "bench:   first answer: $(cat "$WORK/answer.json")"
    wrk_run "$url" "$bodies" 1 3 >/dev/null              # warm-up, then the measured run on other tags
    res=$(wrk_run "$url" "$bodies" 20000 "$WRK_SECONDS"); echo "bench:   $res"
    for k in rps p50_ms p99_ms non2xx; do record webhook "$case_" "$v" "$k" "$(field $k "$res")"; done
    record webhook "$case_" "$v" runs_recorded "$(find "$WORK/$name/state/runs" -maxdepth 1 -name '*.json' 2>/dev/null | wc -l)"
    stop_serve
   done
    echo "bench: webhook '$case_' round $r/$ROUNDS: adnanh/webhook"
    webhook -hooks "$WORK/hooks.json" -ip 127.0.0.1 -port "$HOOK_PORT" >"$WORK/webhook.log" 2>&1 &
    local hook_pid=$!; PIDS+=("$hook_pid")
    until curl -s -o /dev/null "http://127.0.0.1:$HOOK_PORT/"; do sleep 0.02; done
    url="http://127.0.0.1:$HOOK_PORT/hooks/gitea"
    wrk_run "$url" "$bodies" 1 3 >/dev/null
    res=$(wrk_run "$url" "$bodies" 20000 "$WRK_SECONDS"); echo "bench:   $res"
    for k in rps p50_ms p99_ms non2xx; do record webhook "$case_" webhook "$k" "$(field $k "$res")"; done
    kill "$hook_pid"; wait "$hook_pid" 2>/dev/null || true
  done
}
if [[ " $SECTIONS " == *" webhooks "* ]]; then
  webhook_case "not a release tag (ignored)" "$WORK/bodies-other.txt"
  webhook_case "distinct release tags (accepted)" "$WORK/bodies-release.txt"
fi

record machine load after value "$(cut -d' ' -f1 /proc/loadavg)"
# --- The report ---
mkdir -p "$(dirname "$OUT_MD")"
if [ -n "${BENCH_APPEND:-}" ]; then grep -v -P '^(meta|machine)\t' "$BENCH_APPEND" >>"$RESULTS"; fi
cp "$RESULTS" bench/results-latest.tsv
# The build workers' section (bench/workers.sh) is kept as it is.
workers_section=$(sed -n '/<!-- workers:begin/,/<!-- workers:end -->/p' "$OUT_MD" 2>/dev/null || true)
python3 bench/report.py "$RESULTS" >"$OUT_MD"
if [ -n "$workers_section" ]; then printf '\n%s\n' "$workers_section" >>"$OUT_MD"; fi
echo "bench: wrote $OUT_MD (raw figures: bench/results-latest.tsv)"
