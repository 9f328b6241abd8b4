#!/usr/bin/env bash
# bench/settlement_upload.sh: a month of fee lines uploaded through the server (issue 8 §6: the
# upload, validation and aggregation stream in bounded memory). Starts `jingban serve --demo` on a
# fresh database, generates LINES CSV fee lines for the demo hospital of Qinghai
# (jingban_settlement_lines_bench --emit: about 2 % wrong in one of six ways) and pipes them to
# curl as one chunked POST …/settlements/H63000000001/2026-02/lines, so the file never exists on
# disk or whole in any process. Prints the wall time, lines/s, the server's answer (counts and
# case) and the server's peak RSS (VmHWM) before and after the upload.
#
# Usage: bench/settlement_upload.sh [LINES]       (default 10000000)
# Environment: BUILD_DIR [<repo>/build]  PORT [18931]
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD=${BUILD_DIR:-$ROOT/build}
LINES=${1:-10000000}
PORT=${PORT:-18931}
BIN=$BUILD/jingban
GEN=$BUILD/jingban_settlement_lines_bench
for b in "$BIN" "$GEN"; do
  [ -x "$b" ] || { echo "no $b: build first (ninja -C $BUILD jingban jingban_settlement_lines_bench)" >&2; exit 1; }
done
command -v curl >/dev/null || { echo "curl is needed" >&2; exit 1; }

WORK=$(mktemp -d)
trap 'kill "$PID" 2>/dev/null || true; wait "$PID" 2>/dev/null || true; rm -rf "$WORK"' EXIT
"$BIN" serve --port "$PORT" --db "$WORK/j.db" --fake-now 2026-03-10T10:00:00 --demo --rate-limit off \
  --catalog "$ROOT/catalog" --calendar "$ROOT/calendar" >"$WORK/server.log" 2>&1 &
PID=$!
for _ in $(seq 1 300); do
  curl -sf "http://127.0.0.1:$PORT/healthz" >/dev/null 2>&1 && break
  sleep 0.2
done
PASSWORD=$(sed -n 's/^PASSWORD = "\(.*\)"/\1/p' "$ROOT/tests/integration/jingban_client.py")
TOKEN=$(curl -sf -X POST -H 'Content-Type: application/json' \
  -d "{\"username\":\"qinghai_window\",\"password\":\"$PASSWORD\"}" \
  "http://127.0.0.1:$PORT/api/v1/session" | python3 -c 'import json,sys; print(json.load(sys.stdin)["token"])')
hwm() { awk '/VmHWM/ {printf "%.1f MiB", $2/1024}' "/proc/$PID/status"; }
echo "server peak RSS before the upload: $(hwm)"
START=$(date +%s.%N)
"$GEN" --emit "$LINES" 2026-02 |
  curl -s -X POST -T - -H 'Transfer-Encoding: chunked' -H 'Content-Type: text/csv' \
    -H "Authorization: Bearer $TOKEN" -o "$WORK/answer.json" -w '%{http_code}\n' \
    "http://127.0.0.1:$PORT/api/v1/regions/qinghai/settlements/H63000000001/2026-02/lines" >"$WORK/status"
END=$(date +%s.%N)
echo "HTTP $(cat "$WORK/status")"
python3 - "$WORK/answer.json" "$LINES" "$START" "$END" <<'PY'
import json, sys
a = json.load(open(sys.argv[1]))
lines, secs = int(sys.argv[2]), float(sys.argv[4]) - float(sys.argv[3])
t = a.get("totals", {})
print("accepted %s rejected %s amount_fen %s fund_fen %s case %s" % (
    a.get("accepted"), a.get("rejected"), t.get("amount_fen"), t.get("fund_fen"),
    (a.get("case") or {}).get("case_no")))
print("upload + validation + aggregation + submission: %.1f s (%.0f lines/s)" % (secs, lines / secs))
PY
echo "server peak RSS after the upload: $(hwm)"
