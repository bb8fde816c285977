"""The audit trail: a scripted week of uploads, rejections, a restore and account changes gives
exactly the expected rows; a row is written in the same transaction as its change; nothing in the
project can update or delete a row; the CLI and the XLSX export show it."""

from __future__ import annotations

import hashlib
import io
import os
import re

import duckdb
import openpyxl
import pytest

from app import office, users
from etl import audit
from etl.load import load_paths

from .conftest import ROOT, run_etl
from .dispatch_builder import grid, write_csv, write_xlsx
from .office_fixtures import ADMIN, CLERK, PASSWORD, add_account, sign_in, users_file  # noqa: F401

COUNTY_USER = "青河县报送员"
KEYS = ["action", "actor", "unit", "week", "version", "file_name", "sha256", "account"]


def made(tmp_path, name, unit, week="2023-W45", csv=False, **kw):
    path = tmp_path / name
    (write_csv if csv else write_xlsx)(path, grid(unit=unit, week=week, **kw))
    return path


def sha(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def trail(db_path, **filters) -> list[tuple]:
    frame = audit.audit_frame(db_path, **filters).sort_values("id")[KEYS].astype(object)
    frame = frame.where(frame.notna(), None)
    return [
        tuple(int(v) if k == "version" and v is not None else v for k, v in zip(KEYS, r))
        for r in frame.itertuples(index=False)
    ]


def test_a_scripted_week_gives_exactly_the_expected_rows(tmp_path, db_path, users_file):  # noqa: F811
    admin, clerk = sign_in(ADMIN), sign_in(CLERK)
    users.admin_add_user(admin, COUNTY_USER, "county", PASSWORD, unit="青河县")
    county = sign_in(COUNTY_USER)
    qh1 = made(tmp_path, "青河县_W45.xlsx", "青河县")
    qh2 = made(tmp_path, "青河县_W45.csv", "青河县", csv=True)
    xs = made(tmp_path, "西山区_W45.xlsx", "西山区")
    bad = made(tmp_path, "南城区_W45.xlsx", "南城区", week=None)  # no 统计周: rejected
    cli_file = made(tmp_path, "北江区_W45.xlsx", "北江区")

    def up(user, *paths):
        return office.upload_files(user, [(p.name, p.read_bytes()) for p in paths], db_path)

    up(county, qh1, xs)  # own file loads, another unit's is refused
    up(clerk, bad)  # rejected
    up(county, qh2)  # a correction: v2
    up(county, qh2)  # the same bytes again: unchanged
    office.restore_version(county, "青河县", "2023-W45", 1, db_path)
    load_paths([cli_file], db_path, loaded_by="office-pc")
    users.admin_set_password(admin, COUNTY_USER, "a-new-password")
    users.admin_remove_user(admin, COUNTY_USER)

    assert trail(db_path) == [
        ("user_add", ADMIN, "青河县", None, None, None, None, COUNTY_USER),
        ("upload", COUNTY_USER, "青河县", "2023-W45", 1, qh1.name, sha(qh1), None),
        # another unit's file, refused: the uploader's own attempt, under its unit
        ("reject", COUNTY_USER, "青河县", "2023-W45", None, xs.name, sha(xs), None),
        ("reject", CLERK, "南城区", None, None, bad.name, sha(bad), None),
        ("upload", COUNTY_USER, "青河县", "2023-W45", 2, qh2.name, sha(qh2), None),
        ("unchanged", COUNTY_USER, "青河县", "2023-W45", 2, qh2.name, sha(qh2), None),
        ("restore", COUNTY_USER, "青河县", "2023-W45", 1, qh1.name, sha(qh1), None),
        ("upload", "office-pc", "北江区", "2023-W45", 1, cli_file.name, sha(cli_file), None),
        ("user_password", ADMIN, "青河县", None, None, None, None, COUNTY_USER),
        ("user_remove", ADMIN, "青河县", None, None, None, None, COUNTY_USER),
    ]
    # filters: by unit, week, action, person
    assert [r[0] for r in trail(db_path, unit="南城区")] == ["reject"]
    assert trail(db_path, unit="西山区") == []
    assert len(trail(db_path, week="2023-W45")) == 6
    assert [r[5] for r in trail(db_path, action="reject")] == [xs.name, bad.name]
    assert {r[1] for r in trail(db_path, actor=COUNTY_USER)} == {COUNTY_USER}
    details = audit.audit_frame(db_path, action="reject")["detail"].tolist()
    assert any("只能报送「青河县」" in d for d in details)
    restore = audit.audit_frame(db_path, action="restore")["detail"].iloc[0]
    assert restore == "由 v2 恢复为 v1"


def test_a_row_is_written_in_the_same_transaction_as_its_change(tmp_path, db_path, monkeypatch):
    path = made(tmp_path, "青河县.xlsx", "青河县")

    def broken(con, rows):
        raise RuntimeError("audit write failed")

    monkeypatch.setattr(audit, "record", broken)
    [report] = load_paths([path], db_path, loaded_by="x")
    assert report.errors[0].code == "E_INTERNAL"  # the load did not happen…
    con = duckdb.connect(str(db_path), read_only=True)
    try:  # …and left no trace of itself: no version, no log line, no audit row
        for table in ("submission_versions", "load_log", "audit_log", "unit_rows"):
            assert con.execute(f"SELECT count(*) FROM {table}").fetchone() == (0,), table
    finally:
        con.close()


def test_cli_account_changes_are_audited_with_the_system_user(tmp_path, db_path):
    env = {**os.environ, "DISPATCH_USERS": str(tmp_path / "u.json"), "DISPATCH_DB": str(db_path)}
    add_account(env, COUNTY_USER, "county", PASSWORD, unit="青河县")
    [row] = trail(db_path)
    assert row[0] == "user_add" and row[2] == "青河县" and row[7] == COUNTY_USER and row[1]
    assert audit.audit_frame(db_path)["detail"].iloc[0].startswith("命令行：")


def test_audit_cli_prints_filters_and_exports(tmp_path, db_path):
    a = made(tmp_path, "青河县.xlsx", "青河县")
    b = made(tmp_path, "西山区.xlsx", "西山区", week="2023-W46")
    load_paths([a, b], db_path, loaded_by="office-pc")

    def cli(*args):
        return run_etl("audit", *args, env={"DISPATCH_DB": str(db_path)})

    out = cli().stdout
    assert "上传导入" in out and "office-pc" in out and "共 2 条" in out
    assert f"sha256:{sha(a)[:12]}" in out
    one = cli("--week", "2023-W46").stdout
    assert "西山区" in one and "青河县" not in one and "共 1 条" in one
    assert "共 1 条" in cli("--unit", "青河县").stdout
    assert "没有符合条件" in cli("--action", "restore").stdout
    assert cli("--week", "W46").returncode == 2
    assert cli("--unit", "红星县").returncode == 2
    xlsx = tmp_path / "audit.xlsx"
    assert cli("--xlsx", str(xlsx)).returncode == 0
    ws = openpyxl.load_workbook(io.BytesIO(xlsx.read_bytes())).worksheets[0]
    values = [[c.value for c in r] for r in ws.iter_rows()]
    assert values[3] == [
        "时间",
        "操作",
        "操作人",
        "单位",
        "统计周",
        "版本",
        "文件名",
        "文件哈希（SHA-256）",
        "账号",
        "说明",
    ]
    body = values[4:]
    assert [(r[1], r[3], r[4], r[5], r[7]) for r in body] == [
        ("上传导入", "西山区", "2023-W46", "v1", sha(b)),
        ("上传导入", "青河县", "2023-W45", "v1", sha(a)),
    ]


def test_an_injected_formula_stays_text_in_the_export(tmp_path, db_path):
    path = made(tmp_path, "=HYPERLINK(1).xlsx", "青河县")
    load_paths([path], db_path, loaded_by="=cmd|' /C calc'!A0")
    data = audit.audit_xlsx_bytes(audit.audit_frame(db_path))
    ws = openpyxl.load_workbook(io.BytesIO(data)).worksheets[0]
    cells = [c for r in ws.iter_rows() for c in r if isinstance(c.value, str) and c.value.startswith("=")]
    assert cells and all(c.data_type == "s" for c in cells)


EDIT = re.compile(r"\b(UPDATE|DELETE\s+FROM|TRUNCATE|DROP\s+TABLE|ALTER\s+TABLE)\s+(\w+\.)?audit_log\b", re.I)


def test_nothing_in_the_project_can_edit_the_trail():
    """No UPDATE / DELETE / TRUNCATE / DROP / ALTER of audit_log anywhere in the code or the SQL
    (the app, the CLI, the ETL, the migrations); the audit module offers no such function."""
    found = []
    for folder in ("app", "etl", "pages"):
        for f in (ROOT / folder).rglob("*"):
            if f.suffix in (".py", ".sql") and EDIT.search(f.read_text(encoding="utf-8")):
                found.append(str(f.relative_to(ROOT)))
    found += [f for f in ("dashboard.py",) if EDIT.search((ROOT / f).read_text(encoding="utf-8"))]
    assert found == []
    assert not [n for n in dir(audit) if re.search(r"delete|update|edit|remove|purge|clear", n, re.I)]
    assert EDIT.search("DELETE FROM audit_log WHERE id = 1")  # the pattern does find an edit


@pytest.mark.parametrize("action", sorted(audit.ACTION_LABELS))
def test_every_action_has_a_chinese_name(action):
    assert re.search(r"[\u4e00-\u9fff]", audit.ACTION_LABELS[action])
