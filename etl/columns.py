"""The dispatch sheet's columns, as dispatch-format.md lays them out: the single source for the
template writer, the loader, the warehouse schema and the pages."""

from __future__ import annotations

from dataclasses import dataclass

ALL_LEVELS = ("市级", "县级", "乡镇级", "村级")
UPPER = ("市级", "县级")
NOT_VILLAGE = ("市级", "县级", "乡镇级")

GROUPS = ("基本情况", "理论学习", "调查研究", "推动发展", "整改整治", "宣传氛围", "备注")


@dataclass(frozen=True)
class Column:
    group: str
    header: str  # template text without the unit
    unit: str | None  # the unit shown in full-width brackets, e.g. 个
    id: str
    kind: str  # "seq", "text", "level", "count", "flag"
    levels: tuple[str, ...] = ()
    required: bool = True

    @property
    def label(self) -> str:
        """The exact header text of the template."""
        return f"{self.header}（{self.unit}）" if self.unit else self.header

    @property
    def is_metric(self) -> bool:
        return self.kind in ("count", "flag")


def _c(group, header, unit, id, kind, levels=ALL_LEVELS, required=True):
    return Column(group, header, unit, id, kind, levels, required)


COLUMNS: tuple[Column, ...] = (
    _c("基本情况", "序号", None, "seq", "seq", (), False),
    _c("基本情况", "单位名称", None, "unit", "text", ()),
    _c("基本情况", "层级", None, "level", "level", ()),
    _c("基本情况", "党组织数", "个", "org_count", "count"),
    _c("基本情况", "党员数", "名", "member_count", "count"),
    _c("理论学习", "读书班是否完成", None, "reading_class_done", "flag", UPPER),
    _c("理论学习", "中心组学习", "次", "center_group_sessions", "count", NOT_VILLAGE),
    _c("理论学习", "集中学习", "次", "concentrated_study_sessions", "count", ("村级",)),
    _c("理论学习", "专题党课", "次", "special_lectures", "count"),
    _c("理论学习", "参加交流研讨党员", "名", "discussion_members", "count"),
    _c("理论学习", "流动党员", "名", "mobile_members", "count"),
    _c("理论学习", "已组织参学流动党员", "名", "mobile_members_reached", "count"),
    _c("调查研究", "调研课题", "个", "research_topics", "count", NOT_VILLAGE),
    _c("调查研究", "已完成调研", "个", "research_done", "count", NOT_VILLAGE),
    _c("调查研究", "形成调研报告", "篇", "research_reports", "count", NOT_VILLAGE),
    _c("调查研究", "正面典型案例", "个", "positive_cases", "count", UPPER),
    _c("调查研究", "反面典型案例", "个", "negative_cases", "count", UPPER),
    _c("调查研究", "成果交流会是否召开", None, "exchange_meeting_held", "flag", UPPER),
    _c("调查研究", "成果转化事项", "项", "conversion_items", "count", NOT_VILLAGE),
    _c("调查研究", "已转化落实", "项", "conversion_done", "count", NOT_VILLAGE),
    _c("推动发展", "为民办实事项目", "个", "livelihood_projects", "count"),
    _c("推动发展", "已办结", "个", "livelihood_done", "count"),
    _c("推动发展", "收集急难愁盼问题", "件", "urgent_issues_collected", "count"),
    _c("推动发展", "已解决", "件", "urgent_issues_solved", "count"),
    _c("整改整治", "检视查摆问题", "个", "problems_found", "count"),
    _c("整改整治", "目标量化", "个", "problems_quantified", "count"),
    _c("整改整治", "已整改", "个", "problems_rectified", "count"),
    _c("整改整治", "主要领导挂钩包案", "件", "lead_cases", "count", UPPER),
    _c("宣传氛围", "中央媒体报道", "条", "media_central", "count"),
    _c("宣传氛围", "省级媒体报道", "条", "media_provincial", "count"),
    _c("宣传氛围", "宣传栏是否更新", None, "board_updated", "flag"),
    _c("备注", "备注", None, "remarks", "text", (), False),
)

BY_ID = {c.id: c for c in COLUMNS}
METRICS = tuple(c for c in COLUMNS if c.is_metric)
METRIC_IDS = tuple(c.id for c in METRICS)

# (smaller, larger, message): the smaller may never exceed the larger on one row.
RELATIONS: tuple[tuple[str, str], ...] = (
    ("discussion_members", "member_count"),
    ("mobile_members", "member_count"),
    ("mobile_members_reached", "mobile_members"),
    ("research_done", "research_topics"),
    ("research_reports", "research_topics"),
    ("conversion_done", "conversion_items"),
    ("livelihood_done", "livelihood_projects"),
    ("urgent_issues_solved", "urgent_issues_collected"),
    ("problems_quantified", "problems_found"),
    ("problems_rectified", "problems_found"),
)

# 是/否 and the other ways people write them.
FLAG_TRUE = {"是", "√", "✓", "✔", "Y", "YES", "1", "TRUE", "已完成", "已召开", "已更新", "完成"}
FLAG_FALSE = {"否", "×", "✗", "✘", "N", "NO", "0", "FALSE", "未完成", "未召开", "未更新"}

# A cell holding one of these where a metric does not apply means "not applicable" (NULL).
NOT_APPLICABLE = {"/", "／", "—", "-", "－", "–", "——", "无"}

TOTAL_ROW_LABELS = ("合计", "总计", "小计")
LEVEL_SET = frozenset(ALL_LEVELS)
