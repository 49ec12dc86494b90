-- A ballot by a ballot code, as the API sends it (7 statements, read from PostgreSQL's statement
-- log, bench/ballots.sh): the survey and its process, whole; then one transaction: the survey's
-- row under a shared lock, the code marked used (only if unused), the ballot, the commit.
-- Each pgbench client takes its own codes in turn (:k counts its code ballots; :run keeps the
-- warm-up's codes apart from the measured run's): their hashes, SHA-256 of 'pgbench:<n>', were
-- written beside the survey's real codes by bench/ballots.sh. Ids ordered in time like UUIDv7.
\set k :k + 1
\set c :run * 1000000 + :k * :clients + :client_id
\set option random(1, :options)
SELECT "surveys"."id", "surveys"."municipality_id", "surveys"."process_id", "surveys"."question", "surveys"."options", "surveys"."eligible", "surveys"."eligible_unit", "surveys"."opens_at", "surveys"."closes_at", "surveys"."live_results", "surveys"."created_at" FROM "surveys" WHERE "surveys"."id" = :survey AND "surveys"."municipality_id" = :town LIMIT 1;
SELECT "processes"."id", "processes"."municipality_id", "processes"."subject", "processes"."description", "processes"."perimeter_kind", "processes"."perimeter_neighbourhoods", "processes"."perimeter_streets", "processes"."origin", "processes"."routed_delegation_id", "processes"."routed_services", "processes"."level", "processes"."status", "processes"."opened_at", "processes"."decision", "processes"."version", "processes"."created_at", "processes"."updated_at" FROM "processes" WHERE "processes"."id" = :process AND "processes"."municipality_id" = :town LIMIT 1;
BEGIN;
SELECT "surveys"."id", "surveys"."municipality_id", "surveys"."process_id", "surveys"."question", "surveys"."options", "surveys"."eligible", "surveys"."eligible_unit", "surveys"."opens_at", "surveys"."closes_at", "surveys"."live_results", "surveys"."created_at" FROM "surveys" WHERE "surveys"."id" = :survey AND "surveys"."municipality_id" = :town LIMIT 1 FOR SHARE;
UPDATE "survey_codes" SET "used_at" = now() WHERE "survey_codes"."municipality_id" = :town AND "survey_codes"."survey_id" = :survey AND "survey_codes"."code_hash" = encode(sha256(convert_to('pgbench:' || :c, 'UTF8')), 'hex') AND "survey_codes"."used_at" IS NULL;
INSERT INTO "survey_ballots" ("id", "municipality_id", "survey_id", "option_number", "channel", "voter_key", "cast_at")
VALUES ((lpad(to_hex((extract(epoch FROM clock_timestamp()) * 1000)::bigint), 12, '0') || '7' || substr(md5(random()::text), 1, 3) || '8' || substr(md5(random()::text), 1, 15))::uuid,
        :town, :survey, :option, 'code', 'code:' || encode(sha256(convert_to('pgbench:' || :c, 'UTF8')), 'hex'), now()) RETURNING "id";
COMMIT;
