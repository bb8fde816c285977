-- Every indicator of every unit row of the current submissions (scoring.md, "Indicators"), wide:
-- one STRUCT(achieved, target, capped) column per indicator, NULL where the indicator does not exist
-- on the row (its columns do not apply to the row's level, or its target is not > 0). A NULL achieved
-- counts as 0; capped = least(achieved, target). Targets read cfg_params and cfg_weeks.months_started.
-- Wide rather than long so that the level sums are one pass of plain column aggregates: at province
-- scale (~800k rows) that is ~50× faster than aggregating an unnested row per indicator.
CREATE OR REPLACE VIEW unit_indicator_values AS
WITH p AS (
    SELECT max(value) FILTER (WHERE name = 'target_center_group_per_month') AS center_group_per_month,
           max(value) FILTER (WHERE name = 'target_concentrated_per_month') AS concentrated_per_month,
           max(value) FILTER (WHERE name = 'target_lectures_per_org')       AS lectures_per_org,
           max(value) FILTER (WHERE name = 'target_cases_per_org')          AS cases_per_org,
           max(value) FILTER (WHERE name = 'target_problems_per_org')       AS problems_per_org
    FROM cfg_params
),
-- the levels where each indicator applies, as one row
lv AS (
    SELECT max(levels) FILTER (WHERE indicator = 'reading_class')          AS reading_class,
           max(levels) FILTER (WHERE indicator = 'center_group_study')     AS center_group_study,
           max(levels) FILTER (WHERE indicator = 'concentrated_study')     AS concentrated_study,
           max(levels) FILTER (WHERE indicator = 'special_lectures')       AS special_lectures,
           max(levels) FILTER (WHERE indicator = 'discussion_coverage')    AS discussion_coverage,
           max(levels) FILTER (WHERE indicator = 'mobile_members_reached') AS mobile_members_reached,
           max(levels) FILTER (WHERE indicator = 'research_done')          AS research_done,
           max(levels) FILTER (WHERE indicator = 'reports_written')        AS reports_written,
           max(levels) FILTER (WHERE indicator = 'typical_cases')          AS typical_cases,
           max(levels) FILTER (WHERE indicator = 'exchange_meeting')       AS exchange_meeting,
           max(levels) FILTER (WHERE indicator = 'results_converted')      AS results_converted,
           max(levels) FILTER (WHERE indicator = 'livelihood_done')        AS livelihood_done,
           max(levels) FILTER (WHERE indicator = 'urgent_issues_solved')   AS urgent_issues_solved,
           max(levels) FILTER (WHERE indicator = 'problems_rectified')     AS problems_rectified,
           max(levels) FILTER (WHERE indicator = 'targets_quantified')     AS targets_quantified,
           max(levels) FILTER (WHERE indicator = 'main_leader_on_cases')   AS main_leader_on_cases,
           max(levels) FILTER (WHERE indicator = 'enough_problems_found')  AS enough_problems_found
    FROM indicator_defs
),
r AS (
    SELECT u.*, w.months_started::DOUBLE AS months
    FROM unit_reports AS u
    LEFT JOIN cfg_weeks AS w USING (week)
)
SELECT r.county, r.week, r.unit, r.level,
    indicator_value(list_contains(lv.reading_class, r.level),
                    r.reading_class_done::DOUBLE, 1.0) AS reading_class,
    indicator_value(list_contains(lv.center_group_study, r.level),
                    r.center_group_sessions, r.months * r.org_count * p.center_group_per_month) AS center_group_study,
    indicator_value(list_contains(lv.concentrated_study, r.level),
                    r.concentrated_study_sessions, r.months * r.org_count * p.concentrated_per_month) AS concentrated_study,
    indicator_value(list_contains(lv.special_lectures, r.level),
                    r.special_lectures, r.org_count * p.lectures_per_org) AS special_lectures,
    indicator_value(list_contains(lv.discussion_coverage, r.level),
                    r.discussion_members, r.member_count) AS discussion_coverage,
    indicator_value(list_contains(lv.mobile_members_reached, r.level),
                    r.mobile_members_reached, r.mobile_members) AS mobile_members_reached,
    indicator_value(list_contains(lv.research_done, r.level),
                    r.research_done, r.research_topics) AS research_done,
    indicator_value(list_contains(lv.reports_written, r.level),
                    r.research_reports, r.research_topics) AS reports_written,
    -- each kind of case counts up to its own target: ten positive cases cannot hide a missing negative one
    indicator_value(list_contains(lv.typical_cases, r.level),
                    least(coalesce(r.positive_cases, 0), r.org_count * p.cases_per_org)
                    + least(coalesce(r.negative_cases, 0), r.org_count * p.cases_per_org),
                    2 * r.org_count * p.cases_per_org) AS typical_cases,
    indicator_value(list_contains(lv.exchange_meeting, r.level),
                    r.exchange_meeting_held::DOUBLE, 1.0) AS exchange_meeting,
    indicator_value(list_contains(lv.results_converted, r.level),
                    r.conversion_done, r.conversion_items) AS results_converted,
    indicator_value(list_contains(lv.livelihood_done, r.level),
                    r.livelihood_done, r.livelihood_projects) AS livelihood_done,
    indicator_value(list_contains(lv.urgent_issues_solved, r.level),
                    r.urgent_issues_solved, r.urgent_issues_collected) AS urgent_issues_solved,
    indicator_value(list_contains(lv.problems_rectified, r.level),
                    r.problems_rectified, r.problems_found) AS problems_rectified,
    indicator_value(list_contains(lv.targets_quantified, r.level),
                    r.problems_quantified, r.problems_found) AS targets_quantified,
    indicator_value(list_contains(lv.main_leader_on_cases, r.level),
                    least(r.lead_cases, 1), 1.0) AS main_leader_on_cases,
    indicator_value(list_contains(lv.enough_problems_found, r.level),
                    r.problems_found, r.org_count * p.problems_per_org) AS enough_problems_found
FROM r CROSS JOIN p CROSS JOIN lv;
