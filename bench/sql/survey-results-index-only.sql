-- For comparison only (not what the API sends): the same counts from the index on
-- (survey_id, option_number) alone — COUNT(*) and no municipality filter (a survey's id is
-- already known to be the town's: the endpoint loaded the survey by id and town first).
SELECT option_number, COUNT(*) AS ballots FROM survey_ballots WHERE survey_id = :survey GROUP BY option_number;
