-- The public list filtered on one theme (the API's filter: the quoted code in the JSON array).
SELECT id, version, year, sequence, kind, title, description, channel, requester_kind, themes, neighbourhood_code, location_address, latitude, longitude, received_on, status, resolution, merged_into, published_at, created_at, updated_at
  FROM requests
 WHERE municipality_id = :town AND published_at IS NOT NULL AND themes LIKE '%"youth-and-sport"%'
 ORDER BY received_on DESC, id DESC
 LIMIT 51;
