#!/usr/bin/env bash
# Evaluation on PostgreSQL (issue 15, item 9):
#  1. the yearly indicators of a town with 100,000 requests — and processes, meetings, surveys,
#     projects, conventions and participants in proportion (bench-data --evaluation) — with one
#     client (p50, p99) and with 32 connections (throughput), beside the database's own limit for
#     the same answer: pgbench running the very statements one call sends (read from PostgreSQL's
#     statement log, their parameters inlined), with one client and with 32;
#  2. the open-data export of a town with 1,000,000 published requests as CSV: its time, its size,
#     and the API's resident memory before and at its peak (VmHWM) — constant memory means the
#     peak does not grow with the export.
#
#   bench/indicators.sh            # databases implication_bench_eval and implication_bench_export
#
# Settings (environment): REQUESTS (300000: a third to bench-town-0), EXPORT_REQUESTS (1000000),
# DURATION (s, default 20), CONNECTIONS (32), WORKERS (2), POOL (16), SKIP_GENERATE=1 to reuse the
# databases of a previous run, ONLY=indicators|export.
set -euo pipefail
cd "$(dirname "$0")/.."

REQUESTS="${REQUESTS:-300000}"
EXPORT_REQUESTS="${EXPORT_REQUESTS:-1000000}"
DURATION="${DURATION:-20}"
CONNECTIONS="${CONNECTIONS:-32}"
WORKERS="${WORKERS:-2}"
POOL="${POOL:-16}"
PORT="${PORT:-8098}"
PG_SERVER_URL="${PG_SERVER_URL:-postgres://postgres@127.0.0.1:5432/postgres}"
OUT=target/bench
mkdir -p "$OUT"
BUILT="${CARGO_TARGET_DIR:-target}/release"
HZ=$(getconf CLK_TCK)
command -v wrk >/dev/null || { echo "wrk is needed: apt-get install wrk"; exit 2; }
command -v pgbench >/dev/null || { echo "pgbench is needed: apt-get install postgresql-client"; exit 2; }
PG_LOG=$(ls /var/log/postgresql/postgresql-*-main.log 2>/dev/null | head -1 || true)
[ -r "$PG_LOG" ] || { echo "PostgreSQL's log must be readable (the statements of a call are read there)"; exit 2; }
DATA_DIR=$(psql -qAt "$PG_SERVER_URL" -c "SHOW data_directory")
POSTMASTER=$(head -1 "$DATA_DIR/postmaster.pid" 2>/dev/null || true)

cargo build -q --release -p implication-api --bin implication -p implication-bench --bin bench-data
BINARY="$BUILT/implication"

url_of() { echo "${PG_SERVER_URL%/*}/$1"; }
generate() {   # DATABASE ARGS…: a fresh database filled by bench-data
  local database="$1"; shift
  [ -n "${SKIP_GENERATE:-}" ] && return 0
  psql "$PG_SERVER_URL" -qc "DROP DATABASE IF EXISTS $database WITH (FORCE)"
  psql "$PG_SERVER_URL" -qc "CREATE DATABASE $database"
  echo "::: generating $database: $*"
  "$BUILT/bench-data" --database-url "$(url_of "$database")" --ids-file "$OUT/ids-$database.txt" "$@"
}

SERVER_PID=""
start_api() {   # DATABASE
  DATABASE_URL="$(url_of "$1")" BIND_ADDR="127.0.0.1:$PORT" WORKERS="$WORKERS" RUST_LOG=warn \
    DATABASE_MAX_CONNECTIONS="$POOL" "$BINARY" serve > "$OUT/server.log" 2>&1 &
  SERVER_PID=$!
  for _ in $(seq 1 100); do curl -sf "http://127.0.0.1:$PORT/health/ready" >/dev/null && break; sleep 0.2; done
  curl -sf "http://127.0.0.1:$PORT/health/ready" >/dev/null || { echo "the API did not start:"; cat "$OUT/server.log"; exit 1; }
}
stop_api() { [ -n "$SERVER_PID" ] || return 0; kill "$SERVER_PID" 2>/dev/null || true; wait "$SERVER_PID" 2>/dev/null || true; SERVER_PID=""; }
trap 'stop_api; psql -q "$PG_SERVER_URL" -c "ALTER DATABASE implication_bench_eval RESET log_statement" 2>/dev/null || true' EXIT

ticks_of() { awk '{ print $14 + $15 }' "/proc/$1/stat" 2>/dev/null || echo 0; }
pg_ticks() {
  [ -n "$POSTMASTER" ] || { echo 0; return; }
  local live
  live=$(for pid in $(pgrep -u postgres); do ticks_of "$pid"; done | awk '{ s += $1 } END { print s + 0 }')
  awk -v live="$live" '{ print live + $16 + $17 }' "/proc/$POSTMASTER/stat"
}
percent() { awk -v t="$1" -v d="$2" -v hz="$HZ" 'BEGIN { printf "%.0f%%", 100 * t / hz / d }'; }
time_ticks() { awk -v hz="$HZ" '{ printf "%d", ($1 + $2) * hz }' "$1"; }
ms() { awk -v v="$1" 'BEGIN { n = v + 0; if (v ~ /us$/) n /= 1000; else if (v ~ /ms$/) n *= 1; else if (v ~ /s$/) n *= 1000; printf "%.2f", n }'; }
BASE="http://127.0.0.1:$PORT"
YEAR=$(date +%Y)

# --- 1. indicators -----------------------------------------------------------------------------
indicators() {
  local database=implication_bench_eval
  generate "$database" --requests "$REQUESTS" --evaluation
  local url; url=$(url_of "$database")
  local town_requests
  town_requests=$(psql -qAt "$url" -c "SELECT count(*) FROM requests r JOIN municipalities m ON m.id = r.municipality_id WHERE m.slug = 'bench-town-0'")
  local address="$BASE/v1/municipalities/bench-town-0/indicators?year=$YEAR"

  # The statements of one call (caches warm), from the statement log, as a pgbench script.
  psql -q "$PG_SERVER_URL" -c "ALTER DATABASE $database SET log_statement = 'all'"
  start_api "$database"
  curl -sf -o /dev/null "$address"
  local before; before=$(wc -l < "$PG_LOG")
  curl -sf -o "$OUT/indicators.json" "$address"
  sleep 0.5
  tail -n +"$((before + 1))" "$PG_LOG" > "$OUT/indicators-statements.log"
  stop_api
  psql -q "$PG_SERVER_URL" -c "ALTER DATABASE $database RESET log_statement"
  python3 - "$OUT/indicators-statements.log" "$OUT/indicators.sql" <<'PY'
import re, sys
log, out = sys.argv[1:]
# A statement: "LOG:  execute <name>: SQL" (continued on the lines that follow, up to the next
# entry), then possibly "DETAIL:  parameters: $1 = '…', $2 = …".
entries, current = [], None
for line in open(log, encoding="utf-8", errors="replace"):
    m = re.search(r"LOG:  (?:execute [^:]*|statement): (.*)", line)
    if m:
        current = {"sql": m.group(1), "params": {}}
        entries.append(current)
        continue
    d = re.search(r"DETAIL:  parameters: (.*)", line)
    if d and current is not None:
        for name, value in re.findall(r"\$(\d+) = ((?:'(?:[^']|'')*')|NULL)", d.group(1)):
            current["params"][int(name)] = value
        current = None
        continue
    if current is not None and not re.match(r"^\d{4}-\d\d-\d\d ", line):
        current["sql"] += "\n" + line.rstrip("\n")
    else:
        current = None
skip = ("BEGIN", "COMMIT", "ROLLBACK", "SET ", "SHOW ")
statements = []
for e in entries:
    sql = e["sql"].strip()
    if sql.upper().startswith(skip):
        continue
    for n in sorted(e["params"], reverse=True):
        sql = re.sub(r"\$%d(?!\d)" % n, e["params"][n].replace("\\", "\\\\"), sql)
    statements.append(" ".join(sql.split()) + ";")
open(out, "w").write("\n".join(statements) + "\n")
print(f"{len(statements)} statements per call")
PY
  local statements; statements=$(grep -c ';$' "$OUT/indicators.sql")

  start_api "$database"
  local rows=()
  for connections in 1 "$CONNECTIONS"; do
    wrk -t1 -c"$connections" -d5s "$address" >/dev/null 2>&1 || true
    local api_before pg_before report api_after pg_after
    api_before=$(ticks_of "$SERVER_PID"); pg_before=$(pg_ticks)
    report=$(/usr/bin/time -f '%U %S' -o "$OUT/wrk.time" wrk -t"$(( connections > 1 ? 2 : 1 ))" -c"$connections" \
      -d"${DURATION}s" --latency "$address")
    api_after=$(ticks_of "$SERVER_PID"); pg_after=$(pg_ticks)
    echo "$report" > "$OUT/indicators-wrk-$connections.txt"
    local rps p50 p99 errors
    rps=$(echo "$report" | awk '/Requests\/sec/ { printf "%.1f", $2 }')
    p50=$(ms "$(echo "$report" | awk '$1 == "50%" { print $2 }')")
    p99=$(ms "$(echo "$report" | awk '$1 == "99%" { print $2 }')")
    errors=$(echo "$report" | awk '/Non-2xx/ { print "non-2xx:" $5 } /Socket errors/ { print "socket:" $0 }' | tr '\n' ' ')
    local api_cpu pg_cpu wrk_cpu
    api_cpu=$(percent $((api_after - api_before)) "$DURATION")
    pg_cpu=$(percent $((pg_after - pg_before)) "$DURATION")
    wrk_cpu=$(percent "$(time_ticks "$OUT/wrk.time")" "$DURATION")
    # The database alone, the same statements, as many clients.
    local prefix="$OUT/pgbench-indicators" tps pp50 pp99 ppg_before ppg_after preport
    rm -f "$prefix".*
    ppg_before=$(pg_ticks)
    # The API's connections run without JIT (crates/storage/src/database.rs): so does pgbench.
    preport=$(PGOPTIONS="-c jit=off" /usr/bin/time -f '%U %S' -o "$OUT/pgbench.time" pgbench -n -M prepared -c "$connections" \
      -j "$(( connections > 1 ? 2 : 1 ))" -T "$DURATION" -f "$OUT/indicators.sql" --log --log-prefix="$prefix" "$url" 2>&1)
    ppg_after=$(pg_ticks)
    echo "$preport" > "$OUT/indicators-pgbench-$connections.txt"
    tps=$(echo "$preport" | awk '/^tps/ { printf "%.1f", $3 }')
    read -r pp50 pp99 < <(cat "$prefix".* | awk '{ print $3 / 1000 }' | sort -n \
      | awk '{ v[NR] = $1 } END { printf "%.2f %.2f\n", v[int(NR * 0.5) + 1], v[int(NR * 0.99) + 1] }')
    local ratio; ratio=$(awk -v a="$rps" -v c="$tps" 'BEGIN { printf "%.0f%%", 100 * a / c }')
    rows+=("$(printf '| %s | %s | %s | %s | API %s, PG %s, wrk %s | %s | %s | %s | PG %s, pgbench %s | **%s** | %s' \
      "$connections" "$rps" "$p50" "$p99" "$api_cpu" "$pg_cpu" "$wrk_cpu" "$tps" "$pp50" "$pp99" \
      "$(percent $((ppg_after - ppg_before)) "$DURATION")" "$(percent "$(time_ticks "$OUT/pgbench.time")" "$DURATION")" \
      "$ratio" "$errors")")
  done
  stop_api
  echo
  echo "::: indicators of bench-town-0 for $YEAR ($town_requests requests; $statements statements per call; ${DURATION}s each; API $WORKERS workers, pool $POOL; $(nproc) cores shared by wrk, the API and PostgreSQL; latencies in ms; CPU in % of one core)"
  echo
  echo '| connections | API calls/s | p50 | p99 | API run: CPU | same statements, pgbench TPS | p50 | p99 | pgbench run: CPU | API ÷ pgbench |'
  echo '| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |'
  printf '%s\n' "${rows[@]}"
}

# --- 2. the 1,000,000-row export ---------------------------------------------------------------
export_csv() {
  local database=implication_bench_export
  generate "$database" --municipalities 1 --requests "$EXPORT_REQUESTS" --published 100
  start_api "$database"
  local address="$BASE/v1/municipalities/bench-town-0/exports/requests.csv"
  local rss_before; rss_before=$(awk '/VmRSS/ { print $2 }' "/proc/$SERVER_PID/status")
  local api_before pg_before; api_before=$(ticks_of "$SERVER_PID"); pg_before=$(pg_ticks)
  local started ended rows bytes
  started=$(date +%s.%N)
  rows=$(curl -sf "$address" | tee >(wc -c > "$OUT/export.bytes") | wc -l)
  ended=$(date +%s.%N)
  sleep 0.2
  bytes=$(cat "$OUT/export.bytes")
  local api_after pg_after seconds
  api_after=$(ticks_of "$SERVER_PID"); pg_after=$(pg_ticks)
  seconds=$(awk -v a="$started" -v b="$ended" 'BEGIN { printf "%.1f", b - a }')
  local hwm rss_after
  hwm=$(awk '/VmHWM/ { print $2 }' "/proc/$SERVER_PID/status")
  rss_after=$(awk '/VmRSS/ { print $2 }' "/proc/$SERVER_PID/status")
  stop_api
  echo
  echo "::: requests.csv of a town with $EXPORT_REQUESTS published requests"
  echo
  echo '| lines (with the header) | bytes | time (s) | rows/s | API RSS before (MiB) | API peak RSS, VmHWM (MiB) | API RSS after (MiB) | CPU: API, PG |'
  echo '| --- | --- | --- | --- | --- | --- | --- | --- |'
  printf '| %s | %s | %s | %s | %s | %s | %s | %s, %s |\n' "$rows" "$bytes" "$seconds" \
    "$(awk -v r="$rows" -v s="$seconds" 'BEGIN { printf "%.0f", r / s }')" \
    "$(awk -v k="$rss_before" 'BEGIN { printf "%.1f", k / 1024 }')" "$(awk -v k="$hwm" 'BEGIN { printf "%.1f", k / 1024 }')" \
    "$(awk -v k="$rss_after" 'BEGIN { printf "%.1f", k / 1024 }')" \
    "$(percent $((api_after - api_before)) "$seconds")" "$(percent $((pg_after - pg_before)) "$seconds")"
}

case "${ONLY:-}" in
  indicators) indicators ;;
  export) export_csv ;;
  *) indicators; export_csv ;;
esac
