"""etl.write_session: the one way to change the warehouse. A transaction commits whole or not at all;
leaving a session refreshes the stored scores and lets the warehouse go; no module begins a
transaction by hand."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from etl import materialise
from etl.load import load_files
from etl.warehouse import connect, transaction
from etl.write_session import WriteSession, write_session

from .dispatch_builder import grid, write_xlsx

ROOT = Path(__file__).resolve().parent.parent


def _count(db_path) -> int:
    con = connect(db_path, read_only=True)
    try:
        return con.execute("SELECT count(*) FROM meta WHERE key = 'probe'").fetchone()[0]
    finally:
        con.close()


def test_a_transaction_commits_whole_or_not_at_all(db_path):
    with write_session(db_path) as session:
        with session.transaction() as con:
            con.execute("INSERT INTO meta VALUES ('probe', 'kept')")
        with pytest.raises(RuntimeError), session.transaction() as con:
            con.execute("DELETE FROM meta WHERE key = 'probe'")
            raise RuntimeError("stop half-way")
    assert _count(db_path) == 1


def test_leaving_a_session_refreshes_the_stored_scores_and_releases(db_path, tmp_path):
    data = write_xlsx(tmp_path / "a.xlsx", grid()).read_bytes()
    [report] = load_files([("a.xlsx", data)], db_path, loaded_by="test")
    assert report.outcome == "loaded", report.errors
    con = connect(db_path, read_only=True)  # the writer is gone
    try:
        assert materialise.is_fresh(con)
    finally:
        con.close()


def test_an_error_in_a_session_releases_without_refreshing(db_path, tmp_path, monkeypatch):
    refreshed = []
    monkeypatch.setattr(WriteSession, "refresh_scores", lambda self: refreshed.append(1))
    with pytest.raises(ValueError), write_session(db_path) as session:
        raise ValueError("the caller's error")
    assert refreshed == [] and not session.is_open
    with write_session(db_path):
        pass
    assert refreshed == [1]


def test_pause_lets_go_and_the_next_use_opens_again(db_path):
    session = WriteSession(db_path, settings=["SET threads = 1"])
    try:
        assert session.con.execute("SELECT current_setting('threads')").fetchone()[0] == 1
        session.pause()
        assert not session.is_open and session.held_for() == 0.0
        # the settings apply to every connection the session opens
        assert session.con.execute("SELECT current_setting('threads')").fetchone()[0] == 1
    finally:
        session.release()


def test_transaction_rolls_back_on_interrupt(db_path):
    with write_session(db_path, refresh=False) as session:
        with pytest.raises(KeyboardInterrupt), transaction(session.con) as con:
            con.execute("INSERT INTO meta VALUES ('probe', 'lost')")
            raise KeyboardInterrupt
    assert _count(db_path) == 0


def test_no_module_begins_a_transaction_by_hand():
    """BEGIN/COMMIT/ROLLBACK are written once, in etl.warehouse.transaction."""
    for path in [*ROOT.glob("etl/*.py"), *ROOT.glob("app/*.py"), *ROOT.glob("pages/*.py")]:
        text = path.read_text(encoding="utf-8")
        found = re.findall(r"\"(BEGIN|COMMIT|ROLLBACK)\b", text)
        assert not found or path.name == "warehouse.py", (path.name, found)
