#!/bin/bash
# A/B of the run API and the dashboard's calls with 10,000 runs (and 1,000 releases in the history): before (main) on
# 25001 and after on 25003, each started once with a fresh copy of state10k; wrk -t1 -c2, 8 s per endpoint, alternating
# before/after per endpoint, ROUNDS rounds after a warm-up. Appends: round variant endpoint rps p50 p99 non2xx
B=${SCALE_DIR:-/tmp/scale-bench}; ROUNDS=${ROUNDS:-3}; AFTER=${AFTER:-/tmp/scale-dev2}
read bpid bms < <($B/serve.sh /tmp/scale-base base 25001); read apid ams < <($B/serve.sh $AFTER after 25003)
echo "started before=$bpid (${bms} ms) after=$apid (${ams} ms)"
id=$(cat $B/newest.txt)
EPS=("/api/v1/runs" "/api/v1/runs?limit=200" "/api/v1/runs?state=failed" "/api/v1/runs?state=running" "/api/v1/runs/$id" "/" "/api/v1/releases")
for port in 25001 25003; do for u in "${EPS[@]}"; do wrk -t1 -c2 -d3s --timeout 10s "http://127.0.0.1:$port$u" >/dev/null 2>&1; done; done
for r in $(seq 1 $ROUNDS); do
  for u in "${EPS[@]}"; do
    for v in before after; do
      port=25001; [ $v = after ] && port=25003
      out=$(wrk -t1 -c2 -d8s --timeout 10s --latency "http://127.0.0.1:$port$u" 2>&1)
      echo -e "$r\t$v\t$u\t$(echo "$out" | awk '/Requests\/sec/{print $2}')\t$(echo "$out" | awk '$1=="50%"{print $2}')\t$(echo "$out" | awk '$1=="99%"{print $2}')\t$(echo "$out" | awk '/Non-2xx/{print $NF}')\t$(cut -d' ' -f1 /proc/loadavg)"
    done
  done
done
kill $bpid $apid
