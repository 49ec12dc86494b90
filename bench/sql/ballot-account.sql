-- A ballot by an inhabitant's account, as the API sends it (8 statements, read from PostgreSQL's
-- statement log, bench/ballots.sh): is the token's account still active, and its membership in
-- the town; the survey and its process, whole; then one transaction: the survey's row under a
-- shared lock (closing the survey waits for it), the ballot, the commit.
-- pgbench picks an inhabitant at random (bench_accounts: that lookup is the only addition); since
-- it casts many ballots per account, each carries a fresh voter key (the unique index is checked
-- all the same), and an id ordered in time like the API's UUIDv7.
\set a random(0, :accounts - 1)
\set option random(1, :options)
SELECT "accounts"."id", "accounts"."email", "accounts"."password_hash", "accounts"."display_name", "accounts"."platform_admin", "accounts"."active", "accounts"."email_verified", "accounts"."version", "accounts"."created_at", "accounts"."updated_at" FROM "accounts" WHERE "accounts"."id" = (SELECT id FROM bench_accounts WHERE n = :a) LIMIT 1;
SELECT "memberships"."id", "memberships"."account_id", "memberships"."municipality_id", "memberships"."role", "memberships"."active", "memberships"."mayor", "memberships"."version", "memberships"."created_at", "memberships"."updated_at" FROM "memberships" INNER JOIN "municipalities" ON "memberships"."municipality_id" = "municipalities"."id" WHERE "memberships"."account_id" = (SELECT id FROM bench_accounts WHERE n = :a) AND "municipalities"."slug" = :slug LIMIT 1;
SELECT "surveys"."id", "surveys"."municipality_id", "surveys"."process_id", "surveys"."question", "surveys"."options", "surveys"."eligible", "surveys"."eligible_unit", "surveys"."opens_at", "surveys"."closes_at", "surveys"."live_results", "surveys"."created_at" FROM "surveys" WHERE "surveys"."id" = :survey AND "surveys"."municipality_id" = :town LIMIT 1;
SELECT "processes"."id", "processes"."municipality_id", "processes"."subject", "processes"."description", "processes"."perimeter_kind", "processes"."perimeter_neighbourhoods", "processes"."perimeter_streets", "processes"."origin", "processes"."routed_delegation_id", "processes"."routed_services", "processes"."level", "processes"."status", "processes"."opened_at", "processes"."decision", "processes"."version", "processes"."created_at", "processes"."updated_at" FROM "processes" WHERE "processes"."id" = :process AND "processes"."municipality_id" = :town LIMIT 1;
BEGIN;
SELECT "surveys"."id", "surveys"."municipality_id", "surveys"."process_id", "surveys"."question", "surveys"."options", "surveys"."eligible", "surveys"."eligible_unit", "surveys"."opens_at", "surveys"."closes_at", "surveys"."live_results", "surveys"."created_at" FROM "surveys" WHERE "surveys"."id" = :survey AND "surveys"."municipality_id" = :town LIMIT 1 FOR SHARE;
INSERT INTO "survey_ballots" ("id", "municipality_id", "survey_id", "option_number", "channel", "voter_key", "cast_at")
VALUES ((lpad(to_hex((extract(epoch FROM clock_timestamp()) * 1000)::bigint), 12, '0') || '7' || substr(md5(random()::text), 1, 3) || '8' || substr(md5(random()::text), 1, 15))::uuid,
        :town, :survey, :option, 'account', 'account:' || gen_random_uuid(), now()) RETURNING "id";
COMMIT;
