#!/usr/bin/env bash
# Measures what docs/SCALING.md reports: (1) the speedup of `samlab sweep --workers 2` over
# `--workers 1` on docs/sweeps/speedup.json (200 runs), alternating and repeated; (2) the peak RSS of
# a 10^9-step W1 run, sampled every 2 s to show it stays flat. Needs a build (pnpm build).
# Usage: bash scripts/measure-sweep.sh [speedup|rss|all] [repeats]   (output: one line per result)
# Other processes on the machine skew both: the script prints `uptime` next to every number, and
# the runs' summed engine time (it grows for workers=2 when the second core is not really free).
# On a shared machine, `echo -20 > /proc/self/autogroup` (root) before running gives this session's
# processes most of the CPU for the measurement (docs/SCALING.md says how the numbers were taken).
set -euo pipefail
cd "$(dirname "$0")/.."
CLI="node packages/cli/dist/cli.js"
what=${1:-all}
repeats=${2:-3}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

wall() { node -e 'console.log(JSON.parse(require("fs").readFileSync(process.argv[1])).timing.wallMs)' "$1/sweep.json"; }
# Sum of the runs' engine times: equal for 1 and 2 workers when nothing else competes for the cores.
engine() { node -e 'console.log(JSON.parse(require("fs").readFileSync(process.argv[1])).timing.runMsTotal)' "$1/sweep.json"; }

if [ "$what" = speedup ] || [ "$what" = all ]; then
  for r in $(seq 1 "$repeats"); do
    load=$(uptime | sed 's/.*load average: //')
    $CLI sweep docs/sweeps/speedup.json --out "$tmp/w1-$r" --workers 1 --no-results -q
    $CLI sweep docs/sweeps/speedup.json --out "$tmp/w2-$r" --workers 2 --no-results -q
    a=$(wall "$tmp/w1-$r"); b=$(wall "$tmp/w2-$r")
    ea=$(engine "$tmp/w1-$r"); eb=$(engine "$tmp/w2-$r")
    echo "speedup repeat $r: workers=1 ${a} ms (engine ${ea} ms), workers=2 ${b} ms (engine ${eb} ms), speedup $(node -e "console.log(($a/$b).toFixed(2))")x (load before: $load)"
  done
fi

if [ "$what" = rss ] || [ "$what" = all ]; then
  W1="--x 1,2 --y 1 --depth 2 --algo sam-l2 --rho 0.1 --lr 0.05 --alpha 0.1 --steps 1e9"
  for variant in default stream; do
    extra=""
    [ "$variant" = stream ] && extra="--every 100000 --points 10002 --stream $tmp/w1.jsonl"
    load=$(uptime | sed 's/.*load average: //')
    /usr/bin/time -v $CLI run $W1 $extra -q 2> "$tmp/$variant.time" &
    tpid=$!
    sleep 1
    npid=$(pgrep -P $tpid node | head -1)
    : > "$tmp/$variant.rss"
    while kill -0 $tpid 2>/dev/null; do
      grep VmRSS /proc/$npid/status 2>/dev/null | awk '{print $2}' >> "$tmp/$variant.rss" || true
      sleep 2
    done
    wait $tpid
    peak=$(grep "Maximum resident" "$tmp/$variant.time" | awk '{print $NF}')
    el=$(grep "Elapsed" "$tmp/$variant.time" | awk '{print $NF}')
    range=$(tail -n +3 "$tmp/$variant.rss" | sort -n | sed -n '1p;$p' | tr '\n' ' ')
    echo "rss W1 1e9 steps ($variant): peak ${peak} kB, sampled VmRSS min/max (after start) ${range}kB, wall $el (load before: $load)"
  done
fi
