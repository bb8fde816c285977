"""etl.warehouse_reader: a published snapshot never changes, so the checks a reader makes on it (are
its stored scores current? is its schema up to date?) run once per snapshot file in a process, not
on every connection; a new snapshot is checked again, and a stale one stays read live until
ensure_schema (the dashboard's first read of it) refreshes the stored scores and publishes them."""

from __future__ import annotations

import pytest

from etl import materialise, snapshot
from etl import warehouse_reader as wr
from etl.demo import DEFAULT_SEED, demo_config, run_demo
from etl.warehouse import connect


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("checks")
    run_demo(tmp / "w.duckdb", tmp / "files", counties=3, units=6, until_week="2023-W38", progress=False)
    return tmp / "w.duckdb"


def _shadowed(con) -> bool:
    sql = "SELECT count(*) FROM duckdb_views() WHERE temporary AND view_name = 'ranking_list'"
    return con.execute(sql).fetchone()[0] == 1


def _counting(monkeypatch, module, name) -> list:
    calls = []
    original = getattr(module, name)

    def counted(*args, **kwargs):
        calls.append(args)
        return original(*args, **kwargs)

    monkeypatch.setattr(module, name, counted)
    return calls


def _publish(db) -> None:
    con = connect(db)
    try:
        snapshot.publish(con, db)
    finally:
        con.close()


def test_the_stored_scores_are_checked_once_per_snapshot(demo_db, monkeypatch):
    checks = _counting(monkeypatch, materialise, "_state")
    for _ in range(3):
        with wr.reader(demo_db) as con:
            assert _shadowed(con)  # current stored scores: read from the tables
    assert len(checks) == 1

    _publish(demo_db)  # a new snapshot file: checked again, once
    for _ in range(2):
        with wr.reader(demo_db) as con:
            assert _shadowed(con)
    assert len(checks) == 2


def test_a_snapshot_whose_stored_scores_are_stale_stays_live(demo_db, monkeypatch):
    con = connect(demo_db)
    try:  # a change no refresh followed (a hand edit): the stored scores no longer match
        county, week = con.execute("SELECT county, week FROM current_versions LIMIT 1").fetchone()
        con.execute("DELETE FROM current_versions WHERE county = ? AND week = ?", [county, week])
        snapshot.publish(con, demo_db)
    finally:
        con.close()
    checks = _counting(monkeypatch, materialise, "_state")
    for _ in range(2):
        with wr.reader(demo_db) as con:
            assert not _shadowed(con)
            listed = con.execute(
                "SELECT status FROM ranking_list WHERE county = ? AND week = ? AND dimension = 'composite'",
                [county, week],
            ).fetchone()
            assert listed == ("未报送",)  # the live view sees the change
    assert len(checks) == 1
    con = connect(demo_db)
    try:
        assert materialise.refresh(con)
        snapshot.publish(con, demo_db)
    finally:
        con.close()
    with wr.reader(demo_db) as con:
        assert _shadowed(con)


def test_the_schema_of_a_snapshot_is_checked_once(demo_db, monkeypatch):
    config = demo_config(None, 3, DEFAULT_SEED)  # the demo warehouse's own config
    monkeypatch.setattr(wr, "_CHECKED", snapshot.PerSnapshot())
    monkeypatch.setattr(wr, "_FINGERPRINTS", {})
    opened = _counting(monkeypatch, wr, "_reader")
    renders = _counting(monkeypatch, wr, "_fingerprint")  # renders every view of the catalogue
    for _ in range(3):
        assert wr.ensure_schema(demo_db, config) is False
    assert (len(opened), len(renders)) == (1, 1)

    _publish(demo_db)  # a new snapshot: opened once more, the views not rendered again
    for _ in range(2):
        assert wr.ensure_schema(demo_db, config) is False
    assert (len(opened), len(renders)) == (2, 1)


def _weeks(db) -> int:
    with wr.reader(db) as con:
        return con.execute("SELECT count(DISTINCT week) FROM current_versions").fetchone()[0]


def test_the_database_kept_open_follows_the_newest_snapshot(demo_db):
    _weeks(demo_db)
    assert wr._KEPT["version"] == snapshot.version(snapshot.latest(demo_db))
    _publish(demo_db)
    _weeks(demo_db)
    assert wr._KEPT["version"] == snapshot.version(snapshot.latest(demo_db))


def test_a_warehouse_made_anew_under_the_same_snapshot_name_is_read_anew(demo_db, tmp_path):
    db = tmp_path / "w.duckdb"
    db.write_bytes(demo_db.read_bytes())
    before = _weeks(db)  # its first snapshot, kept open
    first = snapshot.latest(db)
    con = connect(db)
    try:
        con.execute("DELETE FROM current_versions WHERE week = (SELECT max(week) FROM current_versions)")
    finally:
        con.close()
    for f in snapshot.folder(db).iterdir():
        f.unlink()  # the old snapshots gone: the next one takes the same name
    wr.publish_now(db)
    assert snapshot.latest(db) == first
    assert _weeks(db) == before - 1


def _publish_stale_scores(db):
    """What a release with other views or stored tables leaves: a stamp the warehouse no longer has,
    published; returns that snapshot."""
    con = connect(db)
    try:
        con.execute(
            "UPDATE meta SET value = 'stored by an older version' WHERE key = ?", [materialise.STAMP_KEY]
        )
        snapshot.publish(con, db)
    finally:
        con.close()
    return snapshot.latest(db)


def test_stored_scores_left_stale_by_an_upgrade_are_refreshed_and_published_once(demo_db, monkeypatch):
    config = demo_config(None, 3, DEFAULT_SEED)
    monkeypatch.setattr(wr, "_CHECKED", snapshot.PerSnapshot())
    stale = _publish_stale_scores(demo_db)
    with wr.reader(demo_db) as con:
        assert not _shadowed(con)  # the live views, until something refreshes
    refreshes = _counting(monkeypatch, materialise, "refresh")
    assert wr.ensure_schema(demo_db, config) is True
    assert snapshot.latest(demo_db) != stale  # published at once, not at the next load
    with wr.reader(demo_db) as con:
        assert _shadowed(con)
    for _ in range(2):
        assert wr.ensure_schema(demo_db, config) is False
    assert len(refreshes) == 1


def test_a_refresh_that_fails_is_not_tried_again_on_the_same_snapshot(demo_db, monkeypatch):
    config = demo_config(None, 3, DEFAULT_SEED)
    monkeypatch.setattr(wr, "_CHECKED", snapshot.PerSnapshot())
    stale = _publish_stale_scores(demo_db)
    monkeypatch.setattr(materialise, "_refresh", lambda con, force: 1 / 0)
    assert wr.ensure_schema(demo_db, config) is True  # tried: the pages stay on the live views
    tries = _counting(monkeypatch, wr, "write_session")
    assert wr.ensure_schema(demo_db, config) is False  # and not again on every rerun
    assert not tries and snapshot.latest(demo_db) == stale
    with wr.reader(demo_db) as con:
        assert not _shadowed(con)
    monkeypatch.undo()
    con = connect(demo_db)
    try:  # the next load's refresh makes them current again
        assert materialise.refresh(con)
        snapshot.publish(con, demo_db)
    finally:
        con.close()


def test_a_memo_of_snapshots_is_bounded():
    memo = snapshot.PerSnapshot(limit=2)
    memo.remember(("a", 1, 1), True)
    memo.remember(("b", 1, 1), False)
    memo.remember(("b", 1, 1), True)  # a key already held does not empty it
    assert memo == {("a", 1, 1): True, ("b", 1, 1): True}
    memo.remember(("c", 1, 1), True)
    assert memo == {("c", 1, 1): True}
