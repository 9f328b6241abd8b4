#!/usr/bin/env bash
# bench/run.sh: build, then for each configuration start `jingban serve --demo` on a free port
# with a fresh temporary database, run jingban_loadgen against it, stop the server and delete the
# database. Prints every run and a summary table; exits 1 if any run saw an error (non-2xx,
# transport error, timeout) or failed to start.
#
# Environment (defaults in brackets):
#   BUILD_DIR [<repo>/build]      DURATION [10] s measured    WARMUP [2] s not recorded
#   SERVER_THREADS ["1 2"]        LIFECYCLE_CONNECTIONS ["32 64 128"]
#   PROGRESS_CONNECTIONS ["32 64 128"]   CASES [1000] cases for the progress runs
#   LOADGEN_THREADS [1]           SESSIONS [per-client] (or "shared": one sign-in per role)
#   MODES ["lifecycle progress"]  MICRO [1] also run jingban_micro_bench (0: skip)
#   FSYNC [1] count the server's fsync/fdatasync calls with `perf stat` when perf can attach
#   QUIET_WAIT [300] s to wait before each run for the machine to be idle (QUIET_BUSY [10] % busy)
#   SERVER_BIN [$BUILD_DIR/jingban]  another server binary to run (bench/compare.sh uses it); the
#                                    load generator still comes from BUILD_DIR
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD=${BUILD_DIR:-$ROOT/build}
DURATION=${DURATION:-10}
WARMUP=${WARMUP:-2}
SERVER_THREADS=${SERVER_THREADS:-"1 2"}
LIFECYCLE_CONNECTIONS=${LIFECYCLE_CONNECTIONS:-"32 64 128"}
PROGRESS_CONNECTIONS=${PROGRESS_CONNECTIONS:-"32 64 128"}
CASES=${CASES:-1000}
LOADGEN_THREADS=${LOADGEN_THREADS:-1}
SESSIONS=${SESSIONS:-per-client}
MODES=${MODES:-"lifecycle progress"}
MICRO=${MICRO:-1}
FSYNC=${FSYNC:-1}

echo "== build ($BUILD)"
cmake -S "$ROOT" -B "$BUILD" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
SERVER_BIN=${SERVER_BIN:-}
targets=(jingban_loadgen)
[[ -z $SERVER_BIN ]] && targets+=(jingban)
[[ $MICRO == 1 ]] && targets+=(jingban_micro_bench)
ninja -C "$BUILD" "${targets[@]}"

WORK=$(mktemp -d "${TMPDIR:-/tmp}/jingban-bench.XXXXXX")
# Private copies: a concurrent rebuild of $BUILD must not swap the binaries under a run.
cp "${SERVER_BIN:-$BUILD/jingban}" "$WORK/jingban"
cp "$BUILD/jingban_loadgen" "$WORK/"
SERVER_PID=""

stop_server() {
  if [[ -n $SERVER_PID ]]; then
    kill -TERM "$SERVER_PID" 2>/dev/null || true
    wait "$SERVER_PID" 2>/dev/null || true
    SERVER_PID=""
  fi
  rm -f "$WORK"/bench.db "$WORK"/bench.db-wal "$WORK"/bench.db-shm
}
cleanup() {
  stop_server
  rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# Starts a server with a fresh database; sets SERVER_PID and PORT (--port 0: the kernel picks a
# free port and the server prints it).
start_server() {
  local threads=$1
  stop_server
  # A fixed working Tuesday: the run must not depend on the real date (the loaded calendar ends
  # with 2026, and accepting a 15-working-day item from mid-December would need 2027's).
  "$WORK/jingban" serve --port 0 --db "$WORK/bench.db" --demo --rate-limit off --threads "$threads" \
    --fake-now "${FAKE_NOW:-2026-03-10T09:00:00}" \
    --catalog "$ROOT/catalog" --calendar "$ROOT/calendar" --policy "$ROOT/policy" >"$WORK/server.log" 2>&1 &
  SERVER_PID=$!
  PORT=""
  for _ in $(seq 1 600); do
    PORT=$(sed -n 's#.*listening on http://127\.0\.0\.1:\([0-9]*\).*#\1#p' "$WORK/server.log")
    [[ -n $PORT ]] && return 0
    if ! kill -0 "$SERVER_PID" 2>/dev/null; then break; fi
    sleep 0.1
  done
  echo "server did not start:" >&2
  cat "$WORK/server.log" >&2
  return 1
}

# Waits (up to QUIET_WAIT seconds, default 300) until the machine is nearly idle, so that a
# compiler or another benchmark does not share the cores with a run.
machine_busy() {  # percent of all cores busy over one second
  local a b
  a=($(head -1 /proc/stat))
  sleep 1
  b=($(head -1 /proc/stat))
  awk -v a="${a[*]}" -v b="${b[*]}" 'BEGIN {
    split(a, x, " "); split(b, y, " "); t = 0; i = 0
    for (k = 2; k <= 9; k++) { d = y[k] - x[k]; t += d; if (k == 5 || k == 6) i += d }
    printf "%d", (t > 0 ? 100 * (t - i) / t : 0) }'
}
wait_quiet() {
  local deadline=$((SECONDS + ${QUIET_WAIT:-300})) busy
  while :; do
    busy=$(machine_busy)
    ((busy <= ${QUIET_BUSY:-10})) && return 0
    if ((SECONDS >= deadline)); then
      echo "note: machine still ${busy}% busy with other work; running anyway"
      return 0
    fi
    echo "waiting for a quiet machine (${busy}% busy)..."
    sleep 4
  done
}

can_perf=0
if [[ $FSYNC == 1 ]] && command -v perf >/dev/null &&
  perf stat -e syscalls:sys_enter_fdatasync -x, -o /dev/null -- true >/dev/null 2>&1; then
  can_perf=1
fi

fail=0
results=()
run_one() {  # mode server_threads connections
  local mode=$1 threads=$2 conns=$3 out rc=0 hook=()
  wait_quiet
  start_server "$threads" || {
    fail=1
    return
  }
  if [[ $can_perf == 1 ]]; then
    rm -f "$WORK/fsync.txt"
    hook=(--at-start "perf stat -e syscalls:sys_enter_fdatasync,syscalls:sys_enter_fsync -x, -o $WORK/fsync.txt -p $SERVER_PID -- sleep $DURATION >/dev/null 2>&1 &")
  fi
  echo
  echo "== $mode: server --threads $threads, $conns connections, loadgen --threads $LOADGEN_THREADS"
  out=$("$WORK/jingban_loadgen" --mode "$mode" --port "$PORT" --connections "$conns" \
    --threads "$LOADGEN_THREADS" --duration "$DURATION" --warmup "$WARMUP" --cases "$CASES" \
    --sessions "$SESSIONS" --server-pid "$SERVER_PID" "${hook[@]}") || rc=$?
  echo "$out" | grep -v '^RESULT '
  local result fsyncs="-"
  result=$(echo "$out" | grep '^RESULT ' || true)
  if [[ $can_perf == 1 ]]; then
    for _ in $(seq 1 50); do  # perf writes its file when its sleep ends
      grep -q fdatasync "$WORK/fsync.txt" 2>/dev/null && break
      sleep 0.1
    done
    fsyncs=$(awk -F, '/sys_enter_f(data)?sync/ { n += ($1 ~ /^[0-9]+$/) ? $1 : 0 } END { print n + 0 }' \
      "$WORK/fsync.txt" 2>/dev/null || echo "-")
    echo "server fsync+fdatasync calls in the window: $fsyncs"
  fi
  if [[ $rc != 0 || -z $result ]]; then
    fail=1
    echo "!! loadgen exit status $rc"
  fi
  results+=("$result threads_server=$threads fsyncs=$fsyncs")
  stop_server
}

echo "== machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')"
for mode in $MODES; do
  conns_list=$LIFECYCLE_CONNECTIONS
  [[ $mode == progress ]] && conns_list=$PROGRESS_CONNECTIONS
  for threads in $SERVER_THREADS; do
    for conns in $conns_list; do run_one "$mode" "$threads" "$conns"; done
  done
done

echo
echo "== summary (latency in ms over all requests of the window; CPU in % of one core)"
printf '%-9s %7s %5s %10s %9s %7s %7s %7s %6s %8s %9s %7s %6s %7s %5s\n' mode srv_thr conns lifecycle/s req/s p50 p99 max errors fsync/s req/fsync srv_cpu lg_cpu machine other
for r in "${results[@]}"; do
  get() { echo "$r" | tr ' ' '\n' | sed -n "s/^$1=//p"; }
  fs=$(get fsyncs)
  per_s="-" per_fsync="-"
  if [[ $fs =~ ^[0-9]+$ && $fs -gt 0 ]]; then
    per_s=$(awk -v n="$fs" -v d="$DURATION" 'BEGIN { printf "%.0f", n / d }')
    per_fsync=$(awk -v n="$fs" -v q="$(get requests)" 'BEGIN { printf "%.1f", q / n }')
  fi
  lc=$(get lifecycles_per_s)
  [[ $(get mode) == progress ]] && lc="-"
  printf '%-9s %7s %5s %10s %9s %7s %7s %7s %6s %8s %9s %7s %6s %7s %5s\n' "$(get mode)" "$(get threads_server)" \
    "$(get connections)" "$lc" "$(get req_per_s)" "$(get p50_ms)" "$(get p99_ms)" "$(get max_ms)" \
    "$(get errors)" "$per_s" "$per_fsync" "$(get server_cpu)" "$(get loadgen_cpu)" "$(get machine_cpu)" \
    "$(get other_cpu)"
done

if [[ $MICRO == 1 ]]; then
  echo
  echo "== micro-benchmarks"
  TMPDIR=$WORK "$BUILD/jingban_micro_bench" --benchmark_min_time=0.5 || fail=1
fi

if [[ $fail != 0 ]]; then
  echo "FAILED: at least one run saw errors (see above)"
  exit 1
fi
echo "OK: no errors"
