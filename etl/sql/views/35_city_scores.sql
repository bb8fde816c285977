-- The city profile as one county: dimension scores and composite per week.
CREATE OR REPLACE VIEW city_scores AS
SELECT county AS city, week, dimension, score FROM scope_county_scores WHERE is_city;
