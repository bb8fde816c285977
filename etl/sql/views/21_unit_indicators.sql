-- Every indicator of every unit row of the current submissions (scoring.md, "Indicators"): achieved,
-- target and capped = least(achieved, target). A NULL achieved counts as 0; an indicator exists only
-- on the levels where its columns apply and where its target is > 0. Targets read cfg_params and
-- cfg_weeks.months_started. One scan of unit_reports, unnested, so it stays set-based and fast.
CREATE OR REPLACE VIEW unit_indicators AS
WITH p AS (
    SELECT max(value) FILTER (WHERE name = 'target_center_group_per_month') AS center_group_per_month,
           max(value) FILTER (WHERE name = 'target_concentrated_per_month') AS concentrated_per_month,
           max(value) FILTER (WHERE name = 'target_lectures_per_org')       AS lectures_per_org,
           max(value) FILTER (WHERE name = 'target_cases_per_org')          AS cases_per_org,
           max(value) FILTER (WHERE name = 'target_problems_per_org')       AS problems_per_org
    FROM cfg_params
),
r AS (
    SELECT u.*, w.months_started::DOUBLE AS months, p.*
    FROM unit_reports AS u
    LEFT JOIN cfg_weeks AS w USING (week)
    CROSS JOIN p
),
x AS (
    SELECT county, week, unit, level, unnest([
        {i: 'reading_class',          a: reading_class_done::DOUBLE,            t: 1.0::DOUBLE},
        {i: 'center_group_study',     a: center_group_sessions::DOUBLE,         t: months * org_count * center_group_per_month},
        {i: 'concentrated_study',     a: concentrated_study_sessions::DOUBLE,   t: months * org_count * concentrated_per_month},
        {i: 'special_lectures',       a: special_lectures::DOUBLE,              t: org_count * lectures_per_org},
        {i: 'discussion_coverage',    a: discussion_members::DOUBLE,            t: member_count::DOUBLE},
        {i: 'mobile_members_reached', a: mobile_members_reached::DOUBLE,        t: mobile_members::DOUBLE},
        {i: 'research_done',          a: research_done::DOUBLE,                 t: research_topics::DOUBLE},
        {i: 'reports_written',        a: research_reports::DOUBLE,              t: research_topics::DOUBLE},
        -- each kind of case counts up to its own target, so ten positive cases cannot hide a missing negative one
        {i: 'typical_cases',          a: least(coalesce(positive_cases, 0), org_count * cases_per_org)
                                         + least(coalesce(negative_cases, 0), org_count * cases_per_org),
                                                                                t: 2 * org_count * cases_per_org},
        {i: 'exchange_meeting',       a: exchange_meeting_held::DOUBLE,         t: 1.0::DOUBLE},
        {i: 'results_converted',      a: conversion_done::DOUBLE,               t: conversion_items::DOUBLE},
        {i: 'livelihood_done',        a: livelihood_done::DOUBLE,               t: livelihood_projects::DOUBLE},
        {i: 'urgent_issues_solved',   a: urgent_issues_solved::DOUBLE,          t: urgent_issues_collected::DOUBLE},
        {i: 'problems_rectified',     a: problems_rectified::DOUBLE,            t: problems_found::DOUBLE},
        {i: 'targets_quantified',     a: problems_quantified::DOUBLE,           t: problems_found::DOUBLE},
        {i: 'main_leader_on_cases',   a: least(lead_cases, 1)::DOUBLE,          t: 1.0::DOUBLE},
        {i: 'enough_problems_found',  a: problems_found::DOUBLE,                t: org_count * problems_per_org}
    ]) AS s
    FROM r
)
SELECT x.county, x.week, x.unit, x.level, d.dimension, s.i AS indicator, d.label,
       coalesce(s.a, 0) AS achieved, s.t AS target, least(coalesce(s.a, 0), s.t) AS capped
FROM x
JOIN indicator_defs AS d ON d.indicator = s.i AND list_contains(d.levels, x.level)
WHERE s.t > 0;
