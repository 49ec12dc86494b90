-- The results of a survey, as GET …/surveys/{id} counts them (the statement from PostgreSQL's
-- log: ballots per option, filtered by town and survey). The endpoint also reads the survey and
-- its process (3 statements in all): this is the one that grows with the ballots.
SELECT "survey_ballots"."option_number", COUNT("survey_ballots"."id") AS "ballots" FROM "survey_ballots" WHERE "survey_ballots"."municipality_id" = :town AND "survey_ballots"."survey_id" = :survey GROUP BY "survey_ballots"."option_number";
