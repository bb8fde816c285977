"""docs/method.md cannot drift from the code: its parameter and worked-example sections are what the
real views compute now (regenerate with `.venv/bin/python -m tests.method_example`)."""

from __future__ import annotations

import pytest

from etl import scoring

from .method_example import (
    DOC,
    EXAMPLE_COUNTY,
    EXAMPLE_ROWS,
    EXAMPLE_WEEK,
    SECTIONS,
    doc_sections,
    example_warehouse,
    render_sections,
)

REGENERATE = (
    "docs/method.md is out of date: run `.venv/bin/python -m tests.method_example` and review the diff"
)


@pytest.fixture(scope="module")
def rendered():
    return render_sections()


@pytest.mark.parametrize("section", SECTIONS)
def test_doc_section_is_up_to_date(rendered, section):
    in_doc = doc_sections(DOC.read_text(encoding="utf-8"))[section]
    assert in_doc is not None, f"docs/method.md lacks the markers of section {section!r}"
    assert in_doc == rendered[section], REGENERATE


def test_example_figures_by_hand(tmp_path):
    """The example's numbers, worked out by hand from EXAMPLE_ROWS, are the ones the doc shows."""
    con = example_warehouse(tmp_path / "w.duckdb")
    # 村级 (two rows): concentrated (2+3)/(3+3), lectures (0+1)/(1+1), discussion (8+12)/(20+15),
    # mobile: the first row has no mobile members, so 1/3
    village_study = 100 * (5 / 6 + 1 / 2 + 20 / 35 + 1 / 3) / 4
    # 县级: reading 1/1, center group 2/(3 months × 1), lectures 1/1, discussion 9/12, mobile 1/2
    county_study = 100 * (1 + 2 / 3 + 1 + 9 / 12 + 1 / 2) / 5
    town_study = 100 * (4 / 6 + 1 / 2 + 30 / 50 + 2 / 5) / 4
    study = (village_study + county_study + town_study) / 3
    got = scoring.county_scores(con, week=EXAMPLE_WEEK, county=EXAMPLE_COUNTY).set_index("dimension")
    assert got.loc["study", "score"] == pytest.approx(study)
    levels = scoring.level_scores(con, week=EXAMPLE_WEEK, county=EXAMPLE_COUNTY)
    vs = levels[(levels.level == "村级") & (levels.dimension == "study")]["score"].iloc[0]
    assert vs == pytest.approx(village_study)
    doc = DOC.read_text(encoding="utf-8")
    assert f"= **{got.loc['composite', 'shown']:.1f}**" in doc
    assert (
        f"理论学习 = ({county_study:.1f} + {town_study:.1f} + {village_study:.1f}) ÷ 3 = **{study:.1f}**"
        in doc
    )
    assert len(EXAMPLE_ROWS) == 4
    con.close()


def test_every_version_and_indicator_is_explained(config):
    doc = DOC.read_text(encoding="utf-8")
    for m in config.catalogue.methods:
        assert f"### {m.title}" in doc
        for i in m.indicators:
            assert f"| {i.label} |" in doc
    for f in config.catalogue.forms:
        assert f"- {f.title}" in doc
    assert "- 新增理论学习指标“三新党员参学”" in doc
    assert "本周施行第2版评分办法" in doc and "| 县级 | 理论学习 | 三新党员参学 | 1 | 2 | 50.0% |" in doc
