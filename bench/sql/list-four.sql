-- The public list with four filters: two statuses, a theme and a neighbourhood.
SELECT id, version, year, sequence, kind, title, description, channel, requester_kind, themes, neighbourhood_code, location_address, latitude, longitude, received_on, status, resolution, merged_into, published_at, created_at, updated_at
  FROM requests
 WHERE municipality_id = :town AND published_at IS NOT NULL
   AND status IN ('qualifying', 'qualified') AND themes LIKE '%"roads-and-traffic"%' AND neighbourhood_code = 'cite-5'
 ORDER BY received_on DESC, id DESC
 LIMIT 51;
