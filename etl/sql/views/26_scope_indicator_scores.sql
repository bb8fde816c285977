-- Counties (and 市直单位) and the city profile side by side, so that one set of views scores both
-- with the same rules. is_city marks the city profile row set.
CREATE OR REPLACE VIEW scope_indicator_scores AS
SELECT false AS is_city, county, week, level, dimension, indicator, rate FROM indicator_scores
UNION ALL
SELECT true AS is_city, county, week, level, dimension, indicator, rate FROM city_indicator_scores;
