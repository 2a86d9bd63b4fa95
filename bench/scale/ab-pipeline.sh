#!/bin/bash
# A/B of a one-shot dry-run release at N=90/900/9000, `true` commands: before (/tmp/scale-base, main) and after
# (/work/wt-scale), alternating, ROUNDS rounds. Appends to ab-pipeline.tsv: round variant N wall rss cpu pipeline stages...
B=${SCALE_DIR:-/tmp/scale-bench}; ROUNDS=${ROUNDS:-3}
for r in $(seq 1 $ROUNDS); do
  for n in ${SIZES:-90 900 9000}; do
    for v in before after; do
      home=/tmp/scale-base; [ $v = after ] && home=/work/wt-scale
      out=$($B/one.sh $home $n | head -2 | tr '\n' ' ')
      echo -e "$r\t$v\t$n\t$(cut -d' ' -f1 /proc/loadavg)\t$out" >> $B/ab-pipeline.tsv
    done
  done
done
echo done >> $B/ab-pipeline.tsv
