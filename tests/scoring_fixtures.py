"""Fixtures for the scoring tests: write (county, week) submissions straight into the raw tables,
as the loader would, without going through spreadsheets."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from .form_columns import CATALOGUE

METRICS = CATALOGUE.metrics  # every id of every form version (a week's rows have NULL for the others)
_FLAGS = {c.id for c in METRICS if c.kind == "flag"}
_COLUMNS = ["county", "week", "version", "row_no", "unit", "level", *(c.id for c in METRICS), "remarks"]


def insert_submission(con, county: str, week: str, rows: list[dict], version: int | None = None) -> int:
    """Add a version of (county, week) made of `rows` (dicts keyed by metric id, plus unit and level;
    missing metrics are NULL) and make it current. Returns the version number."""
    if version is None:
        version = con.execute(
            "SELECT coalesce(max(version), 0) + 1 FROM submission_versions WHERE county = ? AND week = ?",
            [county, week],
        ).fetchall()[0][0]
    con.execute(
        "INSERT INTO submission_versions VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        [
            county,
            week,
            version,
            f"{county}_{week}_v{version}.xlsx",
            f"sha-{county}-{week}-{version}",
            dt.datetime(2023, 11, 1, 12, 0),
            len(rows),
            "test",
        ],
    )
    con.execute("DELETE FROM current_versions WHERE county = ? AND week = ?", [county, week])
    con.execute("INSERT INTO current_versions VALUES (?, ?, ?)", [county, week, version])
    values = []
    for i, row in enumerate(rows):
        rec = {
            "county": county,
            "week": week,
            "version": version,
            "row_no": i + 5,
            "unit": row.get("unit", f"单位{i + 1}"),
            "level": row["level"],
            "remarks": row.get("remarks"),
        }
        for m in METRICS:
            v = row.get(m.id)
            rec[m.id] = None if v is None else (bool(v) if m.id in _FLAGS else int(v))
        values.append([rec[c] for c in _COLUMNS])
    if values:
        marks = ", ".join("?" * len(_COLUMNS))
        con.executemany(f"INSERT INTO unit_rows ({', '.join(_COLUMNS)}) VALUES ({marks})", values)
    return version


def insert_truth(con, truth_path: str | Path) -> None:
    """Insert every (county, week) of a samples truth.json ({week: {county: [rows]}})."""
    truth = json.loads(Path(truth_path).read_text(encoding="utf-8"))
    for week, counties in truth.items():
        for county, rows in counties.items():
            insert_submission(con, county, week, rows)


# --- the hand-computed fixture of tests/test_scoring.py and tests/test_rankings_export.py ---------
# Week 2023-W37 (months_started 1, 序时进度 14/150 = 9.3%) and 2023-W38.
# 东湖区 has three levels and every dimension; 西山区/南城区/北江区 have one village row scoring only
# development (livelihood projects), which tests a missing dimension and a tie on the rounded
# composite (40.04 and 39.96 both show 40.0); 青河县 never submits; 市直单位 is not ranked.

DONGHU_ROWS = [
    {
        "unit": "东湖区委常委会",
        "level": "县级",
        "org_count": 1,
        "member_count": 10,
        "reading_class_done": 1,
        "center_group_sessions": 1,
        "special_lectures": 1,
        "discussion_members": 5,
        "mobile_members": 0,
        "mobile_members_reached": 0,
        "research_topics": 2,
        "research_done": 1,
        "research_reports": 1,
        "positive_cases": 3,
        "negative_cases": 0,
        "exchange_meeting_held": 0,
        "conversion_items": 0,
        "conversion_done": 0,
        "livelihood_projects": 4,
        "livelihood_done": 2,
        "urgent_issues_collected": 0,
        "urgent_issues_solved": 0,
        "problems_found": 3,
        "problems_quantified": 3,
        "problems_rectified": 3,
        "lead_cases": 2,
    },
    {
        "unit": "城关镇党委",
        "level": "乡镇级",
        "org_count": 2,
        "member_count": 20,
        "center_group_sessions": 1,
        "special_lectures": 2,
        "discussion_members": 20,
        "mobile_members": 4,
        "mobile_members_reached": 1,
        "research_topics": 1,
        "research_done": 1,
        "research_reports": 0,
        "conversion_items": 2,
        "conversion_done": 1,
        "livelihood_projects": 2,
        "livelihood_done": 2,
        "urgent_issues_collected": 4,
        "urgent_issues_solved": 1,
        "problems_found": 6,
        "problems_quantified": 6,
        "problems_rectified": 3,
    },
    {
        "unit": "东村党支部",
        "level": "村级",
        "org_count": 1,
        "member_count": 10,
        "concentrated_study_sessions": 0,
        "special_lectures": 1,
        "discussion_members": 10,
        "mobile_members": 0,
        "mobile_members_reached": 0,
        "livelihood_projects": 0,
        "livelihood_done": 0,
        "urgent_issues_collected": 2,
        "urgent_issues_solved": 2,
        "problems_found": 0,
        "problems_quantified": 0,
        "problems_rectified": 0,
    },
    {
        "unit": "西村党支部",
        "level": "村级",
        "org_count": 1,
        "member_count": 30,
        "concentrated_study_sessions": 1,
        "special_lectures": None,
        "discussion_members": 0,
        "mobile_members": 2,
        "mobile_members_reached": 1,
        "livelihood_projects": 2,
        "livelihood_done": 1,
        "urgent_issues_collected": 2,
        "urgent_issues_solved": 0,
        "problems_found": 3,
        "problems_quantified": 3,
        "problems_rectified": 1,
    },
]

CITY_DIRECT_ROWS = [
    {
        "unit": "市委办公室",
        "level": "市级",
        "org_count": 1,
        "member_count": 40,
        "reading_class_done": 1,
        "center_group_sessions": 1,
        "special_lectures": 1,
        "discussion_members": 40,
        "mobile_members": 0,
        "research_topics": 1,
        "research_done": 1,
        "research_reports": 1,
        "positive_cases": 1,
        "negative_cases": 1,
        "exchange_meeting_held": 1,
        "conversion_items": 1,
        "conversion_done": 1,
        "livelihood_projects": 1,
        "livelihood_done": 1,
        "urgent_issues_collected": 1,
        "urgent_issues_solved": 1,
        "problems_found": 3,
        "problems_quantified": 3,
        "problems_rectified": 3,
        "lead_cases": 1,
    },
]


def livelihood_only(done: int, projects: int = 10_000, unit: str = "某村党支部") -> list[dict]:
    """A single village row whose only indicator is livelihood projects: its county scores exactly
    100 × done / projects on development and on the composite (the other dimensions are missing)."""
    return [
        {
            "unit": unit,
            "level": "村级",
            "member_count": 0,
            "livelihood_projects": projects,
            "livelihood_done": done,
        }
    ]


def insert_livelihood_weeks(con, done: dict[str, dict[str, int]]) -> None:
    """{week: {county: done}}: a livelihood_only(done) submission of each, so each county's
    development and composite score that week is done / 100."""
    for week, counties in done.items():
        for county, n in counties.items():
            insert_submission(con, county, week, livelihood_only(n))


def build_hand_fixture(con) -> None:
    insert_submission(con, "东湖区", "2023-W37", DONGHU_ROWS)
    insert_submission(con, "西山区", "2023-W37", livelihood_only(4004))
    insert_submission(con, "南城区", "2023-W37", livelihood_only(3996))
    insert_submission(con, "北江区", "2023-W37", livelihood_only(2000))
    insert_submission(con, "市直单位", "2023-W37", CITY_DIRECT_ROWS)
    insert_submission(con, "东湖区", "2023-W38", DONGHU_ROWS)
    insert_submission(con, "西山区", "2023-W38", livelihood_only(4004))
    insert_submission(con, "南城区", "2023-W38", livelihood_only(5000))
    # 北江区 does not submit 2023-W38


# the counties of config.toml the hand fixture has no submission of, in config order
NEVER_SUBMITTED = ["青河县", "白石县", "松岭县", "临川县", "丰源市", "安平县"]


# Hand computation of 东湖区 (see the rows above), each indicator rate = Σ capped / Σ target:
# 县级  study   reading 1/1, center group 1/1, lectures 1/1, discussion 5/10 (mobile: target 0, absent)
#       research done 1/2, reports 1/2, cases (min(3,1)+min(0,1))/2, meeting 0/1 (conversion: target 0)
#       development livelihood 2/4 (urgent: target 0); rectification 3/3, 3/3, min(2,1)/1, 3/(3×1)
# 乡镇级 study center group 1/(1×2), lectures 2/2, discussion 20/20, mobile 1/4
#       research 1/1, 0/1, conversion 1/2; development 2/2, 1/4; rectification 3/6, 6/6, 6/(3×2)
# 村级  study concentrated (0+1)/(1+1), lectures (1+0)/(1+1), discussion (10+0)/(10+30), mobile 1/2
#       (no research at 村级); development livelihood 1/2 (row 1 target 0), urgent (2+0)/(2+2)
#       rectification rectified 1/3 and quantified 3/3 (row 1 target 0), enough (0+3)/(3+3)
W = {"study": 0.30, "research": 0.25, "development": 0.25, "rectification": 0.20}
DONGHU_LEVEL = {
    "县级": {
        "study": 100 * (1 + 1 + 1 + 0.5) / 4,
        "research": 100 * (0.5 + 0.5 + 0.5 + 0) / 4,
        "development": 100 * 0.5,
        "rectification": 100.0,
    },
    "乡镇级": {
        "study": 100 * (0.5 + 1 + 1 + 0.25) / 4,
        "research": 100 * (1 + 0 + 0.5) / 3,
        "development": 100 * (1 + 0.25) / 2,
        "rectification": 100 * (0.5 + 1 + 1) / 3,
    },
    "村级": {
        "study": 100 * (0.5 + 0.5 + 0.25 + 0.5) / 4,
        "development": 100 * (0.5 + 0.5) / 2,
        "rectification": 100 * (1 / 3 + 1 + 0.5) / 3,
    },
}


def weighted(scores: dict) -> float:
    return sum(W[d] * s for d, s in scores.items()) / sum(W[d] for d in scores)


DONGHU_LEVEL_COMPOSITE = {lv: weighted(s) for lv, s in DONGHU_LEVEL.items()}
DONGHU_DIMS = {
    d: sum(s[d] for s in DONGHU_LEVEL.values() if d in s) / sum(d in s for s in DONGHU_LEVEL.values())
    for d in W
}
DONGHU_COMPOSITE = weighted(DONGHU_DIMS)
DONGHU_GRADIENT = DONGHU_LEVEL_COMPOSITE["县级"] - DONGHU_LEVEL_COMPOSITE["村级"]


def check_expected(con, expected: dict) -> int:
    """Assert every figure of a samples expected.json against the views and scoring.ranking;
    returns how many county-weeks were checked."""
    import pytest

    from etl import scoring

    def scores(view, week, keys):
        return {
            tuple(r[:-1]): r[-1]
            for r in con.execute(
                f"SELECT {', '.join(keys)}, score FROM {view} WHERE week = ?", [week]
            ).fetchall()
        }

    checked = 0
    for week, e in expected.items():
        cs = scores("county_scores", week, ["county", "dimension"])
        ls = scores("level_scores", week, ["county", "level", "dimension"])
        rk = {
            r[0]: r[1:]
            for r in con.execute(
                "SELECT county, rank, rank_change, gradient FROM rankings WHERE week = ?", [week]
            ).fetchall()
        }
        dr = {
            (r[0], r[1]): r[2]
            for r in con.execute(
                "SELECT county, dimension, rank FROM dimension_rankings WHERE week = ?", [week]
            ).fetchall()
        }
        for county, x in e["counties"].items():
            assert cs[(county, "composite")] == pytest.approx(x["composite"], abs=1e-9)
            for dim, v in x["dims"].items():
                assert cs[(county, dim)] == pytest.approx(v, abs=1e-9), (week, county, dim)
            for lv, v in x["level_composite"].items():
                assert ls[(county, lv, "composite")] == pytest.approx(v, abs=1e-9)
            mine = {f"{lv}|{d}" for (c, lv, d) in ls if c == county and d != "composite"}
            assert mine == set(x["level_dim"]), (week, county)
            for key, v in x["level_dim"].items():
                lv, dim = key.split("|")
                assert ls[(county, lv, dim)] == pytest.approx(v, abs=1e-9), (week, county, key)
            rank, change, gradient = rk.get(county, (None, None, None))
            assert (rank, change) == (x["rank"], x["rank_change"]), (week, county)
            assert gradient == (None if x["gradient"] is None else pytest.approx(x["gradient"], abs=1e-9))
            for dim, v in x["dim_ranks"].items():
                assert dr.get((county, dim)) == v, (week, county, dim)
            checked += 1
        df = scoring.ranking(con, week)
        assert df.loc[~df["submitted"], "county"].tolist() == e["not_submitted"]
        assert df["expected_progress"].iloc[0] == pytest.approx(e["expected_progress"])
    return checked
