-- Counties ranked per week by each dimension and by the composite: highest first on the score rounded
-- to one decimal, ties share a rank and skip the next (1, 2, 2, 4). Only configured counties
-- (cfg_units.is_county) with a current submission; 市直单位 is not ranked.
-- rank_change = rank in the previous ISO week − rank this week (NULL when either is missing).
CREATE OR REPLACE VIEW dimension_rankings AS
WITH s AS (
    SELECT c.week, c.county, c.dimension, c.score, round(c.score, 1) AS shown
    FROM county_scores AS c
    JOIN cfg_units AS u ON u.county = c.county AND u.is_county
),
r AS (
    SELECT s.*, rank() OVER (PARTITION BY week, dimension ORDER BY shown DESC) AS rank FROM s
)
SELECT r.week, r.county, r.dimension, r.score, r.shown, r.rank,
       prev.rank - r.rank AS rank_change
FROM r
LEFT JOIN cfg_weeks AS w ON w.week = r.week
LEFT JOIN cfg_weeks AS pw ON pw.week_no = w.week_no - 1
LEFT JOIN r AS prev ON prev.week = pw.week AND prev.county = r.county AND prev.dimension = r.dimension;
