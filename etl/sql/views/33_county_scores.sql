-- Contract view (README, "What other tools rely on"): county, week, dimension, score (with 'composite'); 市直单位 included.
CREATE OR REPLACE VIEW county_scores AS
SELECT county, week, dimension, score FROM scope_county_scores WHERE NOT is_city;
