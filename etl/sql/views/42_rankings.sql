-- Contract view (README, "What other tools rely on"): week, county, composite, rank, rank_change, gradient, cold_bottom,
-- for the ranked counties only.
CREATE OR REPLACE VIEW rankings AS
SELECT r.week, r.county, r.score AS composite, r.rank, r.rank_change, g.gradient,
       coalesce(g.cold_bottom, false) AS cold_bottom
FROM dimension_rankings AS r
LEFT JOIN scope_gradients AS g ON g.county = r.county AND g.week = r.week AND NOT g.is_city
WHERE r.dimension = 'composite';
