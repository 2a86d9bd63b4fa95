#!/usr/bin/env bash
# A/B of accepted webhooks (distinct release tags): serve from two checkouts, alternating rounds, each round a
# fresh state dir (or a fresh PostgreSQL schema with STORE=pg), ~WARM s warm-up then WRK_SECONDS measured; then
# adnanh/webhook in its own block. Usage: bench/intake-ab.sh BEFORE_DIR AFTER_DIR [CASE]
#   CASE: accepted (default) | ignored.  Env: ROUNDS (3), WARM (20), WRK_SECONDS (10), STORE (file|pg),
#   PORT (24000), HOOK_PORT (24001), JFR (a variant name: record a JFR of its first round; JFC: its settings file,
#   /tmp/intake-1ms.jfc), HOOK (1: adnanh block), SCHEMA_PREFIX (intake_: STORE=pg's schema per round),
#   OPTS_before / OPTS_after (extra JVM options per variant), JAVA_before / JAVA_after (the java per variant),
#   PROPS_before / PROPS_after (extra application properties per variant, one `key = value` per line),
#   THREADS (1: CPU per thread during the measured window),
#   PGSTAT (1: the measured window's top statements; needs pg_stat_statements in shared_preload_libraries).
set -euo pipefail
BEFORE=$(cd "$1" && pwd); AFTER=$(cd "$2" && pwd); CASE=${3:-accepted}
REPO=$(cd "$(dirname "$0")/.." && pwd)
ROUNDS=${ROUNDS:-3}; WARM=${WARM:-20}; WRK_SECONDS=${WRK_SECONDS:-10}; STORE=${STORE:-file}
PORT=${PORT:-24000}; HOOK_PORT=${HOOK_PORT:-24001}; HOOK=${HOOK:-1}; SCHEMA_PREFIX=${SCHEMA_PREFIX:-intake_}
WORK=$(mktemp -d /tmp/intake-ab.XXXXXX); echo "ab: scratch $WORK"
PIDS=(); cleanup() { for p in "${PIDS[@]:-}"; do [ -n "$p" ] && kill "$p" 2>/dev/null || true; done; }; trap cleanup EXIT
gen() { python3 "$REPO/bench/gen.py" "$@"; }
SECRET=bench-$(date +%s)-secret
export STELLA_WEBHOOK_SECRET=$SECRET STELLA_DISPATCH_TOKEN=bench-token
HOTFIXES=${HOTFIXES:-100000} # distinct tags: more than the measured window sends
gen workspace "$WORK/ws-9" 9 >/dev/null
gen workspace "$WORK/ws-svc" 9 "$HOTFIXES" >/dev/null
gen config "$WORK/release-svc.yaml" "$WORK/ws-9" "$WORK/svc-out" 9 "true" \
  "[\"sh\", \"-c\", \"cp -a '$WORK/ws-svc/.' \\\"\$CHECKOUT_DIR\\\"\"]" >/dev/null
# The warm-up sends other tags than the measured window (as bench/run.sh does), so every measured tag is new.
WARM_BODIES=$WORK/bodies.txt
if [ "$CASE" = accepted ]; then
  gen bodies-release "$WORK/bodies.txt" "$SECRET" "$HOTFIXES"
  WARM_BODIES=$WORK/warm.txt; gen bodies-warm "$WARM_BODIES" "$SECRET" "$HOTFIXES"
else gen bodies-other "$WORK/bodies.txt" "$SECRET" 1; fi
gen hooks "$WORK/hooks.json" "$SECRET"
WRK=(wrk -t2 -c16 --latency)
# wrk_run URL BODIES OFFSET SECONDS PREFIX: PREFIX names the deliveries, so warm-up and measured ones never meet.
wrk_run() { "${WRK[@]}" -d"$4"s -s "$REPO/bench/wrk.lua" "$1" -- "/${1#http://127.0.0.1:*/}" "$2" "$3" 2 "$5" | grep '^RESULT' || true; }
start_serve() { # DIR NAME
  local home=$1 name=$2; mkdir -p "$WORK/$name/state/history/suites"
  # The hotfix tags fix suite 2026.04: it must be in the release history, or every run fails at validate.
  printf 'suite:\n  version: "2026.04"\n  tag: suite-2026.04-nova\n  channel: stable\n  codename: Nova\n  releasedAt: "2026-04-15T00:00:00Z"\nmodules: []\n' \
    >"$WORK/$name/state/history/suites/suite-2026.04-nova.yaml"
  { cat "$home/config/application.properties"; printf '\nstella.dispatch.dir = %s\n' "$WORK/$name/queue"
    if [ "$STORE" = pg ]; then
      printf 'stella.store.url = jdbc:postgresql://127.0.0.1:5432/test\nstella.store.user = postgres\nstella.store.schema = %s%s\n' "$SCHEMA_PREFIX" "${name//[^a-z0-9]/_}"
    fi
    local props_var="PROPS_${name//[0-9]/}"; [ -n "${!props_var:-}" ] && printf '%s\n' "${!props_var}"; } >"$WORK/$name.properties"
  local opts_var="OPTS_${name//[0-9]/}"; local opts="${!opts_var:-}" # OPTS_before / OPTS_after: extra JVM options
  [ "${JFR:-}" = "$name" ] && opts="$opts -XX:StartFlightRecording=filename=$WORK/$name.jfr,settings=${JFC:-/tmp/intake-1ms.jfc}"
  local java_var="JAVA_${name//[0-9]/}" # JAVA_before / JAVA_after: another java per variant
  env -C "$home" JAVA="${!java_var:-${JAVA:-java}}" JAVA_OPTS="$opts" bin/stella-release serve --port "$PORT" --state "$WORK/$name/state" \
    --config "$WORK/release-svc.yaml" --properties "$WORK/$name.properties" >"$WORK/$name/serve.log" 2>&1 &
  SERVE_PID=$!; PIDS+=("$SERVE_PID")
  until curl -sf -o /dev/null "http://127.0.0.1:$PORT/observe/health"; do
    kill -0 "$SERVE_PID" 2>/dev/null || { echo "ab: serve died:"; tail -30 "$WORK/$name/serve.log"; exit 1; }
    sleep 0.05
  done
}
# The JVM's user+sys CPU ticks so far (measured windows: CPU per request, not only wall, on a shared machine).
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
# The same for the PostgreSQL backends serving its connections (found by the client ports of its sockets to 5432).
pg_ticks() {
  local ports; ports=$(ss -tnpH state established "( dport = :5432 )" 2>/dev/null | grep "pid=$1," | awk '{split($3, a, ":"); print a[length(a)]}' | paste -sd, -)
  [ -z "$ports" ] && { echo 0; return; }
  psql -Atq -h 127.0.0.1 -U postgres test -c "select pid from pg_stat_activity where client_port in ($ports)" \
    | while read -r p; do awk '{print $14 + $15}' "/proc/$p/stat" 2>/dev/null; done | awk '{t += $1} END {print t + 0}'
}
# Per thread of a process: tid, user+sys ticks, user, sys, name with digits folded to N.
thread_ticks() {
  for t in /proc/"$1"/task/*; do
    [ -r "$t/stat" ] || continue
    awk -v tid="${t##*/}" -v name="$(tr -s '0-9' 'N' <"$t/comm" 2>/dev/null | tr ' ' '_')" \
      '{ sub(/^.*\) /, ""); print tid, $12 + $13, $12, $13, name }' "$t/stat" 2>/dev/null
  done
}
stop_serve() { kill -TERM "$SERVE_PID"; wait "$SERVE_PID" 2>/dev/null || true; }
for r in $(seq 1 "$ROUNDS"); do
  for v in before after; do
    home=$BEFORE; [ $v = after ] && home=$AFTER
    name="$v$r"; start_serve "$home" "$name"
    url="http://127.0.0.1:$PORT/api/v1/webhooks/gitea"
    if [ "${NICE_AFTER:-}" = 1 ] && [ $v = after ]; then # experiment: background run threads (and their children) at nice 10
      ( while kill -0 "$SERVE_PID" 2>/dev/null; do
          for t in /proc/"$SERVE_PID"/task/*; do case $(cat "$t/comm" 2>/dev/null) in stella-run*|Camel*) renice -n 10 -p "${t##*/}" >/dev/null 2>&1 ;; esac; done
          sleep 0.5; done ) & PIDS+=($!)
    fi
    wrk_run "$url" "$WARM_BODIES" 1 "$WARM" warm >/dev/null
    cpu0=$(cpu_ticks "$SERVE_PID"); pg0=$(pg_ticks "$SERVE_PID")
    [ "${PGSTAT:-}" = 1 ] && psql -Atq -h 127.0.0.1 -U postgres test -c "select pg_stat_statements_reset()" >/dev/null
    [ "${THREADS:-}" = 1 ] && thread_ticks "$SERVE_PID" >"$WORK/$name.threads0"
    res=$(wrk_run "$url" "$WORK/bodies.txt" 1 "$WRK_SECONDS" measured)
    cpu=$(( $(cpu_ticks "$SERVE_PID") - cpu0 )); pg=$(( $(pg_ticks "$SERVE_PID") - pg0 ))
    if [ "${THREADS:-}" = 1 ]; then # CPU ticks per thread name (digits folded) during the measured window
      thread_ticks "$SERVE_PID" >"$WORK/$name.threads1"
      echo "ab: $name CPU ticks by thread, measured window:"
      awk 'NR == FNR { a[$1] = $2; u[$1] = $3; s[$1] = $4; next } { n = $5; t[n] += $2 - a[$1]; us[n] += $3 - u[$1]; sy[n] += $4 - s[$1] }
           END { for (n in t) if (t[n] > 0) printf "  %6d (user %d, sys %d) %s\n", t[n], us[n], sy[n], n }' \
        "$WORK/$name.threads0" "$WORK/$name.threads1" | sort -rn | head -15
    fi
    if [ "${PGSTAT:-}" = 1 ]; then # needs pg_stat_statements preloaded (shared_preload_libraries)
      echo "ab: $name statements, measured window (calls, total ms, mean ms, rows):"
      psql -Atq -F ' | ' -h 127.0.0.1 -U postgres test -c "select calls, round(total_exec_time::numeric, 1), round(mean_exec_time::numeric, 3), rows, left(regexp_replace(query, '\s+', ' ', 'g'), 110) from pg_stat_statements order by total_exec_time desc limit 25" | sed 's/^/  /'
    fi
    echo "ab: $CASE $STORE $v round $r: $res cpu_s=$(awk -v t="$cpu" -v hz="$(getconf CLK_TCK)" 'BEGIN{printf "%.2f", t/hz}') pg_cpu_s=$(awk -v t="$pg" -v hz="$(getconf CLK_TCK)" 'BEGIN{printf "%.2f", t/hz}') load=$(cut -d' ' -f1 /proc/loadavg) runs=$(find "$WORK/$name/state/runs" -maxdepth 1 -name '*.json' 2>/dev/null | wc -l)"
    if [ "$STORE" = pg ]; then # the runs by state at the end: how many the service executed beside the intake
      echo "ab: $name runs by state: $(psql -Atq -F= -h 127.0.0.1 -U postgres test -c "select state, count(*) from ${SCHEMA_PREFIX}$name.runs group by state order by state" | paste -sd' ')"
    fi
    stop_serve
    if [ "$STORE" = pg ]; then psql -q -h 127.0.0.1 -U postgres test -c "drop schema if exists ${SCHEMA_PREFIX}$name cascade" >/dev/null 2>&1 || true; fi
  done
done
if [ "$HOOK" = 1 ]; then
  for r in $(seq 1 "$ROUNDS"); do
    # Started again when it could not bind (the previous round's socket can linger a moment), as bench/run.sh does.
    for attempt in 1 2 3 4 5; do
      webhook -hooks "$WORK/hooks.json" -ip 127.0.0.1 -port "$HOOK_PORT" >"$WORK/webhook.log" 2>&1 &
      hp=$!; PIDS+=("$hp")
      until curl -s -o /dev/null "http://127.0.0.1:$HOOK_PORT/"; do kill -0 "$hp" 2>/dev/null || break; sleep 0.02; done
      kill -0 "$hp" 2>/dev/null && break
      [ "$attempt" -lt 5 ] || { echo "ab: adnanh/webhook exited at start: $(tail -1 "$WORK/webhook.log")"; exit 1; }
      sleep 1
    done
    url="http://127.0.0.1:$HOOK_PORT/hooks/gitea"
    wrk_run "$url" "$WARM_BODIES" 1 3 warm >/dev/null
    res=$(wrk_run "$url" "$WORK/bodies.txt" 1 "$WRK_SECONDS" measured)
    echo "ab: $CASE webhook round $r: $res"
    kill "$hp"; wait "$hp" 2>/dev/null || true
  done
fi
