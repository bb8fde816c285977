-- unit_indicator_values in long form: one row per (unit row, indicator that exists on it), for
-- drill-down (which unit lags on what). The figures are computed once, in unit_indicator_values.
CREATE OR REPLACE VIEW unit_indicators AS
SELECT x.county, x.week, x.unit, x.level, d.dimension, x.s.indicator, d.label,
       x.s.v.achieved AS achieved, x.s.v.target AS target, x.s.v.capped AS capped
FROM (
    SELECT county, week, unit, level, unnest([
        {'indicator': 'reading_class', 'v': reading_class},
        {'indicator': 'center_group_study', 'v': center_group_study},
        {'indicator': 'concentrated_study', 'v': concentrated_study},
        {'indicator': 'special_lectures', 'v': special_lectures},
        {'indicator': 'discussion_coverage', 'v': discussion_coverage},
        {'indicator': 'mobile_members_reached', 'v': mobile_members_reached},
        {'indicator': 'research_done', 'v': research_done},
        {'indicator': 'reports_written', 'v': reports_written},
        {'indicator': 'typical_cases', 'v': typical_cases},
        {'indicator': 'exchange_meeting', 'v': exchange_meeting},
        {'indicator': 'results_converted', 'v': results_converted},
        {'indicator': 'livelihood_done', 'v': livelihood_done},
        {'indicator': 'urgent_issues_solved', 'v': urgent_issues_solved},
        {'indicator': 'problems_rectified', 'v': problems_rectified},
        {'indicator': 'targets_quantified', 'v': targets_quantified},
        {'indicator': 'main_leader_on_cases', 'v': main_leader_on_cases},
        {'indicator': 'enough_problems_found', 'v': enough_problems_found}
    ]) AS s
    FROM unit_indicator_values
) AS x
JOIN indicator_defs AS d ON d.indicator = x.s.indicator
WHERE x.s.v IS NOT NULL;
