"""The samples across the switch from form 1 to form 2 (2023-W46 → W47): every week is checked against
the form in force for it and scored with its method; expected.json is reproduced; the files on the
wrong form for their week are rejected naming their missing columns; the bulletin of the first week
under the new method says how the method changed."""

from __future__ import annotations

import json
import re

import duckdb
import pytest

from etl import export, scoring
from etl.config import default_config
from etl.load import load_paths

from .conftest import require_samples
from .scoring_fixtures import check_expected


def _json(folder, name):
    return json.loads((require_samples() / folder / name).read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def loaded(tmp_path_factory):
    db = tmp_path_factory.mktemp("forms") / "w.duckdb"
    first = load_paths([require_samples() / "dispatch-forms"], db)
    second = load_paths([require_samples() / "dispatch-forms-round2"], db)
    return db, {r.file_name: r for r in first}, second


def _rows(db, county, week, ids):
    con = duckdb.connect(str(db), read_only=True)
    try:
        cur = con.execute(
            f"SELECT unit, level, {', '.join(ids)} FROM unit_reports WHERE county = ? AND week = ? ORDER BY unit",
            [county, week],
        )
        names = [d[0] for d in cur.description]
        return [{k: int(v) if isinstance(v, bool) else v for k, v in zip(names, r)} for r in cur.fetchall()]
    finally:
        con.close()


def test_every_file_loads_or_is_rejected_as_the_manifest_says(loaded):
    _db, reports, second = loaded
    for entry in _json("dispatch-forms", "manifest.json"):
        if entry["kind"] == "round2":
            continue
        report = reports[entry["file"].split("/")[-1]]
        if entry["kind"] == "good":
            assert report.outcome == "loaded", (entry, [p.text() for p in report.errors])
        else:
            assert report.outcome == "rejected", entry
    assert [r.outcome for r in second if r.outcome != "skipped"] == ["loaded", "loaded"]  # not the .json


@pytest.mark.parametrize(
    "why,week,missing,applies",
    [
        ("form1_in_wrong_week", "2023-W47", {"三新组织党员（名）", "已组织参学三新党员（名）", "媒体报道（条）"}, "第2版表样（自 2023-W47 起施行）"),
        ("form2_in_wrong_week", "2023-W46", {"中央媒体报道（条）", "省级媒体报道（条）"}, "第1版表样（主题教育开始起施行）"),
    ],
)  # fmt: skip
def test_a_file_on_the_wrong_form_is_rejected_naming_its_missing_columns(loaded, why, week, missing, applies):
    _db, reports, _ = loaded
    entry = next(e for e in _json("dispatch-forms", "manifest.json") if e.get("why") == why)
    report = reports[entry["file"].split("/")[-1]]
    assert report.outcome == "rejected"
    gone = [p for p in report.errors if p.code == "E_MISSING_COLUMN"]
    named = {m for p in gone for m in missing if f"/ {m}」" in p.message}
    assert named == missing, [p.text() for p in report.errors]
    assert len(gone) == len(missing)
    for p in gone:
        assert f"统计周 {week} 适用{applies}" in p.message
        assert f"--week {week}" in p.hint and "数据报送页" in p.hint
    # the other version's columns it carries are extra columns, a warning each
    assert {p.code for p in report.warnings} >= {"W_EXTRA_COLUMN"}


def test_rows_of_each_week_hold_that_forms_columns_and_null_elsewhere(loaded, config):
    db, _, _ = loaded
    catalogue = config.catalogue
    everything = [c.id for c in catalogue.metrics]
    truth = _json("dispatch-forms-round2", "truth.json")
    for week, counties in truth.items():
        form = catalogue.form_for(week)
        for county, rows in counties.items():
            got = _rows(db, county, week, everything)
            for r in got:
                for cid in everything:
                    if cid not in form.by_id:
                        assert r[cid] is None, (week, county, cid)
            mine = [{k: r[k] for k in ("unit", "level", *[c.id for c in form.metrics])} for r in got]
            want = sorted(
                ({k: v for k, v in r.items() if k in mine[0]} for r in rows), key=lambda r: r["unit"]
            )
            assert mine == want, (county, week)


def test_expected_json_is_reproduced_across_the_switch(loaded):
    db, _, _ = loaded
    expected = _json("dispatch-forms-round2", "expected.json")
    con = duckdb.connect(str(db), read_only=True)
    try:
        assert check_expected(con, expected) == sum(len(e["counties"]) for e in expected.values())
        # the ranks move across the switch, and rank_change says by how much
        changes = con.execute(
            "SELECT count(*) FROM rankings WHERE week = '2023-W47' AND rank_change <> 0"
        ).fetchone()
        assert changes[0] > 0
    finally:
        con.close()


def test_each_week_uses_its_methods_weights_and_indicators(loaded):
    db, _, _ = loaded
    con = duckdb.connect(str(db), read_only=True)
    try:
        w = dict(con.execute("SELECT week || dimension, weight FROM cfg_weights").fetchall())
        assert (w["2023-W46research"], w["2023-W47research"]) == (0.25, 0.20)
        ind = {
            r[0] for r in con.execute("SELECT DISTINCT week || indicator FROM indicator_scores").fetchall()
        }
        assert "2023-W47new_sector_members_reached" in ind
        assert not any(i.startswith("2023-W46new_sector") for i in ind)
    finally:
        con.close()


def test_the_bulletin_of_the_first_week_under_a_new_method_says_how_it_changed(loaded, config):
    db, _, _ = loaded
    before, after = export.method_note(config, "2023-W46"), export.method_note(config, "2023-W47")
    assert len(after) == len(before) + 1
    note = after[-1]
    assert "第2版评分办法" in note and "新增理论学习指标“三新党员参学”" in note
    assert "“检视查摆问题数量”目标由 3 × 党组织数 改为 4 × 党组织数" in note
    assert "调查研究 0.25→0.2" in note and "整改整治 0.2→0.25" in note
    assert "调查研究 0.2、推动发展 0.25、整改整治 0.25" in after[1]
    assert len(export.method_note(config, "2023-W48")) == len(before)  # only the first week says it
    con = duckdb.connect(str(db), read_only=True)
    try:
        df = scoring.ranking(con, "2023-W47")
    finally:
        con.close()
    assert df.loc[~df["submitted"], "county"].tolist() == ["北江区"]


def test_a_changed_method_rescores_its_weeks_and_keeps_everything_loaded(loaded, tmp_path):
    """The office raises a weight of method 2: the next start recomputes the weeks under method 2 with
    it, the weeks under method 1 keep their scores, and no loaded row is lost."""
    import shutil

    from etl.warehouse import open_warehouse

    from .form_columns import custom_config

    db = tmp_path / "w.duckdb"
    shutil.copy(loaded[0], db)

    def figures(con):
        scores = dict(
            con.execute(
                "SELECT week || county, score FROM county_scores WHERE dimension = 'composite'"
            ).fetchall()
        )
        return scores, con.execute("SELECT count(*) FROM unit_rows").fetchone()[0]

    con = duckdb.connect(str(db), read_only=True)
    before, rows = figures(con)
    con.close()
    changed = custom_config(
        tmp_path,
        forms={
            "weights = { study = 0.30, research = 0.20, development = 0.25, rectification = 0.25 }": (
                "weights = { study = 0.10, research = 0.20, development = 0.45, rectification = 0.25 }"
            )
        },
    )
    con = open_warehouse(db, changed)
    after, rows_after = figures(con)
    con.close()
    assert rows_after == rows
    for key, score in before.items():
        if key.startswith("2023-W46"):
            assert after[key] == pytest.approx(score), key
        else:
            assert after[key] != pytest.approx(score), key


def test_the_form_versions_in_english():
    """数据报送's 各版表样 with the English switch: the columns by their English names."""
    from app.office_template import form_in_force, form_versions

    cat = default_config().catalogue
    headers = sorted(
        {c.label for f in cat.forms for c in f.columns} | {c.group for f in cat.forms for c in f.columns}
    )
    for v in form_versions(english=True):
        text = " ".join([v["title"], v["since"], *v["changes"], v["note"]])
        for h in sorted(headers, key=len, reverse=True):
            text = text.replace(h, "")
        assert not re.search(r"[\u4e00-\u9fff]", text), text
    assert (
        "new column New-sector members (理论学习 / 三新组织党员（名）)"
        in form_versions(english=True)[1]["changes"]
    )
    assert form_in_force("2023-W47", english=True)["since"] == "in force from 2023-W47"
    assert form_in_force("2023-W47")["title"] == "第2版表样"
