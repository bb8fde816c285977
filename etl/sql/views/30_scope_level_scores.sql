-- Level dimension score = 100 × mean of the indicator rates of that dimension present at the level;
-- level composite (dimension 'composite') = weighted mean over the dimensions present, the weights of
-- cfg_weights (the method in force for the week) renormalised over them.
CREATE OR REPLACE VIEW scope_level_scores AS
WITH dims AS NOT MATERIALIZED (
    SELECT is_city, county, week, level, dimension, 100 * avg(rate) AS score
    FROM scope_indicator_scores
    GROUP BY is_city, county, week, level, dimension
)
SELECT is_city, county, week, level, dimension, score FROM dims
UNION ALL
SELECT d.is_city, d.county, d.week, d.level, 'composite' AS dimension,
       sum(w.weight * d.score) / sum(w.weight) AS score
FROM dims AS d JOIN cfg_weights AS w USING (week, dimension)
GROUP BY d.is_city, d.county, d.week, d.level;
