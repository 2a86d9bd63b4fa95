#!/bin/bash
# one.sh HOME N [extra java opts...]: one dry-run release; prints wall_ms rss_kb cpu_ms pipeline_ms and per-stage ms
home=$1; n=$2; shift 2
B=${SCALE_DIR:-/tmp/scale-bench}
rm -rf $B/out-$n
t0=$(date +%s%N)
/usr/bin/time -f '%M %U %S' -o $B/time-$n env -C "$home" JAVA_OPTS="$*" bin/stella-release release suite-2026.04-nova --config $B/release-$n.yaml \
  --workspace $B/ws-$n --out $B/out-$n --dry-run --skip-tests > $B/release-$n.log 2>&1 || { tail -20 $B/release-$n.log; exit 1; }
t1=$(date +%s%N)
read rss u s < $B/time-$n
python3 - "$B/out-$n/2026.04/state.json" $(( (t1-t0)/1000000 )) $rss $u $s <<'PY'
import json,sys
d=json.load(open(sys.argv[1]))
st={s["name"]:s.get("durationMs",0) for s in d["stages"]}
print("wall_ms=%s rss_mib=%d cpu_ms=%d pipeline_ms=%d" % (sys.argv[2], int(sys.argv[3])//1024, round((float(sys.argv[4])+float(sys.argv[5]))*1000), sum(st.values())))
print(" ".join("%s=%d"%(k,v) for k,v in st.items()))
PY
ls -la $B/out-$n/2026.04/state.json | awk '{print "state.json bytes", $5}'
