"""The submission board: which county sent which week, as a table, a chart and counts."""

from __future__ import annotations

import pandas as pd

from app.labels import label

STATUS_COLORS = {"已报送": "#70AD47", "已更正": "#4472C4", "已退回": "#C00000", "未报送": "#D9D9D9"}


def board_frame(board: pd.DataFrame) -> pd.DataFrame:
    """submission_board rows with tooltip-ready text columns (versions, times in Chinese)."""
    df = board.copy()
    if df.empty:
        return df.assign(versions_text=[], loaded_text=[], rejected_text=[], submitted_text=[], late_text=[])

    def when(v):
        return "" if v is None or pd.isna(v) else pd.Timestamp(v).strftime("%m-%d %H:%M")

    df["versions_text"] = [
        f"{int(n)} 个版本（当前 v{int(c)}）" if n and pd.notna(c) else "无"
        for n, c in zip(df["versions"], df["current_version"])
    ]
    df["loaded_text"] = [when(v) for v in df["last_loaded_at"]]
    df["submitted_text"] = [when(v) for v in df["submitted_at"]] if "submitted_at" in df else ""
    df["late_text"] = (
        [("逾期" if late else "按时") if pd.notna(d) else "" for late, d in zip(df["late"], df["deadline"])]
        if "late" in df
        else ""
    )
    df["rejected_text"] = [
        f"{int(n)} 次（最近 {when(t)}）" if n else "无"
        for n, t in zip(df["rejected_files"], df["last_rejected_at"])
    ]
    return df


def board_chart(board: pd.DataFrame, english: bool = False):
    """The county × week heat map: colour = status, tooltip = versions, load time, rejections.
    english: the titles and the status names glossed, the late mark in English (the sidebar switch)."""
    import altair as alt

    from app.labels import term

    def t(zh: str) -> str:
        return label(zh, english)

    df = board_frame(board)
    df["status_label"] = df["status"].map(t) if len(df) else df["status"]
    units = list(dict.fromkeys(df.sort_values("sort_order")["county"])) if len(df) else []
    scale = alt.Scale(domain=[t(k) for k in STATUS_COLORS], range=list(STATUS_COLORS.values()))
    base = alt.Chart(df).encode(
        x=alt.X("week:O", title=t("统计周"), axis=alt.Axis(labelAngle=-45, orient="top")),
        y=alt.Y("county:N", title=None, sort=units),
    )
    rect = base.mark_rect(stroke="white", strokeWidth=2).encode(
        color=alt.Color("status_label:N", scale=scale, title=t("状态"), legend=alt.Legend(orient="bottom")),
        tooltip=[
            alt.Tooltip("county:N", title=t("单位")),
            alt.Tooltip("week:N", title=t("统计周")),
            alt.Tooltip("status_label:N", title=t("状态")),
            alt.Tooltip("versions_text:N", title=t("版本")),
            alt.Tooltip("submitted_text:N", title=t("首次报送")),
            alt.Tooltip("late_text:N", title=t("截止")),
            alt.Tooltip("loaded_text:N", title=t("最近导入")),
            alt.Tooltip("rejected_text:N", title=t("退回")),
        ],
    )
    late = term("逾", english)
    # a mark in each cell too, so the board reads on a grey projector or a black-and-white print
    text = (
        base.mark_text(fontSize=13)
        .encode(
            text="mark:N",
            # white on the coloured cells, dark on the light grey of 未报送 (its 逾 must read)
            color=alt.condition("datum.status == '未报送'", alt.value("#404040"), alt.value("white")),
        )
        .transform_calculate(
            mark="(datum.status == '已报送' ? '✓' : datum.status == '已更正' ? '✓²' : "
            f"datum.status == '已退回' ? '✗' : '') + (datum.late_text == '逾期' ? '{late}' : '')"
        )
    )
    return (rect + text).properties(height=alt.Step(30))  # 30 px a row, whatever the number of units


def board_counts(board: pd.DataFrame, week: str | None = None) -> dict[str, int]:
    """How many units per status, for one week (default: the latest week on the board)."""
    if board.empty:
        return {}
    week = week or board["week"].max()
    counts = board.loc[board["week"] == week, "status"].value_counts()
    return {k: int(counts.get(k, 0)) for k in STATUS_COLORS}
