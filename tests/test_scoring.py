"""Scoring views and etl.scoring: hand-computed cases, the samples' expected figures, config-driven
constants and properties (hypothesis). Speed is measured by `make bench`, not here."""

from __future__ import annotations

import json
import random
import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from etl import scoring
from etl.config import DIMENSIONS, load_config
from etl.warehouse import VIEWS_DIR, open_warehouse
from etl.weeks import WeekError, parse_week

from .conftest import ROOT, require_samples
from .form_columns import BY_ID, CATALOGUE, METRICS, custom_config
from .scoring_fixtures import (
    DONGHU_COMPOSITE,
    DONGHU_DIMS,
    DONGHU_GRADIENT,
    DONGHU_LEVEL,
    DONGHU_LEVEL_COMPOSITE,
    DONGHU_ROWS,
    NEVER_SUBMITTED,
    build_hand_fixture,
    check_expected,
    insert_livelihood_weeks,
    insert_submission,
    insert_truth,
    livelihood_only,
)


@pytest.fixture()
def con(tmp_path):
    c = open_warehouse(tmp_path / "w.duckdb")
    yield c
    c.close()


@pytest.fixture()
def hand(con):
    build_hand_fixture(con)
    return con


def scores(con, view, week, keys):
    cols = ", ".join(keys)
    return {
        tuple(r[:-1]): r[-1]
        for r in con.execute(f"SELECT {cols}, score FROM {view} WHERE week = ?", [week]).fetchall()
    }


# --- hand-computed ---------------------------------------------------------------------------


def test_hand_figures_are_what_the_method_says():
    # the fixture's own arithmetic, written out once more as plain numbers
    assert DONGHU_LEVEL_COMPOSITE["县级"] == pytest.approx(68.125)
    assert DONGHU_LEVEL_COMPOSITE["乡镇级"] == pytest.approx(65.416667, abs=1e-6)
    assert DONGHU_LEVEL_COMPOSITE["村级"] == pytest.approx(50.462963, abs=1e-6)
    assert DONGHU_COMPOSITE == pytest.approx(60.775463, abs=1e-6)
    assert DONGHU_GRADIENT == pytest.approx(17.662037, abs=1e-6)


def test_indicator_scores_of_one_level(hand):
    rows = hand.execute(
        "SELECT indicator, label, achieved, target, capped, rate FROM indicator_scores "
        "WHERE county = '东湖区' AND week = '2023-W37' AND level = '村级' "
        "ORDER BY indicator"
    ).fetchall()
    got = {r[0]: r[2:] for r in rows}
    assert got == {
        "concentrated_study": (1, 2, 1, 0.5),
        "special_lectures": (1, 2, 1, 0.5),  # NULL lectures count as 0
        "discussion_coverage": (10, 40, 10, 0.25),
        "mobile_members_reached": (1, 2, 1, 0.5),  # the row with 0 mobile members has no target
        "livelihood_done": (1, 2, 1, 0.5),
        "urgent_issues_solved": (2, 4, 2, 0.5),
        "problems_rectified": (1, 3, 1, 1 / 3),
        "targets_quantified": (3, 3, 3, 1.0),
        "enough_problems_found": (3, 6, 3, 0.5),
    }
    labels = {r[0]: r[1] for r in rows}
    assert labels["concentrated_study"] == "集中学习"


def test_capped_and_typical_cases(hand):
    got = dict(
        hand.execute(
            "SELECT indicator, capped / target FROM indicator_scores WHERE county = '东湖区' "
            "AND week = '2023-W37' AND level = '县级'"
        ).fetchall()
    )
    assert got["typical_cases"] == 0.5  # 3 positive count as 1 of 1, 0 negative of 1
    assert got["main_leader_on_cases"] == 1.0  # 2 cases, target 1
    assert "conversion_items" not in got and "results_converted" not in got  # target 0: absent
    assert "urgent_issues_solved" not in got


def test_level_and_county_scores(hand):
    ls = scores(hand, "level_scores", "2023-W37", ["county", "level", "dimension"])
    for level, dims in DONGHU_LEVEL.items():
        for dim, value in dims.items():
            assert ls[("东湖区", level, dim)] == pytest.approx(value), (level, dim)
        assert ls[("东湖区", level, "composite")] == pytest.approx(DONGHU_LEVEL_COMPOSITE[level])
    assert ("东湖区", "村级", "research") not in ls  # no research columns at 村级
    cs = scores(hand, "county_scores", "2023-W37", ["county", "dimension"])
    for dim, value in DONGHU_DIMS.items():
        assert cs[("东湖区", dim)] == pytest.approx(value)
    assert cs[("东湖区", "research")] == pytest.approx((37.5 + 50) / 2)  # mean over the levels that have it
    assert cs[("东湖区", "composite")] == pytest.approx(DONGHU_COMPOSITE)
    # a county with development only: the weights renormalise, composite = development
    assert cs[("西山区", "composite")] == pytest.approx(40.04)
    assert {d for (c, d) in cs if c == "西山区"} == {"development", "composite"}
    assert cs[("市直单位", "composite")] == pytest.approx(100.0)


def test_rankings_view(hand):
    cols = [d[0] for d in hand.execute("SELECT * FROM rankings LIMIT 0").description]
    assert cols == ["week", "county", "composite", "rank", "rank_change", "gradient", "cold_bottom"]
    w37 = {r[1]: r for r in hand.execute("SELECT * FROM rankings WHERE week = '2023-W37'").fetchall()}
    assert set(w37) == {"东湖区", "西山区", "南城区", "北江区"}  # 市直单位 not ranked
    assert {c: r[3] for c, r in w37.items()} == {"东湖区": 1, "西山区": 2, "南城区": 2, "北江区": 4}
    assert w37["东湖区"][2] == pytest.approx(DONGHU_COMPOSITE)
    assert w37["东湖区"][5] == pytest.approx(DONGHU_GRADIENT)
    assert w37["东湖区"][6] is True  # 17.7 ≥ 15
    assert w37["西山区"][5] is None and w37["西山区"][6] is False  # no 县级: no gradient
    assert all(r[4] is None for r in w37.values())  # no week before
    w38 = {r[1]: r for r in hand.execute("SELECT * FROM rankings WHERE week = '2023-W38'").fetchall()}
    assert {c: (r[3], r[4]) for c, r in w38.items()} == {
        "东湖区": (1, 0),
        "南城区": (2, 0),
        "西山区": (3, -1),
    }


def test_dimension_rankings_exact(hand):
    got = {
        (r[0], r[1]): r[2:]
        for r in hand.execute(
            "SELECT county, dimension, rank, rank_change FROM dimension_rankings WHERE week = '2023-W38'"
        ).fetchall()
    }
    # development: 东湖 54.2, 南城 50.0, 西山 40.0; W37: 东湖 54.2, 西山 40.0, 南城 40.0 (tie at 2)
    assert got[("东湖区", "development")] == (1, 0)
    assert got[("南城区", "development")] == (2, 0)
    assert got[("西山区", "development")] == (3, -1)
    assert got[("东湖区", "study")] == (1, None) or got[("东湖区", "study")] == (1, 0)
    assert ("西山区", "study") not in got


def test_ranking_frame(hand):
    df = scoring.ranking(hand, "2023-W38")
    # ranked, then 未报送 in config order
    assert df["county"].tolist() == ["东湖区", "南城区", "西山区", "北江区", *NEVER_SUBMITTED]
    head = df.iloc[0]
    assert (head["rank"], head["composite"], head["gradient"], head["cold_bottom"]) == (1, 60.8, 17.7, True)
    assert (head["light"], head["band"], head["status"]) == ("绿", "温", "已报送")
    assert df.iloc[2]["rank_change"] == -1
    rest = df.iloc[3:]
    assert rest["status"].eq("未报送").all() and rest["rank"].isna().all() and rest["composite"].isna().all()
    assert scoring.not_submitted(hand, "2023-W38")[:2] == ["北江区", "青河县"]
    by = scoring.ranking(hand, "2023-W38", by="research")
    assert by.iloc[0]["county"] == "东湖区" and by.iloc[0]["score"] == 43.8
    # submitted but without any research indicator: listed after the ranked, before the 未报送
    assert by.iloc[1]["county"] in ("西山区", "南城区") and pd_isna(by.iloc[1]["rank"])
    assert by.iloc[1]["status"] == "已报送"


def pd_isna(v):
    import pandas as pd

    return pd.isna(v)


def test_tie_on_rounded_score_ranks_1_2_2_4(con):
    insert_livelihood_weeks(
        con, {"2023-W37": {"东湖区": 6000, "西山区": 4004, "南城区": 3996, "北江区": 2000}}
    )
    df = scoring.ranking(con, "2023-W37")
    assert df["rank"].tolist()[:4] == [1, 2, 2, 4]
    assert df["composite"].tolist()[:4] == [60.0, 40.0, 40.0, 20.0]
    assert df["county"].tolist()[:4] == ["东湖区", "西山区", "南城区", "北江区"]  # ties in config order


def test_rank_change_needs_the_previous_week(con):
    insert_livelihood_weeks(
        con,
        {
            "2023-W37": {"东湖区": 1000, "西山区": 2000},
            "2023-W39": {"东湖区": 3000, "西山区": 2000},
            "2023-W40": {"东湖区": 3000, "西山区": 4000},
        },
    )
    got = {
        (r[0], r[1]): r[2] for r in con.execute("SELECT week, county, rank_change FROM rankings").fetchall()
    }
    assert got[("2023-W39", "东湖区")] is None  # W38 missing: no change, not W37's
    assert got[("2023-W40", "东湖区")] == -1 and got[("2023-W40", "西山区")] == 1
    df = scoring.ranking(con, "2023-W40")
    assert df.set_index("county").loc["西山区", "rank_change"] == 1


@pytest.mark.parametrize(
    "done, light, band",
    [
        (3670, "黄", "冷"),  # 序时进度 46.7 (2023-W45) − 36.7 = 10.0: yellow from 10
        (3680, "绿", "冷"),  # lag 9.9
        (1670, "红", "冷"),  # lag 30.0
        (1680, "黄", "冷"),  # lag 29.9
        (8500, "绿", "热"),
        (8496, "绿", "热"),  # shows 85.0: judged as shown
        (8490, "绿", "温"),
        (6000, "绿", "温"),
        (5990, "绿", "冷"),
    ],
)
def test_lights_and_bands(con, done, light, band):
    insert_submission(con, "东湖区", "2023-W45", livelihood_only(done))
    row = scoring.ranking(con, "2023-W45").iloc[0]
    assert row["expected_progress"] == pytest.approx(100 * 70 / 150)
    assert (row["light"], row["band"]) == (light, band)
    flags = scoring.county_scores(con, week="2023-W45", county="东湖区")
    assert set(flags["light"]) == {light}


def test_city_profile_pools_all_counties(hand):
    city = load_config().city
    got = {
        (r[0], r[1]): r[2]
        for r in hand.execute(
            "SELECT level, dimension, score FROM city_level_scores WHERE week = '2023-W37' AND city = ?",
            [city],
        ).fetchall()
    }
    ls = scores(hand, "level_scores", "2023-W37", ["county", "level", "dimension"])
    assert got[("市级", "composite")] == pytest.approx(ls[("市直单位", "市级", "composite")])
    assert got[("县级", "study")] == pytest.approx(ls[("东湖区", "县级", "study")])  # only 东湖 has 县级
    # 村级 development pools 东湖's two village rows with the three single-row counties
    livelihood = (1 + 4004 + 3996 + 2000) / (2 + 3 * 10_000)
    assert got[("村级", "development")] == pytest.approx(100 * (livelihood + 0.5) / 2)
    prof = scoring.city_profile(hand, "2023-W37")
    assert prof["level"].tolist() == ["市级", "县级", "乡镇级", "村级", "全市"]
    whole = hand.execute(
        "SELECT score FROM city_scores WHERE week = '2023-W37' AND dimension = 'composite'"
    ).fetchone()[0]
    assert prof.iloc[-1]["composite"] == round(whole, 1)


def test_detail_functions(hand):
    det = scoring.indicator_detail(hand, "东湖区", "2023-W37")
    assert det["level"].iloc[0] == "县级" and det["level"].iloc[-1] == "村级"
    assert det.iloc[0]["indicator"] == "reading_class"
    units = scoring.unit_indicator_detail(hand, "东湖区", "2023-W37")
    assert set(units["unit"]) == {r["unit"] for r in DONGHU_ROWS}
    m = scoring.level_matrix(hand, "2023-W37")
    assert m.loc["东湖区", "县级"] == 68.1 and m.loc["东湖区", "cold_bottom"]
    assert m.index.tolist()[-1] == "市直单位"
    tr = scoring.trend(hand)
    assert tr.columns.tolist() == ["2023-W37", "2023-W38"]
    assert tr.loc["南城区", "2023-W38"] == 50.0 and pd_isna(tr.loc["北江区", "2023-W38"])
    ranks = scoring.trend(hand, value="rank")
    assert ranks.loc["西山区"].tolist() == [2, 3] and ranks.loc["北江区", "2023-W37"] == 4
    assert scoring.weeks_with_data(hand) == ["2023-W37", "2023-W38"]
    assert scoring.expected_progress("2023-W37") == pytest.approx(100 * 14 / 150)


def test_level_scores_of_some_dimensions_are_those_rows_of_all(hand):
    every = scoring.level_scores(hand, week="2023-W37")
    for dims in (["composite"], ["study", "composite"]):
        some = scoring.level_scores(hand, week="2023-W37", dimensions=dims)
        expected = every[every.dimension.isin(dims)].reset_index(drop=True)
        assert len(some) and some.equals(expected)
    with pytest.raises(ValueError):
        scoring.level_scores(hand, week="2023-W37", dimensions=["study' OR 1=1 --"])


def test_user_text_is_bound_not_pasted(hand):
    evil = "2023-W37' OR '1'='1"
    with pytest.raises(WeekError):
        scoring.ranking(hand, evil)
    assert scoring.county_scores(hand, week=evil).empty
    assert scoring.indicator_detail(hand, "东湖区'; DROP TABLE unit_rows; --", "2023-W37").empty
    assert hand.execute("SELECT count(*) FROM unit_rows").fetchone()[0] > 0
    with pytest.raises(ValueError):
        scoring.ranking(hand, "2023-W37", by="composite; DROP TABLE unit_rows")


@pytest.mark.parametrize(
    "text, week",
    [
        ("2023-W45", "2023-W45"),
        ("2023-W36", "2023-W36"),
        ("2024-W05", "2024-W05"),
        ("2023W45", "2023-W45"),
        ("2023-w5", None),  # exists, but before the campaign
        (" 2023-w45 ", "2023-W45"),
        ("２０２３－Ｗ４５", "2023-W45"),  # full-width, as an input method types it
        ("2023-W99", None),
        ("2024-W20", None),
        ("", None),
        ("2023-45", None),
        ("45", None),
    ],
)
def test_parse_week(text, week):
    """The one parser of a typed week (every --week and every ?week=)."""
    if week:
        assert parse_week(text) == week
    else:
        with pytest.raises(WeekError) as e:
            parse_week(text)
        assert re.search(r"[\u4e00-\u9fff]", str(e.value))  # a Chinese message


def test_parse_week_outside_the_campaign_when_asked():
    assert parse_week("2023-w5", within_campaign=False) == "2023-W05"
    with pytest.raises(WeekError):
        parse_week("2023-W54", within_campaign=False)


def test_every_command_uses_the_one_week_parser():
    """No module parses a typed week on its own (a regex of YYYY-Www outside etl/weeks.py)."""
    root = Path(__file__).resolve().parent.parent
    for path in [*root.glob("etl/*.py"), *root.glob("app/*.py"), *root.glob("pages/*.py")]:
        if path.name in ("weeks.py", "cells.py", "identity.py"):  # weeks written in cells and file names
            continue
        text = path.read_text(encoding="utf-8")
        assert not re.search(r"\\d\{4\}.{0,12}[Ww]", text), path.name
        assert "fromisocalendar" not in text, path.name


# --- constants come from config, not from the SQL -----------------------------------------------


def test_no_constants_in_views():
    """Weights, targets, thresholds and dates live in config.toml and the catalogue (cfg_* tables, or
    rendered from forms.toml), never in the SQL files: the only numbers the scoring views and their
    templates may contain are 0, 1, 2 (an order of three groups in ranking_list), 100 (percent) and the
    one-decimal rounding."""
    numbers = set()
    for path in sorted(VIEWS_DIR.glob("[234]*.sql*")):
        code = "\n".join(line.split("--")[0] for line in path.read_text(encoding="utf-8").splitlines())
        numbers |= set(re.findall(r"(?<![\w.])\d+(?:\.\d+)?(?![\w.])", code))
    assert numbers <= {"0", "1", "2", "100"}, numbers


def test_weights_and_targets_follow_config(tmp_path):
    cfg = custom_config(
        tmp_path,
        {"gradient_flag = 15": "gradient_flag = 50"},
        forms={
            "weights = { study = 0.30, research = 0.25, development = 0.25, rectification = 0.20 }": (
                "weights = { study = 0.25, research = 0.25, development = 0.25, rectification = 0.25 }"
            ),
            'target = "3 * org_count"': 'target = "6 * org_count"',
        },
    )
    con = open_warehouse(tmp_path / "w.duckdb", config=cfg)
    insert_submission(con, "东湖区", "2023-W37", DONGHU_ROWS)
    ls = scores(con, "level_scores", "2023-W37", ["county", "level", "dimension"])
    # "enough problems found" now needs 6 per organisation: 县级 3/6, 乡镇级 6/12, 村级 (0+3)/(6+6)
    rect = {
        "县级": 100 * (1 + 1 + 1 + 0.5) / 4,
        "乡镇级": 100 * (0.5 + 1 + 0.5) / 3,
        "村级": 100 * (1 / 3 + 1 + 0.25) / 3,
    }
    for level, v in rect.items():
        assert ls[("东湖区", level, "rectification")] == pytest.approx(v)
    comp = con.execute("SELECT composite, cold_bottom FROM rankings").fetchone()
    dims = dict(DONGHU_DIMS, rectification=sum(rect.values()) / 3)
    assert comp[0] == pytest.approx(sum(dims.values()) / 4)  # equal weights: the plain mean
    assert comp[1] is False  # gradient below the new flag of 50
    con.close()


def test_indicator_levels_match_the_column_spec(con):
    uses = {
        "reading_class": ["reading_class_done"],
        "center_group_study": ["center_group_sessions", "org_count"],
        "concentrated_study": ["concentrated_study_sessions", "org_count"],
        "special_lectures": ["special_lectures", "org_count"],
        "discussion_coverage": ["discussion_members", "member_count"],
        "mobile_members_reached": ["mobile_members_reached", "mobile_members"],
        "new_sector_members_reached": ["new_sector_members_reached", "new_sector_members"],
        "research_done": ["research_done", "research_topics"],
        "reports_written": ["research_reports", "research_topics"],
        "typical_cases": ["positive_cases", "negative_cases", "org_count"],
        "exchange_meeting": ["exchange_meeting_held"],
        "results_converted": ["conversion_done", "conversion_items"],
        "livelihood_done": ["livelihood_done", "livelihood_projects"],
        "urgent_issues_solved": ["urgent_issues_solved", "urgent_issues_collected"],
        "problems_rectified": ["problems_rectified", "problems_found"],
        "targets_quantified": ["problems_quantified", "problems_found"],
        "main_leader_on_cases": ["lead_cases"],
        "enough_problems_found": ["problems_found", "org_count"],
    }
    defs = {
        r[0]: (r[1], set(r[2]))
        for r in con.execute("SELECT indicator, dimension, levels FROM indicator_defs").fetchall()
    }
    assert set(defs) == set(uses)
    for ind, cols in uses.items():
        levels = set.intersection(*(set(CATALOGUE.by_id[c].levels) for c in cols))
        assert defs[ind][1] == levels, ind
    assert {d for d, _ in defs.values()} == set(DIMENSIONS)


# --- the samples' expected figures (truth inserted directly; the loader's test is end-to-end) ---


@pytest.mark.parametrize("folder", ["dispatch", "dispatch-round2"])
def test_samples_truth_gives_expected(con, folder):
    samples = require_samples()
    insert_truth(con, samples / folder / "truth.json")
    expected = json.loads((samples / folder / "expected.json").read_text(encoding="utf-8"))
    assert check_expected(con, expected) == sum(len(e["counties"]) for e in expected.values())


# --- properties --------------------------------------------------------------------------------

ACHIEVED = [
    "reading_class_done",
    "center_group_sessions",
    "concentrated_study_sessions",
    "special_lectures",
    "discussion_members",
    "mobile_members_reached",
    "research_done",
    "research_reports",
    "positive_cases",
    "negative_cases",
    "exchange_meeting_held",
    "conversion_done",
    "livelihood_done",
    "urgent_issues_solved",
    "problems_rectified",
    "problems_quantified",
    "lead_cases",
]
FLAGS = {c.id for c in METRICS if c.kind == "flag"}


@st.composite
def unit_row(draw):
    level = draw(st.sampled_from(["县级", "乡镇级", "村级"]))
    row = {"level": level}
    for m in METRICS:
        if level not in m.levels:
            continue
        if m.id in FLAGS:
            row[m.id] = draw(st.one_of(st.none(), st.integers(0, 1)))
        elif m.id == "org_count":
            row[m.id] = draw(st.integers(1, 4))
        else:
            row[m.id] = draw(st.one_of(st.none(), st.integers(0, 12)))
    return row


rows_strategy = st.lists(unit_row(), min_size=1, max_size=6)


@pytest.fixture(scope="module")
def prop_con(tmp_path_factory):
    c = open_warehouse(tmp_path_factory.mktemp("prop") / "w.duckdb")
    yield c
    c.close()


def _score_all(con, rows_by_county):
    con.execute("DELETE FROM unit_rows")
    con.execute("DELETE FROM current_versions")
    con.execute("DELETE FROM submission_versions")
    for county, rows in rows_by_county.items():
        for i, r in enumerate(rows):
            r.setdefault("unit", f"单位{i}")
        insert_submission(con, county, "2023-W45", rows)
    out = {}
    for r in con.execute("SELECT county, level, dimension, score FROM level_scores").fetchall():
        out[r[:3]] = r[3]
    for r in con.execute("SELECT county, dimension, score FROM county_scores").fetchall():
        out[(r[0], None, r[1])] = r[2]
    for r in con.execute("SELECT county, NULL, 'gradient', gradient FROM rankings").fetchall():
        out[r[:3]] = r[3]
    return out


# Every county's scores depend on its own rows only, so one pass over the views scores several
# drawn cases at once, each in a county of its own: fewer passes for as many cases as one per pass.
COUNTIES = load_config().counties
PAIRS = len(COUNTIES) // 2  # a case's rows in COUNTIES[k], the changed rows in COUNTIES[k + PAIRS]
PROP = settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _of(out: dict, county: str) -> dict:
    """The scores of one county, keyed by (level, dimension)."""
    return {key[1:]: v for key, v in out.items() if key[0] == county}


@PROP
@given(cases=st.lists(rows_strategy, min_size=4, max_size=len(COUNTIES)))
def test_scores_stay_between_0_and_100(prop_con, cases):
    out = _score_all(prop_con, dict(zip(COUNTIES, cases)))
    assert {key[0] for key in out} == set(COUNTIES[: len(cases)])
    for key, v in out.items():
        if key[2] != "gradient":
            assert 0 <= v <= 100 + 1e-9, key


@st.composite
def raised_case(draw):
    """Rows, the same rows with one achieved figure of one row raised, and that figure's id."""
    rows = draw(rows_strategy)
    i = draw(st.integers(0, len(rows) - 1))
    applicable = [m for m in ACHIEVED if rows[i]["level"] in BY_ID[m].levels]
    metric = draw(st.sampled_from(applicable))
    bump = draw(st.integers(1, 5))
    raised = [dict(r) for r in rows]
    current = raised[i].get(metric) or 0
    raised[i][metric] = 1 if metric in FLAGS else current + bump
    return rows, raised, metric


@PROP
@given(cases=st.lists(raised_case(), min_size=2, max_size=PAIRS))
def test_more_achieved_never_lowers_a_score(prop_con, cases):
    by_county = {}
    for k, (rows, raised, _) in enumerate(cases):
        by_county[COUNTIES[k]] = [dict(r) for r in rows]
        by_county[COUNTIES[k + PAIRS]] = raised
    out = _score_all(prop_con, by_county)
    for k, (_, _, metric) in enumerate(cases):
        before, after = _of(out, COUNTIES[k]), _of(out, COUNTIES[k + PAIRS])
        assert before and set(after) == set(before)
        for key, v in before.items():
            if key[1] != "gradient":
                assert after[key] >= v - 1e-9, (key, metric)


@st.composite
def shuffled_case(draw):
    """Rows with unit names, and the same rows in another order."""
    rows = draw(rows_strategy)
    named = [dict(r, unit=f"单位{i}") for i, r in enumerate(rows)]
    shuffled = [dict(r) for r in named]
    random.Random(draw(st.integers(0, 10_000))).shuffle(shuffled)
    return named, shuffled


@PROP
@given(cases=st.lists(shuffled_case(), min_size=2, max_size=PAIRS))
def test_row_order_does_not_matter(prop_con, cases):
    by_county = {}
    for k, (named, shuffled) in enumerate(cases):
        by_county[COUNTIES[k]] = [dict(r) for r in named]
        by_county[COUNTIES[k + PAIRS]] = shuffled
    out = _score_all(prop_con, by_county)
    for k in range(len(cases)):
        before, after = _of(out, COUNTIES[k]), _of(out, COUNTIES[k + PAIRS])
        assert before and set(after) == set(before)
        for key, v in before.items():
            assert after[key] == (None if v is None else pytest.approx(v, abs=1e-9)), key
