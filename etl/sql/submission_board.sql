-- The county × week board: for every configured unit and campaign week up to the last week with
-- any file, whether it was submitted, rejected, or corrected (more than one version), when it was
-- first submitted, the week's deadline (cfg_weeks.deadline, from [deadlines] submission) and
-- whether it is late: first accepted after the deadline, or none yet and the deadline passed at
-- $now (a parameter, so that tests can freeze the clock). $units: only these units (NULL = every
-- unit), applied before the grouping, which at national scale would otherwise read every file.
WITH weeks AS (
    SELECT week, week_no, deadline FROM cfg_weeks
    WHERE week BETWEEN (SELECT min(week) FROM load_log) AND (SELECT max(week) FROM load_log)
), versions AS (
    SELECT county, week, count(*) AS versions, max(loaded_at) AS last_loaded_at,
           min(loaded_at) AS submitted_at,
           max(version) FILTER (WHERE is_current) AS current_version
    FROM submissions WHERE $units IS NULL OR list_contains($units, county) GROUP BY ALL
), rejected AS (
    SELECT county, week, count(*) AS rejected_files, max(loaded_at) AS last_rejected_at
    FROM load_log WHERE outcome = 'rejected' AND county IS NOT NULL AND week IS NOT NULL
                    AND ($units IS NULL OR list_contains($units, county))
    GROUP BY ALL
)
SELECT u.county, u.sort_order, w.week, w.week_no,
       CASE WHEN v.county IS NULL AND r.county IS NOT NULL THEN '已退回'
            WHEN v.county IS NULL THEN '未报送'
            WHEN v.versions > 1 THEN '已更正'
            ELSE '已报送' END AS status,
       coalesce(v.versions, 0) AS versions, v.current_version, v.last_loaded_at,
       coalesce(r.rejected_files, 0) AS rejected_files, r.last_rejected_at,
       v.submitted_at, w.deadline,
       coalesce(coalesce(v.submitted_at, $now::TIMESTAMP) > w.deadline, false) AS late
FROM cfg_units u CROSS JOIN weeks w
LEFT JOIN versions v ON v.county = u.county AND v.week = w.week
LEFT JOIN rejected r ON r.county = u.county AND r.week = w.week
WHERE $units IS NULL OR list_contains($units, u.county)
ORDER BY u.sort_order, w.week
