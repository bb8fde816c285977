-- County dimension score = mean of the level dimension scores over the levels that have that
-- dimension (every level weighs the same); composite = weighted mean over the dimensions present.
CREATE OR REPLACE VIEW scope_county_scores AS
WITH dims AS NOT MATERIALIZED (
    SELECT is_city, county, week, dimension, avg(score) AS score
    FROM scope_level_scores
    WHERE dimension <> 'composite'
    GROUP BY is_city, county, week, dimension
)
SELECT is_city, county, week, dimension, score FROM dims
UNION ALL
SELECT d.is_city, d.county, d.week, 'composite' AS dimension,
       sum(w.weight * d.score) / sum(w.weight) AS score
FROM dims AS d JOIN cfg_weights AS w USING (week, dimension)
GROUP BY d.is_city, d.county, d.week;
