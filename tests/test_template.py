"""The blank template and the filled-sheet variants of etl.template, read back."""

from __future__ import annotations

import json
import re

import duckdb
import openpyxl
import pytest
from python_calamine import CalamineWorkbook

from etl.cli import main
from etl.template import VARIANTS, column_label, write_dispatch, write_template

from .conftest import require_samples
from .form_columns import ALL_LEVELS, COLUMNS, GROUPS, METRIC_IDS
from .readback import read_dispatch

N = len(COLUMNS)
LAST = "AF"  # 32 columns


@pytest.fixture(scope="module")
def template(tmp_path_factory):
    path = tmp_path_factory.mktemp("tpl") / "模板.xlsx"
    assert main(["template", "--out", str(path), "--unit", "青河", "--week", "2023w45"]) == 0
    return path


@pytest.fixture(scope="module")
def sheet(template):
    return openpyxl.load_workbook(template)["调度表"]


@pytest.fixture(scope="module")
def rows():
    """Real-looking rows of every level: a county's sample truth plus a 市级 row (skips, saying why,
    where ../shared is not beside the clone)."""
    truth = json.loads((require_samples() / "dispatch" / "truth.json").read_text(encoding="utf-8"))[
        "2023-W38"
    ]
    county, city = truth["青河县"], truth["市直单位"][:1]
    out = [dict(r) for r in county + city]
    out[0]["remarks"] = "读书班已开班"
    out[1]["reading_class_done"] = 1
    return out


def expected(rows):
    return [{k: (int(v) if isinstance(v, bool) else v) for k, v in r.items()} for r in rows]


def test_template_values(template, config):
    grid = CalamineWorkbook.from_path(str(template)).get_sheet_by_index(0).to_python()
    assert (
        grid[0][0]
        == f"{config.city}{config.campaign_name}工作进展周调度表"
        == "云州市第二批主题教育工作进展周调度表"
    )
    assert grid[1][0] == "填报单位：青河县" and grid[1][3] == "统计周：2023-W45"
    assert grid[1][6] == "填报人：" and grid[1][8] == "联系电话："
    assert [g for g in grid[2] if g] == list(GROUPS)
    assert grid[3] == [c.label for c in COLUMNS]
    assert "党组织数（个）" in grid[3] and "读书班是否完成" in grid[3]
    assert all(not any(r) for r in grid[4:34])  # 30 blank unit rows
    assert grid[34][1] == "合计"
    assert grid[35][0].startswith("注：") and "累计" in grid[35][0]
    assert all(level in grid[35][0] for level in ALL_LEVELS) and "“/”" in grid[35][0]


def test_template_total_row_sums_unit_rows(sheet):
    for i, c in enumerate(COLUMNS, start=1):
        cell = sheet.cell(row=35, column=i)
        letter = cell.column_letter
        if c.kind == "count":
            assert cell.value == f"=SUM({letter}5:{letter}34)", c.id
        elif c.id != "unit":
            assert cell.value is None, c.id


def test_template_merges_freeze_and_print(sheet):
    merged = {str(r) for r in sheet.merged_cells.ranges}
    assert f"A1:{LAST}1" in merged and f"A36:{LAST}36" in merged  # title, notes
    assert {"A3:E3", "F3:L3", "M3:T3", "U3:X3", "Y3:AB3", "AC3:AE3"} <= merged  # group header
    assert sheet.freeze_panes == "C5"  # below the header, right of 单位名称
    assert sheet.page_setup.orientation == "landscape"
    assert int(sheet.page_setup.paperSize) == 9  # A4
    assert sheet.sheet_properties.pageSetUpPr.fitToPage
    assert sheet.page_setup.fitToWidth in (None, 1) and sheet.page_setup.fitToHeight == 0
    assert sheet.print_title_rows == "$3:$4"
    assert sheet.print_options.horizontalCentered
    assert sheet["A1"].alignment.horizontal == "center" and sheet["A1"].font.b
    assert sheet["D4"].alignment.wrap_text and sheet["D4"].font.b and sheet["D4"].border.left.style
    assert sheet["D4"].fill.fgColor.rgb not in (None, "00000000")
    assert sheet.column_dimensions["B"].width > sheet.column_dimensions["D"].width > 5


def test_template_validations(sheet):
    by_col = {}
    for dv in sheet.data_validations.dataValidation:
        m = re.fullmatch(r"([A-Z]+)5:\1(\d+)", str(dv.sqref))
        assert m and m[2] == "34", dv.sqref  # exactly the 30 unit rows
        by_col[m[1]] = dv
    letters = {c.id: openpyxl.utils.get_column_letter(i + 1) for i, c in enumerate(COLUMNS)}
    level = by_col[letters["level"]]
    assert level.type == "list" and level.formula1 == '"市级,县级,乡镇级,村级"'
    for c in COLUMNS:
        dv = by_col.get(letters[c.id])
        if c.kind == "flag":
            assert dv.type == "list" and dv.formula1 == '"是,否"', c.id
        elif c.kind == "count":
            assert (dv.type, dv.operator, dv.formula1) == ("whole", "greaterThanOrEqual", "0"), c.id
        elif c.kind != "level":
            assert dv is None, c.id


def test_template_without_unit_and_week(tmp_path):
    path = write_template(tmp_path / "空白.xlsx")
    grid = CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0).to_python()
    assert grid[1][0] == "填报单位：" and grid[1][3] == "统计周："


@pytest.mark.parametrize(
    "argv",
    [
        ["--out", "x.xls"],
        ["--out", "x.xlsx", "--unit", "红星县"],
        ["--out", "x.xlsx", "--week", "2023-W99"],
        ["--out", "x.xlsx", "--week", "2022-W45"],  # before the campaign
    ],
)
def test_template_usage_errors(tmp_path, monkeypatch, argv):
    monkeypatch.chdir(tmp_path)
    assert main(["template", *argv]) == 2
    assert not list(tmp_path.iterdir())


def test_column_label_styles():
    col = next(c for c in COLUMNS if c.id == "org_count")
    assert column_label(col) == col.label == "党组织数（个）"
    assert column_label(col, "()") == "党组织数(个)"
    assert column_label(col, "\n（）") == "党组织数\n（个）"
    assert column_label(col, "") == "党组织数"


@pytest.mark.parametrize("name", list(VARIANTS))
def test_every_variant_means_the_same_values(tmp_path, rows, name):
    v = VARIANTS[name]
    path = write_dispatch(tmp_path / f"青河县_2023-W45{v.suffix}", "青河县", "2023-W45", rows, name)
    got = read_dispatch(path)
    assert got["unit"] in ("青河县", "青河") and got["week"] == "2023-W45"
    assert got["rows"] == expected(rows)
    assert got["extra"] == (["联系人"] if v.shuffle else [])
    for m in METRIC_IDS:  # the 合计 row sums the unit rows
        if next(c for c in COLUMNS if c.id == m).kind == "count":
            assert got["total"][m] == sum(r[m] or 0 for r in rows), m


def test_variants_really_differ(tmp_path, rows):
    """Each variant is a different way of writing: no two give the same cells."""
    grids = {}
    for name, v in VARIANTS.items():
        path = write_dispatch(tmp_path / f"{name}{v.suffix}", "青河县", "2023-W45", rows, name)
        grids[name] = (
            path.read_bytes()
            if v.suffix == ".csv"
            else CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0).to_python()
        )
    assert len(
        {json.dumps(g, default=str) if not isinstance(g, bytes) else g.hex() for g in grids.values()}
    ) == len(VARIANTS)
    assert grids["csv_bom"].startswith(b"\xef\xbb\xbf")
    with pytest.raises(UnicodeDecodeError):
        grids["csv_gb18030"].decode("utf-8")
    assert "年" in grids["csv_gb18030"].decode("gb18030")


def test_filled_sheet_is_deterministic(tmp_path, rows):
    a = write_dispatch(tmp_path / "a.xlsx", "青河县", "2023-W45", rows).read_bytes()
    b = write_dispatch(tmp_path / "b.xlsx", "青河县", "2023-W45", rows).read_bytes()
    assert a == b  # so reloading a re-written demo file is a no-op


def test_unknown_variant(tmp_path, rows):
    with pytest.raises(ValueError, match="未知的表格样式"):
        write_dispatch(tmp_path / "x.xlsx", "青河县", "2023-W45", rows, "fancy")


def test_every_variant_loads_to_the_same_rows(tmp_path, rows, config):
    """Through the real loader: one county per variant, all equal to the rows written."""
    from etl.load import load_paths

    counties = config.counties
    assert len(counties) >= len(VARIANTS)
    for county, (name, v) in zip(counties, VARIANTS.items()):
        write_dispatch(tmp_path / "in" / f"{county}_{name}{v.suffix}", county, "2023-W45", rows, name)
    db = tmp_path / "w.duckdb"
    reports = load_paths([tmp_path / "in"], db, config=config)
    assert [r.outcome for r in reports] == ["loaded"] * len(VARIANTS), [r.errors for r in reports]
    cols = ", ".join(["unit", "level", *METRIC_IDS])
    want = sorted(tuple(r[k] for k in ["unit", "level", *METRIC_IDS]) for r in expected(rows))
    with duckdb.connect(str(db), read_only=True) as con:
        for county in counties[: len(VARIANTS)]:
            got = con.execute(f"SELECT {cols} FROM unit_reports WHERE county = ?", [county]).fetchall()
            got = sorted(tuple(int(x) if isinstance(x, bool) else x for x in r) for r in got)
            assert got == want, county
