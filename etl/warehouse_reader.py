"""Reading the warehouse from the dashboard (or any reader) while the CLI may be loading.

DuckDB lets one process write or several read, never both, so readers open read-only, do their
queries, and close at once; a reader that meets a load in progress waits for it (loads are short).
"""

from __future__ import annotations

import contextlib
from pathlib import Path

import pandas as pd

from . import materialise
from .config import Config, default_config
from .warehouse import _fingerprint, connect, migrations, schema_version
from .write_session import write_session


class NoWarehouse(FileNotFoundError):
    """No warehouse file yet: the pages show how to load the first week."""


@contextlib.contextmanager
def reader(db_path: str | Path, wait_seconds: float = 30.0):
    """A short-lived read-only connection."""
    path = Path(db_path)
    if not path.exists():
        raise NoWarehouse(str(path))
    con = connect(path, read_only=True, wait_seconds=wait_seconds)
    try:
        materialise.attach(con)  # the stored scores when current, else the live views
        yield con
    finally:
        con.close()


def read_df(db_path: str | Path, sql: str, params=()) -> pd.DataFrame:
    with reader(db_path) as con:
        return con.execute(sql, list(params)).df()


def ensure_schema(db_path: str | Path, config: Config | None = None) -> bool:
    """Upgrade an older warehouse, or refresh views after a config change, before reading.

    Checks read-only first so that the common case never takes the write lock. Returns True when
    it had to write."""
    config = config or default_config()
    path = Path(db_path)
    if not path.exists():
        return False
    with reader(path) as con:
        latest = max(v for v, _, _ in migrations())
        up_to_date = schema_version(con) >= latest and (
            con.execute("SELECT value FROM meta WHERE key = 'fingerprint'").fetchone() or [None]
        )[0] == _fingerprint(config)
    if up_to_date:
        return False
    with write_session(path, config, refresh=False):  # opening it upgrades it
        pass
    return True
