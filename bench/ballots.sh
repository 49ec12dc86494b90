#!/usr/bin/env bash
# Ballot benchmark (issue 13), on PostgreSQL. Two parts, each beside the database's own limit for
# the same SQL, measured in the same run (pgbench), with the CPU each process used:
#
#   A. ingest: RATE ballots a second offered for DURATION seconds to one open survey over
#      CONNECTIONS connections, each from a distinct respondent, half by an inhabitant's account
#      (bearer token) and half by a single-use ballot code, the option at random (bench/ballots.lua).
#      Then proven in SQL against what was acknowledged (every 204): no ballot lost, none counted
#      twice, each with the option its respondent chose, codes used = code ballots taken.
#   B. results: a survey with RESULTS_BALLOTS ballots (cast through the API as fast as it takes
#      them: the same accounts, and codes for the rest; checked the same way), closed so that its
#      results are public; then GET of the survey (its results, counted by the database) by
#      anonymous callers.
#
# Everything is prepared through the API (bench/ballots.py): the town's inhabitants are created by
# its admin and sign in (argon2, as in production: the longest step), codes are issued in batches.
#
#   bench/ballots.sh                  # database implication_bench_ballots ($PG_DATABASE) on $PG_SERVER_URL
#
# Settings (environment): RATE (ballots/s offered, default 500), DURATION (s of part A, 60),
# CONNECTIONS (32), RESULTS_BALLOTS (100000), RESULTS_DURATION (s of part B's reads, 20), OPTIONS
# (options of each survey, 4), WORKERS (API workers, 2), POOL (the API's connections, 16), PARTS
# (A, B or AB), CEILING_DURATION (s of each pgbench run, 20), NO_CEILING=1 (no pgbench), SKIP_ACCOUNTS=1 (keep the database and the inhabitants
# of the previous run, whose tokens last 24 h: new surveys, new codes), BINARY (another build),
# PG_SERVER_URL, PG_DATABASE (must start with implication_bench), PORT (8098).
set -euo pipefail
cd "$(dirname "$0")/.."

RATE="${RATE:-500}"
DURATION="${DURATION:-60}"
CONNECTIONS="${CONNECTIONS:-32}"
RESULTS_BALLOTS="${RESULTS_BALLOTS:-100000}"
RESULTS_DURATION="${RESULTS_DURATION:-20}"
OPTIONS="${OPTIONS:-4}"
CEILING_DURATION="${CEILING_DURATION:-20}"
WORKERS="${WORKERS:-2}"
POOL="${POOL:-16}"
PARTS="${PARTS:-AB}"
PORT="${PORT:-8098}"
THREADS=2
PG_SERVER_URL="${PG_SERVER_URL:-postgres://postgres@127.0.0.1:5432/postgres}"
PG_DATABASE="${PG_DATABASE:-implication_bench_ballots}"
DATABASE_URL="${PG_SERVER_URL%/*}/$PG_DATABASE"
OUT=target/bench/ballots
BUILT="${CARGO_TARGET_DIR:-target}/release"
HZ=$(getconf CLK_TCK)
TOWN=bench-ballots
BASE="http://127.0.0.1:$PORT"
API="$BASE/v1/municipalities/$TOWN"
ADMIN_EMAIL=bench@implication.test
ADMIN_PASSWORD=bench-password-not-secret

command -v wrk >/dev/null || { echo "wrk is needed: apt-get install wrk"; exit 2; }
command -v pgbench >/dev/null || { echo "pgbench is needed (postgresql-client)"; exit 2; }
# This script drops and fills its database: never one that is not a benchmark's.
[[ "$PG_DATABASE" =~ ^implication_bench ]] || { echo "PG_DATABASE must start with implication_bench"; exit 2; }
mkdir -p "$OUT"

# Enough respondents for the offer, and 5 % more (a schedule that runs a little fast).
NEEDED=$((RATE * DURATION))
ACCOUNTS=$(((NEEDED * 105 / 100 + 1) / 2))
[ "$ACCOUNTS" -le "$RESULTS_BALLOTS" ] || ACCOUNTS=$RESULTS_BALLOTS

# The same build as the brief's (and run.sh's): built apart, shared dependencies would build twice.
cargo build -q --release -p implication-api -p implication-bench
BINARY="${BINARY:-$BUILT/implication}"

SERVER_PID=""
start_api() {
  DATABASE_URL="$DATABASE_URL" BIND_ADDR="127.0.0.1:$PORT" WORKERS="$WORKERS" RUST_LOG=warn \
    DATABASE_MAX_CONNECTIONS="$POOL" ACCESS_TOKEN_TTL_SECS=86400 \
    "$BINARY" serve >> "$OUT/server.log" 2>&1 &
  SERVER_PID=$!
  for _ in $(seq 1 150); do curl -sf "$BASE/health/ready" >/dev/null && break; sleep 0.2; done
  curl -sf "$BASE/health/ready" >/dev/null || { echo "the API did not start:"; tail "$OUT/server.log"; exit 1; }
}
stop_api() {
  [ -n "$SERVER_PID" ] || return 0
  kill "$SERVER_PID" 2>/dev/null || true
  wait "$SERVER_PID" 2>/dev/null || true
  SERVER_PID=""
}
# shellcheck disable=SC2317 # (run by the trap)
cleanup() {
  stop_api
  psql -q "$PG_SERVER_URL" -c "ALTER DATABASE $PG_DATABASE RESET log_statement" 2>/dev/null || true
}
trap cleanup EXIT

# `call STATUS ARGS…`: curl, the body to stdout; fails unless the status is STATUS.
call() {
  local want=$1 got; shift
  got=$(curl -s -o "$OUT/answer" -w '%{http_code}' "$@")
  [ "$got" = "$want" ] || { echo "expected $want, got $got: $* → $(head -c 400 "$OUT/answer")" >&2; exit 1; }
  cat "$OUT/answer"
}
field() { python3 -c 'import json, sys; print(json.load(sys.stdin)[sys.argv[1]])' "$1"; }
sql() { psql -qAtX -v ON_ERROR_STOP=1 "$DATABASE_URL" "$@"; }

# --- The database, the town, its admin ------------------------------------------------------
if [ -z "${SKIP_ACCOUNTS:-}" ]; then
  psql -q "$PG_SERVER_URL" -c "DROP DATABASE IF EXISTS $PG_DATABASE WITH (FORCE)"
  psql -q "$PG_SERVER_URL" -c "CREATE DATABASE $PG_DATABASE"
  : > "$OUT/server.log"
  DATABASE_URL="$DATABASE_URL" "$BINARY" migrate up >/dev/null
  DATABASE_URL="$DATABASE_URL" IMPLICATION_ADMIN_PASSWORD="$ADMIN_PASSWORD" \
    "$BINARY" admin create --email "$ADMIN_EMAIL" >/dev/null
  DATABASE_URL="$DATABASE_URL" "$BINARY" municipality create --slug "$TOWN" --name "Bench-les-Urnes" \
    --insee-code 62999 --population 40000 --neighbourhood Centre >/dev/null
fi
DATA_DIR=$(psql -qAt "$PG_SERVER_URL" -c "SHOW data_directory")
# PostgreSQL's CPU needs its data directory readable (run as root or postgres); else it reads 0.
POSTMASTER=$(head -1 "$DATA_DIR/postmaster.pid" 2>/dev/null || true)
PG_LOGS=(/var/log/postgresql/postgresql-*-main.log)
PG_LOG="${PG_LOGS[0]}"

start_api
token_of() {
  curl -sf -X POST "$BASE/v1/auth/token" -d grant_type=password -d "username=$1" -d "password=$2" "${@:3}" | field access_token
}
ADMIN=$(token_of "$ADMIN_EMAIL" "$ADMIN_PASSWORD")
AUTH=(-H "Authorization: Bearer $ADMIN")
JSON=(-H 'Content-Type: application/json')

# An open process and its surveys: A (the ingest), B (the results), C (statements counted).
PROCESS=$(call 201 -X POST "$API/processes" "${AUTH[@]}" "${JSON[@]}" \
  -d '{"subject": "Le nom de la nouvelle salle", "description": "Banc d'\''essai des bulletins.", "level": "consultation"}' | field id)
ETAG=$(curl -s -D - -o /dev/null "$API/processes/$PROCESS" "${AUTH[@]}" | awk 'tolower($1) == "etag:" { sub(/\r$/, ""); print $2 }')
call 200 -X POST "$API/processes/$PROCESS/transitions" "${AUTH[@]}" "${JSON[@]}" -H "If-Match: $ETAG" -d '{"to": "open"}' >/dev/null
new_survey() {
  local options
  options=$(python3 -c 'import json, sys; print(json.dumps([{"title": f"Scénario {i}"} for i in range(1, int(sys.argv[1]) + 1)]))' "$OPTIONS")
  call 201 -X POST "$API/processes/$PROCESS/surveys" "${AUTH[@]}" "${JSON[@]}" -d "{
    \"question\": \"$1\", \"options\": $options, \"eligible\": 40000, \"eligible_unit\": \"people\",
    \"opens_at\": \"$(date -u -d '-1 minute' +%FT%TZ)\", \"closes_at\": \"$(date -u -d '+1 day' +%FT%TZ)\"}" | field id
}
SURVEY_A=$(new_survey "Quel nom pour la salle ? (A, arrivée des bulletins)")
SURVEY_B=$(new_survey "Quel nom pour la salle ? (B, résultats)")
SURVEY_C=$(new_survey "Quel nom pour la salle ? (C, requêtes comptées)")
echo "::: surveys: A $SURVEY_A, B $SURVEY_B, C $SURVEY_C"

# --- Respondents -------------------------------------------------------------------------------
if [ -z "${SKIP_ACCOUNTS:-}" ] || [ ! -s "$OUT/accounts.txt" ]; then
  echo "::: $ACCOUNTS inhabitants created by the admin and signed in (argon2 twice each)"
  python3 bench/ballots.py accounts --base "$BASE" --town "$TOWN" --token "$ADMIN" --count "$ACCOUNTS" \
    --out "$OUT/accounts.txt"
fi
ACCOUNTS=$(wc -l < "$OUT/accounts.txt")
echo "::: ballot codes"
python3 bench/ballots.py codes --base "$BASE" --town "$TOWN" --token "$ADMIN" --survey "$SURVEY_A" \
  --count "$ACCOUNTS" --out "$OUT/codes-a.txt"
python3 bench/ballots.py codes --base "$BASE" --town "$TOWN" --token "$ADMIN" --survey "$SURVEY_B" \
  --count $((RESULTS_BALLOTS - ACCOUNTS)) --out "$OUT/codes-b.txt"
python3 bench/ballots.py codes --base "$BASE" --town "$TOWN" --token "$ADMIN" --survey "$SURVEY_C" \
  --count 2 --out "$OUT/codes-c.txt"
python3 bench/ballots.py respondents --accounts "$OUT/accounts.txt" --codes "$OUT/codes-a.txt" \
  --count $((2 * ACCOUNTS)) --out "$OUT/respondents-a.txt"
python3 bench/ballots.py respondents --accounts "$OUT/accounts.txt" --codes "$OUT/codes-b.txt" \
  --count "$RESULTS_BALLOTS" --out "$OUT/respondents-b.txt"

# What the checks and pgbench read: the accounts and codes by number.
sql <<SQL
DROP TABLE IF EXISTS bench_accounts, bench_codes;
CREATE TABLE bench_accounts (n int PRIMARY KEY, id uuid NOT NULL, token text NOT NULL);
\copy bench_accounts FROM '$OUT/accounts.txt' WITH (DELIMITER ' ')
CREATE TABLE bench_codes (survey uuid, n int, code text, PRIMARY KEY (survey, n));
CREATE TEMP TABLE c (n int, code text);
\copy c FROM '$OUT/codes-a.txt' WITH (DELIMITER ' ')
INSERT INTO bench_codes SELECT '$SURVEY_A', n, code FROM c;
TRUNCATE c;
\copy c FROM '$OUT/codes-b.txt' WITH (DELIMITER ' ')
INSERT INTO bench_codes SELECT '$SURVEY_B', n, code FROM c;
SQL
TOWN_ID=$(sql -c "SELECT id FROM municipalities WHERE slug = '$TOWN'")

# --- Statements per call, counted in PostgreSQL's log (log_statement = all for this database,
# an API started for this count only); the first call of each kind warms the caches.
BALLOT_C="$API/surveys/$SURVEY_C/ballots"
token_n() { awk -v n="$1" '$1 == n { print $3 }' "$OUT/accounts.txt"; }
code_n() { awk -v n="$1" '$1 == n { print $2 }' "$OUT/codes-c.txt"; }
declare -A STATEMENTS=()
count_statements() {
  local name="$1" before; shift
  before=$(wc -l < "$PG_LOG")
  "$@" >/dev/null
  sleep 0.3
  tail -n +"$((before + 1))" "$PG_LOG" | grep "@$PG_DATABASE " > "$OUT/statements-$name.log" || true
  STATEMENTS[$name]=$(grep -cE 'LOG:  (execute|statement)' "$OUT/statements-$name.log" || true)
}
if [ -n "$PG_LOG" ] && [ -r "$PG_LOG" ]; then
  stop_api
  psql -q "$PG_SERVER_URL" -c "ALTER DATABASE $PG_DATABASE SET log_statement = 'all'"
  start_api
  call 204 -X POST "$BALLOT_C" "${JSON[@]}" -H "Authorization: Bearer $(token_n 0)" -d '{"option": 1}' >/dev/null
  count_statements account call 204 -X POST "$BALLOT_C" "${JSON[@]}" -H "Authorization: Bearer $(token_n 1)" -d '{"option": 2}'
  call 204 -X POST "$BALLOT_C" "${JSON[@]}" -d "{\"option\": 1, \"code\": \"$(code_n 0)\"}" >/dev/null
  count_statements code call 204 -X POST "$BALLOT_C" "${JSON[@]}" -d "{\"option\": 2, \"code\": \"$(code_n 1)\"}"
  call 200 -X POST "$API/surveys/$SURVEY_C/close" "${AUTH[@]}" >/dev/null
  call 200 "$API/surveys/$SURVEY_C" >/dev/null
  count_statements results call 200 "$API/surveys/$SURVEY_C"
  stop_api
  psql -q "$PG_SERVER_URL" -c "ALTER DATABASE $PG_DATABASE RESET log_statement"
  start_api
fi

# --- Measuring ---------------------------------------------------------------------------------
ticks_of() { awk '{ print $14 + $15 }' "/proc/$1/stat" 2>/dev/null || echo 0; }
# Every PostgreSQL process, and the backends that exited (counted in the postmaster's children).
# Other databases of the same server count too: keep the machine otherwise quiet.
pg_ticks() {
  [ -n "$POSTMASTER" ] || { echo 0; return; }
  local live
  live=$(for pid in $(pgrep -u postgres); do ticks_of "$pid"; done | awk '{ s += $1 } END { print s + 0 }')
  awk -v live="$live" '{ print live + $16 + $17 }' "/proc/$POSTMASTER/stat"
}
# The machine's busy ticks (all cores): what is neither the API, PostgreSQL nor the load tool is
# the rest of the machine (the cores are shared with other work), shown beside them.
busy_ticks() { awk '$1 == "cpu" { print $2 + $3 + $4 + $7 + $8 + $9 }' /proc/stat; }
percent() { awk -v t="$1" -v d="$2" -v hz="$HZ" 'BEGIN { printf "%.0f%%", 100 * t / hz / d }'; }
time_ticks() { awk -v hz="$HZ" '{ printf "%d", ($1 + $2) * hz }' "$1"; }
now_s() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", b - a }'; }
# Milliseconds from wrk's latency figures (350.00us, 1.20ms, 2.01s).
ms() { awk -v v="$1" 'BEGIN { n = v + 0; if (v ~ /us$/) n /= 1000; else if (v ~ /ms$/) n *= 1; else if (v ~ /s$/) n *= 1000; printf "%.2f", n }'; }
wrk_ms() { ms "$(awk -v p="$2" '$1 == p { print $2 }' "$1")"; }

# pgbench over SECONDS: sets TPS, P50, P99 (ms) and the CPU of PostgreSQL and of pgbench.
ceiling() {
  local seconds="$1" name="$2" prefix="$OUT/pgbench-log"; shift 2
  rm -f "$prefix".*
  # (:run tells the warm-up from the run: bench/sql/ballot-code.sql takes other codes in each.)
  pgbench -n -M prepared -c "$CONNECTIONS" -j 2 -T 3 -D run=1 "$@" "$DATABASE_URL" >/dev/null 2>&1 || true
  local pg_before pg_after busy_before busy_after tool_ticks
  pg_before=$(pg_ticks); busy_before=$(busy_ticks)
  /usr/bin/time -f '%U %S' -o "$OUT/pgbench.time" pgbench -n -M prepared -c "$CONNECTIONS" -j 2 -T "$seconds" \
    -D run=2 --log --log-prefix="$prefix" --sampling-rate=0.2 "$@" "$DATABASE_URL" > "$OUT/pgbench-$name.txt" 2>&1 || true
  pg_after=$(pg_ticks); busy_after=$(busy_ticks)
  TPS=$(awk '/^tps/ { printf "%.0f", $3 }' "$OUT/pgbench-$name.txt")
  [ -n "$TPS" ] || { echo "pgbench failed:"; cat "$OUT/pgbench-$name.txt"; exit 1; }
  read -r P50 P99 < <(cat "$prefix".* | awk '{ print $3 / 1000 }' | sort -n \
    | awk '{ v[NR] = $1 } END { printf "%.2f %.2f\n", v[int(NR * 0.5) + 1], v[int(NR * 0.99) + 1] }')
  PG_CPU=$(percent $((pg_after - pg_before)) "$seconds")
  tool_ticks=$(time_ticks "$OUT/pgbench.time")
  TOOL_CPU=$(percent "$tool_ticks" "$seconds")
  REST_CPU=$(percent $((busy_after - busy_before - (pg_after - pg_before) - tool_ticks)) "$seconds")
}

# The ballots of a survey by wrk (bench/ballots.lua): sets ELAPSED, OFFERED, ACHIEVED, SENDING
# (s from the first send to the last), P50, P99 (ms), STATUSES, LATE (requests sent over 100 ms
# after their slot in the schedule), and the CPU of each process.
cast() {
  local name="$1" survey="$2" respondents="$3" rate="$4" window="$5" log="$OUT/wrk-$1"
  rm -f "$log"-*
  local api_before pg_before api_after pg_after busy_before busy_after started ended wrk_pid
  api_before=$(ticks_of "$SERVER_PID"); pg_before=$(pg_ticks); busy_before=$(busy_ticks); started=$(now_s)
  BENCH_RESPONDENTS="$respondents" BENCH_LOG="$log" BENCH_PATH="/v1/municipalities/$TOWN/surveys/$survey/ballots" \
    BENCH_OPTIONS="$OPTIONS" BENCH_THREADS=$THREADS BENCH_RATE="$rate" BENCH_WINDOW="$window" \
    /usr/bin/time -f '%U %S' -o "$OUT/wrk.time" wrk -t$THREADS -c"$CONNECTIONS" -d"$((window + 30))s" --timeout 10s \
    --latency -s bench/ballots.lua "$BASE" > "$OUT/wrk-$name.txt" 2>&1 &
  wrk_pid=$!
  # wrk has no end of its own but its duration: stopped (SIGINT, it then reports) once every
  # thread has sent all it will and has every answer.
  while kill -0 "$wrk_pid" 2>/dev/null; do
    local marks=("$log"-*.done)
    if [ -e "${marks[0]}" ] && [ "${#marks[@]}" -ge $THREADS ]; then
      ended=$(now_s); api_after=$(ticks_of "$SERVER_PID"); pg_after=$(pg_ticks); busy_after=$(busy_ticks)
      pkill -INT -P "$wrk_pid" wrk || true   # wrk itself, not /usr/bin/time (which ignores SIGINT)
      break
    fi
    sleep 0.1
  done
  wait "$wrk_pid" || true
  if [ -z "${ended:-}" ]; then
    ended=$(now_s); api_after=$(ticks_of "$SERVER_PID"); pg_after=$(pg_ticks); busy_after=$(busy_ticks)
  fi
  ELAPSED=$(elapsed "$started" "$ended")
  cat "$log"-[0-9] > "$OUT/wrk-$name.log"
  STATUSES=$(awk '$1 ~ /^[0-9]+$/ { n[$1]++ } END { for (s in n) printf "%s%s: %d", (k++ ? ", " : ""), s, n[s] }' "$OUT/wrk-$name.log")
  LATE=$(awk '$1 == "sent" && $3 > 100 { n++ } END { print n + 0 }' "$OUT/wrk-$name.log")
  # Offered: requests over the time from the first send to the last; taken: ballots acknowledged
  # over the time from the first send to the last answer (the threads start within a millisecond).
  read -r OFFERED ACHIEVED SENDING < <(awk '
    $1 == "sent" { n++; if ($4 > last_sent) last_sent = $4 }
    $1 ~ /^[0-9]+$/ { if ($1 == 204) ok++; if ($3 > last_answer) last_answer = $3 }
    END { printf "%.0f %.0f %.1f\n", n / (last_sent / 1000), ok / (last_answer / 1000), last_sent / 1000 }' "$OUT/wrk-$name.log")
  P50=$(wrk_ms "$OUT/wrk-$name.txt" 50%)
  P99=$(wrk_ms "$OUT/wrk-$name.txt" 99%)
  API_CPU=$(percent $((api_after - api_before)) "$ELAPSED")
  PG_CPU=$(percent $((pg_after - pg_before)) "$ELAPSED")
  local tool_ticks
  tool_ticks=$(time_ticks "$OUT/wrk.time")
  TOOL_CPU=$(percent "$tool_ticks" "$ELAPSED")
  REST_CPU=$(percent $((busy_after - busy_before - (api_after - api_before) - (pg_after - pg_before) - tool_ticks)) "$ELAPSED")
}

# Proves in SQL that the survey holds exactly the ballots acknowledged: sets VERDICT (PASS or
# FAIL) and prints each check.
FAILED=0
verify() {
  local name="$1" survey="$2" log="$OUT/wrk-$1.log"
  awk '$1 == "sent" { print $2 }' "$log" > "$OUT/sent-$name.txt"
  awk '$1 ~ /^[0-9]+$/ { print $1 " " $2 }' "$log" > "$OUT/answers-$name.txt"
  sql <<SQL > "$OUT/verify-$name.txt"
DROP TABLE IF EXISTS bench_sent, bench_answers, bench_expected;
CREATE TABLE bench_sent (id text);
\copy bench_sent FROM '$OUT/sent-$name.txt'
CREATE TABLE bench_answers (status int, id text);
\copy bench_answers FROM '$OUT/answers-$name.txt' WITH (DELIMITER ' ')
-- Each request id names its respondent and option ("a:n:option", "c:n:option"): the voter key
-- the API writes for it (an account's id; the SHA-256 of the survey and the code, without dash).
CREATE TABLE bench_expected AS
SELECT s.id, split_part(s.id, ':', 1) AS kind, split_part(s.id, ':', 3)::int AS option,
       coalesce(a.status, 0) AS status,
       CASE split_part(s.id, ':', 1)
         WHEN 'a' THEN 'account:' || acc.id
         ELSE 'code:' || encode(sha256(convert_to('$survey:' || replace(c.code, '-', ''), 'UTF8')), 'hex') END AS voter_key
  FROM bench_sent s
  LEFT JOIN bench_answers a ON a.id = s.id
  LEFT JOIN bench_accounts acc ON split_part(s.id, ':', 1) = 'a' AND acc.n = split_part(s.id, ':', 2)::int
  LEFT JOIN bench_codes c ON split_part(s.id, ':', 1) = 'c' AND c.survey = '$survey' AND c.n = split_part(s.id, ':', 2)::int;
CREATE INDEX ON bench_expected (voter_key);
ANALYZE bench_expected;
-- The survey's ballots, copied once (autovacuum is off here: without statistics, the anti-joins
-- below were planned as nested loops, minutes on 100,000 ballots).
CREATE TEMP TABLE ballots AS SELECT * FROM survey_ballots WHERE survey_id = '$survey';
CREATE INDEX ON ballots (voter_key);
ANALYZE ballots;
SELECT 'requests sent|' || (SELECT count(*) FROM bench_sent);
SELECT 'answers|' || (SELECT count(*) FROM bench_answers);
SELECT 'sent twice (a respondent reused by the load)|' || (SELECT count(*) - count(DISTINCT id) FROM bench_sent);
SELECT 'acknowledged (204)|' || (SELECT count(*) FROM bench_expected WHERE status = 204);
SELECT 'sent, never answered|' || (SELECT count(*) FROM bench_expected WHERE status = 0);
SELECT 'ballots in the survey (SQL)|' || (SELECT count(*) FROM ballots);
SELECT 'voter keys twice|' || (SELECT count(*) - count(DISTINCT voter_key) FROM ballots);
SELECT 'acknowledged, no ballot (lost)|' || (SELECT count(*) FROM bench_expected e WHERE status = 204
  AND NOT EXISTS (SELECT 1 FROM ballots b WHERE b.voter_key = e.voter_key));
SELECT 'acknowledged, another option|' || (SELECT count(*) FROM bench_expected e JOIN ballots b USING (voter_key)
  WHERE e.status = 204 AND b.option_number <> e.option);
SELECT 'ballots not acknowledged|' || (SELECT count(*) FROM ballots b WHERE NOT EXISTS
  (SELECT 1 FROM bench_expected e WHERE e.voter_key = b.voter_key AND e.status = 204));
SELECT 'of which never answered (a timeout)|' || (SELECT count(*) FROM ballots b JOIN bench_expected e USING (voter_key)
  WHERE e.status = 0);
SELECT 'refused (not 204), yet a ballot|' || (SELECT count(*) FROM ballots b JOIN bench_expected e USING (voter_key)
  WHERE e.status NOT IN (0, 204));
SELECT 'code ballots acknowledged|' || (SELECT count(*) FROM bench_expected WHERE kind = 'c' AND status = 204);
SELECT 'code ballots in the survey|' || (SELECT count(*) FROM ballots WHERE channel = 'code');
SELECT 'codes used|' || (SELECT count(*) FROM survey_codes WHERE survey_id = '$survey' AND used_at IS NOT NULL);
SELECT 'codes used without their ballot|' || (SELECT count(*) FROM survey_codes k WHERE k.survey_id = '$survey'
  AND k.used_at IS NOT NULL AND NOT EXISTS (SELECT 1 FROM ballots b WHERE b.voter_key = 'code:' || k.code_hash));
SELECT 'account ballots acknowledged|' || (SELECT count(*) FROM bench_expected WHERE kind = 'a' AND status = 204);
SELECT 'account ballots in the survey|' || (SELECT count(*) FROM ballots WHERE channel = 'account');
SQL
  local -A v=()
  local key value
  while IFS='|' read -r key value; do v[$key]=$value; done < "$OUT/verify-$name.txt"
  VERDICT=PASS
  local unanswered=${v[sent, never answered]}
  # With every request answered the count is exact; a request never answered (a timeout) may or
  # may not have been taken, and nothing else.
  if [ "${v[sent twice (a respondent reused by the load)]}" != 0 ] \
    || [ "${v[voter keys twice]}" != 0 ] \
    || [ "${v[acknowledged, no ballot (lost)]}" != 0 ] \
    || [ "${v[acknowledged, another option]}" != 0 ] \
    || [ "${v[refused (not 204), yet a ballot]}" != 0 ] \
    || [ "${v[ballots not acknowledged]}" != "${v[of which never answered (a timeout)]}" ] \
    || [ "${v[codes used without their ballot]}" != 0 ] \
    || [ "${v[codes used]}" != "${v[code ballots in the survey]}" ] \
    || { [ "$unanswered" = 0 ] && { [ "${v[ballots in the survey (SQL)]}" != "${v[acknowledged (204)]}" ] \
         || [ "${v[code ballots in the survey]}" != "${v[code ballots acknowledged]}" ] \
         || [ "${v[account ballots in the survey]}" != "${v[account ballots acknowledged]}" ]; }; }; then
    VERDICT=FAIL
    FAILED=1
  fi
  echo "::: SQL check of $name: $VERDICT"
  sed 's/|/: /; s/^/    /' "$OUT/verify-$name.txt"
}

LINES=()

# --- Part A: the ingest ------------------------------------------------------------------------
if [[ "$PARTS" == *A* ]]; then
  # Warm up: the API's pool connections opened, the survey and the town in cache (reads only).
  wrk -t$THREADS -c"$CONNECTIONS" -d3s "$API/surveys/$SURVEY_A" >/dev/null 2>&1 || true
  echo "::: part A: $RATE ballots/s offered for ${DURATION}s to survey A, $CONNECTIONS connections"
  cast ingest "$SURVEY_A" "$OUT/respondents-a.txt" "$RATE" "$DURATION"
  verify ingest "$SURVEY_A"
  line=$(printf '| ingest, %s/s for %s s | %s + %s | %s | %s | %s | %s | %s; %s sent >100 ms late; SQL check **%s** | API %s, PG %s, wrk %s (rest %s) |' \
    "$RATE" "$DURATION" "${STATEMENTS[account]:-}" "${STATEMENTS[code]:-}" "$OFFERED" "$ACHIEVED" "$P50" "$P99" \
    "$STATUSES, sent in $SENDING s" "$LATE" "$VERDICT" "$API_CPU" "$PG_CPU" "$TOOL_CPU" "$REST_CPU")
  if [ -z "${NO_CEILING:-}" ]; then
    # Codes for pgbench beside survey A's (their hashes only: it never types them), numbered as
    # bench/sql/ballot-code.sql takes them: up to 1,500 per client in the warm-up, 12,500 in the run.
    sql -c "INSERT INTO survey_codes (municipality_id, survey_id, code_hash, batch_id, used_at, created_at)
            SELECT '$TOWN_ID', '$SURVEY_A', encode(sha256(convert_to('pgbench:' || n, 'UTF8')), 'hex'), gen_random_uuid(), NULL, now()
              FROM (SELECT generate_series(1000000, 1000000 + $CONNECTIONS * 1500) UNION ALL
                    SELECT generate_series(2000000, 2000000 + $CONNECTIONS * 12500)) AS codes(n)" \
      -c "VACUUM ANALYZE survey_codes, survey_ballots, accounts, memberships, surveys, processes"
    ceiling "$CEILING_DURATION" ballots -D town="$TOWN_ID" -D survey="$SURVEY_A" -D process="$PROCESS" \
      -D accounts="$ACCOUNTS" -D k=0 -D clients="$CONNECTIONS" -D slug="$TOWN" -D options="$OPTIONS" \
      -f bench/sql/ballot-account.sql@1 -f bench/sql/ballot-code.sql@1
    line+=$(printf ' %s | %s | %s | PG %s, pgbench %s (rest %s) | **%s** |' "$TPS" "$P50" "$P99" "$PG_CPU" "$TOOL_CPU" \
      "$REST_CPU" "$(awk -v a="$ACHIEVED" -v c="$TPS" 'BEGIN { printf "%.0f%%", 100 * a / c }')")
    BALLOT_TPS=$TPS
  else
    line+=' | | | | |'
  fi
  LINES+=("$line")
fi

# --- Part B: the results of a survey with RESULTS_BALLOTS ballots ------------------------------
if [[ "$PARTS" == *B* ]]; then
  echo "::: part B: $RESULTS_BALLOTS ballots cast to survey B as fast as the API takes them"
  cast fill "$SURVEY_B" "$OUT/respondents-b.txt" 0 3600
  verify fill "$SURVEY_B"
  line=$(printf '| filling B: %s ballots, unpaced | %s + %s | | %s | %s | %s | %s; SQL check **%s** | API %s, PG %s, wrk %s (rest %s) |' \
    "$RESULTS_BALLOTS" "${STATEMENTS[account]:-}" "${STATEMENTS[code]:-}" "$ACHIEVED" "$P50" "$P99" "$STATUSES" \
    "$VERDICT" "$API_CPU" "$PG_CPU" "$TOOL_CPU" "$REST_CPU")
  # Its ceiling is part A's (the same SQL).
  if [ -n "${BALLOT_TPS:-}" ]; then
    line+=$(printf ' (%s, above) | | | | **%s** |' "$BALLOT_TPS" "$(awk -v a="$ACHIEVED" -v c="$BALLOT_TPS" 'BEGIN { printf "%.0f%%", 100 * a / c }')")
  else
    line+=' | | | | |'
  fi
  LINES+=("$line")
  call 200 -X POST "$API/surveys/$SURVEY_B/close" "${AUTH[@]}" > "$OUT/survey-b-closed.json"
  # Autovacuum is off on this server: what it would have done by now (statistics, visibility).
  sql -c "VACUUM ANALYZE survey_ballots, surveys, processes"
  echo "::: part B: GET of survey B (results of $RESULTS_BALLOTS ballots), anonymous, $CONNECTIONS connections, ${RESULTS_DURATION}s"
  wrk -t$THREADS -c"$CONNECTIONS" -d5s "$API/surveys/$SURVEY_B" >/dev/null 2>&1 || true
  api_before=$(ticks_of "$SERVER_PID"); pg_before=$(pg_ticks); busy_before=$(busy_ticks)
  /usr/bin/time -f '%U %S' -o "$OUT/wrk.time" wrk -t$THREADS -c"$CONNECTIONS" -d"${RESULTS_DURATION}s" --latency \
    "$API/surveys/$SURVEY_B" > "$OUT/wrk-results.txt"
  api_after=$(ticks_of "$SERVER_PID"); pg_after=$(pg_ticks); busy_after=$(busy_ticks)
  tool_ticks=$(time_ticks "$OUT/wrk.time")
  REST_CPU=$(percent $((busy_after - busy_before - (api_after - api_before) - (pg_after - pg_before) - tool_ticks)) "$RESULTS_DURATION")
  rps=$(awk '/Requests\/sec/ { printf "%.0f", $2 }' "$OUT/wrk-results.txt")
  errors=$(awk '/Non-2xx/ { print "non-2xx: " $5 } /Socket errors/ { print "socket: " $0 }' "$OUT/wrk-results.txt" | tr '\n' ' ')
  line=$(printf '| results of %s ballots (GET, anonymous) | %s | | %s | %s | %s | %s | API %s, PG %s, wrk %s (rest %s) |' \
    "$RESULTS_BALLOTS" "${STATEMENTS[results]:-}" "$rps" "$(wrk_ms "$OUT/wrk-results.txt" 50%)" \
    "$(wrk_ms "$OUT/wrk-results.txt" 99%)" "${errors:-all 200}" "$(percent $((api_after - api_before)) "$RESULTS_DURATION")" \
    "$(percent $((pg_after - pg_before)) "$RESULTS_DURATION")" "$(percent "$tool_ticks" "$RESULTS_DURATION")" "$REST_CPU")
  if [ -z "${NO_CEILING:-}" ]; then
    ceiling "$CEILING_DURATION" results -D survey="$SURVEY_B" -f bench/sql/survey-results.sql
    line+=$(printf ' %s | %s | %s | PG %s, pgbench %s (rest %s) | **%s** |' "$TPS" "$P50" "$P99" "$PG_CPU" "$TOOL_CPU" \
      "$REST_CPU" "$(awk -v a="$rps" -v c="$TPS" 'BEGIN { printf "%.0f%%", 100 * a / c }')")
  else
    line+=' | | | | |'
  fi
  LINES+=("$line")
  python3 -c 'import json, sys
r = json.load(open(sys.argv[1]))["results"]
print("::: results of B:", r["responses"], "responses;", ", ".join("option %d: %d (%.1f %%)" % (o["number"], o["ballots"], o["share"]) for o in r["options"]))' "$OUT/survey-b-closed.json"
fi

echo
echo "::: results (PostgreSQL, $CONNECTIONS connections, API $WORKERS workers and pool $POOL, $(nproc) cores shared by wrk, the API and the database; latencies in ms; CPU in % of one core)"
echo
echo '| scenario | statements per call (account + code) | offered/s | taken/s | p50 | p99 | answers | run: CPU | pgbench TPS (the same SQL) | p50 | p99 | pgbench run: CPU | API ÷ pgbench |'
echo '| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |'
printf '%s\n' "${LINES[@]}"
exit "$FAILED"
