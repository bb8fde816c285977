"""Two parts of the 数据报送 page kept out of the page script: the reminders (催报) for a week's
missing units, and the audit trail (操作记录) with its filters and XLSX download. The texts and the
data come from etl.remind and etl.audit; this module only lays them out."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import streamlit as st

from app import ui
from app.ui import t
from etl import audit
from etl.config import Config
from etl.deadline import deadline_of, deadline_text, submission_rule
from etl.remind import pending_units, reminder_all, reminder_text

ALL = "全部"


def late_caption(board: pd.DataFrame, week: str, config: Config) -> None:
    """The week's deadline and its late units (逾期), under the board's counts."""
    deadline = deadline_of(week, submission_rule(config))
    if deadline is None:
        return
    rows = board[(board["week"] == week) & board["late"]]
    names = "、".join(
        f"{r.county}（{r.submitted_at:%m-%d %H:%M} 报送）"
        if pd.notna(r.submitted_at)
        else f"{r.county}（逾期未报）"
        for r in rows.itertuples()
    )
    text = f"{week} 报送截止：{deadline_text(deadline)}。"
    if names:
        st.warning(f"{text}{t('逾期')} {len(rows)} 个单位：{names}", icon=":material/schedule:")
    else:
        st.caption(text + "没有逾期的单位。")


def reminders(board: pd.DataFrame, week: str, config: Config, now: dt.datetime | None = None) -> None:
    """Ready-to-send reminder texts for the units with no accepted version of `week`; st.code gives
    each a copy button."""
    st.subheader(t("催报"))
    pending = pending_units(board, week)
    if not pending:
        st.caption(f"{week} 各单位均已报送，无需催报。")
        return
    st.caption(
        f"{week} 尚未报送或被退回的 {len(pending)} 个单位。点右上角的复制按钮，把通知发到工作群或短信；"
        "命令行 `python -m etl status --remind` 打印同样的文字。"
    )
    st.markdown(f"**{t('发给全部未报送单位')}**")
    st.code(reminder_all(pending, week, config, now), language=None, wrap_lines=True)
    for unit, status in pending:
        with st.expander(f"{unit}（{status}）"):
            st.code(reminder_text(unit, status, week, config, now), language=None, wrap_lines=True)


def audit_trail(db, config: Config, own: tuple[str, str] | None, weeks: list[str]) -> None:
    """The audit trail, filterable by unit, week, action and person, and downloadable as XLSX.
    A county account (own = its unit and name) sees its unit's rows and its own actions (such as a
    refused file of another unit). Read-only: nothing here edits it."""
    st.caption(
        "每次上传、退回、恢复和账号变动：谁、何时、哪个单位哪一周、文件的 SHA-256 哈希。"
        "记录只增不改，看板和命令行都不能修改或删除。"
    )
    c1, c2, c3, c4 = st.columns(4)
    unit = c1.selectbox("单位", [ALL, *config.units], key="audit_unit")
    week = c2.selectbox("统计周", [ALL, *weeks], key="audit_week")
    actions = [ALL, *audit.ACTION_LABELS]
    action = c3.selectbox(
        "操作", actions, key="audit_action", format_func=lambda a: audit.ACTION_LABELS.get(a, a)
    )
    scoped = audit.audit_frame(db, unit=unit if unit != ALL else None, own=own)
    people = [ALL, *sorted({str(a) for a in scoped["actor"].dropna()})]
    actor = c4.selectbox("操作人", people, key="audit_actor")
    frame = audit.audit_frame(
        db,
        week=None if week == ALL else week,
        unit=None if unit == ALL else unit,
        action=None if action == ALL else action,
        actor=None if actor == ALL else actor,
        own=own,
    )
    shown = audit.readable(frame)
    st.dataframe(
        shown,
        hide_index=True,
        width="stretch",
        placeholder="",
        column_config={
            "时间": st.column_config.DatetimeColumn(format="YYYY-MM-DD HH:mm:ss"),
            "操作": st.column_config.TextColumn(width=72),
            "操作人": st.column_config.TextColumn(width=100),
            "单位": st.column_config.TextColumn(width=72),
            "统计周": st.column_config.TextColumn(width=80),
            "版本": st.column_config.TextColumn(width=44),
            "文件名": st.column_config.TextColumn(width="medium"),
            "账号": st.column_config.TextColumn(width=90),
            "说明": st.column_config.TextColumn(width="large"),
            "文件哈希（SHA-256）": st.column_config.TextColumn(width="small"),
        },
    )
    chosen = "_".join(x for x in (unit, week, audit.ACTION_LABELS.get(action, ""), actor) if x and x != ALL)
    st.download_button(
        f"下载操作记录（Excel，{len(frame)} 条）",
        audit.audit_xlsx_bytes(frame, config, f"（{chosen}）" if chosen else ""),
        file_name=f"操作记录{'_' + chosen if chosen else ''}.xlsx",
        mime=ui.XLSX_MIME,
        key="audit_download",
        icon=":material/download:",
        on_click="ignore",
        disabled=frame.empty,
    )
