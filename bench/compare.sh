#!/usr/bin/env bash
# bench/compare.sh: interleaved lifecycle runs of two or more server binaries, then the median of
# each. This VM's speed drifts by 15–20 % over an hour, so one run of A followed by one of B says
# little; rounds of A, B, A, B … run under the same drift, and the medians compare them.
#
#   bench/compare.sh LABEL=BINARY LABEL=BINARY …
#   e.g. cp build/jingban /tmp/jingban-before; (change, rebuild)
#        bench/compare.sh before=/tmp/jingban-before after=build/jingban
#
# Each run is one `bench/run.sh` lifecycle run (fresh database, the same load generator from
# BUILD_DIR, QUIET_WAIT before it). Environment (defaults in brackets): ROUNDS [5],
# CONNECTIONS [256], SERVER_THREADS [2], DURATION [10], WARMUP [2], BUILD_DIR [<repo>/build].
# Prints one line per run and, per label, the median of lifecycles/s and of the server's CPU
# time per lifecycle (ms; the figure the code decides — the throughput also follows the machine).
# Exits 1 if a run failed or saw errors.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
ROUNDS=${ROUNDS:-5}
CONNECTIONS=${CONNECTIONS:-256}
if (($# < 1)); then
  echo "usage: bench/compare.sh LABEL=BINARY [LABEL=BINARY …]" >&2
  exit 2
fi
for spec in "$@"; do
  if [[ $spec != *=* || ! -x ${spec#*=} ]]; then
    echo "bench/compare.sh: '$spec' is not LABEL=path-to-an-executable" >&2
    exit 2
  fi
done

runs=$(mktemp)
trap 'rm -f "$runs"' EXIT
status=0
for round in $(seq 1 "$ROUNDS"); do
  for spec in "$@"; do
    label=${spec%%=*}
    bin=$(realpath "${spec#*=}")
    out=$(SERVER_BIN=$bin MODES=lifecycle LIFECYCLE_CONNECTIONS=$CONNECTIONS \
      SERVER_THREADS=${SERVER_THREADS:-2} MICRO=0 SESSIONS=shared "$ROOT/bench/run.sh" 2>&1) ||
      status=1
    # The summary line: mode srv_thr conns lifecycle/s req/s p50 p99 max errors fsync/s
    # req/fsync srv_cpu lg_cpu machine other
    line=$(echo "$out" | awk -v c="$CONNECTIONS" '$1 == "lifecycle" && $3 == c { print; exit }')
    if [[ -z $line ]]; then
      echo "$label round $round: no result"
      echo "$out" | tail -20
      status=1
      continue
    fi
    read -r _ _ _ lc _ _ p99 _ errors fsyncs _ cpu _ machine _ <<<"$line"
    ms=$(awk -v c="$cpu" -v l="$lc" 'BEGIN { printf "%.3f", (l > 0 ? 10 * c / l : 0) }')
    echo "$label round $round: $lc lifecycles/s, p99 $p99 ms, server CPU $cpu % ($ms ms per" \
      "lifecycle), fsync/s $fsyncs, machine $machine %, errors $errors"
    echo "$label $lc $ms" >>"$runs"
  done
done

echo
echo "== medians over $ROUNDS interleaved rounds, $CONNECTIONS connections"
python3 - "$runs" "$@" <<'PY'
import statistics, sys
runs = [line.split() for line in open(sys.argv[1]) if line.strip()]
for spec in sys.argv[2:]:
    label = spec.split("=", 1)[0]
    lc = [int(r[1]) for r in runs if r[0] == label]
    ms = [float(r[2]) for r in runs if r[0] == label]
    if not lc:
        print(f"{label:16s} no runs")
        continue
    print(f"{label:16s} lifecycles/s median {statistics.median(lc):7.0f} (min {min(lc)}, max {max(lc)})"
          f"   server CPU per lifecycle median {statistics.median(ms):.3f} ms   runs {len(lc)}")
PY
exit "$status"
