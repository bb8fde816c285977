-- 温差 (gradient) = level composite at 县级 − level composite at 村级; NULL where either level is
-- missing. cold_bottom (上热下冷) when the gradient, as shown with one decimal, is ≥ gradient_flag.
CREATE OR REPLACE VIEW scope_gradients AS
WITH g AS (
    SELECT is_city, county, week,
           max(score) FILTER (WHERE level = '县级') AS top_composite,
           max(score) FILTER (WHERE level = '村级') AS bottom_composite
    FROM scope_level_scores
    WHERE dimension = 'composite'
    GROUP BY is_city, county, week
)
SELECT g.*, top_composite - bottom_composite AS gradient,
       coalesce(round(top_composite - bottom_composite, 1)
                >= (SELECT value FROM cfg_params WHERE name = 'gradient_flag'), false) AS cold_bottom
FROM g;
