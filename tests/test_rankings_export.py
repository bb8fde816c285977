"""`python -m etl rankings` and etl.export: golden CSV and XLSX, formula-injection safety, week
validation, the multi-week workbook, and the end-to-end check against the samples."""

from __future__ import annotations

import csv
import io
import json
import re
import zipfile

import openpyxl
import pytest

from etl import export, scoring
from etl.cli import main
from etl.config import load_config
from etl.warehouse import open_warehouse

from .conftest import ROOT, require_samples
from .scoring_fixtures import (
    NEVER_SUBMITTED,
    build_hand_fixture,
    check_expected,
    insert_livelihood_weeks,
    insert_submission,
    livelihood_only,
)

GREEN, YELLOW, RED = (f"FF{scoring.LIGHT_COLORS[k].lstrip('#')}" for k in ("绿", "黄", "红"))


@pytest.fixture()
def hand_db(db_path):
    con = open_warehouse(db_path)
    build_hand_fixture(con)
    con.close()
    return db_path


def run_cli(*args):
    return main(["rankings", *args])


# --- CSV ---------------------------------------------------------------------------------------

# the exports as the office receives them (BOM, CRLF), byte for byte; change them only with the export
GOLDEN = ROOT / "tests" / "golden"


@pytest.mark.parametrize("week", ["2023-W38", "2023-W37"])
def test_csv_golden(hand_db, tmp_path, capsys, week):
    out = tmp_path / "r.csv"
    assert run_cli("--week", week, "--out", str(out), "--db", str(hand_db)) == 0
    assert out.read_bytes().decode("utf-8") == (GOLDEN / f"rankings_{week}.csv").read_bytes().decode("utf-8")
    assert out.read_bytes().startswith(b"\xef\xbb\xbf")
    said = capsys.readouterr().out
    assert "已导出" in said and week in said


def test_csv_by_dimension(hand_db, tmp_path):
    out = tmp_path / "r.csv"
    assert run_cli("--week", "2023-W38", "--out", str(out), "--db", str(hand_db), "--by", "research") == 0
    rows = list(csv.reader(io.StringIO(out.read_bytes().decode("utf-8-sig"))))
    assert rows[0] == export.CSV_HEADER
    assert rows[1][:3] == ["1", "东湖区", "60.8"] and rows[1][4] == "43.8"
    # submitted without a research score: no rank, still 已报送, before the 未报送
    assert [r[0] for r in rows[2:4]] == ["", ""] and [r[-1] for r in rows[2:4]] == ["已报送", "已报送"]
    assert rows[4][-1] == "未报送"


def test_csv_text_cells_cannot_become_formulas():
    assert export.safe_csv_text("=1+2") == "'=1+2"
    assert export.safe_csv_text("-坏县") == "'-坏县"
    assert export.safe_csv_text("@SUM(A1)") == "'@SUM(A1)"
    assert export.safe_csv_text("+86") == "'+86"
    assert export.safe_csv_text("东湖区") == "东湖区"


def hostile_config(tmp_path):
    text = (ROOT / "config.toml").read_text(encoding="utf-8")
    text = re.sub(
        r"counties = \[.*?\]",
        'counties = ["=HYPERLINK(\\"http://x\\",\\"点我\\")", "-2+3", "@SUM(A1)", "东湖区"]',
        text,
    )
    path = tmp_path / "hostile.toml"
    path.write_text(text, encoding="utf-8")
    return load_config(path)


def test_hostile_county_names(tmp_path):
    cfg = hostile_config(tmp_path)
    con = open_warehouse(tmp_path / "w.duckdb", config=cfg)
    for i, county in enumerate(cfg.counties[:3]):
        insert_submission(con, county, "2023-W37", livelihood_only(1000 * (i + 1)))
    data = export.ranking_csv_bytes(con, "2023-W37", config=cfg).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(data)))
    names = [r[1] for r in rows[1:]]
    assert names == ["'@SUM(A1)", "'-2+3", '\'=HYPERLINK("http://x","点我")', "东湖区"]
    xlsx = export.ranking_xlsx_bytes(con, "2023-W37", config=cfg)
    with zipfile.ZipFile(io.BytesIO(xlsx)) as z:
        sheet = z.read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in sheet and "<f " not in sheet  # no formula anywhere
    ws = openpyxl.load_workbook(io.BytesIO(xlsx)).active
    got = [ws.cell(r, 2).value for r in range(5, 9)]
    assert got == ["@SUM(A1)", "-2+3", '=HYPERLINK("http://x","点我")', "东湖区"]
    multi = export.multiweek_xlsx_bytes(con, ["2023-W37"], config=cfg)
    with zipfile.ZipFile(io.BytesIO(multi)) as z:
        assert not any("<f>" in z.read(n).decode() for n in z.namelist() if n.startswith("xl/worksheets/"))
    con.close()


# --- XLSX --------------------------------------------------------------------------------------


def read_back(path_or_bytes):
    src = io.BytesIO(path_or_bytes) if isinstance(path_or_bytes, bytes) else path_or_bytes
    return openpyxl.load_workbook(src)


def row_values(ws, row, ncols=12):
    return [ws.cell(row, c).value for c in range(1, ncols + 1)]


def test_xlsx_golden(hand_db, tmp_path):
    out = tmp_path / "r.xlsx"
    assert run_cli("--week", "2023-W38", "--out", str(out), "--db", str(hand_db)) == 0
    wb = read_back(out)
    assert wb.sheetnames == ["2023-W38"]
    ws = wb.active
    assert (
        ws["A1"].value == "云州市第二批主题教育推进情况排名（2023-W38，9月18日—9月24日）"
    )  # no nested brackets
    assert "序时进度：14.0%" in ws["A2"].value and "未报送 7 个" in ws["A2"].value
    assert row_values(ws, 4) == [
        "排名",
        "县（市、区）",
        "综合得分",
        "理论学习",
        "调查研究",
        "推动发展",
        "整改整治",
        "温差",
        "排名变化",
        "进度预警",
        "状态",
        "备注",
    ]
    assert row_values(ws, 5) == [
        1,
        "东湖区",
        60.8,
        66.7,
        43.8,
        54.2,
        81.5,
        17.7,
        "–",
        "绿",
        "已报送",
        "上热下冷",
    ]
    assert row_values(ws, 6) == [2, "南城区", 50.0, None, None, 50.0, None, None, "–", "绿", "已报送", None]
    assert row_values(ws, 7) == [3, "西山区", 40.0, None, None, 40.0, None, None, "↓1", "绿", "已报送", None]
    assert row_values(ws, 8) == [
        None,
        "北江区",
        None,
        None,
        None,
        None,
        None,
        None,
        None,
        None,
        "未报送",
        None,
    ]
    assert [ws.cell(r, 2).value for r in range(8, 15)] == ["北江区", *NEVER_SUBMITTED]
    # numbers are numbers with a one-decimal format, not text
    for col in "CDEFGH":
        assert ws[f"{col}5"].data_type == "n" and ws[f"{col}5"].number_format == "0.0"
    assert isinstance(ws["A5"].value, int) and ws["A5"].number_format == "0"
    assert ws["C5"].fill.fgColor.rgb == GREEN and ws["J5"].fill.fgColor.rgb == GREEN
    # the method in a footnote below the table
    notes = [ws.cell(r, 1).value for r in range(16, ws.max_row + 1) if ws.cell(r, 1).value]
    assert notes and notes[0].startswith("说明") and any("权重" in n for n in notes)
    assert any("0.3" in n and "0.25" in n and "0.2" in n for n in notes)
    # print layout: frozen header, A4 landscape, one page wide
    assert ws.freeze_panes == "A5"
    assert ws.page_setup.orientation == "landscape" and int(ws.page_setup.paperSize) == 9
    assert ws.sheet_properties.pageSetUpPr.fitToPage
    assert (
        int(ws.page_setup.fitToWidth or 1) == 1 and int(ws.page_setup.fitToHeight) == 0
    )  # width 1 is the default
    assert ws.print_title_rows == "$4:$4"


def test_xlsx_light_colours_and_arrows(db_path, tmp_path):
    con = open_warehouse(db_path)
    # 2023-W45: 序时进度 46.7. 东湖 36.7 → lag 10.0 黄; 西山 16.7 → 30.0 红; 南城 50.0 → 绿
    insert_livelihood_weeks(
        con,
        {
            "2023-W44": {"东湖区": 1000, "西山区": 2000, "南城区": 3000},
            "2023-W45": {"东湖区": 3670, "西山区": 1670, "南城区": 5000},
        },
    )
    ws = read_back(export.ranking_xlsx_bytes(con, "2023-W45")).active
    con.close()
    got = {
        ws.cell(r, 2).value: (
            ws.cell(r, 3).value,
            ws.cell(r, 3).fill.fgColor.rgb,
            ws.cell(r, 9).value,
            ws.cell(r, 10).value,
        )
        for r in range(5, 8)
    }
    # W44 ranks: 南城 1, 西山 2, 东湖 3
    assert got == {
        "南城区": (50.0, GREEN, "–", "绿"),
        "东湖区": (36.7, YELLOW, "↑1", "黄"),
        "西山区": (16.7, RED, "↓1", "红"),
    }
    assert [ws.cell(r, 2).value for r in range(5, 8)] == ["南城区", "东湖区", "西山区"]


def test_arrow():
    assert [export.arrow(x) for x in (2, -1, 0, None)] == ["↑2", "↓1", "–", ""]


def test_multiweek_workbook(hand_db):
    from etl.warehouse_reader import reader

    with reader(hand_db) as con:
        data = export.multiweek_xlsx_bytes(con, ["2023-W38", "2023-W37"])
    wb = read_back(data)
    assert wb.sheetnames == ["趋势", "2023-W37", "2023-W38"]
    tr = wb["趋势"]
    assert [tr.cell(3, c).value for c in range(1, 4)] == ["县（市、区）综合得分", "2023-W37", "2023-W38"]
    rows = {tr.cell(r, 1).value: (tr.cell(r, 2).value, tr.cell(r, 3).value) for r in range(4, 14)}
    assert rows["东湖区"] == (60.8, 60.8) and rows["南城区"] == (40.0, 50.0)
    assert rows["北江区"] == (20.0, "未报送") and rows["青河县"] == ("未报送", "未报送")
    assert tr["B4"].number_format == "0.0" and tr.freeze_panes == "B4"
    # then the ranks, week by week
    assert [tr.cell(15, c).value for c in range(1, 4)] == ["县（市、区）名次", "2023-W37", "2023-W38"]
    ranks = {tr.cell(r, 1).value: (tr.cell(r, 2).value, tr.cell(r, 3).value) for r in range(16, 26)}
    assert ranks["东湖区"] == (1, 1) and ranks["南城区"] == (2, 2) and ranks["西山区"] == (2, 3)
    assert ranks["北江区"] == (4, "未报送")
    assert row_values(wb["2023-W37"], 6)[:4] == [2, "西山区", 40.0, None]


# --- the command line --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "week, message",
    [("2023-45", "格式"), ("45", "格式"), ("2023-W99", "没有这一周"), ("2024-W30", "不在本次主题教育期间")],
)
def test_bad_week_is_a_usage_error(hand_db, tmp_path, capsys, week, message):
    out = tmp_path / "r.csv"
    assert run_cli("--week", week, "--out", str(out), "--db", str(hand_db)) == 2
    assert message in capsys.readouterr().err
    assert not out.exists()


def test_other_usage_errors(hand_db, tmp_path, capsys):
    assert run_cli("--week", "2023-W38", "--out", str(tmp_path / "r.pdf"), "--db", str(hand_db)) == 2
    assert ".csv 或 .xlsx" in capsys.readouterr().err
    assert (
        run_cli("--week", "2023-W38", "--out", str(tmp_path / "r.csv"), "--db", str(tmp_path / "none.duckdb"))
        == 2
    )
    assert "还没有数据库" in capsys.readouterr().err
    with pytest.raises(SystemExit) as e:
        run_cli("--week", "2023-W38", "--out", str(tmp_path / "r.csv"), "--by", "fun")
    assert e.value.code == 2


def test_week_without_data_lists_everyone_as_not_submitted(hand_db, tmp_path, capsys):
    out = tmp_path / "r.csv"
    assert run_cli("--week", "2023-W40", "--out", str(out), "--db", str(hand_db)) == 0
    assert "尚无任何县（市、区）报送" in capsys.readouterr().out
    rows = list(csv.reader(io.StringIO(out.read_bytes().decode("utf-8-sig"))))
    assert len(rows) == 11 and all(r[-1] == "未报送" and r[0] == "" and r[2] == "" for r in rows[1:])
    xout = tmp_path / "r.xlsx"
    assert run_cli("--week", "2023-W40", "--out", str(xout), "--db", str(hand_db)) == 0
    ws = read_back(xout).active
    assert [ws.cell(r, 11).value for r in range(5, 15)] == ["未报送"] * 10
    assert "尚无县（市、区）报送" in ws.cell(15, 1).value


def test_db_from_environment(hand_db, tmp_path):
    # db_path fixture sets DISPATCH_DB; no --db given
    out = tmp_path / "r.csv"
    assert run_cli("--week", "2023-W38", "--out", str(out)) == 0
    assert out.read_bytes() == (GOLDEN / "rankings_2023-W38.csv").read_bytes()


# --- end to end: the real loader on the samples --------------------------------------------------


def test_samples_end_to_end(db_path, tmp_path):
    samples = require_samples()
    load = pytest.importorskip("etl.load", reason="the loader (etl/load.py) has not landed yet")
    load.load_paths([samples / "dispatch"], db_path, loaded_by="test")
    load.load_paths([samples / "dispatch-round2"], db_path, loaded_by="test")
    expected = json.loads((samples / "dispatch-round2" / "expected.json").read_text(encoding="utf-8"))
    from etl.warehouse_reader import reader

    with reader(db_path) as con:
        assert check_expected(con, expected) == sum(len(e["counties"]) for e in expected.values())
    config = load_config()
    for week, e in expected.items():
        out = tmp_path / f"{week}.csv"
        assert run_cli("--week", week, "--out", str(out), "--db", str(db_path)) == 0
        rows = list(csv.reader(io.StringIO(out.read_bytes().decode("utf-8-sig"))))
        assert rows[0] == export.CSV_HEADER
        body = rows[1:]
        assert len(body) == len(config.counties)
        ranked = sorted(((x["rank"], c) for c, x in e["counties"].items() if x["rank"] is not None))
        assert [r[0] for r in body[: len(ranked)]] == [str(rank) for rank, _ in ranked]
        assert [r[1] for r in body[len(ranked) :]] == e["not_submitted"]
        for r in body:
            county = r[1]
            if county in e["not_submitted"]:
                assert r == ["", county, "", "", "", "", "", "", "", "未报送"]
                continue
            x = e["counties"][county]
            assert r[0] == str(x["rank"]) and r[-1] == "已报送"
            for cell, want in zip(
                r[2:7],
                [
                    x["composite"],
                    *(x["dims"][d] for d in ("study", "research", "development", "rectification")),
                ],
            ):
                assert abs(float(cell) - want) <= 0.05 + 1e-9, (week, county, cell, want)
            assert abs(float(r[7]) - x["gradient"]) <= 0.05 + 1e-9
            assert r[8] == ("" if x["rank_change"] is None else str(x["rank_change"]))
