-- Indicator rate of a (county, week, level) = Σ capped / Σ target over that level's rows (scoring.md),
-- over the rows where the indicator exists. Summed wide (one pass), then one row per indicator.
-- The sums are kept so that wider scopes (the city profile) can add them up.
CREATE OR REPLACE VIEW indicator_scores AS
SELECT g.county, g.week, g.level, d.dimension, g.s.indicator, d.label,
       g.s.achieved AS achieved, g.s.target AS target, g.s.capped AS capped,
       g.s.capped / g.s.target AS rate
FROM (
    SELECT county, week, level, unnest(sums) AS s
    FROM (
        SELECT county, week, level, [
            {'indicator': 'reading_class', 'achieved': sum(reading_class.achieved), 'target': sum(reading_class.target), 'capped': sum(reading_class.capped)},
            {'indicator': 'center_group_study', 'achieved': sum(center_group_study.achieved), 'target': sum(center_group_study.target), 'capped': sum(center_group_study.capped)},
            {'indicator': 'concentrated_study', 'achieved': sum(concentrated_study.achieved), 'target': sum(concentrated_study.target), 'capped': sum(concentrated_study.capped)},
            {'indicator': 'special_lectures', 'achieved': sum(special_lectures.achieved), 'target': sum(special_lectures.target), 'capped': sum(special_lectures.capped)},
            {'indicator': 'discussion_coverage', 'achieved': sum(discussion_coverage.achieved), 'target': sum(discussion_coverage.target), 'capped': sum(discussion_coverage.capped)},
            {'indicator': 'mobile_members_reached', 'achieved': sum(mobile_members_reached.achieved), 'target': sum(mobile_members_reached.target), 'capped': sum(mobile_members_reached.capped)},
            {'indicator': 'research_done', 'achieved': sum(research_done.achieved), 'target': sum(research_done.target), 'capped': sum(research_done.capped)},
            {'indicator': 'reports_written', 'achieved': sum(reports_written.achieved), 'target': sum(reports_written.target), 'capped': sum(reports_written.capped)},
            {'indicator': 'typical_cases', 'achieved': sum(typical_cases.achieved), 'target': sum(typical_cases.target), 'capped': sum(typical_cases.capped)},
            {'indicator': 'exchange_meeting', 'achieved': sum(exchange_meeting.achieved), 'target': sum(exchange_meeting.target), 'capped': sum(exchange_meeting.capped)},
            {'indicator': 'results_converted', 'achieved': sum(results_converted.achieved), 'target': sum(results_converted.target), 'capped': sum(results_converted.capped)},
            {'indicator': 'livelihood_done', 'achieved': sum(livelihood_done.achieved), 'target': sum(livelihood_done.target), 'capped': sum(livelihood_done.capped)},
            {'indicator': 'urgent_issues_solved', 'achieved': sum(urgent_issues_solved.achieved), 'target': sum(urgent_issues_solved.target), 'capped': sum(urgent_issues_solved.capped)},
            {'indicator': 'problems_rectified', 'achieved': sum(problems_rectified.achieved), 'target': sum(problems_rectified.target), 'capped': sum(problems_rectified.capped)},
            {'indicator': 'targets_quantified', 'achieved': sum(targets_quantified.achieved), 'target': sum(targets_quantified.target), 'capped': sum(targets_quantified.capped)},
            {'indicator': 'main_leader_on_cases', 'achieved': sum(main_leader_on_cases.achieved), 'target': sum(main_leader_on_cases.target), 'capped': sum(main_leader_on_cases.capped)},
            {'indicator': 'enough_problems_found', 'achieved': sum(enough_problems_found.achieved), 'target': sum(enough_problems_found.target), 'capped': sum(enough_problems_found.capped)}
        ] AS sums
        FROM unit_indicator_values
        GROUP BY county, week, level
    )
) AS g
JOIN indicator_defs AS d ON d.indicator = g.s.indicator
WHERE g.s.target > 0;
