-- Query plans of the list queries the API runs (as `crates/storage/src/requests.rs` builds them),
-- on the benchmark data, with custom and with generic plans (prepared statements switch to
-- generic ones after five runs).
--   psql postgres://postgres@127.0.0.1:5432/implication_bench -f bench/explain.sql
\pset pager off
SELECT id AS town FROM municipalities WHERE slug = 'bench-town-0' \gset

\echo '== public list, filtered (status, theme, neighbourhood), newest first'
EXPLAIN (ANALYZE, BUFFERS, COSTS OFF)
SELECT * FROM requests
WHERE municipality_id = :'town' AND status IN ('qualifying', 'qualified')
  AND themes LIKE '%"roads-and-traffic"%'
  AND neighbourhood_code = 'cite-5' AND published_at IS NOT NULL
ORDER BY received_on DESC, id DESC LIMIT 51;

\echo '== public list, unfiltered, newest first'
EXPLAIN (ANALYZE, BUFFERS, COSTS OFF)
SELECT * FROM requests WHERE municipality_id = :'town' AND published_at IS NOT NULL
ORDER BY received_on DESC, id DESC LIMIT 51;

\echo '== staff list of late requests'
EXPLAIN (ANALYZE, BUFFERS, COSTS OFF)
SELECT * FROM requests
WHERE municipality_id = :'town' AND status IN ('received', 'qualifying') AND received_on < current_date - 30
ORDER BY received_on DESC, id DESC LIMIT 51;

\echo '== text search'
EXPLAIN (ANALYZE, BUFFERS, COSTS OFF)
SELECT * FROM requests WHERE municipality_id = :'town' AND search_text LIKE '%lamartine%' ESCAPE '\'
ORDER BY received_on DESC, id DESC LIMIT 51;

\echo '== one request, its history'
EXPLAIN (ANALYZE, BUFFERS, COSTS OFF)
SELECT * FROM requests WHERE id = (SELECT id FROM requests WHERE municipality_id = :'town' LIMIT 1) AND municipality_id = :'town';
EXPLAIN (ANALYZE, BUFFERS, COSTS OFF)
SELECT * FROM request_events WHERE request_id = (SELECT id FROM requests WHERE municipality_id = :'town' LIMIT 1) ORDER BY id LIMIT 1001;

\echo '== the filtered public list again, as a generic prepared plan'
SET plan_cache_mode = force_generic_plan;
PREPARE filtered(uuid, text, text, text, text) AS
SELECT * FROM requests
WHERE municipality_id = $1 AND status IN ($2, $3)
  AND themes LIKE $4
  AND neighbourhood_code = $5 AND published_at IS NOT NULL
ORDER BY received_on DESC, id DESC LIMIT 51;
EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) EXECUTE filtered(:'town', 'qualifying', 'qualified', '%"roads-and-traffic"%', 'cite-5');
