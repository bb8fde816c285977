"""The one way to change the warehouse: open it for writing, change it in transactions, refresh the
stored scores, let it go. Used by `python -m etl load`, the upload page, the restore of a version,
and backup/restore of the whole warehouse.

    with write_session(db_path, config) as session:
        with session.transaction() as con:
            ...  # all or nothing
    # leaving: the stored scores (etl.materialise) refreshed, a snapshot published if the data
    # changed, the write lock released

DuckDB lets one process write or several read. Readers never open the warehouse: they read the
published snapshots (etl.snapshot), so a session may hold the write lock as long as it needs.
`pause()` closes the connection (the next use of `session.con` opens it again).
"""

from __future__ import annotations

import contextlib
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

import duckdb

from . import materialise, snapshot
from .config import Config, default_config, warehouse_path
from .warehouse import connect, migrate, transaction


class WriteSession:
    """A read-write connection that can be let go and taken again; see the module docstring."""

    def __init__(
        self,
        db_path=None,
        config: Config | None = None,
        *,
        on_wait: Callable[[float], None] | None = None,
        upgrade: bool = True,
        settings: Sequence[str] = (),
    ):
        self.config = config or default_config()
        self.db_path = Path(db_path) if db_path else warehouse_path(None, self.config)
        self.on_wait = on_wait
        self.upgrade = upgrade  # bring the schema and views up to date on opening
        self.settings = tuple(settings)  # SET statements for every connection this session opens
        self._con: duckdb.DuckDBPyConnection | None = None
        # a change readers must see that the data state does not show (an account's change in the
        # audit trail, a rejected file's load log line): publish on leaving whatever the state
        self.always_publish = False
        self._opened = 0.0

    @property
    def con(self) -> duckdb.DuckDBPyConnection:
        """The connection, opened (waiting for another writer) when the session does not hold one."""
        if self._con is None:
            con = connect(self.db_path, read_only=False, on_wait=self.on_wait)
            try:
                if self.upgrade:
                    migrate(con, self.config)
                for statement in self.settings:
                    con.execute(statement)
            except BaseException:
                con.close()
                raise
            self._con, self._opened = con, time.monotonic()
        return self._con

    @property
    def is_open(self) -> bool:
        return self._con is not None

    def held_for(self) -> float:
        """Seconds since the connection was opened (0 when closed)."""
        return time.monotonic() - self._opened if self._con is not None else 0.0

    @contextlib.contextmanager
    def transaction(self) -> Iterator[duckdb.DuckDBPyConnection]:
        with transaction(self.con) as con:
            yield con

    def refresh_scores(self) -> bool:
        """Bring the stored scores up to date (cheap when nothing changed); never raises."""
        return materialise.refresh(self.con)

    def publish_if_changed(self) -> Path | None:
        """Publish the warehouse as a new snapshot when what readers see differs from the newest
        snapshot: the current versions, the views and settings, or the stored scores (a load whose
        files were all unchanged changes none of them); or when `always_publish` says the session
        wrote what the data state does not show (audit rows, a rejected file's log line); or when
        there is no snapshot yet (a publish that did not finish left none newer). A failed publish
        leaves readers on the previous snapshot, says so, and is made by the next session; it never
        fails the session's work."""
        con = self.con
        now = materialise.data_state(con)
        newest = snapshot.latest(self.db_path)
        if newest is not None and not self.always_publish:
            try:
                with snapshot.open_snapshot(self.db_path, newest) as published:
                    if materialise.data_state(published) == now:
                        return None
            except (duckdb.Error, OSError):  # unreadable: publish a good one
                pass
        try:
            return snapshot.publish(con, self.db_path)
        except OSError as exc:
            print(f"（提示）数据已写入，但发布快照失败，仪表板仍显示上一次的数据：{exc}", file=sys.stderr)
            return None

    def pause(self) -> None:
        """Let the warehouse go for now (readers get in); the next `con` opens it again."""
        if self._con is not None:
            self._con.close()
            self._con = None

    release = pause


@contextlib.contextmanager
def write_session(
    db_path=None,
    config: Config | None = None,
    *,
    on_wait: Callable[[float], None] | None = None,
    upgrade: bool = True,
    settings: Sequence[str] = (),
    refresh: bool = True,
    publish: bool = True,
) -> Iterator[WriteSession]:
    """A WriteSession, opened at once; on a normal exit the stored scores are refreshed (with
    `refresh`) and a snapshot published if readers would see a change (with `publish`); the
    warehouse is released in every case."""
    session = WriteSession(db_path, config, on_wait=on_wait, upgrade=upgrade, settings=settings)
    try:
        session.con  # noqa: B018 — take the write lock now: the caller waits here, not mid-work
        yield session
        if refresh:
            session.refresh_scores()
        if publish:
            session.publish_if_changed()
    finally:
        session.release()
