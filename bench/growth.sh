#!/usr/bin/env bash
# Cost that does not grow with the data: the public list (newest) and one public request, with
# 10,000, 100,000 and 1,000,000 requests in one town, on PostgreSQL. Each size has its own
# database (implication_growth_<size>, generated once by bench-data with one municipality, kept
# for later runs); the API and pgbench (the least SQL, bench/sql/) are measured at a modest load
# so that latency, not saturation, is compared.
#
#   bench/growth.sh                 # 10000 100000 1000000
#   SIZES="10000 100000" bench/growth.sh
#
# Settings (environment): SIZES, DURATION (s, default 10), CONNECTIONS (default 8), PORT (8099),
# REGENERATE=1 (drop and generate again), PG_SERVER_URL.
set -euo pipefail
cd "$(dirname "$0")/.."

SIZES="${SIZES:-10000 100000 1000000}"
DURATION="${DURATION:-10}"
CONNECTIONS="${CONNECTIONS:-8}"
PORT="${PORT:-8099}"
PG_SERVER_URL="${PG_SERVER_URL:-postgres://postgres@127.0.0.1:5432/postgres}"
OUT=target/bench
BUILT="${CARGO_TARGET_DIR:-target}/release"
mkdir -p "$OUT"
command -v wrk >/dev/null || { echo "wrk is needed: apt-get install wrk"; exit 2; }
cargo build -q --release -p implication-api --bin implication -p implication-bench --bin bench-data

ms() { awk -v v="$1" 'BEGIN { n = v + 0; if (v ~ /us$/) n /= 1000; else if (v ~ /ms$/) n *= 1; else if (v ~ /s$/) n *= 1000; printf "%.2f", n }'; }
rows=()
pid=""
trap '[ -n "$pid" ] && kill "$pid" 2>/dev/null; true' EXIT
for size in $SIZES; do
  db="implication_growth_$size"
  url="${PG_SERVER_URL%/*}/$db"
  ids="$OUT/ids-growth-$size.txt"
  exists=$(psql -qAt "$PG_SERVER_URL" -c "SELECT 1 FROM pg_database WHERE datname = '$db'")
  if [ -n "${REGENERATE:-}" ] || [ -z "$exists" ] || [ ! -s "$ids" ]; then
    psql -q "$PG_SERVER_URL" -c "DROP DATABASE IF EXISTS $db WITH (FORCE)" -c "CREATE DATABASE $db"
    echo "::: generating $size requests in one town"
    "$BUILT/bench-data" --database-url "$url" --requests "$size" --municipalities 1 --ids-file "$ids"
    psql -q "$url" -c "VACUUM ANALYZE"
  fi
  town=$(psql -qAt "$url" -c "SELECT id FROM municipalities WHERE slug = 'bench-town-0'")
  in_town=$(psql -qAt "$url" -c "SELECT count(*) FROM requests WHERE municipality_id = '$town'")
  psql -q "$url" <<SQL
DROP TABLE IF EXISTS bench_ids;
CREATE TABLE bench_ids (n serial PRIMARY KEY, id uuid NOT NULL);
\copy bench_ids (id) FROM '$ids'
ANALYZE bench_ids;
SQL
  count=$(psql -qAt "$url" -c "SELECT least(count(*), 10000) FROM bench_ids")
  DATABASE_URL="$url" BIND_ADDR="127.0.0.1:$PORT" WORKERS=2 RUST_LOG=warn DATABASE_MAX_CONNECTIONS=16 \
    "$BUILT/implication" serve > "$OUT/growth-server.log" 2>&1 &
  pid=$!
  for _ in $(seq 1 100); do curl -sf "http://127.0.0.1:$PORT/health/ready" >/dev/null && break; sleep 0.2; done
  export BENCH_IDS="$ids" BENCH_TOWN=bench-town-0
  for scenario in list one; do
    if [ "$scenario" = list ]; then args=("http://127.0.0.1:$PORT/v1/municipalities/bench-town-0/requests"); sql=bench/sql/list-newest.sql
    else args=(-s bench/get-one.lua "http://127.0.0.1:$PORT"); sql=bench/sql/get-one.sql; fi
    wrk -t2 -c"$CONNECTIONS" -d3s "${args[@]}" >/dev/null
    report=$(wrk -t2 -c"$CONNECTIONS" -d"${DURATION}s" --latency "${args[@]}")
    rps=$(echo "$report" | awk '/Requests\/sec/ { printf "%.0f", $2 }')
    p50=$(ms "$(echo "$report" | awk '$1 == "50%" { print $2 }')")
    p99=$(ms "$(echo "$report" | awk '$1 == "99%" { print $2 }')")
    prefix="$OUT/growth-pgbench"
    rm -f "$prefix".*
    pg=$(pgbench -n -M prepared -c "$CONNECTIONS" -j 2 -T "$DURATION" -D town="$town" -D ids="$count" -D towns=1 \
      -f "$sql" --log --log-prefix="$prefix" --sampling-rate=0.2 "$url" 2>&1)
    tps=$(echo "$pg" | awk '/^tps/ { printf "%.0f", $3 }')
    read -r pg50 pg99 < <(cat "$prefix".* | awk '{ print $3 / 1000 }' | sort -n \
      | awk '{ v[NR] = $1 } END { printf "%.2f %.2f\n", v[int(NR * 0.5) + 1], v[int(NR * 0.99) + 1] }')
    rows+=("$(printf '| %s | %s | %s | %s | %s | %s | %s | %s |' "$in_town" "$scenario" "$rps" "$p50" "$p99" "$tps" "$pg50" "$pg99")")
  done
  kill "$pid"; wait "$pid" 2>/dev/null || true
done

echo
echo "::: growth (PostgreSQL, one town, $CONNECTIONS connections, ${DURATION}s each; latencies in ms)"
echo
echo '| requests in the town | scenario | API req/s | p50 | p99 | least SQL TPS | p50 | p99 |'
echo '| --- | --- | --- | --- | --- | --- | --- | --- |'
printf '%s\n' "${rows[@]}"
