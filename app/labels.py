"""UI labels of the dashboard in Chinese, with the English the sidebar switch adds (no Streamlit here,
so the chart builders and the tests use the same words).

`label("综合得分", english=True)` gives "综合得分 Composite"; a label without an English entry stays
Chinese (a test keeps every label the pages use in EN).
"""

from __future__ import annotations

from collections.abc import Callable

EN: dict[str, str] = {
    # pages
    "总览": "Overview",
    "理论学习": "Study",
    "调查研究": "Research",
    "推动发展": "Development",
    "整改整治": "Rectification",
    "上热中温下冷": "Temperature",
    "县域画像": "County profile",
    "数据报送": "Submissions",
    "排名导出": "Rankings export",
    "领导小组": "Leading group",
    "办公室": "Office",
    "综合": "Composite",
    "登录": "Sign in",
    # filters and common words
    "统计周": "Reporting week",
    "县（市、区）": "County",
    "维度": "Area",
    "层级": "Level",
    "显示英文": "Show English",
    "数据截至": "Data as of",
    "序时进度": "Expected progress",
    "得分": "Score",
    "综合得分": "Composite",
    "排名": "Rank",
    "排名变化": "Rank change",
    "温差": "Gradient",
    "进度预警": "Progress light",
    "状态": "Status",
    "走势": "Trend",
    "画像": "Profile",
    "周次": "Week",
    "单位": "Unit",
    "指标": "Indicator",
    "已完成": "Achieved",
    "目标": "Target",
    "完成率": "Rate",
    "温度": "Temperature",
    "方面": "Area",
    "名次": "Rank",
    "上热下冷": "Hot top, cold bottom",
    "最弱指标": "Weakest indicators",
    # overview
    "全市综合得分": "City composite",
    "已报送县（市、区）": "Counties submitted",
    "上热下冷县（市、区）": "Counties hot top / cold bottom",
    "红灯": "Red lights",
    "本周排名": "Ranking this week",
    "温度分布": "Temperature map",
    "预警提示": "Alerts",
    "会议要点": "Meeting notes",
    "未报送": "Not submitted",
    "被退回的文件": "Rejected files",
    "逾期未完成": "Overdue work",
    "较上周": "vs last week",
    # area pages
    "各县（市、区）得分": "Score by county",
    "各项指标完成率": "Indicator rates by county",
    "各层级得分": "Score by level",
    "每周走势": "Weekly trend",
    "指标明细": "Indicator table",
    # temperature
    "县（市、区）× 层级": "County × level",
    "县级→村级": "County level → village level",
    "全市各层级": "City profile by level",
    "上热下冷县（市、区）温差排序": "Flagged counties by gradient",
    "各县（市、区）温差": "Gradient by county",
    # county profile
    "层级 × 方面": "Level × area",
    "得分走势": "Score trend",
    "排名变化情况": "Rank history",
    "单位明细（由弱到强）": "Units, weakest first",
    "报送与版本": "Submissions and versions",
    "版本": "Version",
    "文件名": "File name",
    "导入时间": "Loaded at",
    "行数": "Rows",
    "当前版本": "Current",
    "退回记录": "Rejected files",
    "原因": "Reason",
    "时间": "Time",
    "文件": "File",
    "事项": "Item",
    "截止日期": "Deadline",
    "请先核对": "Check first",
}


def label(zh: str, english: bool = False) -> str:
    """The Chinese label, followed by its English when the switch is on."""
    if not english:
        return zh
    en = EN.get(zh)
    return f"{zh} {en}" if en else zh


Labeler = Callable[[str], str]


def labeler(english: bool) -> Labeler:
    return lambda zh: label(zh, english)
