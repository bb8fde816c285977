"""The office adds a form 3 to a copy of the catalogue — a new count column with a relation, a new
indicator on it, a changed weight — and it flows through template → load → scores → ranking CSV →
an area page with no code change."""

from __future__ import annotations

import csv
import io
import re

import duckdb
import pytest

from etl import export
from etl.config import default_config
from etl.demo import run_demo
from etl.layout import find_layout
from etl.spreadsheet import read_sheets
from etl.template import write_template

from .dashboard_fixtures import no_exception, run_page  # noqa: F401 (fixture)
from .form_columns import ROOT_FORMS, custom_config

WEEK3 = "2023-W49"
NEW_COLUMN = (
    '  { group = "理论学习", header = "新兴领域党员（名）", en = "New-field members", id = "new_field_members", kind = "count", '
    'levels = ["县级", "乡镇级", "村级"], at_most = "member_count" },\n'
    '  { group = "理论学习", header = "已组织参学新兴领域党员（名）", en = "New-field members reached", id = "new_field_reached", kind = "count", '
    'levels = ["县级", "乡镇级", "村级"], at_most = "new_field_members" },\n'
)
NEW_INDICATOR = (
    '  { id = "new_field_study", dimension = "study", label = "新兴领域党员参学", en = "New-field study", '
    'target = "new_field_members", achieved = "new_field_reached" },\n'
)
WEIGHTS3 = {"study": 0.35, "research": 0.20, "development": 0.20, "rectification": 0.25}


def form_three_text() -> str:
    """forms.toml as the office would edit it: the last form and method copied as version 3."""
    text = ROOT_FORMS.read_text(encoding="utf-8")
    form2 = re.search(r"\[\[form\]\]\nversion = 2.*?\n\]\n", text, re.S).group(0)
    method2 = re.search(r"\[\[method\]\]\nversion = 2.*?\n\]\n", text, re.S).group(0)
    form3 = form2.replace("version = 2", "version = 3").replace('from = "2023-W47"', f'from = "{WEEK3}"')
    anchor = '  { group = "调查研究", header = "调研课题（个）"'
    form3 = form3.replace(anchor, NEW_COLUMN + anchor, 1)
    form3 = re.sub(r'note = ".*?"', 'note = "新增新兴领域党员两列"', form3, count=1)
    method3 = method2.replace("version = 2", "version = 3").replace('from = "2023-W47"', f'from = "{WEEK3}"')
    method3 = re.sub(r'note = ".*?"', 'note = "新增新兴领域党员参学；理论学习权重提高"', method3, count=1)
    method3 = re.sub(
        r"weights = \{.*?\}",
        "weights = { " + ", ".join(f"{d} = {w}" for d, w in WEIGHTS3.items()) + " }",
        method3,
        count=1,
    )
    anchor = '  { id = "research_done"'
    method3 = method3.replace(anchor, NEW_INDICATOR + anchor, 1)
    methods_at = text.index("# ---------------------------------------------------------------- 评分办法")
    return text[:methods_at] + form3 + "\n" + text[methods_at:] + "\n" + method3


@pytest.fixture(scope="module")
def form3(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("form3")
    config = custom_config(tmp, forms={ROOT_FORMS.read_text(encoding="utf-8"): form_three_text()})
    db = tmp / "warehouse.duckdb"
    _plan, reports = run_demo(db, tmp / "files", config=config, until_week=WEEK3, progress=False)
    return config, db, tmp, reports


@pytest.fixture
def as_config(form3, monkeypatch):
    """The app and the CLI read this config (DISPATCH_CONFIG), as an office's own setup would."""
    monkeypatch.setenv("DISPATCH_CONFIG", str(form3[0].path))
    default_config.cache_clear()
    yield form3
    default_config.cache_clear()


def test_the_catalogue_has_form_three(form3):
    config = form3[0]
    cat = config.catalogue
    assert [f.version for f in cat.forms] == [1, 2, 3] and cat.form_for(WEEK3).version == 3
    assert ("new_field_reached", "new_field_members") in cat.form_for(WEEK3).relations
    assert cat.method_for(WEEK3).weights == WEIGHTS3


def test_the_template_of_a_week_is_its_form(form3):
    config, _db, tmp, _ = form3
    found = {}
    for week in ("2023-W48", WEEK3):
        path = write_template(tmp / f"t_{week}.xlsx", "青河县", week, config=config)
        sheet = read_sheets(path.name, path.read_bytes(), config.limits)[0]
        found[week] = set(find_layout(sheet, config.catalogue).columns)
    assert {"new_field_members", "new_field_reached"} <= found[WEEK3]
    assert not {"new_field_members", "new_field_reached"} & found["2023-W48"]


def test_the_new_columns_load_and_the_new_indicator_scores(form3):
    config, db, _tmp, reports = form3
    assert [r for r in reports if r.outcome == "rejected"] == []
    con = duckdb.connect(str(db), read_only=True)
    try:
        before, now = (
            con.execute(
                "SELECT count(new_field_members), sum(new_field_reached) FROM unit_reports WHERE week = ?",
                [w],
            ).fetchone()
            for w in ("2023-W48", WEEK3)
        )
        assert before == (0, None) and now[0] > 20 and now[1] > 0
        # the relation of the new column is checked like any other: never more reached than members
        assert (
            con.execute(
                "SELECT count(*) FROM unit_reports WHERE new_field_reached > new_field_members"
            ).fetchone()[0]
            == 0
        )
        weeks_with = [
            r[0]
            for r in con.execute(
                "SELECT DISTINCT week FROM indicator_scores WHERE indicator = 'new_field_study' ORDER BY week"
            ).fetchall()
        ]
        assert weeks_with == [WEEK3]
        w = dict(con.execute("SELECT dimension, weight FROM cfg_weights WHERE week = ?", [WEEK3]).fetchall())
        assert w == WEIGHTS3
        # the composite is the new weighted mean of the county's four dimension scores
        for county, composite in con.execute(
            "SELECT county, score FROM county_scores WHERE week = ? AND dimension = 'composite'", [WEEK3]
        ).fetchall():
            dims = dict(
                con.execute(
                    "SELECT dimension, score FROM county_scores WHERE week = ? AND county = ? AND dimension <> 'composite'",
                    [WEEK3, county],
                ).fetchall()
            )
            want = sum(WEIGHTS3[d] * s for d, s in dims.items()) / sum(WEIGHTS3[d] for d in dims)
            assert composite == pytest.approx(want), county
    finally:
        con.close()


def test_the_ranking_csv_follows(as_config):
    config, db, _tmp, _ = as_config
    con = duckdb.connect(str(db), read_only=True)
    try:
        rows = list(
            csv.reader(io.StringIO(export.ranking_csv_bytes(con, WEEK3, config=config).decode("utf-8-sig")))
        )
        composite = dict(
            con.execute(
                "SELECT county, round(score, 1) FROM county_scores WHERE week = ? AND dimension = 'composite'",
                [WEEK3],
            ).fetchall()
        )
    finally:
        con.close()
    ranked = [r for r in rows[1:] if r[0]]
    assert len(ranked) >= 9
    for r in ranked:
        assert float(r[2]) == pytest.approx(composite[r[1]])
    note = export.method_note(config, WEEK3)[-1]
    assert "新增理论学习指标“新兴领域党员参学”" in note and "理论学习 0.3→0.35" in note


def test_an_area_page_shows_the_new_indicator(as_config):
    _config, db, _tmp, _ = as_config
    at = run_page(db, "study")
    no_exception(at)
    labels = set(at.dataframe[0].value["label"])
    assert "新兴领域党员参学" in labels and "三新党员参学" in labels
