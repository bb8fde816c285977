"""Reading the warehouse from the dashboard (or any reader) while the CLI may be loading.

Readers never open the warehouse itself: they open the newest published snapshot (etl.snapshot), a
read-only copy the writer makes after every load that changed data. So a reader never waits for a
load, a load never waits for a reader, and any number of dashboard processes read at once. A
warehouse that has no snapshot yet (made by an older version, or just created) gets one at its first
read: that one time the reader waits for a running load, as ensure_schema does for an upgrade.
"""

from __future__ import annotations

import contextlib
import threading
from pathlib import Path

import duckdb
import pandas as pd

from . import materialise, snapshot
from .config import Config, default_config
from .warehouse import DUCKDB_SETTINGS, _fingerprint, migrations, schema_version
from .write_session import write_session


class NoWarehouse(FileNotFoundError):
    """No warehouse file yet: the pages show how to load the first week."""


@contextlib.contextmanager
def reader(db_path: str | Path, snapshot_path: Path | None = None):
    """A short-lived read-only connection to the newest snapshot of the warehouse at db_path (or to
    snapshot_path, while it exists: a page reads one snapshot for a whole rerun)."""
    with _reader(db_path, snapshot_path) as (con, _):
        yield con


@contextlib.contextmanager
def _reader(db_path: str | Path, snapshot_path: Path | None = None):
    """reader(), also yielding the snapshot it opened."""
    path = Path(db_path)
    if not path.exists():
        raise NoWarehouse(str(path))
    try:
        held = snapshot.hold(path, snapshot_path)
    except snapshot.NoSnapshot:
        publish_now(path)
        held = snapshot.hold(path)
    try:
        version = snapshot.version(held.path)
        _keep_open(held.path, version)
        con = duckdb.connect(str(held.path), read_only=True, config=dict(DUCKDB_SETTINGS))
        try:
            # the stored scores when current, else the live views; checked once per snapshot file
            materialise.attach(con, version)
            yield con, held.path
        finally:
            con.close()
    finally:
        held.release()


# One database kept open per process, on the snapshot read last: DuckDB hands every later connect to
# the same file that open database (no catalogue to read again, its blocks still cached), where a
# first open reads the catalogue of the whole file. It holds no flock: publishing may remove the
# file meanwhile, and the open database goes on reading it until a newer snapshot replaces it here.
_KEPT: dict = {"version": None, "con": None}
_KEPT_LOCK = threading.Lock()


def _keep_open(path: Path, version: tuple) -> None:
    with _KEPT_LOCK:
        if _KEPT["version"] == version:
            return
        if _KEPT["con"] is not None:
            # closed first: a file of the same name (a warehouse made anew) must not reach the old one
            _KEPT["con"].close()
            _KEPT.update(version=None, con=None)
        con = duckdb.connect(str(path), read_only=True, config=dict(DUCKDB_SETTINGS))
        _KEPT.update(version=version, con=con)


def close_kept() -> None:
    """Close the database kept open on the last snapshot read (a process about to remove it)."""
    with _KEPT_LOCK:
        if _KEPT["con"] is not None:
            _KEPT["con"].close()
        _KEPT.update(version=None, con=None)


def read_df(db_path: str | Path, sql: str, params=()) -> pd.DataFrame:
    with reader(db_path) as con:
        return con.execute(sql, list(params)).df()


def publish_now(db_path: str | Path) -> Path | None:
    """Publish the warehouse as it is, unless its newest snapshot already shows it (waits for a
    running load). Readers call it when a warehouse has no snapshot yet."""
    with write_session(db_path, upgrade=False, refresh=False, publish=False) as session:
        return session.publish_if_changed()


# (snapshot file, views and config fingerprint) found up to date: a snapshot never changes, so
# ensure_schema checks each one once per process
_CHECKED = snapshot.PerSnapshot()
_FINGERPRINTS: dict[int, tuple[Config, str]] = {}


def fingerprint(config: Config) -> str:
    """The views and config tables' fingerprint (rendering every view), once per config object."""
    known = _FINGERPRINTS.get(id(config))
    if known is None or known[0] is not config:
        if len(_FINGERPRINTS) >= 16:
            _FINGERPRINTS.clear()
        known = _FINGERPRINTS[id(config)] = (config, _fingerprint(config))
    return known[1]


def ensure_schema(db_path: str | Path, config: Config | None = None) -> bool:
    """Upgrade an older warehouse, refresh views after a config change, and refresh stored scores
    left stale (by an upgrade, a change of the views or config, a restore), before reading; the
    result is published, so pages read stored scores again at once, not after the next load.

    Checks the newest snapshot first, so that the common case never touches the warehouse (and a
    snapshot already checked costs a stat). Returns True when it had to write."""
    config = config or default_config()
    path = Path(db_path)
    if not path.exists():
        return False
    expected = fingerprint(config)
    newest = snapshot.latest(path)
    if newest is not None and (snapshot.version(newest), expected) in _CHECKED:
        return False
    with _reader(path, newest) as (con, opened):
        latest = max(v for v, _, _ in migrations())
        up_to_date = (
            schema_version(con) >= latest
            and (con.execute("SELECT value FROM meta WHERE key = 'fingerprint'").fetchone() or [None])[0]
            == expected
            # the reader's own check of this snapshot, remembered: no second hash of the versions
            and materialise.is_current(con, snapshot.version(opened))
        )
    if up_to_date:
        _CHECKED.remember((snapshot.version(opened), expected), True)
        return False
    # opening it upgrades it; leaving refreshes the stored scores and publishes the result
    with write_session(path, config):
        pass
    # the newest snapshot now (or the same one, when the refresh could not be made: readers stay on
    # the live views and the next rerun does not try again)
    _CHECKED.remember((snapshot.version(snapshot.latest(path)), expected), True)
    return True
