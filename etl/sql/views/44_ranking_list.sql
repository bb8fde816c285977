-- The ranking as a bulletin lists it, the one definition the pages and exports read: every configured
-- county (市直单位 is not ranked) for every week and every basis (the composite and each dimension).
-- Ranked counties first (rank and rank_change from dimension_rankings, ties in config order), then
-- counties that submitted without a score on that basis, then the 未报送 counties with empty scores.
-- Scores, light, band and lag as shown (score_flags); gradient as shown (one decimal).
CREATE OR REPLACE VIEW ranking_list AS
WITH weeks AS (
    SELECT week FROM cfg_weeks
    UNION
    SELECT week FROM submissions WHERE is_current
),
bases AS (
    SELECT 'composite' AS dimension
    UNION ALL
    SELECT dimension FROM cfg_weights
),
submitted AS (
    SELECT DISTINCT week, county FROM submissions WHERE is_current
),
grid AS (
    SELECT w.week, b.dimension, u.county, u.sort_order, s.county IS NOT NULL AS submitted
    FROM weeks AS w
    CROSS JOIN bases AS b
    CROSS JOIN cfg_units AS u
    LEFT JOIN submitted AS s ON s.week = w.week AND s.county = u.county
    WHERE u.is_county
)
SELECT g.week, g.dimension, g.county, g.sort_order, g.submitted,
       CASE WHEN g.submitted THEN '已报送' ELSE '未报送' END AS status,
       r.rank, r.rank_change, f.score, f.shown, f.light, f.band, f.lag, cw.expected_progress,
       round(gr.gradient, 1) AS gradient, coalesce(gr.cold_bottom, false) AS cold_bottom,
       row_number() OVER (
           PARTITION BY g.week, g.dimension
           ORDER BY CASE WHEN r.rank IS NOT NULL THEN 0 WHEN g.submitted THEN 1 ELSE 2 END,
                    r.rank, g.sort_order
       ) AS position
FROM grid AS g
LEFT JOIN dimension_rankings AS r
       ON r.week = g.week AND r.dimension = g.dimension AND r.county = g.county
LEFT JOIN score_flags AS f
       ON f.week = g.week AND f.dimension = g.dimension AND f.county = g.county
      AND f.level IS NULL AND NOT f.is_city
LEFT JOIN scope_gradients AS gr ON gr.week = g.week AND gr.county = g.county AND NOT gr.is_city
LEFT JOIN cfg_weeks AS cw ON cw.week = g.week;
