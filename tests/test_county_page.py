"""The 数据报送 page for a county account and for the office (AppTest): a county clerk uploads its
own file and is refused another unit's, also with an edited session state; sees only its own unit in
the template, the history and the audit trail; the office gets the reminders and the whole trail."""

from __future__ import annotations

import dataclasses
import io

import openpyxl
import pytest

from app import office, users
from etl.status import submission_board

from .dispatch_builder import grid, write_xlsx
from .office_fixtures import (  # noqa: F401 (fixtures)
    CLERK,
    PASSWORD,
    download_bytes,
    downloads,
    sign_in,
    submissions_page,
    texts,
    users_file,
)

COUNTY_USER = "青河县报送员"
WEEK = "2023-W45"


@pytest.fixture()
def county(users_file):  # noqa: F811
    users.add_user(COUNTY_USER, "county", PASSWORD, users_file, unit="青河县")
    return sign_in(COUNTY_USER)


def dispatch(tmp_path, unit, week=WEEK):
    path = write_xlsx(tmp_path / f"{unit}_{week}.xlsx", grid(unit=unit, week=week))
    return (path.name, path.read_bytes(), "application/octet-stream")


def upload(at, *files):
    at.get("file_uploader")[0].set_value(list(files))
    next(b for b in at.button if b.label == "检查并导入").click()
    return at.run()


def test_county_uploads_its_own_file_and_is_refused_another(tmp_path, db_path, county):
    at = submissions_page(county)
    assert not at.exception
    assert any("您是青河县的报送员" in t for t in texts(at, "info"))
    at = upload(at, dispatch(tmp_path, "青河县"), dispatch(tmp_path, "西山区"))
    assert not at.exception
    assert any(t.startswith("已导入  青河县_2023-W45.xlsx") for t in texts(at, "success"))
    assert any(t.startswith("已退回  西山区_2023-W45.xlsx") for t in texts(at, "error"))
    problems = next(d.value for d in at.table if "怎么改" in d.value.columns)
    assert "E_OTHER_UNIT" in set(problems["代码"])
    assert any("只能报送「青河县」" in m for m in problems["问题"])
    assert [v for v in office.versions(db_path, "西山区", WEEK)["version"]] == []


@pytest.mark.parametrize("claim", [{"unit": "西山区"}, {"role": "admin", "unit": None}])
def test_an_edited_session_state_cannot_upload_another_units_file(tmp_path, db_path, county, claim):
    at = upload(submissions_page(dataclasses.replace(county, **claim)), dispatch(tmp_path, "西山区"))
    assert not at.exception
    assert any(t.startswith("已退回  西山区_2023-W45.xlsx") for t in texts(at, "error"))
    assert office.versions(db_path, "西山区", WEEK).empty


def test_county_sees_its_own_unit_only(tmp_path, db_path, county):
    office.upload_files(county, [dispatch(tmp_path, "青河县")[:2]], db_path)
    office.upload_files(sign_in(CLERK), [dispatch(tmp_path, "西山区")[:2]], db_path)
    at = submissions_page(county)
    assert not at.exception
    by_key = {s.key: s for s in at.selectbox}
    assert by_key["template_unit"].options == ["青河县"]
    assert by_key["history_county"].options == ["青河县"]
    history = next(d.value for d in at.dataframe if "结果" in d.value.columns)
    assert set(history["单位"]) == {"青河县"}
    trail = next(d.value for d in at.dataframe if "文件哈希（SHA-256）" in d.value.columns)
    assert set(trail["单位"]) == {"青河县"} and list(trail["操作"]) == ["上传导入"]
    # its own refused attempt with another unit's file is in its trail too; the clerk's load is not
    office.upload_files(county, [dispatch(tmp_path, "西山区", week="2023-W46")[:2]], db_path)
    at = submissions_page(county)
    trail = next(d.value for d in at.dataframe if "文件哈希（SHA-256）" in d.value.columns)
    assert list(zip(trail["操作"], trail["文件名"])) == [
        ("退回", "西山区_2023-W46.xlsx"),
        ("上传导入", "青河县_2023-W45.xlsx"),
    ]
    # and it does not make 西山区 look rejected on the board
    board = submission_board(db_path)
    assert board[(board.county == "西山区") & (board.week == "2023-W46")].status.tolist() == ["未报送"]
    assert not [c for c in at.code if "【催报】" in c.value]  # chasing is the office's


def test_office_gets_reminders_and_the_whole_trail(tmp_path, db_path, county, downloads):  # noqa: F811
    office.upload_files(county, [dispatch(tmp_path, "青河县")[:2]], db_path)
    office.upload_files(sign_in(CLERK), [dispatch(tmp_path, "西山区")[:2]], db_path)
    at = submissions_page(sign_in(CLERK))
    assert not at.exception
    codes = [c.value for c in at.code if c.value.startswith("【催报】")]
    everyone, *each = codes
    assert "以下 9 个单位" in everyone and "2023-W45" in everyone and "「空白模板」" in everyone
    assert len(each) == 9 and each[0].splitlines()[1] == "东湖区："
    trail = next(d.value for d in at.dataframe if "文件哈希（SHA-256）" in d.value.columns)
    assert set(trail["单位"]) == {"青河县", "西山区"}
    next(s for s in at.selectbox if s.key == "audit_actor").set_value(COUNTY_USER)
    at.run()
    trail = next(d.value for d in at.dataframe if "文件哈希（SHA-256）" in d.value.columns)
    assert list(trail["操作人"]) == [COUNTY_USER]
    data, name = download_bytes(at, downloads, "audit_download")
    assert name == f"操作记录_{COUNTY_USER}.xlsx"
    rows = list(openpyxl.load_workbook(io.BytesIO(data)).worksheets[0].iter_rows(values_only=True))
    assert len(rows) == 5 and rows[4][2] == COUNTY_USER
