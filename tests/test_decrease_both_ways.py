"""Cumulative counts never go down: a week is compared with the county's previous week, and an
earlier week resubmitted later is compared with the following week too."""

from __future__ import annotations

from etl.load import load_paths

from .dispatch_builder import BASE, UNITS, grid
from .office_writers import WRITERS


def rows(plus: int) -> list[dict]:
    out = []
    for unit, level in UNITS:
        row = {"unit": unit, "level": level, **BASE[level]}
        row["special_lectures"] += plus
        out.append(row)
    return out


def load(tmp_path, db_path, name: str, week: str, plus: int):
    path = tmp_path / name
    path.write_bytes(WRITERS["xlsx"]([("调度表", grid(week=week, rows=rows(plus)), "visible")]))
    (report,) = load_paths([path], db_path)
    assert report.outcome == "loaded", [p.text() for p in report.errors]
    return report


def test_a_resubmitted_earlier_week_above_the_following_week(tmp_path, db_path):
    load(tmp_path, db_path, "青河县_2023-W37.xlsx", "2023-W37", 0)
    load(tmp_path, db_path, "青河县_2023-W38.xlsx", "2023-W38", 1)
    again = load(tmp_path, db_path, "青河县_2023-W37_更正.xlsx", "2023-W37", 5)
    above = [p for p in again.warnings if p.code == "W_ABOVE_NEXT_WEEK"]
    assert len(above) == 3  # one a unit row
    assert "专题党课" in above[0].message and "2023-W38" in above[0].message
    assert above[0].row == 5 and "青河县委常委会" in above[0].message
    assert not [p for p in again.warnings if p.code == "W_DECREASE"]


def test_a_resubmitted_week_below_the_previous_one_still_warns(tmp_path, db_path):
    load(tmp_path, db_path, "青河县_2023-W37.xlsx", "2023-W37", 3)
    load(tmp_path, db_path, "青河县_2023-W38.xlsx", "2023-W38", 4)
    load(tmp_path, db_path, "青河县_2023-W39.xlsx", "2023-W39", 5)
    again = load(tmp_path, db_path, "青河县_2023-W38_更正.xlsx", "2023-W38", 0)
    codes = sorted({p.code for p in again.warnings})
    assert codes == ["W_DECREASE"]  # below W37, and so below W39 too: that is not "above"


def test_both_directions_in_one_folder(tmp_path, db_path):
    folder = tmp_path / "in"
    (folder / "resubmitted").mkdir(parents=True)
    for name, week, plus in (("a_2023-W37.xlsx", "2023-W37", 0), ("b_2023-W38.xlsx", "2023-W38", 1)):
        (folder / name).write_bytes(
            WRITERS["xlsx"]([("调度表", grid(week=week, rows=rows(plus)), "visible")])
        )
    (folder / "resubmitted" / "c.xlsx").write_bytes(
        WRITERS["xlsx"]([("调度表", grid(week="2023-W37", rows=rows(2)), "visible")])
    )
    reports = load_paths([folder], db_path)
    assert [r.outcome for r in reports] == ["loaded"] * 3
    assert {p.code for p in reports[2].warnings} == {"W_ABOVE_NEXT_WEEK"}
