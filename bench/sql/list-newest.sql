-- The public list, newest first: one statement, the public view's columns only, one page (+1).
SELECT id, version, year, sequence, kind, title, description, channel, requester_kind, themes, neighbourhood_code, location_address, latitude, longitude, received_on, status, resolution, merged_into, published_at, created_at, updated_at
  FROM requests
 WHERE municipality_id = :town AND published_at IS NOT NULL
 ORDER BY received_on DESC, id DESC
 LIMIT 51;
