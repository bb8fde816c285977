-- Contract view (README, "What other tools rely on"): county, week, level, dimension, score (with 'composite').
CREATE OR REPLACE VIEW level_scores AS
SELECT county, week, level, dimension, score FROM scope_level_scores WHERE NOT is_city;
