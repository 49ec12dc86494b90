#!/usr/bin/env bash
# Where the API spends its CPU under one load: starts the release binary on the data of a previous
# `bench/run.sh` (same backend and size), runs wrk with the given arguments, records the API
# process with perf (cpu-clock: these machines have no hardware counters) and prints the top
# frames, flat (self time) — the profile `bench/README.md` quotes.
#
#   bench/profile.sh postgres 1000000 http://127.0.0.1:8097/v1/municipalities/bench-town-0/requests
#   bench/profile.sh postgres 1000000 -s bench/get-one.lua http://127.0.0.1:8097
#
# Settings (environment): DURATION (s, default 20), CONNECTIONS (32), WORKERS (2), POOL (16),
# BINARY (another build), TOP (frames printed, default 25). Needs `perf` (Debian's linux-perf).
set -euo pipefail
cd "$(dirname "$0")/.."

BACKEND="$1"; REQUESTS="$2"; shift 2
DURATION="${DURATION:-20}"
[ "$DURATION" -ge 8 ] || { echo "DURATION must be at least 8 seconds"; exit 2; }
CONNECTIONS="${CONNECTIONS:-32}"
WORKERS="${WORKERS:-2}"
POOL="${POOL:-16}"
PORT="${PORT:-8097}"
TOP="${TOP:-25}"
PG_SERVER_URL="${PG_SERVER_URL:-postgres://postgres@127.0.0.1:5432/postgres}"
OUT=target/bench
command -v perf >/dev/null || { echo "perf is needed: apt-get install linux-perf"; exit 2; }
case "$BACKEND" in
  sqlite) DATABASE_URL="sqlite://$PWD/$OUT/bench-$REQUESTS.db" ;;
  postgres) DATABASE_URL="${PG_SERVER_URL%/*}/${PG_DATABASE:-implication_bench}" ;;
  *) echo "usage: bench/profile.sh sqlite|postgres REQUESTS WRK-ARGS…"; exit 2 ;;
esac
if [ -z "${BINARY:-}" ]; then
  cargo build -q --release -p implication-api --bin implication -p implication-bench --bin bench-data
  BINARY="${CARGO_TARGET_DIR:-target}/release/implication"
fi
export BENCH_IDS="${IDS_FILE:-$OUT/ids-$BACKEND-$REQUESTS.txt}" BENCH_TOWN=bench-town-0

DATABASE_URL="$DATABASE_URL" BIND_ADDR="127.0.0.1:$PORT" WORKERS="$WORKERS" RUST_LOG=warn \
  ANONYMOUS_INTAKE_PER_HOUR=1000000 DATABASE_MAX_CONNECTIONS="$POOL" "$BINARY" serve > "$OUT/profile-server.log" 2>&1 &
SERVER_PID=$!
trap 'kill $SERVER_PID 2>/dev/null || true' EXIT
for _ in $(seq 1 100); do curl -sf "http://127.0.0.1:$PORT/health/ready" >/dev/null && break; sleep 0.2; done

wrk -t2 -c"$CONNECTIONS" -d5s "$@" >/dev/null
wrk -t2 -c"$CONNECTIONS" -d"${DURATION}s" --latency "$@" > "$OUT/profile-wrk.txt" &
WRK_PID=$!
sleep 2
perf record -q -e cpu-clock -F 999 -g -p "$SERVER_PID" -o "$OUT/perf.data" -- sleep $((DURATION - 4)) 2>/dev/null
wait "$WRK_PID"
grep -E "Requests/sec|99%" "$OUT/profile-wrk.txt"
echo "::: top $TOP frames by self time (the API process)"
perf report -i "$OUT/perf.data" --no-children --sort symbol --stdio 2>/dev/null \
  | grep -E '^ +[0-9.]+%' | sed -E 's/ +-? +-? *$//; s/^(.{160}).*/\1/' | head -"$TOP"
