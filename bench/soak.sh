#!/usr/bin/env bash
# Memory soak: the release binary on the demo data, under a mixed and partly hostile load
# (bench/soak.lua) at 64 connections, its resident memory (VmRSS) sampled every 10 seconds.
# Prints the RSS after warm-up, the peak and at the end, and the CPU the API used; exits 1 when
# the end RSS is over the limit (the target: under 150 MB after 10 minutes).
#
#   bench/soak.sh                    # SQLite file under target/bench/, 600 s
#   bench/soak.sh postgres           # database implication_soak on $PG_SERVER_URL
#
# Settings (environment): SOAK_SECONDS (default 600), CONNECTIONS (64), WORKERS (2),
# LIMIT_MB (150), PORT (8098), BINARY (another build to soak, e.g. an older release, instead of
# building this checkout's).
set -euo pipefail
cd "$(dirname "$0")/.."

BACKEND="${1:-sqlite}"
SOAK_SECONDS="${SOAK_SECONDS:-600}"
CONNECTIONS="${CONNECTIONS:-64}"
WORKERS="${WORKERS:-2}"
LIMIT_MB="${LIMIT_MB:-150}"
PORT="${PORT:-8098}"
PG_SERVER_URL="${PG_SERVER_URL:-postgres://postgres@127.0.0.1:5432/postgres}"
OUT=target/bench
mkdir -p "$OUT"
command -v wrk >/dev/null || { echo "wrk is needed: apt-get install wrk"; exit 2; }

case "$BACKEND" in
  sqlite) rm -f "$OUT/soak.db"*; DATABASE_URL="sqlite://$PWD/$OUT/soak.db" ;;
  postgres)
    psql "$PG_SERVER_URL" -qc "DROP DATABASE IF EXISTS implication_soak WITH (FORCE)"
    psql "$PG_SERVER_URL" -qc "CREATE DATABASE implication_soak"
    DATABASE_URL="${PG_SERVER_URL%/*}/implication_soak" ;;
  *) echo "usage: bench/soak.sh [sqlite|postgres]"; exit 2 ;;
esac

BINARY="${BINARY:-}"
if [ -z "$BINARY" ]; then
  cargo build -q --release -p implication-api --bin implication
  BINARY=target/release/implication
fi
DATABASE_URL="$DATABASE_URL" BIND_ADDR="127.0.0.1:$PORT" WORKERS="$WORKERS" RUST_LOG=warn \
  ANONYMOUS_INTAKE_PER_HOUR=1000000 DATABASE_MAX_CONNECTIONS=16 \
  "$BINARY" serve --demo > "$OUT/soak-server.log" 2>&1 &
SERVER_PID=$!
trap 'kill $SERVER_PID 2>/dev/null || true' EXIT
for _ in $(seq 1 150); do curl -sf "http://127.0.0.1:$PORT/health/ready" >/dev/null && break; sleep 0.2; done
curl -sf "http://127.0.0.1:$PORT/health/ready" >/dev/null || { echo "the API did not start:"; cat "$OUT/soak-server.log"; exit 1; }

rss_mb() { awk '/VmRSS/ { printf "%.1f", $2 / 1024 }' "/proc/$SERVER_PID/status"; }
cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$SERVER_PID/stat"; }

echo "::: started: RSS $(rss_mb) MB"
wrk -t2 -c"$CONNECTIONS" -d10s -s bench/soak.lua "http://127.0.0.1:$PORT" >/dev/null
warm=$(rss_mb)
echo "::: after a 10 s warm-up: RSS $warm MB; soaking ${SOAK_SECONDS}s at $CONNECTIONS connections"
before=$(cpu_ticks)
wrk -t2 -c"$CONNECTIONS" -d"${SOAK_SECONDS}s" --latency -s bench/soak.lua "http://127.0.0.1:$PORT" > "$OUT/soak-wrk.txt" &
WRK_PID=$!
samples="$OUT/soak-rss.csv"
echo "seconds,rss_mb" > "$samples"
peak=$warm
for t in $(seq 10 10 "$SOAK_SECONDS"); do
  sleep 10
  now=$(rss_mb)
  echo "$t,$now" >> "$samples"
  peak=$(awk -v a="$peak" -v b="$now" 'BEGIN { print (b > a) ? b : a }')
done
wait "$WRK_PID" || true
after=$(cpu_ticks)
end=$(rss_mb)
echo "::: wrk"
grep -E "Requests/sec|Latency|50%|99%|Non-2xx|Socket" "$OUT/soak-wrk.txt" || true
echo "::: metrics: $(curl -s "http://127.0.0.1:$PORT/metrics" | grep -vc '^#') series lines"
cpu=$(awk -v t=$((after - before)) -v d="$SOAK_SECONDS" -v hz="$(getconf CLK_TCK)" 'BEGIN { printf "%.0f%%", 100 * t / hz / d }')
echo "::: RSS: warm $warm MB, peak $peak MB, end $end MB (limit $LIMIT_MB MB); API CPU $cpu of one core; samples in $samples"
awk -v e="$end" -v l="$LIMIT_MB" 'BEGIN { exit (e < l) ? 0 : 1 }' || { echo "over the limit"; exit 1; }
