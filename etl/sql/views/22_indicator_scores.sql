-- Indicator rate of a (county, week, level) = Σ capped / Σ target over that level's rows (scoring.md).
-- The sums are kept so that wider scopes (the city profile) can add them up.
CREATE OR REPLACE VIEW indicator_scores AS
SELECT county, week, level, dimension, indicator, any_value(label) AS label,
       sum(achieved) AS achieved, sum(target) AS target, sum(capped) AS capped,
       sum(capped) / sum(target) AS rate
FROM unit_indicators
GROUP BY county, week, level, dimension, indicator;
