-- The results of a survey, as GET …/surveys/{id} counts them (the statement from PostgreSQL's
-- log: ballots per option of the survey, from the index on (survey_id, option_number) alone).
-- The endpoint also reads the survey and its process (3 statements in all): this is the one that
-- grows with the ballots. Before 2026-12-07 it counted a column and filtered on the town too,
-- which read every ballot row: 52 TPS against 180 for this one, in the same run.
SELECT "survey_ballots"."option_number", COUNT(*) AS "ballots" FROM "survey_ballots" WHERE "survey_ballots"."survey_id" = :survey GROUP BY "survey_ballots"."option_number";
