-- Contract view (interfaces.md): county, week, dimension, score (with 'composite'); 市直单位 included.
CREATE OR REPLACE VIEW county_scores AS
SELECT county, week, dimension, score FROM scope_county_scores WHERE NOT is_city;
