"""Three parts of the 数据报送 page kept out of the page script: the reports of an upload (one box
a file, its problems and the Excel list of fixes), the reminders (催报) for a week's missing units,
and the audit trail (操作记录) with its filters and XLSX download. The texts and the data come
from app.office, etl.remind and etl.audit; this module only lays them out."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import streamlit as st

from app import office, ui
from app.labels import N_, deadline_name
from app.ui import t
from etl import audit
from etl.config import Config
from etl.deadline import deadline_of, submission_rule
from etl.remind import pending_units, reminder_all, reminder_text

ALL = N_("全部")
# etl.audit.ACTION_LABELS, translated where shown
_ACTIONS = [
    N_("上传导入"),
    N_("重复上传"),
    N_("退回"),
    N_("恢复版本"),
    N_("新建账号"),
    N_("修改角色"),
    N_("重设密码"),
    N_("删除账号"),
]


def late_caption(board: pd.DataFrame, week: str, config: Config) -> None:
    """The week's deadline and its late units (逾期), under the board's counts."""
    deadline = deadline_of(week, submission_rule(config))
    if deadline is None:
        return
    rows = board[(board["week"] == week) & board["late"]]
    names = ("; " if ui.english() else "、").join(
        t("{county}（{time} 报送）", county=r.county, time=f"{r.submitted_at:%m-%d %H:%M}")
        if pd.notna(r.submitted_at)
        else t("{county}（逾期未报）", county=r.county)
        for r in rows.itertuples()
    )
    when = deadline_name(deadline, ui.english())
    if names:
        st.warning(
            t(
                "{week} 报送截止：{deadline}。逾期 {n} 个单位：{names}",
                week=week,
                deadline=when,
                n=len(rows),
                names=names,
            ),
            icon=":material/schedule:",
        )
    else:
        st.caption(t("{week} 报送截止：{deadline}。没有逾期的单位。", week=week, deadline=when))


def reminders(board: pd.DataFrame, week: str, config: Config, now: dt.datetime | None = None) -> None:
    """Ready-to-send reminder texts for the units with no accepted version of `week`; st.code gives
    each a copy button."""
    st.subheader(t("催报"))
    pending = pending_units(board, week)
    if not pending:
        st.caption(t("{week} 各单位均已报送，无需催报。", week=week))
        return
    st.caption(
        t(
            "{week} 尚未报送或被退回的 {n} 个单位。点右上角的复制按钮，把通知发到工作群或短信；"
            "命令行 `python -m etl status --remind` 打印同样的文字。",
            week=week,
            n=len(pending),
        )
    )
    if ui.english():
        st.caption(t("通知发给各单位，用中文。"))
    st.markdown(f"**{t('发给全部未报送单位')}**")
    # the notices are sent to the units as they are: Chinese in either language
    with st.container(key="sent_in_chinese_reminders"):
        st.code(reminder_all(pending, week, config, now), language=None, wrap_lines=True)
    for unit, status in pending:
        with st.expander(f"{unit}（{t(status)}）"):
            with st.container(key=f"sent_in_chinese_{unit}"):
                st.code(reminder_text(unit, status, week, config, now), language=None, wrap_lines=True)


def audit_trail(db, config: Config, own: tuple[str, str] | None, weeks: list[str]) -> None:
    """The audit trail, filterable by unit, week, action and person, and downloadable as XLSX.
    A county account (own = its unit and name) sees its unit's rows and its own actions (such as a
    refused file of another unit). Read-only: nothing here edits it."""
    st.caption(
        t(
            "每次上传、退回、恢复和账号变动：谁、何时、哪个单位哪一周、文件的 SHA-256 哈希。"
            "记录只增不改，看板和命令行都不能修改或删除。"
        )
    )
    c1, c2, c3, c4 = st.columns(4)
    shown_all = {ALL: t(ALL)}
    unit = c1.selectbox(
        t("单位"), [ALL, *config.units], key="audit_unit", format_func=lambda u: shown_all.get(u, u)
    )
    week = c2.selectbox(
        t("统计周"), [ALL, *weeks], key="audit_week", format_func=lambda w: shown_all.get(w, w)
    )
    actions = [ALL, *audit.ACTION_LABELS]
    action = c3.selectbox(
        t("操作"), actions, key="audit_action", format_func=lambda a: t(audit.ACTION_LABELS.get(a, a))
    )
    scoped = audit.audit_frame(db, unit=unit if unit != ALL else None, own=own)
    people = [ALL, *sorted({str(a) for a in scoped["actor"].dropna()})]
    actor = c4.selectbox(t("操作人"), people, key="audit_actor", format_func=lambda p: shown_all.get(p, p))
    frame = audit.audit_frame(
        db,
        week=None if week == ALL else week,
        unit=None if unit == ALL else unit,
        action=None if action == ALL else action,
        actor=None if actor == ALL else actor,
        own=own,
    )
    shown = audit.readable(frame)
    en = ui.english()
    if en:  # action names and headers glossed; the 说明 column is the trail's own words
        shown = shown.assign(**{"操作": shown["操作"].map(t)})
    st.dataframe(
        shown,
        hide_index=True,
        width="stretch",
        placeholder="",
        # headers: English alone with the switch on (a grid cannot wrap a glossed one), Chinese in the hover
        column_config={
            "时间": st.column_config.DatetimeColumn(**ui.header("时间"), format="YYYY-MM-DD HH:mm:ss"),
            "操作": st.column_config.TextColumn(**ui.header("操作"), width=150 if en else 72),
            "操作人": st.column_config.TextColumn(**ui.header("操作人"), width=100),
            "单位": st.column_config.TextColumn(**ui.header("单位"), width=72),
            "统计周": st.column_config.TextColumn(**ui.header("统计周"), width=110 if en else 80),
            "版本": st.column_config.TextColumn(**ui.header("版本"), width=64 if en else 44),
            "文件名": st.column_config.TextColumn(**ui.header("文件名"), width="medium"),
            "账号": st.column_config.TextColumn(**ui.header("账号"), width=90),
            "说明": st.column_config.TextColumn(**ui.header("说明"), width="large"),
            "文件哈希（SHA-256）": st.column_config.TextColumn(
                **ui.header("文件哈希（SHA-256）"), width="small"
            ),
        },
    )
    chosen = "_".join(x for x in (unit, week, audit.ACTION_LABELS.get(action, ""), actor) if x and x != ALL)
    st.download_button(
        t("下载操作记录（Excel，{n} 条）", n=len(frame)),
        audit.audit_xlsx_bytes(frame, config, f"（{chosen}）" if chosen else ""),
        file_name=f"操作记录{'_' + chosen if chosen else ''}.xlsx",
        mime=ui.XLSX_MIME,
        key="audit_download",
        icon=":material/download:",
        on_click="ignore",
        disabled=frame.empty,
    )


def upload_reports(reports, config: Config) -> None:
    """One box per uploaded file: loaded (rows, version, warnings) or rejected with every problem."""
    counts = {k: sum(r.outcome == k for r in reports) for k in ("loaded", "unchanged", "rejected")}
    st.markdown(
        t(
            "**本次上传 {n} 个文件：导入 {loaded}，未变化 {unchanged}，退回 {rejected}**",
            n=len(reports),
            loaded=counts["loaded"],
            unchanged=counts["unchanged"],
            rejected=counts["rejected"],
        )
    )
    en = ui.english()
    for i, report in enumerate(reports):
        with st.container(border=True):
            text = report.summary(en)
            if report.outcome == "loaded":
                st.success(text, icon=":material/check_circle:")
            elif report.outcome == "unchanged":
                st.info(text, icon=":material/info:")
            else:
                st.error(text, icon=":material/cancel:")
            for alert in office.alerts(report):
                message, hint = office.problem_text(alert, en)
                st.warning(f"**{ui.t('请先核对')}**：{message}（{hint}）", icon=":material/warning:")
            if report.errors or report.warnings:
                frame = office.problems_frame(report, english=en)
                st.table(problems_table(frame))
                label = (
                    t("下载退回修改清单（Excel）")
                    if report.outcome == "rejected"
                    else t("下载提示清单（Excel）")
                )
                st.download_button(
                    label,
                    office.problems_xlsx_bytes([report], config),
                    file_name=office.problems_file_name(report),
                    mime=ui.XLSX_MIME,
                    key=f"problems_{i}",
                    icon=":material/download:",
                    on_click="ignore",
                )
                if en:
                    st.caption(t("清单发给报送单位，用中文。"))


def problems_table(frame: pd.DataFrame):
    """A static table: 问题 and 怎么改 wrap in full on screen and on paper; errors in
    red; the short columns (类型, 工作表, 单元格) on one line."""
    kind, sheet, cell = frame.columns[:3]
    styled = frame.style.map(
        lambda v: "color: #C00000; font-weight: bold" if v.startswith("错误") else "", subset=[kind]
    ).hide(axis="index")
    return styled.set_properties(subset=[kind, sheet, cell], **{"white-space": "nowrap"})
