-- dimension_ranks with rank_change = rank in the previous ISO week − rank this week (positive = moved
-- up; NULL when either is missing, e.g. the county did not submit last week). One window pass over
-- all weeks; the previous row counts only if it is really the previous week.
CREATE OR REPLACE VIEW dimension_rankings AS
SELECT week, county, dimension, score, shown, rank,
       CASE WHEN lag(week_no) OVER w = week_no - 1 THEN lag(rank) OVER w - rank END AS rank_change
FROM (SELECT r.*, cw.week_no FROM dimension_ranks AS r LEFT JOIN cfg_weeks AS cw USING (week))
WINDOW w AS (PARTITION BY county, dimension ORDER BY week_no);
