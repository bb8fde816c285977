"""The weekly deadline ([deadlines] submission), lateness on the board, the overview and the status
command, and the reminder texts (催报). The clock is frozen: load times come from the loader's
clock parameter and `now` is a parameter of every judgement."""

from __future__ import annotations

import datetime as dt
import tomllib

import duckdb
import pytest

from app import week_alerts
from etl import deadline, remind
from etl.config import load_config
from etl.load import load_paths
from etl.status import submission_board

from .conftest import ROOT, run_etl
from .dispatch_builder import grid, write_csv, write_xlsx

WEEK = "2023-W45"  # 11-06 … 11-12; due Monday 11-13 12:00 with "monday 12:00"
DUE = dt.datetime(2023, 11, 13, 12, 0)


def test_the_setting_reads_weekday_and_time():
    assert deadline.parse_deadline("monday 12:00") == (0, dt.time(12, 0))
    assert deadline.parse_deadline("周五 18:30") == (4, dt.time(18, 30))
    assert deadline.parse_deadline(" Sunday  9:05 ") == (6, dt.time(9, 5))
    assert deadline.deadline_of(WEEK, (0, dt.time(12))) == DUE
    assert deadline.deadline_of(WEEK, (4, dt.time(17))) == dt.datetime(2023, 11, 17, 17, 0)
    assert deadline.deadline_of(WEEK, None) is None
    assert deadline.deadline_text(DUE) == "11月13日（周一）12:00"
    assert deadline.due_week(dt.datetime(2023, 11, 13, 9, 0)) == WEEK
    assert deadline.due_week(dt.datetime(2023, 11, 19, 23, 0)) == WEEK


@pytest.mark.parametrize("bad", ["someday 12:00", "monday", "monday 25:00", "monday 12:60", 12, "12:00"])
def test_a_bad_setting_is_refused_with_how_to_write_it(bad):
    with pytest.raises(deadline.DeadlineError, match="submission"):
        deadline.parse_deadline(bad)


def config_with(tmp_path, submission):
    raw = (ROOT / "config.toml").read_text(encoding="utf-8")
    current = tomllib.loads(raw)["deadlines"]["submission"]
    text = raw.replace(f'submission = "{current}"', f"submission = {submission}")
    path = tmp_path / "config.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_config_names_its_file_when_the_setting_is_wrong(tmp_path):
    path = config_with(tmp_path, '"tomorrow"')
    with pytest.raises(deadline.DeadlineError, match="config.toml.*tomorrow"):
        load_config(path)


def files(tmp_path, units, csv=False):
    out = []
    for unit in units:
        path = tmp_path / f"{unit}_{WEEK}{'_v2' if csv else ''}.{'csv' if csv else 'xlsx'}"
        (write_csv if csv else write_xlsx)(path, grid(unit=unit, week=WEEK))
        out.append(path)
    return out


def load_at(db, paths, when: dict, config=None):
    """Load files as if each had arrived at when[unit] (the loader's clock)."""
    return load_paths(paths, db, config=config, loaded_by="t", clock=lambda r: when[r.county])


def board_week(db, now):
    board = submission_board(db, now)
    return {r.county: (r.status, bool(r.late)) for r in board[board.week == WEEK].itertuples()}


def test_lateness_follows_the_configured_deadline(tmp_path, db_path):
    minute = dt.timedelta(minutes=1)
    load_at(
        db_path,
        files(tmp_path, ["青河县", "西山区", "南城区"]),
        {"青河县": DUE - minute, "西山区": DUE + minute, "南城区": DUE - dt.timedelta(days=2)},
    )
    # 南城区 corrects after the deadline: its submission was on time, so it is not late
    load_at(db_path, files(tmp_path, ["南城区"], csv=True), {"南城区": DUE + dt.timedelta(days=1)})

    before = board_week(db_path, now=DUE - minute)
    assert before["青河县"] == ("已报送", False)
    assert before["西山区"] == ("已报送", True)  # arrived after the deadline (a past arrival is judged as is)
    assert before["南城区"] == ("已更正", False)
    assert before["北江区"] == ("未报送", False)  # not due yet
    after = board_week(db_path, now=DUE + minute)
    assert after["北江区"] == ("未报送", True)  # overdue
    assert after["青河县"] == ("已报送", False)
    assert sum(late for _, late in after.values()) == 1 + (len(after) - 3)  # 西山区 and every missing unit

    board = submission_board(db_path, DUE + minute)
    row = board[(board.week == WEEK) & (board.county == "西山区")].iloc[0]
    assert row.submitted_at == DUE + minute and row.deadline == DUE


def test_another_deadline_in_config_moves_lateness(tmp_path, db_path):
    config = load_config(config_with(tmp_path, '"friday 17:00"'))  # due Friday 11-17 17:00
    load_at(db_path, files(tmp_path, ["西山区"]), {"西山区": DUE + dt.timedelta(hours=1)}, config)
    board = submission_board(db_path, DUE)
    assert board[(board.week == WEEK) & (board.county == "西山区")].late.tolist() == [False]


def test_without_a_deadline_nothing_is_late(tmp_path, db_path):
    raw = config_with(tmp_path, '"monday 12:00"').read_text(encoding="utf-8")
    path = tmp_path / "none.toml"
    path.write_text(raw.replace('submission = "monday 12:00"', ""), encoding="utf-8")
    config = load_config(path)
    load_at(db_path, files(tmp_path, ["西山区"]), {"西山区": DUE + dt.timedelta(days=3)}, config)
    assert not submission_board(db_path, DUE + dt.timedelta(days=9)).late.any()


def test_the_overview_counts_the_late_units(tmp_path, db_path):
    load_at(
        db_path, files(tmp_path, ["青河县", "西山区"]), {"青河县": DUE, "西山区": DUE + dt.timedelta(hours=3)}
    )
    con = duckdb.connect(str(db_path), read_only=True)
    try:
        late = week_alerts.late_submissions(con, WEEK, now=DUE + dt.timedelta(hours=4))
        early = week_alerts.late_submissions(con, WEEK, now=DUE - dt.timedelta(hours=4))
    finally:
        con.close()
    xs = late[late.county == "西山区"].iloc[0]
    assert xs.submitted_at == DUE + dt.timedelta(hours=3) and xs.status == "已报送"
    assert set(late.county) == {"西山区"} | ({u for u in load_config().units} - {"青河县", "西山区"})
    assert list(early.county) == ["西山区"]  # the missing ones are not overdue yet


def test_reminders_name_the_week_the_deadline_and_the_template(tmp_path, db_path, config):
    load_at(db_path, files(tmp_path, list(config.units)[:-2]), dict.fromkeys(config.units, DUE))
    board = submission_board(db_path, DUE)
    pending = remind.pending_units(board, WEEK)
    assert pending == [(u, "未报送") for u in config.units[-2:]]
    one = remind.reminder_text(*pending[0], WEEK, config, now=DUE - dt.timedelta(hours=2))
    assert pending[0][0] in one and "2023-W45（11月6日—11月12日）" in one
    assert "11月13日（周一）12:00" in one and "请按时报送" in one and "「空白模板」" in one
    late = remind.reminder_text(*pending[0], WEEK, config, now=DUE + dt.timedelta(hours=2))
    assert "现已逾期" in late
    everyone = remind.reminder_all(pending, WEEK, config, now=DUE)
    assert "以下 2 个单位" in everyone and "、".join(u for u, _ in pending) in everyone
    assert remind.reminder_week(board, DUE) == WEEK
    assert remind.reminder_week(board, dt.datetime(2026, 1, 1)) == WEEK  # outside: the board's latest


def test_status_shows_lateness_and_prints_the_reminders(tmp_path, db_path):
    load_at(
        db_path, files(tmp_path, ["青河县", "西山区"]), {"青河县": DUE, "西山区": DUE + dt.timedelta(hours=3)}
    )

    def status(*args):
        r = run_etl("status", *args, env={"DISPATCH_DB": str(db_path)})
        assert r.returncode == 0, r.stderr
        return r.stdout

    week = status("--week", WEEK)
    assert "西山区" in week and "逾期（11-13 15:00 报送）" in week
    assert [line for line in week.splitlines() if line.startswith("青河县")][0].endswith("11-13 12:00")
    assert "逾期未报" in week  # the clock has long passed 2023's deadline for the missing units
    matrix = status()
    assert "! 逾期" in matrix and "逾期 " in matrix.splitlines()[-1]
    text = status("--remind", "--week", WEEK)
    assert text.startswith("【催报】") and "11月13日（周一）12:00" in text
    assert "青河县：" not in text and "北江区：" in text and "现已逾期" in text
