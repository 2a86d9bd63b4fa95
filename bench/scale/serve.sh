#!/bin/bash
# serve.sh HOME NAME PORT: starts serve of checkout HOME with a fresh copy of state10k; prints its pid and start ms
home=$1; name=$2; port=$3
B=${SCALE_DIR:-/tmp/scale-bench}
rm -rf $B/srv-$name; mkdir -p $B/srv-$name
cp -a $B/state10k $B/srv-$name/state
{ cat $home/config/application.properties; printf '\nstella.dispatch.dir = %s\nstella.runs.retention.max-count = 100000\n' "$B/srv-$name/queue"; } > $B/srv-$name/app.properties
export STELLA_WEBHOOK_SECRET=scale-secret STELLA_DISPATCH_TOKEN=scale-token
t0=$(date +%s%N)
(cd $home && exec java -jar target/stella-release.jar serve --port $port --state $B/srv-$name/state --config $B/release-90.yaml --properties $B/srv-$name/app.properties > $B/srv-$name/serve.log 2>&1) &
pid=$!
until curl -sf -o /dev/null http://127.0.0.1:$port/observe/health; do kill -0 $pid 2>/dev/null || { tail -20 $B/srv-$name/serve.log; exit 1; }; sleep 0.1; done
echo "$pid $(( ($(date +%s%N)-t0)/1000000 ))"
