-- An anonymous submission with an Idempotency-Key, as one statement: the key (hashed), the next
-- number of the town's year (the counter row locked until the commit), the request, its indexed
-- words and its history entry. :town is one town, or one of 20 picked at random (bench_towns).
\set t random(0, :towns - 1)
WITH town AS (SELECT id FROM bench_towns WHERE n = :t),
     fresh AS (SELECT gen_random_uuid() AS request_id, town.id AS municipality_id FROM town),
     key AS (
       INSERT INTO idempotency_keys (id, municipality_id, scope, key, operation, body_hash, resource_id, masked_secret, created_at)
       SELECT gen_random_uuid(), municipality_id, 'public', md5(random()::text) || md5(random()::text), 'create_request',
              'f93e6e256f8be8e0a6a42025b39ad1fc94aeaabe5bd27a3fee87e27e6d134401', request_id,
              'd7d62982d82dc598df931db9364b55c9e04189a28506f8dec68f', now()
         FROM fresh
       ON CONFLICT DO NOTHING RETURNING municipality_id, resource_id),
     counter AS (
       INSERT INTO request_counters (municipality_id, year, last_sequence)
       SELECT municipality_id, 2026, 1 FROM key
       ON CONFLICT (municipality_id, year) DO UPDATE SET last_sequence = request_counters.last_sequence + 1
       RETURNING last_sequence),
     request AS (
       INSERT INTO requests (id, municipality_id, year, sequence, kind, title, description, search_text, channel, themes,
                             neighbourhood_code, submitted_by_kind, received_on, status, tracking_hash, version,
                             created_at, updated_at)
       SELECT key.resource_id, key.municipality_id, 2026, counter.last_sequence, 'complaint', 'Nids-de-poule rue Bayard',
              'La chaussée est abîmée devant le numéro 1.',
              'nids-de-poule rue bayard la chaussee est abimee devant le numero 1.', 'website', '["roads-and-traffic"]',
              'cite-5', 'public', current_date, 'received', md5(random()::text) || md5(random()::text), 1, now(), now()
         FROM key, counter
       RETURNING id, municipality_id),
     terms AS (
       INSERT INTO request_terms (municipality_id, term, request_id)
       SELECT request.municipality_id, t.term, request.id
         FROM request, (VALUES ('nid'), ('poule'), ('bayard'), ('chaussee'), ('abimee'), ('devant'), ('numero')) AS t(term)),
     event AS (
       INSERT INTO request_events (id, request_id, municipality_id, kind, actor_kind, to_status, at)
       SELECT gen_random_uuid(), request.id, request.municipality_id, 'created', 'public', 'received', now() FROM request)
SELECT last_sequence FROM counter;
