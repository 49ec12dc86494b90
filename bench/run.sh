#!/usr/bin/env bash
# Load benchmark: fills a database with bench/src (many municipalities, their requests and
# history), starts the release binary on it, and measures three scenarios with wrk on loopback:
# the public list (newest, one filter, four filters), one request, and anonymous submissions
# with Idempotency-Key.
# Prints throughput and p50/p99 latency per scenario, and the CPU time the API used.
#
#   bench/run.sh sqlite 1000000        # SQLite file under target/bench/
#   bench/run.sh postgres 1000000      # database implication_bench on $PG_SERVER_URL
#
# Settings (environment): DURATION (s, default 20), CONNECTIONS (default 32), WORKERS (API
# workers, default 2), SKIP_GENERATE=1 to reuse the data of a previous run, ONLY=<regex> to run
# only the scenarios whose name matches.
set -euo pipefail
cd "$(dirname "$0")/.."

BACKEND="${1:-sqlite}"
REQUESTS="${2:-100000}"
DURATION="${DURATION:-20}"
CONNECTIONS="${CONNECTIONS:-32}"
WORKERS="${WORKERS:-2}"
PORT="${PORT:-8097}"
PG_SERVER_URL="${PG_SERVER_URL:-postgres://postgres@127.0.0.1:5432/postgres}"
OUT=target/bench
mkdir -p "$OUT"

command -v wrk >/dev/null || { echo "wrk is needed: apt-get install wrk"; exit 2; }

case "$BACKEND" in
  sqlite) DATABASE_URL="sqlite://$PWD/$OUT/bench-$REQUESTS.db" ;;
  postgres)
    DATABASE_URL="${PG_SERVER_URL%/*}/implication_bench"
    if [ -z "${SKIP_GENERATE:-}" ]; then
      psql "$PG_SERVER_URL" -qc "DROP DATABASE IF EXISTS implication_bench WITH (FORCE)"
      psql "$PG_SERVER_URL" -qc "CREATE DATABASE implication_bench"
    fi ;;
  *) echo "usage: bench/run.sh sqlite|postgres [requests]"; exit 2 ;;
esac

cargo build -q --release -p implication-api --bin implication -p implication-bench --bin bench-data
if [ -z "${SKIP_GENERATE:-}" ]; then
  [ "$BACKEND" = sqlite ] && rm -f "$OUT/bench-$REQUESTS.db"*
  echo "::: generating $REQUESTS requests ($BACKEND)"
  target/release/bench-data --database-url "$DATABASE_URL" --requests "$REQUESTS" --ids-file "$OUT/ids.txt"
fi

# Staff-only scenarios (suggestions) call as a platform admin.
DATABASE_URL="$DATABASE_URL" IMPLICATION_ADMIN_PASSWORD=bench-password-not-secret \
  target/release/implication admin create --email bench@implication.test >/dev/null 2>&1 || true

echo "::: starting the API (release, $WORKERS workers)"
DATABASE_URL="$DATABASE_URL" BIND_ADDR="127.0.0.1:$PORT" WORKERS="$WORKERS" RUST_LOG=warn \
  ANONYMOUS_INTAKE_PER_HOUR=1000000 DATABASE_MAX_CONNECTIONS=16 \
  target/release/implication serve > "$OUT/server.log" 2>&1 &
SERVER_PID=$!
trap 'kill $SERVER_PID 2>/dev/null || true' EXIT
for _ in $(seq 1 100); do curl -sf "http://127.0.0.1:$PORT/health/ready" >/dev/null && break; sleep 0.2; done
curl -sf "http://127.0.0.1:$PORT/health/ready" >/dev/null || { echo "the API did not start:"; cat "$OUT/server.log"; exit 1; }

BASE="http://127.0.0.1:$PORT"
TOWN=bench-town-0
LIST="$BASE/v1/municipalities/$TOWN/requests?status=qualifying,qualified&theme=roads-and-traffic&neighbourhood=cite-5&limit=50"
BENCH_TOKEN=$(curl -sf -X POST "$BASE/v1/auth/token" -d grant_type=password -d username=bench@implication.test \
  -d password=bench-password-not-secret | python3 -c 'import json, sys; print(json.load(sys.stdin)["access_token"])')
export BENCH_IDS="$OUT/ids.txt" BENCH_TOWN="$TOWN" BENCH_TOKEN

cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$SERVER_PID/stat"; }

results=()
scenario() {
  local name="$1"; shift
  if [ -n "${ONLY:-}" ] && ! [[ "$name" =~ $ONLY ]]; then return 0; fi
  # Warm the caches first; then measure.
  wrk -t2 -c"$CONNECTIONS" -d5s "$@" >/dev/null 2>&1 || true
  local before after report
  before=$(cpu_ticks)
  report=$(wrk -t2 -c"$CONNECTIONS" -d"${DURATION}s" --latency "$@")
  after=$(cpu_ticks)
  echo "$report" > "$OUT/$name.txt"
  local rps p50 p99 errors cpu
  rps=$(echo "$report" | awk '/Requests\/sec/ { print $2 }')
  p50=$(echo "$report" | awk '$1 == "50%" { print $2 }')
  p99=$(echo "$report" | awk '$1 == "99%" { print $2 }')
  errors=$(echo "$report" | awk '/Non-2xx/ { print $5 } /Socket errors/ { print "socket:" $0 }' | tr '\n' ' ')
  cpu=$(awk -v t=$((after - before)) -v d="$DURATION" -v hz="$(getconf CLK_TCK)" 'BEGIN { printf "%.0f%%", 100 * t / hz / d }')
  results+=("$(printf '%-34s %10s req/s   p50 %9s   p99 %9s   API CPU %5s  %s' "$name" "$rps" "$p50" "$p99" "$cpu" "$errors")")
}

scenario "public list, newest" "$BASE/v1/municipalities/$TOWN/requests"
scenario "public list, one filter (theme)" "$BASE/v1/municipalities/$TOWN/requests?theme=youth-and-sport"
scenario "public list, four filters" "$LIST"
scenario "get one (public view)" -s bench/get-one.lua "$BASE"
scenario "anonymous create + Idempotency-Key" -s bench/create.lua "$BASE"
scenario "suggestions (staff, random request)" -s bench/suggestions.lua "$BASE"

echo
echo "::: results ($BACKEND, $REQUESTS requests, $CONNECTIONS connections, ${DURATION}s each, $(nproc) cores shared by wrk, the API and the database)"
printf '%s\n' "${results[@]}"
