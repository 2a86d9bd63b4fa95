#!/usr/bin/env bash
# Build workers: a release of a generated 90-module workspace (plus 5 CLI runtimes) whose build steps run on 1 and on 2
# build workers (`stella-release worker`, stella.exec.mode=rabbitmq), beside the same release with local exec, and
# writes the figures into docs/BENCHMARKS.md (between the workers markers; bench/run.sh keeps that section).
#
#   mvn -B -q package -DskipTests && bench/workers.sh
#
# Needs RabbitMQ on 127.0.0.1:5672 (guest/guest); uses a step queue of its own (removed afterwards) and a scratch
# directory under /tmp as the shared directory. Settings (environment): N (modules, default 90), REPS (runs per figure,
# default 3), COMMANDS (default "sleep 0.2|true"), BENCH_OUT (default docs/BENCHMARKS.md).
# Not run by CI, and nothing in `mvn verify` asserts a time.
set -euo pipefail
cd "$(dirname "$0")/.."
REPO=$PWD
N=${N:-90}
REPS=${REPS:-3}
OUT_MD=${BENCH_OUT:-docs/BENCHMARKS.md}
IFS='|' read -r -a COMMANDS <<<"${COMMANDS:-sleep 0.2|true}"
[ -f target/stella-release.jar ] || { echo "bench: build first: mvn -B -q package -DskipTests" >&2; exit 2; }
STELLA=("$REPO/bin/stella-release")

WORK=$(mktemp -d /tmp/stella-bench-workers.XXXXXX)
QUEUE=stella.steps.bench-$$-$RANDOM
WORKERS=()
stop_workers() {
  for p in "${WORKERS[@]:-}"; do [ -n "$p" ] && kill "$p" 2>/dev/null && wait "$p" 2>/dev/null || true; done
  WORKERS=()
}
cleanup() {
  stop_workers
  # The step queue and the conductors' reply queues (its two exchanges stay: rabbitmqctl cannot delete exchanges).
  for q in $(rabbitmqctl -q list_queues name 2>/dev/null | grep -F "$QUEUE" || true); do
    rabbitmqctl -q delete_queue "$q" >/dev/null 2>&1 || true
  done
}
trap cleanup EXIT
echo "bench: scratch (shared) directory $WORK, queue $QUEUE"
now_ms() { echo $(( $(date +%s%N) / 1000000 )); }

ws=$WORK/ws
python3 bench/gen.py workspace "$ws" "$N"
git -C "$ws" init -q -b main && git -C "$ws" add -A && git -C "$ws" -c user.name=bench -c user.email=bench@example.org commit -qm bench
# Local exec: the configuration's default parallelism (0 = CPUs). Workers: the conductor keeps up to 16 steps queued;
# the workers' count is what bounds how many run at once.
props_local=$WORK/local.properties
props_remote=$WORK/remote.properties
cp config/application.properties "$props_local"
{ cat config/application.properties; printf '\nstella.exec.mode = rabbitmq\nstella.exec.remote.queue = %s\nstella.exec.shared-dir = %s\nstella.state-dir = %s\n' \
    "$QUEUE" "$WORK" "$WORK/state"; } >"$props_remote"
printf '\nstella.state-dir = %s\n' "$WORK/state" >>"$props_local"

declare -A WALL
run_release() { # MODE CONFIG -> wall ms in $ms
  local props=$1 config=$2 t0 t1
  rm -rf "$WORK/out"
  t0=$(now_ms)
  "${STELLA[@]}" release suite-2026.04-nova --config "$config" --properties "$props" --workspace "$ws" --out "$WORK/out" \
    --dry-run --skip-tests >"$WORK/release.log" 2>&1 || { echo "bench: the release failed:"; tail -30 "$WORK/release.log"; exit 1; }
  t1=$(now_ms)
  ms=$((t1 - t0))
}
start_workers() { # COUNT
  local i
  for i in $(seq 1 "$1"); do
    "${STELLA[@]}" worker --name "bench-w$i" --properties "$props_remote" >"$WORK/worker-$i.log" 2>&1 &
    WORKERS+=($!)
  done
  for i in $(seq 1 "$1"); do
    for _ in $(seq 1 300); do grep -q "build worker bench-w$i ready" "$WORK/worker-$i.log" 2>/dev/null && break; sleep 0.1; done
  done
}

for cmd in "${COMMANDS[@]}"; do
  python3 bench/gen.py config "$WORK/release.yaml" "$ws" "$WORK/out" "$N" "$cmd"
  sed 's/^parallelism: 0$/parallelism: 16/' "$WORK/release.yaml" >"$WORK/release-remote.yaml"
  for setup in local 1 2; do
    if [ "$setup" != local ]; then start_workers "$setup"; fi
    for r in $(seq 1 "$REPS"); do
      echo "bench: $N × '$cmd', $setup, run $r/$REPS"
      if [ "$setup" = local ]; then run_release "$props_local" "$WORK/release.yaml"; else run_release "$props_remote" "$WORK/release-remote.yaml"; fi
      WALL["$cmd|$setup"]+="$ms "
      if [ "$setup" != local ]; then
        used=$(grep -o '"worker" : "[^"]*"' "$WORK/out/2026.04/state.json" | sort -u | wc -l)
        [ "$used" = "$setup" ] || echo "bench: warning: $used worker(s) ran steps, expected $setup"
      fi
    done
    stop_workers
  done
done

stats() { printf '%s\n' $1 | sort -n | awk '{a[NR]=$1} END {printf "%d / **%d** / %d", a[1], a[int((NR+1)/2)], a[NR]}'; }
median() { printf '%s\n' $1 | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
section=$WORK/section.md
{
  echo "<!-- workers:begin (written by bench/workers.sh; bench/run.sh keeps this section) -->"
  echo "## Build workers: $N modules on 1 and 2 workers"
  echo
  echo "Written by \`bench/workers.sh\` on $(date -u '+%Y-%m-%d %H:%M UTC'), commit \`$(git rev-parse --short HEAD)\`, $(nproc) CPUs,"
  echo "load average $(cut -d' ' -f1 /proc/loadavg) at the end. \`release suite-2026.04-nova --dry-run --skip-tests\` of a generated"
  echo "workspace of $N modules and 5 CLI runtimes ($((N + 5)) build steps, every command the one named), wall time of the"
  echo "\`release\` process (JVM start-up included), min / **median** / max over $REPS runs. *local*: the conductor runs the"
  echo "steps itself, \`parallelism: 0\` (= $(nproc) at once). *1 / 2 workers*: \`stella.exec.mode = rabbitmq\`, that many"
  echo "\`bin/stella-release worker\` processes (one step at a time each) on this same machine, RabbitMQ on loopback, the"
  echo "scratch directory as the shared directory; the conductor keeps up to 16 steps queued."
  echo
  echo "| command | local, wall ms | 1 worker, wall ms | 2 workers, wall ms | 1 worker / 2 workers (medians) |"
  echo "|---|---|---|---|---|"
  for cmd in "${COMMANDS[@]}"; do
    l=${WALL["$cmd|local"]}; one=${WALL["$cmd|1"]}; two=${WALL["$cmd|2"]}
    echo "| \`$cmd\` | $(stats "$l") | $(stats "$one") | $(stats "$two") | $(python3 -c "print('%.2f' % ($(median "$one") / $(median "$two")))") |"
  done
  echo
  echo "What the figures mean on this machine: the workers run on the same $(nproc) CPUs as the conductor (and, while this ran,"
  echo "other work: see the load), so a second worker adds a consumer, not CPU. \`sleep 0.2\` steps wait rather than compute:"
  echo "from 1 to 2 workers the steps run one after another drop from $((N + 5)) to about half that ($((N + 5)) × 0.2 s of sleeping"
  echo "on one worker), and what is above that is the per-step cost of going through the broker and the shared directory"
  echo "(publish, deliver, the worker's process start, the reply) plus the JVMs' start-up. \`true\` steps cost nothing, so those"
  echo "figures are that per-step cost and start-up alone; there a second worker JVM competes for the same CPUs and need not"
  echo "help. On separate machines with real builds, CPU-bound steps would scale with the workers' cores, which this machine"
  echo "cannot show."
  echo "<!-- workers:end -->"
} >"$section"
mkdir -p "$(dirname "$OUT_MD")"
touch "$OUT_MD"
python3 - "$OUT_MD" "$section" <<'PY'
import re, sys
doc, section = open(sys.argv[1]).read(), open(sys.argv[2]).read().rstrip("\n")
pattern = re.compile(r"<!-- workers:begin.*?<!-- workers:end -->", re.S)
doc = pattern.sub(lambda m: section, doc) if pattern.search(doc) else doc.rstrip("\n") + "\n\n" + section + "\n"
open(sys.argv[1], "w").write(doc if doc.endswith("\n") else doc + "\n")
PY
cat "$section"
echo "bench: wrote the build workers section of $OUT_MD"
