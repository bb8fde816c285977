-- Progress light (三色预警) and temperature band (热/温/冷) of every score: per level and, with level
-- NULL, for the county (or the city profile) as a whole. Both are judged on the figures as shown, to
-- one decimal, so a reader can check them: lag = 序时进度 − score; 绿 lag < yellow_lag,
-- 黄 < red_lag, 红 otherwise; 热 score ≥ hot, 温 ≥ warm, 冷 below.
CREATE OR REPLACE VIEW score_flags AS
WITH p AS (
    SELECT max(value) FILTER (WHERE name = 'hot')        AS hot,
           max(value) FILTER (WHERE name = 'warm')       AS warm,
           max(value) FILTER (WHERE name = 'yellow_lag') AS yellow_lag,
           max(value) FILTER (WHERE name = 'red_lag')    AS red_lag
    FROM cfg_params
),
s AS (
    SELECT is_city, county, week, level, dimension, score FROM scope_level_scores
    UNION ALL
    SELECT is_city, county, week, NULL AS level, dimension, score FROM scope_county_scores
),
f AS (
    SELECT s.*, round(s.score, 1) AS shown, w.expected_progress,
           round(round(w.expected_progress, 1) - round(s.score, 1), 1) AS lag
    FROM s LEFT JOIN cfg_weeks AS w USING (week)
)
SELECT f.*,
       CASE WHEN lag IS NULL THEN NULL WHEN lag >= p.red_lag THEN '红'
            WHEN lag >= p.yellow_lag THEN '黄' ELSE '绿' END AS light,
       CASE WHEN shown >= p.hot THEN '热' WHEN shown >= p.warm THEN '温' ELSE '冷' END AS band
FROM f CROSS JOIN p;
