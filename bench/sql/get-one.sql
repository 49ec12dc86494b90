-- One published request, picked at random among the ids the load script picks from (bench_ids,
-- filled by run.sh from ids.txt: the id lookup in that small table is the only addition).
\set n random(1, :ids)
SELECT id, version, year, sequence, kind, title, description, channel, requester_kind, themes, neighbourhood_code, location_address, latitude, longitude, received_on, status, resolution, merged_into, published_at, created_at, updated_at
  FROM requests
 WHERE id = (SELECT id FROM bench_ids WHERE n = :n) AND municipality_id = :town AND published_at IS NOT NULL;
