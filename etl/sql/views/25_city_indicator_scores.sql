-- The city profile's indicators: every submitted unit of the week pooled by level, as if the city
-- were one county (市级 comes from 市直单位, 县级/乡镇级/村级 from all counties together).
-- Σ capped and Σ target add up across counties, so this reads indicator_scores, not the raw rows.
CREATE OR REPLACE VIEW city_indicator_scores AS
SELECT (SELECT city FROM cfg_campaign) AS county, week, level, dimension, indicator,
       any_value(label) AS label, sum(achieved) AS achieved, sum(target) AS target,
       sum(capped) AS capped, sum(capped) / sum(target) AS rate
FROM indicator_scores
GROUP BY week, level, dimension, indicator;
