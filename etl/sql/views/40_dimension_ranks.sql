-- Counties ranked per week by each dimension and by the composite: highest first on the score rounded
-- to one decimal, ties share a rank and skip the next (1, 2, 2, 4). Only configured counties
-- (cfg_units.is_county) with a current submission; 市直单位 is not ranked.
CREATE OR REPLACE VIEW dimension_ranks AS
SELECT week, county, dimension, score, shown,
       rank() OVER (PARTITION BY week, dimension ORDER BY shown DESC) AS rank
FROM (
    SELECT c.week, c.county, c.dimension, c.score, round(c.score, 1) AS shown
    FROM county_scores AS c
    JOIN cfg_units AS u ON u.county = c.county AND u.is_county
);
