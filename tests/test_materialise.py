"""etl.materialise: the stored scores are used only while exactly current, and then equal the live
views; a warehouse changed without a refresh is read live; a refresh is incremental and idempotent."""

from __future__ import annotations

import math

import pytest

from etl import materialise
from etl.demo import run_demo
from etl.warehouse import connect, open_warehouse
from etl.warehouse_reader import publish_now, reader

VIEWS = (
    "indicator_scores",
    "scope_level_scores",
    "scope_county_scores",
    "scope_gradients",
    "dimension_ranks",
    "dimension_rankings",
    "score_flags",
    # contract and derived views built on them
    "level_scores",
    "county_scores",
    "rankings",
    "ranking_list",
    "city_level_scores",
    "city_scores",
    "city_indicator_scores",
)


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("mat")
    db = tmp / "w.duckdb"
    run_demo(db, tmp / "files", counties=4, units=10, until_week="2023-W40", progress=False)
    return db


def _rows(con, view):
    return con.execute(f"SELECT * FROM {view} ORDER BY ALL").fetchall()


def _same(a, b) -> bool:
    if len(a) != len(b):
        return False
    for x, y in zip(a, b):
        for p, q in zip(x, y):
            if isinstance(p, float) and isinstance(q, float):
                if not math.isclose(p, q, rel_tol=1e-9, abs_tol=1e-9):
                    return False
            elif p != q:
                return False
    return True


def _live(db):
    with connect(db, read_only=True) as con:
        return {v: _rows(con, v) for v in VIEWS}


def _shadowed(con, view: str) -> bool:
    """Whether this connection reads `view` from the stored scores (a temporary view over mat_*)."""
    sql = "SELECT count(*) FROM duckdb_views() WHERE temporary AND view_name = ?"
    return con.execute(sql, [view]).fetchone()[0] == 1


def _through_reader(db):
    publish_now(db)  # these tests change the warehouse by hand: readers see it once it is published
    with reader(db) as con:
        return _shadowed(con, "score_flags"), {v: _rows(con, v) for v in VIEWS}


def _assert_equal(db, expect_shadowed):
    live = _live(db)
    shadowed, got = _through_reader(db)
    assert shadowed is expect_shadowed
    for v in VIEWS:
        assert _same(live[v], got[v]), v
    assert live["score_flags"] and live["rankings"]


def test_without_refresh_reads_live(demo_db):
    with connect(demo_db) as con:
        assert materialise.is_fresh(con)  # the loader refreshed after its last file
        # a change the refresh did not see (here: the stamp of another state) → read live
        con.execute("UPDATE meta SET value = 'stale' WHERE key = ?", [materialise.STAMP_KEY])
        assert not materialise.is_fresh(con)
    _assert_equal(demo_db, expect_shadowed=False)


def test_refresh_then_stored_scores_equal_live(demo_db):
    with open_warehouse(demo_db) as con:
        assert materialise.refresh(con)
        assert materialise.is_fresh(con)
        assert materialise.refresh(con)  # nothing changed: a no-op that still says current
        # the refresh leaves no shadowing on the writer's own connection
        assert not _shadowed(con, "indicator_scores")
    _assert_equal(demo_db, expect_shadowed=True)


def test_change_without_refresh_is_read_live_then_incremental_refresh(demo_db):
    with open_warehouse(demo_db) as con:
        materialise.refresh(con)
        # what a restore does: another version becomes current, with no refresh after it
        county, week, version = con.execute(
            "SELECT county, week, max(version) FROM submission_versions GROUP BY ALL "
            "HAVING count(*) > 1 LIMIT 1"
        ).fetchone()
        con.execute(
            "UPDATE current_versions SET version = ? WHERE county = ? AND week = ?",
            [version - 1, county, week],
        )
        assert not materialise.is_fresh(con)
    _assert_equal(demo_db, expect_shadowed=False)

    with open_warehouse(demo_db) as con:
        before = con.execute("SELECT count(*) FROM mat_versions").fetchone()[0]
        assert materialise.refresh(con)
        assert con.execute("SELECT count(*) FROM mat_versions").fetchone()[0] == before
        assert (
            con.execute(
                "SELECT count(*) FROM mat_versions WHERE county = ? AND week = ? AND version = ?",
                [county, week, version - 1],
            ).fetchone()[0]
            == 1
        )
        con.execute(
            "UPDATE current_versions SET version = ? WHERE county = ? AND week = ?", [version, county, week]
        )
        assert materialise.refresh(con)
    _assert_equal(demo_db, expect_shadowed=True)


def test_new_load_then_refresh(demo_db, tmp_path):
    # another week through the real loader, which refreshes the stored scores after its last file
    from etl.demo import demo_config, plan_demo, write_demo_files
    from etl.load import load_paths

    config = demo_config(None, 4, 2023)
    plan = plan_demo(config, "2023-W41", 2023, 10)
    firsts, _ = write_demo_files(plan, tmp_path, progress=False)
    load_paths([f for f in firsts if "2023-W41" in f.name], demo_db, config=config)
    with open_warehouse(demo_db, config) as con:
        assert materialise.is_fresh(con)
    _assert_equal(demo_db, expect_shadowed=True)


def test_view_change_forces_a_rebuild(demo_db):
    con = open_warehouse(demo_db)
    try:
        materialise.refresh(con)
        con.execute("UPDATE meta SET value = 'changed' WHERE key = 'fingerprint'")
        assert not materialise.is_fresh(con)
        assert materialise.refresh(con)
        stamp = con.execute("SELECT value FROM meta WHERE key = 'materialised'").fetchone()[0]
        assert stamp.startswith("changed|")
    finally:
        # put the real fingerprint back: migrate refreshes the views and the stamp goes stale
        con.execute("DELETE FROM meta WHERE key = 'fingerprint'")
        con.close()
    with open_warehouse(demo_db) as con:
        assert not materialise.is_fresh(con)
        assert materialise.refresh(con)
    _assert_equal(demo_db, expect_shadowed=True)


def test_empty_warehouse(tmp_path):
    db = tmp_path / "empty.duckdb"
    with open_warehouse(db) as con:
        assert materialise.refresh(con)
    with reader(db) as con:
        assert con.execute("SELECT count(*) FROM score_flags").fetchone()[0] == 0


def test_refresh_never_raises(demo_db):
    with open_warehouse(demo_db) as con:
        con.execute("BEGIN TRANSACTION")  # a caller still inside its own transaction
        assert materialise.refresh(con, force=True) is False
        con.execute("ROLLBACK")
    _assert_equal(demo_db, expect_shadowed=materialise_fresh(demo_db))


def materialise_fresh(db) -> bool:
    with connect(db, read_only=True) as con:
        return materialise.is_fresh(con)


def test_two_resubmissions_in_one_load_reach_the_stored_scores(tmp_path):
    """v1→v2 for two counties in the same load: DuckDB's row hashes would cancel out in an XOR stamp."""
    from etl.load import load_paths

    from .dispatch_builder import BASE, UNITS, grid, write_xlsx

    db = tmp_path / "w.duckdb"
    first, second = tmp_path / "v1", tmp_path / "v2"
    first.mkdir()
    second.mkdir()
    for county in ("东湖区", "西山区"):
        write_xlsx(first / f"{county}.xlsx", grid(unit=county))
        rows = [{"unit": u, "level": lv, **BASE[lv]} for u, lv in UNITS]
        rows[2]["livelihood_done"] = rows[2]["livelihood_projects"]  # the correction
        write_xlsx(second / f"{county}.xlsx", grid(unit=county, rows=rows, total=False))
    load_paths([first], db)
    reports = load_paths([second], db)
    assert [r.version for r in reports] == [2, 2]
    _assert_equal(db, expect_shadowed=True)


def test_a_new_version_of_an_earlier_week_refreshes_that_week_and_the_rank_change_after_it(demo_db):
    """The layers above the indicators are refreshed for the changed weeks only; the week after a
    changed one has its rank change computed again (it compares with the changed week)."""
    with open_warehouse(demo_db) as con:
        materialise.refresh(con)
        weeks = [
            w for (w,) in con.execute("SELECT DISTINCT week FROM current_versions ORDER BY 1").fetchall()
        ]
        week = weeks[len(weeks) // 2]
        county, version = con.execute(  # the week's first county
            "SELECT county, version FROM current_versions JOIN mat_dimension_rankings USING (county, week) "
            "WHERE week = ? AND dimension = 'composite' ORDER BY rank LIMIT 1",
            [week],
        ).fetchone()
        before = con.execute(
            "SELECT county, rank_change FROM mat_dimension_rankings WHERE week = ? AND dimension = 'composite' "
            "ORDER BY county",
            [weeks[weeks.index(week) + 1]],
        ).fetchall()
        con.execute("BEGIN TRANSACTION")
        # a corrected file for that week: most of the county's counts back to nothing
        con.execute(
            "INSERT INTO submission_versions SELECT county, week, version + 1, file_name, sha256, loaded_at, "
            "rows, loaded_by FROM submission_versions WHERE county = ? AND week = ? AND version = ?",
            [county, week, version],
        )
        con.execute(
            "INSERT INTO unit_rows SELECT * REPLACE (version + 1 AS version, 0 AS discussion_members, "
            "0 AS research_done, 0 AS research_reports, 0 AS conversion_done, 0 AS livelihood_done, "
            "0 AS problems_rectified, 0 AS special_lectures, 0 AS mobile_members_reached) "
            "FROM unit_rows WHERE county = ? AND week = ? AND version = ?",
            [county, week, version],
        )
        con.execute(
            "UPDATE current_versions SET version = version + 1 WHERE county = ? AND week = ?", [county, week]
        )
        con.execute("COMMIT")
        assert materialise.refresh(con)
        after = con.execute(
            "SELECT county, rank_change FROM mat_dimension_rankings WHERE week = ? AND dimension = 'composite' "
            "ORDER BY county",
            [weeks[weeks.index(week) + 1]],
        ).fetchall()
    assert after != before  # the change moved a rank, so the next week's rank change moved too
    _assert_equal(demo_db, expect_shadowed=True)
