"""数据报送: the weekly loop of the office and of each unit's own clerk. Who has submitted (county ×
week board, with lateness and reminders), upload files and see each file's report (what to fix, as
an Excel list), the blank template, the load history and restoring an earlier version, and the
audit trail. A county account sees and does all of it for its own unit only (app.office checks it
again). The work is done in app.office, app.submissions_sections and etl."""

from __future__ import annotations

import math

import streamlit as st

from app import office, signin, submissions_sections, ui
from app.labels import term
from app.ui import t
from app.users import PermissionDenied
from etl import county_window, sandbox
from etl.config import default_config, warehouse_path
from etl.status import board_weeks, submission_board
from etl.warehouse_reader import NoWarehouse, ensure_schema
from etl.weeks import campaign_weeks

REPORTS_KEY = "upload_reports"
RESTORE_MSG_KEY = "restore_message"

config = default_config()
db = warehouse_path(None, config)
signin.require_view()

st.title(t("数据报送"))
st.caption(
    t(
        "各县（市、区）和市直单位每周报送的周调度表：报送情况、上传导入、退回修改清单、空白模板、导入记录与版本恢复、操作记录。"
    )
)

try:
    ensure_schema(db, config)
    weeks = board_weeks(db)
except NoWarehouse:
    weeks = []
# who may submit, and for which unit: None = every unit (the office), else a county account's own
own_unit = office.submit_scope(signin.current_user())[1]


tab_board, tab_upload, tab_template, tab_history, tab_audit = st.tabs(
    [t("报送情况"), t("上传调度表"), t("空白模板"), t("导入记录与恢复"), t("操作记录")]
)

# ---------------------------------------------------------------- 报送情况
with tab_board:
    if not weeks:
        st.info(
            t(
                "还没有任何报送记录。报送员登录后在「上传调度表」导入第一批文件，或在命令行运行 "
                "`python -m etl load 文件夹`。"
            )
        )
    else:
        # keyed on the latest week: when a new week arrives the board jumps to it, otherwise the
        # clerk's choice is kept across reruns
        week = st.selectbox(t("统计周"), weeks, index=len(weeks) - 1, key=f"board_week_{weeks[-1]}")
        board = submission_board(db, week=week)  # every unit, this week
        counts = office.board_counts(board, week)
        cols = st.columns(len(counts))
        for col, (status, n) in zip(cols, counts.items()):
            col.metric(t(status), t("{n} 个", n=n))
        missing = board.loc[
            (board["week"] == week) & (board["status"].isin(["未报送", "已退回"])), ["county", "status"]
        ]
        if len(missing):
            st.warning(
                t("{week} 尚未报送或被退回：", week=week)
                + "、".join(f"{c}（{t(s)}）" for c, s in missing.itertuples(index=False))
            )
        week_log = office.load_history(db, week=week)
        rejected_files = int((week_log["outcome"] == "rejected").sum())
        if rejected_files:
            # a rejected resubmission leaves the earlier version current, so the board stays green: say so
            st.caption(
                t(
                    "{week} 共有 {n} 个文件被退回（含已有有效版本的单位再次报送被退回的），原因见「导入记录与恢复」。",
                    week=week,
                    n=rejected_files,
                )
            )
        submissions_sections.late_caption(board, week, config)
        # the units × weeks chart: every unit of a province; at national scale the units this week
        # still owes (未报送, 已退回, late) and those the search finds (the week's figures above count all)
        units = board["county"].tolist()
        if county_window.limited(len(units)):
            search = st.text_input(t("查找单位"), key="board_search").strip()
            owing = board[board["status"].isin(["未报送", "已退回"]) | board["late"]]["county"].tolist()
            found = [u for u in units if search and search in u]
            units = list(dict.fromkeys(owing[: 2 * county_window.EDGE] + found))
            st.caption(
                t(
                    "共 {n} 个单位，图中画出 {shown} 个：本周尚欠报送或逾期的和查找到的。",
                    n=len(board),
                    shown=len(units),
                )
            )
        weeks_board = submission_board(db, units=units)
        st.altair_chart(office.board_chart(weeks_board, ui.english()), width="stretch")
        st.caption(
            t(
                "颜色：绿 已报送，蓝 已更正（有多个版本），红 已退回（只有被退回的文件），灰 未报送；"
                "“逾”为逾期（截止后才报送，或截止已过仍未报送）。鼠标悬停查看版本数、报送时间和导入时间。"
            )
        )
        with st.expander(t("以表格查看")):
            table = weeks_board.pivot_table(
                index=["sort_order", "county"], columns="week", values="status", aggfunc="first"
            ).droplevel(0)
            table.index.name = t("单位")
            table.columns.name = None
            st.dataframe(table, width="stretch")
        if signin.current_user() and office.can_chase(signin.current_user()):
            submissions_sections.reminders(board, week, config)

# ---------------------------------------------------------------- 上传调度表
with tab_upload:
    if signin.needs_role_notice("submit", "上传调度表", key="upload"):
        sandbox.warm(config)  # a parse worker ready before the first upload
        user = signin.current_user()
        if own_unit:
            st.info(
                t(
                    "您是{unit}的报送员：只能上传{unit}的周调度表，文件里的“填报单位”必须是{unit}。"
                    "导入后可在「导入记录与恢复」查看本单位的记录。",
                    unit=own_unit,
                ),
                icon=":material/badge:",
            )
        st.markdown(
            t(
                "把{whose}周调度表拖到下面（可一次多个，每个不超过 {mb} MB）：.xlsx .xls .ods .csv。"
                "每个文件要么全部导入，要么整份退回并列出每一处要改的地方；同一单位同一周再次报送会成为新的当前版本，"
                "旧版本保留。",
                whose=term("本单位的" if own_unit else "各单位发来的", ui.english()),
                mb=f"{config.limits['max_file_bytes'] / 1e6:.0f}",
            )
        )
        ui.chinese_uploader()
        with st.form("upload_form", clear_on_submit=True):
            files = st.file_uploader(
                t("周调度表文件"),
                type=list(office.UPLOAD_TYPES),
                accept_multiple_files=True,
                max_upload_size=max(1, math.ceil(config.limits["max_file_bytes"] / 1e6)),
                key="upload_files",
            )
            submitted = st.form_submit_button(t("检查并导入"), type="primary")
        if submitted:
            if not files:
                st.warning(t("请先选择文件。"))
            else:
                try:
                    with st.spinner(t("正在检查并导入 {n} 个文件……", n=len(files))):
                        st.session_state[REPORTS_KEY] = office.upload_files(user, files, db, config=config)
                except PermissionDenied as exc:
                    signin.sign_out()
                    st.error(str(exc))
                else:
                    st.rerun()  # the board above was read before the upload: draw it again
    reports = st.session_state.get(REPORTS_KEY)
    if reports:
        submissions_sections.upload_reports(reports, config)
        if st.button(t("清除本次结果"), key="clear_reports"):
            del st.session_state[REPORTS_KEY]
            st.rerun()

# ---------------------------------------------------------------- 空白模板
with tab_template:
    st.markdown(t("下载空白周调度表，已填好填报单位和统计周，发给对应单位填写。"))
    all_weeks = campaign_weeks(config.start, config.end)
    latest = weeks[-1] if weeks else None
    current = office.default_template_week(latest, config)
    now = office.form_in_force(current, config, ui.english())
    st.info(
        t(
            "当前报送周 {week} 施行{title}（{since}，共 {n} 列）。"
            "每一周的报表按该周施行的表样检查，用错表样的整份退回：请按统计周下载模板。",
            week=current,
            title=now["title"],
            since=now["since"],
            n=now["columns"],
        )
    )
    c1, c2 = st.columns(2)
    unit = c1.selectbox(t("填报单位"), [own_unit] if own_unit else config.units, key="template_unit")
    t_week = c2.selectbox(
        t("统计周"),
        all_weeks,
        key="template_week",
        index=all_weeks.index(office.default_template_week(latest, config)),
    )
    st.download_button(
        t("下载空白模板（Excel）"),
        office.template_bytes(unit, t_week, config),
        file_name=office.template_file_name(unit, t_week),
        mime=ui.XLSX_MIME,
        key="template_download",
        icon=":material/download:",
        on_click="ignore",
    )
    chosen = office.form_in_force(t_week, config, ui.english())
    st.caption(
        t("{week} 的模板为{title}（{since}）。", week=t_week, title=chosen["title"], since=chosen["since"])
    )
    with st.expander(t("各版表样")):
        for v in office.form_versions(config, ui.english()):
            changes = ("; " if ui.english() else "；").join(v["changes"]) if v["changes"] else v["note"]
            st.markdown(
                t(
                    "- **{title}**（{since}，{n} 列）：{changes}",
                    title=v["title"],
                    since=v["since"],
                    n=v["columns"],
                    changes=changes,
                )
            )

# ---------------------------------------------------------------- 导入记录与恢复
with tab_history:
    # file names, operators and rejection reasons are the office's working papers
    if not signin.needs_role_notice("submit", "查看导入记录", key="history"):
        pass
    elif not weeks:
        st.info(t("还没有导入记录。"))
    else:
        message = st.session_state.pop(RESTORE_MSG_KEY, None)
        if message:
            st.success(message)
        c1, c2 = st.columns(2)
        every = t("全部")
        f_county = c1.selectbox(
            t("单位"), [own_unit] if own_unit else [every, *config.units], key="history_county"
        )
        f_week = c2.selectbox(t("统计周"), [every, *weeks[::-1]], key="history_week")
        history = office.load_history(
            db, None if f_county == every else f_county, None if f_week == every else f_week
        )
        shown = history.assign(
            outcome=history["outcome"].map(office.OUTCOME_LABELS).map(t).fillna(history["outcome"])
        )
        shown = shown[
            [
                "loaded_at",
                "outcome",
                "county",
                "week",
                "version",
                "rows",
                "file_name",
                "errors",
                "warnings",
                "loaded_by",
            ]
        ]
        shown.columns = [
            t("时间"),
            t("结果"),
            t("单位"),
            t("统计周"),
            t("版本"),
            t("行数"),
            t("文件名"),
            t("错误"),
            t("提示"),
            t("操作人"),
        ]
        st.dataframe(
            shown,
            hide_index=True,
            width="stretch",
            placeholder="",
            column_config={t("时间"): st.column_config.DatetimeColumn(format="YYYY-MM-DD HH:mm:ss")},
        )

        rejected = history[history["outcome"] == "rejected"]
        if len(rejected):
            with st.expander(t("查看退回原因（{n} 个被退回的文件）", n=len(rejected))):
                options = {
                    int(r.id): f"{r.loaded_at:%m-%d %H:%M}　{r.file_name}" for r in rejected.itertuples()
                }
                log_id = st.selectbox(
                    t("被退回的文件"), list(options), format_func=options.get, key="history_rejected"
                )
                frame = office.history_problems(db, log_id, english=ui.english())
                st.table(submissions_sections.problems_table(frame))
                report = office.report_from_log(office.log_row(db, log_id))
                st.download_button(
                    t("下载退回修改清单（Excel）"),
                    office.problems_xlsx_bytes([report], config),
                    file_name=office.problems_file_name(report),
                    mime=ui.XLSX_MIME,
                    key="history_problems_download",
                    icon=":material/download:",
                    on_click="ignore",
                )

        st.subheader(t("版本恢复"))
        pairs = office.submitted_pairs(db)
        corrected = pairs[(pairs["versions"] > 1) & ((pairs["county"] == own_unit) if own_unit else True)]
        if corrected.empty:
            st.caption(t("还没有更正过的报送（每个单位每周只有一个版本），无可恢复的版本。"))
        else:
            # no current version in the label: a keyed selectbox in the browser keeps showing the label
            # it had when chosen, which would be stale right after a restore (the table says which is current)
            labels = {
                (r.county, r.week): t(
                    "{county} {week}（{n} 个版本）", county=r.county, week=r.week, n=int(r.versions)
                )
                for r in corrected.itertuples()
            }
            pair = st.selectbox(t("单位和统计周"), list(labels), format_func=labels.get, key="restore_pair")
            vers = office.versions(db, *pair)
            table = vers.assign(is_current=vers["is_current"].map({True: t("当前"), False: ""}))
            table = table[["version", "file_name", "loaded_at", "rows", "loaded_by", "is_current"]]
            table.columns = [t("版本"), t("文件名"), t("导入时间"), t("行数"), t("操作人"), t("当前")]
            st.dataframe(table, hide_index=True, width="stretch", placeholder="")
            if signin.needs_role_notice("submit", "恢复旧版本", key="restore"):
                others = [int(v) for v, cur in zip(vers["version"], vers["is_current"]) if not cur]
                version = st.selectbox(
                    t("恢复为"), others, format_func=lambda v: f"v{v}", key="restore_version"
                )
                if st.button(
                    t("将 {county} {week} 恢复为 v{version}", county=pair[0], week=pair[1], version=version),
                    key="restore_button",
                    type="primary",
                ):
                    try:
                        result = office.restore_version(
                            signin.current_user(), pair[0], pair[1], version, db, config=config
                        )
                    except PermissionDenied as exc:
                        signin.sign_out()
                        st.error(str(exc))
                    else:
                        st.session_state[RESTORE_MSG_KEY] = result.summary(ui.english())
                        st.rerun()

# ---------------------------------------------------------------- 操作记录
with tab_audit:
    if signin.needs_role_notice("submit", "查看操作记录", key="audit"):
        if not weeks:
            st.info(t("还没有操作记录。"))
        else:
            own = (own_unit, signin.current_user().name) if own_unit else None
            submissions_sections.audit_trail(db, config, own, weeks[::-1])
