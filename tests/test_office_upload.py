"""The office's side: uploads with the CLI's validation, the list of fixes for the county, the blank
template, the load history and restore (app.office), and the 数据报送 page (AppTest)."""

from __future__ import annotations

import io

import openpyxl
import pytest

from app import office
from app.users import PermissionDenied, User
from etl import sandbox
from etl.problems import FileReport, Problem
from etl.status import submission_board

from .office_fixtures import (  # noqa: F401 (fixtures)
    ADMIN,
    CLERK,
    PASSWORD,
    VIEWER,
    download_bytes,
    downloads,
    load_week,  # noqa: F401
    rows,
    sample,
    sign_in,
    submissions_page,
    texts,
    upload,
    users_file,
)

GOOD = "青河县_2023-W37.xlsx"
GOOD_CSV = "北江区_2023-W37.csv"
BAD = "西山区_2023-W37_修改_negative.xlsx"
BAD_MISSING_COLUMN = "西山区_2023-W38_缺列.xlsx"


def files(*names):
    return [(n, sample(n).read_bytes()) for n in names]


# ---------------------------------------------------------------- the module functions


def test_upload_good_bad_and_several_at_once(db_path, users_file):
    clerk = sign_in(CLERK)
    reports = office.upload_files(clerk, files(GOOD, BAD, GOOD_CSV), db_path)
    assert [r.outcome for r in reports] == ["loaded", "rejected", "loaded"]
    good, bad, csv = reports
    assert (good.county, good.week, good.version) == ("青河县", "2023-W37", 1) and good.rows > 0
    assert bad.errors and all(p.is_error for p in bad.errors)
    assert any(p.code == "E_NEGATIVE" and p.cell for p in bad.errors)
    # who did it is recorded with every load-log line and version
    assert {r[0] for r in rows(db_path, "SELECT DISTINCT loaded_by FROM load_log")} == {CLERK}
    assert rows(db_path, "SELECT loaded_by FROM submission_versions WHERE county = '青河县'") == [(CLERK,)]
    board = submission_board(db_path)
    status = dict(zip(zip(board.county, board.week), board.status))
    assert status[("青河县", "2023-W37")] == "已报送" and status[("西山区", "2023-W37")] == "已退回"


def test_the_same_file_again_is_unchanged(db_path, users_file):
    clerk = sign_in(CLERK)
    office.upload_files(clerk, files(GOOD), db_path)
    [again] = office.upload_files(clerk, files(GOOD), db_path)
    assert again.outcome == "unchanged" and not again.errors, [p.text() for p in again.errors]
    assert rows(db_path, "SELECT count(*) FROM submission_versions")[0][0] == 1


def test_upload_takes_streamlit_uploaded_file_objects(db_path, users_file):
    class Uploaded:  # what st.file_uploader hands over: .name and .getvalue()
        def __init__(self, path):
            self.name, self._data = path.name, path.read_bytes()

        def getvalue(self):
            return self._data

    [report] = office.upload_files(sign_in(ADMIN), [Uploaded(sample(GOOD))], db_path)
    assert report.outcome == "loaded"


@pytest.mark.parametrize("who", [None, "anonymous", VIEWER, "forged-role", "forged-token"])
def test_only_clerks_may_upload_or_restore(db_path, users_file, who):
    office.upload_files(sign_in(CLERK), files(GOOD), db_path)
    user = {None: None, "anonymous": "张会计", VIEWER: None, "forged-role": None, "forged-token": None}[who]
    if who == VIEWER:
        user = sign_in(VIEWER)
    elif who == "forged-role":
        user = User(VIEWER, "admin", sign_in(VIEWER).token)
    elif who == "forged-token":
        user = User(CLERK, "clerk", "f" * 64)
    with pytest.raises(PermissionDenied):
        office.upload_files(user, files(GOOD_CSV), db_path)
    with pytest.raises(PermissionDenied):
        office.restore_version(user, "青河县", "2023-W37", 1, db_path)
    assert rows(db_path, "SELECT count(*) FROM load_log")[0][0] == 1  # nothing was recorded


def test_problems_table_and_workbook_for_the_county(db_path, users_file):
    [bad] = office.upload_files(sign_in(CLERK), files(BAD), db_path)
    frame = office.problems_frame(bad)
    assert list(frame.columns) == ["类型", "工作表", "单元格", "单位", "问题", "怎么改", "代码"]
    err = frame[frame["类型"] == "错误"].iloc[0]
    assert err["单元格"] == "I7" and "负数" in err["问题"] and err["怎么改"]
    wb = openpyxl.load_workbook(io.BytesIO(office.problems_xlsx_bytes([bad])))
    ws = wb.worksheets[0]
    values = [[c.value for c in r] for r in ws.iter_rows()]
    flat = [v for r in values for v in r if v is not None]
    assert BAD in " ".join(map(str, flat)) and "整份文件未导入" in " ".join(map(str, flat))
    header = next(r for r in values if r[0] == "序号")
    assert header[:8] == ["序号", "类型", "工作表", "单元格", "单位", "问题", "怎么改", "代码"]
    assert any(r[3] == "I7" for r in values)
    assert office.problems_file_name(bad) == "退回修改清单_西山区_2023-W37_修改_negative.xlsx"


def test_problem_text_is_never_a_formula():
    report = FileReport(
        "=cmd|' /C calc'!A0.xlsx",
        outcome="rejected",
        errors=[Problem("E_X", "=1+1", "+SUM(A1)", sheet="@s", cell="A1")],
    )
    ws = openpyxl.load_workbook(io.BytesIO(office.problems_xlsx_bytes([report]))).worksheets[0]
    cells = [c for r in ws.iter_rows() for c in r if c.value is not None]
    assert all(c.data_type in ("s", "n") for c in cells)
    assert any(c.value == "=1+1" and c.data_type == "s" for c in cells)


def test_several_rejected_files_one_sheet_each():
    reports = [
        FileReport(n, outcome="rejected", errors=[Problem("E_X", "坏了")])
        for n in ("甲[1].xlsx", "甲[1].csv")
    ]
    wb = openpyxl.load_workbook(io.BytesIO(office.problems_xlsx_bytes(reports)))
    assert len(wb.sheetnames) == 2 and len(set(wb.sheetnames)) == 2


def test_blank_template_for_a_county_and_week(config):
    data = office.template_bytes("白石县", "2023-W45", config)
    ws = openpyxl.load_workbook(io.BytesIO(data)).worksheets[0]
    text = " ".join(str(c.value) for r in ws.iter_rows(max_row=4) for c in r if c.value is not None)
    assert "白石县" in text and "2023-W45" in text and "单位名称" in text
    assert office.template_file_name("白石县", "2023-W45") == "周调度表_白石县_2023-W45.xlsx"
    assert (
        office.default_template_week("2023-W38", config, today=__import__("datetime").date(2023, 11, 8))
        == "2023-W45"
    )
    assert (
        office.default_template_week("2023-W38", config, today=__import__("datetime").date(2025, 1, 1))
        == "2023-W39"
    )


def test_restore_an_earlier_version_nothing_deleted(db_path, users_file):
    clerk = sign_in(CLERK)
    office.upload_files(clerk, files("松岭县_2023-W37.xlsx"), db_path)
    [second] = office.upload_files(sign_in(ADMIN), files("松岭县_2023-W37（更正）.xlsx"), db_path)
    assert second.version == 2 and second.resubmission
    before = rows(db_path, "SELECT count(*) FROM unit_rows")[0][0]

    result = office.restore_version(clerk, "松岭县", "2023-W37", 1, db_path)
    assert (result.outcome, result.previous_version, result.version) == ("restored", 2, 1)
    assert "恢复为 v1" in result.summary()
    vers = office.versions(db_path, "松岭县", "2023-W37")
    assert list(vers["version"]) == [1, 2] and list(vers["is_current"]) == [True, False]
    assert rows(db_path, "SELECT count(*) FROM unit_rows")[0][0] == before
    log = office.load_history(db_path, "松岭县", "2023-W37")
    top = log.iloc[0]
    assert (top["outcome"], top["version"], top["loaded_by"]) == ("restored", 1, CLERK)
    assert (
        rows(db_path, "SELECT count(*) FROM unit_reports WHERE county = '松岭县' AND week = '2023-W37'")[0][0]
        == rows(db_path, "SELECT rows FROM submission_versions WHERE county = '松岭县' AND version = 1")[0][0]
    )
    # restoring the current version is a no-op that says so and logs nothing
    again = office.restore_version(clerk, "松岭县", "2023-W37", 1, db_path)
    assert again.outcome == "unchanged"
    assert len(office.load_history(db_path, "松岭县", "2023-W37")) == len(log)
    with pytest.raises(ValueError, match="没有版本 v9"):
        office.restore_version(clerk, "松岭县", "2023-W37", 9, db_path)


def test_history_keeps_the_problems_of_rejected_files(db_path, users_file):
    office.upload_files(sign_in(CLERK), files(BAD_MISSING_COLUMN), db_path)
    log = office.load_history(db_path)
    assert log.iloc[0]["outcome"] == "rejected" and log.iloc[0]["errors"] == 1
    frame = office.history_problems(db_path, int(log.iloc[0]["id"]))
    assert frame.iloc[0]["代码"] == "E_MISSING_COLUMN" and frame.iloc[0]["单元格"] == "第 4 行"
    assert office.archived_file(db_path, log.iloc[0]["sha256"]) == sample(BAD_MISSING_COLUMN).read_bytes()


def test_board_chart_has_tooltips(db_path, users_file):
    office.upload_files(sign_in(CLERK), files(GOOD, BAD), db_path)
    board = submission_board(db_path)
    spec = office.board_chart(board).to_dict()
    tooltip = spec["layer"][0]["encoding"]["tooltip"]
    assert {t["title"] for t in tooltip} >= {"状态", "版本", "最近导入", "退回"}
    frame = office.board_frame(board)
    row = frame[(frame.county == "青河县") & (frame.week == "2023-W37")].iloc[0]
    assert row["versions_text"] == "1 个版本（当前 v1）" and row["loaded_text"]


# ---------------------------------------------------------------- the page (AppTest)


def test_page_for_a_viewer_says_why_and_offers_sign_in(db_path, users_file):
    load_week(db_path, "2023-W37")
    at = submissions_page()
    assert not at.exception
    assert not at.get("file_uploader")
    assert any("上传调度表需要以报送员身份登录" in t for t in texts(at, "info"))
    assert "登录" in [b.label for b in at.button]  # the sign-in form's button
    assert not any(b.label.startswith("将 ") for b in at.button)  # no restore button
    # the load log (file names, operators, reasons) needs a clerk's sign-in
    assert any("查看导入记录需要以报送员身份登录" in t for t in texts(at, "info"))
    assert not [d for d in at.dataframe if "操作人" in d.value.columns]
    # the board and the template are for everyone
    assert at.get("arrow_vega_lite_chart") or at.get("vega_lite_chart")
    assert "下载空白模板（Excel）" in [b.proto.label for b in at.get("download_button")]

    at = submissions_page(sign_in(VIEWER))
    assert not at.get("file_uploader")
    assert any("需要报送员权限" in t for t in texts(at, "warning"))


def test_the_upload_tab_starts_a_parse_worker_before_the_first_upload(db_path, users_file, monkeypatch):
    pool = sandbox.ParsePool(1)
    monkeypatch.setattr(sandbox, "_shared", pool)
    try:
        assert not submissions_page().exception and pool.pids() == []  # no upload for a viewer: no worker
        assert not submissions_page(sign_in(CLERK)).exception
        warmed = pool.pids()
        assert len(warmed) == 1
        [report] = office.upload_files(sign_in(CLERK), files(GOOD), db_path)
        assert report.outcome == "loaded" and pool.pids() == warmed  # the warm worker read it
    finally:
        pool.close()


def test_page_sign_in_then_upload(db_path, users_file):
    at = submissions_page()
    form = [t for t in at.text_input if t.label in ("用户名", "密码")]
    form[0].set_value(CLERK)
    form[1].set_value("wrong-password")
    next(b for b in at.button if b.label == "登录").click()
    at.run()
    assert any("用户名或密码不对" in t for t in texts(at, "error"))
    form = [t for t in at.text_input if t.label in ("用户名", "密码")]
    form[0].set_value(CLERK)
    form[1].set_value(PASSWORD)
    next(b for b in at.button if b.label == "登录").click()
    at.run()
    assert at.session_state["user"].name == CLERK
    assert at.get("file_uploader")


def test_page_upload_good_and_bad_at_once(db_path, users_file, downloads):
    at = submissions_page(sign_in(CLERK))
    assert not at.exception
    at.get("file_uploader")[0].set_value([upload(sample(GOOD)), upload(sample(BAD))])
    next(b for b in at.button if b.label == "检查并导入").click()
    at.run()
    assert not at.exception
    assert any(t.startswith("已导入  " + GOOD) for t in texts(at, "success"))
    assert any(t.startswith("已退回  " + BAD) for t in texts(at, "error"))
    assert any("本次上传 2 个文件：导入 1，未变化 0，退回 1" in t for t in texts(at, "markdown"))
    # the board drawn after the upload counts it (it was read before the upload)
    week = GOOD.split("_")[1].split(".")[0]
    board = office.board_counts(submission_board(db_path), week)
    assert [m.value for m in at.metric] == [f"{n} 个" for n in board.values()]
    tables = [d.value for d in at.table]
    problems = next(t for t in tables if "怎么改" in t.columns)
    assert "I7" in set(problems["单元格"])
    data, name = download_bytes(at, downloads, "problems_1")
    assert name.startswith("退回修改清单_西山区")
    assert openpyxl.load_workbook(io.BytesIO(data)).worksheets[0]["A1"].value.endswith("退回修改清单")
    # the board shows what was loaded on the same run
    assert rows(db_path, "SELECT loaded_by FROM submission_versions")[0][0] == CLERK


def test_page_renders_injected_reports(db_path, users_file):
    ok = FileReport(
        "甲.xlsx",
        county="青河县",
        week="2023-W40",
        outcome="loaded",
        version=2,
        rows=12,
        resubmission=True,
        warnings=[Problem("W_DECREASE", "少于上周", "请核对", sheet="调度表", row=8)],
    )
    bad = FileReport(
        "乙.xlsx",
        outcome="rejected",
        errors=[
            Problem("E_WEEK_MISSING", "缺少统计周", "请填写统计周"),
            Problem("E_NEGATIVE", "不能为负数", "填 0 或正整数", sheet="调度表", cell="F12"),
        ],
    )
    at = submissions_page(state={"upload_reports": [ok, bad]})
    assert not at.exception
    assert "已导入  甲.xlsx：青河县 2023-W40，12 行，更正版本 v2，1 条提示" in texts(at, "success")
    assert "已退回  乙.xlsx：2 处错误，整个文件未导入" in texts(at, "error")
    problems = [d.value for d in at.table if "怎么改" in d.value.columns]
    assert list(problems[1]["单元格"]) == ["整个文件", "F12"]
    labels = [b.proto.label for b in at.get("download_button")]
    assert "下载退回修改清单（Excel）" in labels and "下载提示清单（Excel）" in labels


def test_page_restore(db_path, users_file):
    clerk = sign_in(CLERK)
    office.upload_files(clerk, files("松岭县_2023-W37.xlsx", "松岭县_2023-W37（更正）.xlsx"), db_path)
    at = submissions_page(clerk)
    restore = next(b for b in at.button if b.label.startswith("将 松岭县 2023-W37 恢复为 v1"))
    restore.click()
    at.run()
    assert not at.exception
    assert any("已将 松岭县 2023-W37 恢复为 v1" in t for t in texts(at, "success"))
    assert office.versions(db_path, "松岭县", "2023-W37")["is_current"].tolist() == [True, False]
    history = next(d.value for d in at.dataframe if "操作人" in d.value.columns and "结果" in d.value.columns)
    assert history.iloc[0]["结果"] == "已恢复" and history.iloc[0]["操作人"] == CLERK


def test_page_with_a_crafted_session_cannot_upload(db_path, users_file):
    forged = User(VIEWER, "admin", sign_in(VIEWER).token)  # edited role, genuine token of a viewer
    at = submissions_page(forged)
    assert not at.get("file_uploader")
    forged = User("黑客", "admin", "0" * 64)
    at = submissions_page(forged)
    assert not at.get("file_uploader")
    assert any("登录已失效" in t for t in texts(at, "warning"))


def test_page_without_a_warehouse(tmp_path, monkeypatch, users_file):
    monkeypatch.setenv("DISPATCH_DB", str(tmp_path / "none.duckdb"))
    at = submissions_page(sign_in(CLERK))
    assert not at.exception
    assert any("还没有任何报送记录" in t for t in texts(at, "info"))
    assert at.get("file_uploader")  # the first week's upload creates the warehouse
