-- The scored indicators of scoring.md: a stable English id, its dimension, the Chinese label the
-- pages and bulletins show, and the levels where its columns apply (dispatch-format.md; a test keeps
-- these lists equal to etl/columns.py). Targets and weights are not here: they come from cfg_*.
CREATE OR REPLACE VIEW indicator_defs AS
SELECT * FROM (VALUES
    (1,  'reading_class',          'study',         '读书班',           ['市级', '县级']),
    (2,  'center_group_study',     'study',         '中心组学习',       ['市级', '县级', '乡镇级']),
    (3,  'concentrated_study',     'study',         '集中学习',         ['村级']),
    (4,  'special_lectures',       'study',         '专题党课',         ['市级', '县级', '乡镇级', '村级']),
    (5,  'discussion_coverage',    'study',         '交流研讨覆盖',     ['市级', '县级', '乡镇级', '村级']),
    (6,  'mobile_members_reached', 'study',         '流动党员参学',     ['市级', '县级', '乡镇级', '村级']),
    (7,  'research_done',          'research',      '调研完成',         ['市级', '县级', '乡镇级']),
    (8,  'reports_written',        'research',      '调研报告',         ['市级', '县级', '乡镇级']),
    (9,  'typical_cases',          'research',      '典型案例',         ['市级', '县级']),
    (10, 'exchange_meeting',       'research',      '成果交流会',       ['市级', '县级']),
    (11, 'results_converted',      'research',      '成果转化落实',     ['市级', '县级', '乡镇级']),
    (12, 'livelihood_done',        'development',   '为民办实事办结',   ['市级', '县级', '乡镇级', '村级']),
    (13, 'urgent_issues_solved',   'development',   '急难愁盼解决',     ['市级', '县级', '乡镇级', '村级']),
    (14, 'problems_rectified',     'rectification', '问题整改',         ['市级', '县级', '乡镇级', '村级']),
    (15, 'targets_quantified',     'rectification', '目标量化',         ['市级', '县级', '乡镇级', '村级']),
    (16, 'main_leader_on_cases',   'rectification', '主要领导挂钩包案', ['市级', '县级']),
    (17, 'enough_problems_found',  'rectification', '检视查摆问题数量', ['市级', '县级', '乡镇级', '村级'])
) AS t(sort_order, indicator, dimension, label, levels);
