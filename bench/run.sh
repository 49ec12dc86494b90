#!/usr/bin/env bash
# Load benchmark: fills a database with bench/src (many municipalities, their requests and
# history), starts the release binary on it, and measures each scenario with wrk on loopback —
# and, on PostgreSQL, the database's own limit for the same answer in the same run: pgbench
# running the least SQL the answer needs (bench/sql/, one statement each). Prints per scenario the
# API's throughput and p50/p99, the ceiling's, their ratio, the statements the API sends per call
# (from PostgreSQL's statement log), and the CPU each process used (in % of one core).
#
#   bench/run.sh sqlite 1000000        # SQLite file under target/bench/ (no ceiling: no pgbench)
#   bench/run.sh postgres 1000000      # database implication_bench ($PG_DATABASE) on $PG_SERVER_URL
#
# Settings (environment): DURATION (s, default 20), CONNECTIONS (default 32), WORKERS (API
# workers, default 2), POOL (the API's connections, default 16), SKIP_GENERATE=1 to reuse the data
# of a previous run, ONLY=<regex> to run only the scenarios whose name matches, BINARY (another
# build to measure, e.g. an older release, instead of building this checkout's), NO_CEILING=1 to
# skip pgbench, PG_DATABASE (implication_bench), IDS_FILE (the ids the load picks from, written by
# the generator: target/bench/ids-<backend>-<requests>.txt).
set -euo pipefail
cd "$(dirname "$0")/.."

BACKEND="${1:-sqlite}"
REQUESTS="${2:-100000}"
DURATION="${DURATION:-20}"
CONNECTIONS="${CONNECTIONS:-32}"
WORKERS="${WORKERS:-2}"
POOL="${POOL:-16}"
PORT="${PORT:-8097}"
PG_SERVER_URL="${PG_SERVER_URL:-postgres://postgres@127.0.0.1:5432/postgres}"
PG_DATABASE="${PG_DATABASE:-implication_bench}"
OUT=target/bench
mkdir -p "$OUT"
IDS_FILE="${IDS_FILE:-$OUT/ids-$BACKEND-$REQUESTS.txt}"
BUILT="${CARGO_TARGET_DIR:-target}/release"
HZ=$(getconf CLK_TCK)

command -v wrk >/dev/null || { echo "wrk is needed: apt-get install wrk"; exit 2; }

case "$BACKEND" in
  sqlite) DATABASE_URL="sqlite://$PWD/$OUT/bench-$REQUESTS.db" ;;
  postgres)
    DATABASE_URL="${PG_SERVER_URL%/*}/$PG_DATABASE"
    if [ -z "${SKIP_GENERATE:-}" ]; then
      psql "$PG_SERVER_URL" -qc "DROP DATABASE IF EXISTS $PG_DATABASE WITH (FORCE)"
      psql "$PG_SERVER_URL" -qc "CREATE DATABASE $PG_DATABASE"
    fi ;;
  *) echo "usage: bench/run.sh sqlite|postgres [requests]"; exit 2 ;;
esac

# Both in one build: built apart, their shared dependencies would be built twice (other features).
cargo build -q --release -p implication-api --bin implication -p implication-bench --bin bench-data
BINARY="${BINARY:-$BUILT/implication}"
if [ -z "${SKIP_GENERATE:-}" ]; then
  [ "$BACKEND" = sqlite ] && rm -f "$OUT/bench-$REQUESTS.db"*
  echo "::: generating $REQUESTS requests ($BACKEND)"
  "$BUILT/bench-data" --database-url "$DATABASE_URL" --requests "$REQUESTS" --ids-file "$IDS_FILE"
  if [ "$BACKEND" = postgres ]; then
    psql -q "$DATABASE_URL" -c "CREATE TABLE bench_generated AS SELECT now() AS at"
  fi
fi

# Every run starts from the generated data: the submissions of a previous run (tens of thousands
# of new requests received today) would change the plans of the filtered lists. SQLite: a copy of
# the generated file; PostgreSQL: what was created after the generation is deleted (append-only
# triggers off for this session only: this is a benchmark database).
restore_generated() {
  if [ "$BACKEND" = sqlite ]; then
    local db="$OUT/bench-$REQUESTS.db"
    if [ ! -f "$db.generated" ]; then
      sqlite3 "$db" "PRAGMA wal_checkpoint(TRUNCATE);" >/dev/null
      cp "$db" "$db.generated"
    fi
    rm -f "$db-wal" "$db-shm"
    cp "$db.generated" "$db"
  else
    psql -q "$DATABASE_URL" <<'SQL'
CREATE TABLE IF NOT EXISTS bench_generated AS SELECT now() AS at;
SET session_replication_role = replica;
DELETE FROM request_terms t USING requests r, bench_generated g WHERE t.request_id = r.id AND r.created_at > g.at;
DELETE FROM request_events e USING requests r, bench_generated g WHERE e.request_id = r.id AND r.created_at > g.at;
DELETE FROM idempotency_keys k USING bench_generated g WHERE k.created_at > g.at;
DELETE FROM requests r USING bench_generated g WHERE r.created_at > g.at;
SET session_replication_role = origin;
UPDATE request_counters c SET last_sequence = coalesce(
  (SELECT max(sequence) FROM requests r WHERE r.municipality_id = c.municipality_id AND r.year = c.year), 0);
VACUUM ANALYZE requests, request_terms, request_events, idempotency_keys, request_counters;
SQL
  fi
}
restore_generated

# Staff-only scenarios (suggestions) call as a platform admin.
DATABASE_URL="$DATABASE_URL" IMPLICATION_ADMIN_PASSWORD=bench-password-not-secret \
  "$BINARY" admin create --email bench@implication.test >/dev/null 2>&1 || true

# What pgbench's scripts read: the ids the load scripts pick from, and the towns by number.
if [ "$BACKEND" = postgres ]; then
  psql -q "$DATABASE_URL" <<SQL
DROP TABLE IF EXISTS bench_ids, bench_towns;
CREATE TABLE bench_ids (n serial PRIMARY KEY, id uuid NOT NULL);
\copy bench_ids (id) FROM '$IDS_FILE'
CREATE TABLE bench_towns (n int PRIMARY KEY, id uuid NOT NULL);
INSERT INTO bench_towns SELECT substr(slug, 12)::int, id FROM municipalities WHERE slug LIKE 'bench-town-%';
VACUUM ANALYZE;
SQL
  TOWN_ID=$(psql -qAt "$DATABASE_URL" -c "SELECT id FROM municipalities WHERE slug = 'bench-town-0'")
  # bench/get-one.lua picks among the first 10,000 ids: so does bench/sql/get-one.sql.
  IDS=$(psql -qAt "$DATABASE_URL" -c "SELECT least(count(*), 10000) FROM bench_ids")
  DATA_DIR=$(psql -qAt "$PG_SERVER_URL" -c "SHOW data_directory")
  POSTMASTER=$(head -1 "$DATA_DIR/postmaster.pid")
  PG_LOG=$(ls /var/log/postgresql/postgresql-*-main.log 2>/dev/null | head -1 || true)
fi

start_api() {
  DATABASE_URL="$DATABASE_URL" BIND_ADDR="127.0.0.1:$PORT" WORKERS="$WORKERS" RUST_LOG=warn \
    ANONYMOUS_INTAKE_PER_HOUR=1000000 DATABASE_MAX_CONNECTIONS="$POOL" \
    "$BINARY" serve > "$OUT/server.log" 2>&1 &
  SERVER_PID=$!
  for _ in $(seq 1 100); do curl -sf "http://127.0.0.1:$PORT/health/ready" >/dev/null && break; sleep 0.2; done
  curl -sf "http://127.0.0.1:$PORT/health/ready" >/dev/null || { echo "the API did not start:"; cat "$OUT/server.log"; exit 1; }
}
stop_api() { kill "$SERVER_PID" 2>/dev/null || true; wait "$SERVER_PID" 2>/dev/null || true; }
cleanup() {
  stop_api
  [ "$BACKEND" = postgres ] && psql -q "$PG_SERVER_URL" -c "ALTER DATABASE $PG_DATABASE RESET log_statement" || true
}
trap cleanup EXIT

BASE="http://127.0.0.1:$PORT"
TOWN=bench-town-0
FOUR="$BASE/v1/municipalities/$TOWN/requests?status=qualifying,qualified&theme=roads-and-traffic&neighbourhood=cite-5"
NEWEST="$BASE/v1/municipalities/$TOWN/requests"
ONE="$BASE/v1/municipalities/$TOWN/requests/$(head -1 "$IDS_FILE")"
SUBMIT=(-X POST -H 'Content-Type: application/json' -d '{"kind":"complaint","title":"Nids-de-poule","description":"Devant le 3.","themes":["roads-and-traffic"],"neighbourhood":"cite-5"}')

# The statements one call sends, counted in PostgreSQL's log by an API started with
# log_statement = all on its connections (only for this count, then stopped).
declare -A STATEMENTS=()
count_statements() {
  local name="$1"; shift
  local before
  # The first call fills the API's caches: count the next one. (Each submission has its own key,
  # as in the load; reads ignore it.)
  curl -s -o /dev/null -H "Idempotency-Key: warm-$RANDOM$RANDOM" "$@"
  before=$(wc -l < "$PG_LOG")
  curl -s -o /dev/null -H "Idempotency-Key: count-$RANDOM$RANDOM" "$@"
  sleep 0.3
  STATEMENTS[$name]=$(tail -n +"$((before + 1))" "$PG_LOG" | grep -cE 'LOG:  (execute|statement)' || true)
}
if [ "$BACKEND" = postgres ] && [ -n "$PG_LOG" ] && [ -r "$PG_LOG" ]; then
  psql -q "$PG_SERVER_URL" -c "ALTER DATABASE $PG_DATABASE SET log_statement = 'all'"
  start_api
  count_statements newest "$NEWEST"
  count_statements theme "$NEWEST?theme=youth-and-sport"
  count_statements four "$FOUR"
  count_statements one "$ONE"
  count_statements create "${SUBMIT[@]}" "$NEWEST"
  stop_api
  psql -q "$PG_SERVER_URL" -c "ALTER DATABASE $PG_DATABASE RESET log_statement"
fi

echo "::: starting the API (release, $WORKERS workers, pool $POOL)"
start_api
BENCH_TOKEN=$(curl -sf -X POST "$BASE/v1/auth/token" -d grant_type=password -d username=bench@implication.test \
  -d password=bench-password-not-secret | python3 -c 'import json, sys; print(json.load(sys.stdin)["access_token"])')
export BENCH_IDS="$IDS_FILE" BENCH_TOWN="$TOWN" BENCH_TOKEN

ticks_of() { awk '{ print $14 + $15 }' "/proc/$1/stat" 2>/dev/null || echo 0; }
# Every PostgreSQL process, and the backends that exited (counted in the postmaster's children).
pg_ticks() {
  [ "$BACKEND" = postgres ] || { echo 0; return; }
  local live
  live=$(for pid in $(pgrep -u postgres); do ticks_of "$pid"; done | awk '{ s += $1 } END { print s + 0 }')
  awk -v live="$live" '{ print live + $16 + $17 }' "/proc/$POSTMASTER/stat"
}
percent() { awk -v t="$1" -v d="$2" -v hz="$HZ" 'BEGIN { printf "%.0f%%", 100 * t / hz / d }'; }
# User + system CPU seconds of a command, from /usr/bin/time, in ticks.
time_ticks() { awk -v hz="$HZ" '{ printf "%d", ($1 + $2) * hz }' "$1"; }

# pgbench over DURATION: sets TPS, P50, P99 (ms) and the CPU of PostgreSQL and of pgbench.
ceiling() {
  local script="$1" towns="$2" prefix="$OUT/pgbench-log"
  rm -f "$prefix".*
  pgbench -n -M prepared -c "$CONNECTIONS" -j 2 -T 5 -D town="$TOWN_ID" -D ids="$IDS" -D towns="$towns" \
    -f "$script" "$DATABASE_URL" >/dev/null 2>&1 || true
  local pg_before pg_after report
  pg_before=$(pg_ticks)
  report=$(/usr/bin/time -f '%U %S' -o "$OUT/pgbench.time" pgbench -n -M prepared -c "$CONNECTIONS" -j 2 \
    -T "$DURATION" -D town="$TOWN_ID" -D ids="$IDS" -D towns="$towns" -f "$script" \
    --log --log-prefix="$prefix" --sampling-rate=0.2 "$DATABASE_URL" 2>&1)
  pg_after=$(pg_ticks)
  echo "$report" > "$OUT/pgbench-$(basename "$script" .sql).txt"
  TPS=$(echo "$report" | awk '/^tps/ { printf "%.0f", $3 }')
  read -r P50 P99 < <(cat "$prefix".* | awk '{ print $3 / 1000 }' | sort -n \
    | awk '{ v[NR] = $1 } END { printf "%.2f %.2f\n", v[int(NR * 0.5) + 1], v[int(NR * 0.99) + 1] }')
  PG_CPU=$(percent $((pg_after - pg_before)) "$DURATION")
  TOOL_CPU=$(percent "$(time_ticks "$OUT/pgbench.time")" "$DURATION")
}

# Milliseconds from wrk's latency figures (350.00us, 1.20ms, 2.01s).
ms() { awk -v v="$1" 'BEGIN { n = v + 0; if (v ~ /us$/) n /= 1000; else if (v ~ /ms$/) n *= 1; else if (v ~ /s$/) n *= 1000; printf "%.2f", n }'; }

results=()
# scenario NAME STATEMENTS-KEY PGBENCH-SCRIPT TOWNS WRK-ARGS…
scenario() {
  local name="$1" key="$2" script="$3" towns="$4"; shift 4
  if [ -n "${ONLY:-}" ] && ! [[ "$name" =~ $ONLY ]]; then return 0; fi
  echo "::: $name"
  # Warm the caches first; then measure.
  wrk -t2 -c"$CONNECTIONS" -d5s "$@" >/dev/null 2>&1 || true
  local api_before pg_before report api_after pg_after
  api_before=$(ticks_of "$SERVER_PID"); pg_before=$(pg_ticks)
  report=$(/usr/bin/time -f '%U %S' -o "$OUT/wrk.time" wrk -t2 -c"$CONNECTIONS" -d"${DURATION}s" --latency "$@")
  api_after=$(ticks_of "$SERVER_PID"); pg_after=$(pg_ticks)
  echo "$report" > "$OUT/$(echo "$name" | tr -c 'a-z0-9\n' '-').txt"
  local rps p50 p99 errors api_cpu pg_cpu wrk_cpu
  rps=$(echo "$report" | awk '/Requests\/sec/ { printf "%.0f", $2 }')
  p50=$(ms "$(echo "$report" | awk '$1 == "50%" { print $2 }')")
  p99=$(ms "$(echo "$report" | awk '$1 == "99%" { print $2 }')")
  errors=$(echo "$report" | awk '/Non-2xx/ { print "non-2xx:" $5 } /Socket errors/ { print "socket:" $0 }' | tr '\n' ' ')
  api_cpu=$(percent $((api_after - api_before)) "$DURATION")
  pg_cpu=$(percent $((pg_after - pg_before)) "$DURATION")
  wrk_cpu=$(percent "$(time_ticks "$OUT/wrk.time")" "$DURATION")
  local line
  line=$(printf '| %s | %s | %s | %s | %s | API %s, PG %s, wrk %s |' "$name" "${STATEMENTS[$key]:-}" "$rps" "$p50" \
    "$p99" "$api_cpu" "$pg_cpu" "$wrk_cpu")
  if [ "$BACKEND" = postgres ] && [ "$script" != - ] && [ -z "${NO_CEILING:-}" ]; then
    ceiling "$script" "$towns"
    local ratio
    ratio=$(awk -v a="$rps" -v c="$TPS" 'BEGIN { printf "%.0f%%", 100 * a / c }')
    line+=$(printf ' %s | %s | %s | PG %s, pgbench %s | **%s** |' "$TPS" "$P50" "$P99" "$PG_CPU" "$TOOL_CPU" "$ratio")
  else
    line+=' | | | | |'
  fi
  results+=("$line $errors")
}

scenario "public list, newest" newest bench/sql/list-newest.sql 1 "$NEWEST"
scenario "public list, one filter (theme)" theme bench/sql/list-theme.sql 1 "$NEWEST?theme=youth-and-sport"
scenario "public list, four filters" four bench/sql/list-four.sql 1 "$FOUR"
scenario "get one (public view)" one bench/sql/get-one.sql 1 -s bench/get-one.lua "$BASE"
scenario "anonymous create, one town" create bench/sql/create.sql 1 -s bench/create.lua "$BASE"
BENCH_TOWNS=20 scenario "anonymous create, 20 towns" create bench/sql/create.sql 20 -s bench/create.lua "$BASE"
# Revalidation: the client (or a CDN) holds the current page or request and asks with its ETag.
tag_of() { curl -s -D - -o /dev/null "$1" | awk -F': ' 'tolower($1) == "etag" { print $2 }' | tr -d '\r'; }
TAG_LIST=$(tag_of "$NEWEST")
TAG_ONE=$(tag_of "$ONE")
if [ -n "$TAG_LIST" ]; then
  scenario "public list, newest, 304" - - 1 -H "If-None-Match: $TAG_LIST" "$NEWEST"
  scenario "get one, 304" - - 1 -H "If-None-Match: $TAG_ONE" "$ONE"
fi
scenario "suggestions (staff, random request)" - - 1 -s bench/suggestions.lua "$BASE"

echo
echo "::: results ($BACKEND, $REQUESTS requests, $CONNECTIONS connections, ${DURATION}s each, API $WORKERS workers and pool $POOL, $(nproc) cores shared by the load tool, the API and the database; latencies in ms; CPU in % of one core)"
echo
echo '| scenario | statements per call | API req/s | p50 | p99 | API run: CPU | least SQL, pgbench TPS | p50 | p99 | pgbench run: CPU | API ÷ least SQL |'
echo '| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |'
printf '%s\n' "${results[@]}"
