"""The DuckDB warehouse: connections that wait for each other, numbered migrations, the
config tables the scoring views read, and the views themselves (etl/sql/views, in file order)."""

from __future__ import annotations

import contextlib
import hashlib
import time
from collections.abc import Callable
from pathlib import Path

import duckdb

from .config import DIMENSIONS, Config, default_config
from .deadline import deadline_of, submission_rule
from .unit_row_schema import unit_row_columns
from .views import VIEWS_DIR, quote
from .views import view_sql as _render_views
from .weeks import campaign_weeks, expected_progress, months_started, week_monday, week_sunday

SQL_DIR = Path(__file__).parent / "sql"
MIGRATIONS_DIR = SQL_DIR / "migrations"
__all__ = ["VIEWS_DIR", "connect", "migrate", "open_warehouse", "view_sql"]

# Offline machines: never let DuckDB try to download an extension.
DUCKDB_SETTINGS = {"autoinstall_known_extensions": False, "autoload_known_extensions": False}


class WarehouseBusy(RuntimeError):
    """Another process held the warehouse for longer than we were willing to wait."""


def _is_lock_error(exc: Exception) -> bool:
    text = str(exc)
    return "lock" in text.lower() and ("Conflicting" in text or "Could not set lock" in text)


def connect(
    path: str | Path,
    read_only: bool = False,
    wait_seconds: float = 60.0,
    on_wait: Callable[[float], None] | None = None,
) -> duckdb.DuckDBPyConnection:
    """Open the warehouse; while another process holds it, retry until wait_seconds pass.

    DuckDB lets one process write or many read. Loads are short, so waiting is the right answer
    to "someone else is loading": on_wait(elapsed) lets the caller say so.
    """
    path = Path(path)
    if not read_only:
        path.parent.mkdir(parents=True, exist_ok=True)
    started, delay, told = time.monotonic(), 0.02, False
    while True:
        try:
            return duckdb.connect(str(path), read_only=read_only, config=dict(DUCKDB_SETTINGS))
        except duckdb.IOException as exc:
            if not _is_lock_error(exc):
                raise
            elapsed = time.monotonic() - started
            if elapsed > wait_seconds:
                raise WarehouseBusy(f"数据库正被其他程序占用（已等待 {elapsed:.0f} 秒）：{path}") from exc
            if on_wait and not told:
                on_wait(elapsed)
                told = True
            time.sleep(delay)
            delay = min(delay * 2, 0.1)  # loads let go between batches: look again soon


@contextlib.contextmanager
def transaction(con):
    """BEGIN … COMMIT around the block; ROLLBACK when it raises (anything, even KeyboardInterrupt)."""
    con.execute("BEGIN TRANSACTION")
    try:
        yield con
    except BaseException:
        con.execute("ROLLBACK")
        raise
    con.execute("COMMIT")


def migrations() -> list[tuple[int, str, str]]:
    out = []
    for f in sorted(MIGRATIONS_DIR.glob("*.sql")):
        out.append((int(f.name.split("_", 1)[0]), f.stem, f.read_text(encoding="utf-8")))
    return out


def view_sql(config: Config | None = None) -> list[tuple[str, str]]:
    """Every view's SQL in file order, the templates rendered from the config's catalogue."""
    return _render_views((config or default_config()).catalogue)


def schema_version(con) -> int:
    exists = con.execute(
        "SELECT count(*) FROM information_schema.tables WHERE table_name = 'schema_migrations'"
    ).fetchone()[0]
    if not exists:
        return 0
    return con.execute("SELECT coalesce(max(version), 0) FROM schema_migrations").fetchone()[0]


def _config_tables(config: Config) -> dict[str, tuple[str, list[tuple]]]:
    """The constants of config.toml as small tables, so the SQL views never hard-code them."""
    weeks = campaign_weeks(config.start, config.end)
    cat = config.catalogue
    rule = submission_rule(config)
    params = {k: float(v) for k, v in config.temperature.items()}
    params.update({f"{k}": float(v) for k, v in config.lights.items()})
    return {
        "cfg_campaign": (
            "city VARCHAR, campaign VARCHAR, start_date DATE, end_date DATE, city_direct VARCHAR",
            [(config.city, config.campaign_name, config.start, config.end, config.city_direct)],
        ),
        "cfg_units": (
            "county VARCHAR, is_county BOOLEAN, sort_order INTEGER",
            [(u, u != config.city_direct, i) for i, u in enumerate(config.units)],
        ),
        # the weights of the method in force for each week
        "cfg_weights": (
            "week VARCHAR, dimension VARCHAR, weight DOUBLE",
            [(w, d, float(cat.method_for(w).weights[d])) for w in weeks for d in DIMENSIONS],
        ),
        # every indicator id of every method: its latest label and the levels and methods it has
        "cfg_indicators": (
            "sort_order INTEGER, indicator VARCHAR, dimension VARCHAR, label VARCHAR, levels VARCHAR[], "
            "methods INTEGER[]",
            [
                (
                    i + 1,
                    ind.id,
                    ind.dimension,
                    ind.label,
                    list(ind.levels),
                    [m.version for m in cat.methods if any(x.id == ind.id for x in m.indicators)],
                )
                for i, ind in enumerate(cat.indicators)
            ],
        ),
        # each form's columns (the warehouse has a unit_rows column for every id of every form)
        "cfg_form_columns": (
            "form INTEGER, start_week VARCHAR, sort_order INTEGER, column_group VARCHAR, header VARCHAR, "
            "id VARCHAR, kind VARCHAR, levels VARCHAR[], required BOOLEAN, at_most VARCHAR",
            [
                (
                    f.version,
                    f.start,
                    i + 1,
                    c.group,
                    c.header,
                    c.id,
                    c.kind,
                    list(c.levels),
                    c.required,
                    c.at_most,
                )
                for f in cat.forms
                for i, c in enumerate(f.columns)
            ],
        ),
        # each method's indicators as the office wrote them (for the pages and the method document)
        "cfg_method_indicators": (
            "method INTEGER, start_week VARCHAR, sort_order INTEGER, indicator VARCHAR, dimension VARCHAR, "
            "label VARCHAR, levels VARCHAR[], target VARCHAR, achieved VARCHAR",
            [
                (
                    m.version,
                    m.start,
                    i + 1,
                    x.id,
                    x.dimension,
                    x.label,
                    list(x.levels),
                    x.target.text,
                    x.achieved.text,
                )
                for m in cat.methods
                for i, x in enumerate(m.indicators)
            ],
        ),
        "cfg_params": ("name VARCHAR, value DOUBLE", sorted(params.items())),
        "cfg_weeks": (
            "week VARCHAR, week_no INTEGER, monday DATE, sunday DATE, months_started INTEGER, "
            "expected_progress DOUBLE, deadline TIMESTAMP, form INTEGER, method INTEGER",
            [
                (
                    w,
                    i + 1,
                    week_monday(w),
                    week_sunday(w),
                    months_started(w, config.start),
                    expected_progress(w, config.start, config.end),
                    deadline_of(w, rule),
                    cat.form_for(w).version,
                    cat.method_for(w).version,
                )
                for i, w in enumerate(weeks)
            ],
        ),
    }


def _fingerprint(config: Config) -> str:
    h = hashlib.sha256()
    for name, sql in view_sql(config):
        h.update(name.encode() + sql.encode())
    h.update(repr(sorted((k, repr(v)) for k, v in _config_tables(config).items())).encode())
    return h.hexdigest()


def migrate(con, config: Config | None = None) -> int:
    """Bring the schema up to date, then refresh config tables and views when they changed.

    Returns the number of migrations applied. Each migration runs in its own transaction.
    """
    config = config or default_config()
    con.execute(
        "CREATE TABLE IF NOT EXISTS schema_migrations "
        "(version INTEGER PRIMARY KEY, name VARCHAR, applied_at TIMESTAMP)"
    )
    con.execute("CREATE TABLE IF NOT EXISTS meta (key VARCHAR PRIMARY KEY, value VARCHAR)")
    current, applied = schema_version(con), 0
    for version, name, sql in migrations():
        if version <= current:
            continue
        with transaction(con):
            con.execute(sql)
            con.execute("INSERT INTO schema_migrations VALUES (?, ?, now())", [version, name])
        applied += 1
    if current == 0 and applied:
        _forget_snapshots(con)
    fingerprint = _fingerprint(config)
    stored = con.execute("SELECT value FROM meta WHERE key = 'fingerprint'").fetchone()
    if applied or not stored or stored[0] != fingerprint:
        refresh_views(con, config, fingerprint)
    return applied


def _forget_snapshots(con) -> None:
    """A new warehouse where an earlier one was (deleted, or restored over): the snapshots of the
    earlier one must not be read as this one's."""
    from . import snapshot

    path = con.execute(
        "SELECT path FROM duckdb_databases() WHERE database_name = current_database()"
    ).fetchone()
    if path and path[0]:
        snapshot.cleanup(path[0], keep_newest=False)


def refresh_views(con, config: Config, fingerprint: str | None = None) -> None:
    with transaction(con):
        add_catalogue_columns(con, config)
        for name, (columns, rows) in _config_tables(config).items():
            con.execute(f"CREATE OR REPLACE TABLE {name} ({columns})")
            if rows:
                marks = ", ".join("?" * len(rows[0]))
                con.executemany(f"INSERT INTO {name} VALUES ({marks})", rows)
        for _name, sql in view_sql(config):
            con.execute(sql)
        con.execute(
            "INSERT OR REPLACE INTO meta VALUES ('fingerprint', ?)", [fingerprint or _fingerprint(config)]
        )


def add_catalogue_columns(con, config: Config) -> list[str]:
    """unit_rows gets a column for every id of every form version (a new column of the catalogue
    is added, NULL on the rows loaded before; a column no longer in the catalogue is kept: nothing
    loaded is lost). Returns the ids added."""
    have = {
        r[0]
        for r in con.execute(
            "SELECT column_name FROM duckdb_columns() WHERE table_name = 'unit_rows'"
        ).fetchall()
    }
    added = []
    for c in config.catalogue.metrics:
        if c.id not in have:
            kind = "BOOLEAN" if c.kind == "flag" else "INTEGER"
            con.execute(f"ALTER TABLE unit_rows ADD COLUMN {quote(c.id)} {kind}")
            added.append(c.id)
    missing = [n for n in unit_row_columns(config.catalogue) if n not in have and n not in added]
    assert not missing, missing  # keys, remarks and unit_key come with migration 001
    return added


def open_warehouse(path: str | Path, config: Config | None = None, **kw) -> duckdb.DuckDBPyConnection:
    """A read-write connection with the schema up to date."""
    con = connect(path, read_only=False, **kw)
    try:
        migrate(con, config)
    except Exception:
        con.close()
        raise
    return con


def data_version(path: str | Path) -> tuple:
    """A cheap key that changes whenever the warehouse file changes (a load, and the checkpoint of
    every publish): for keeping things made from its data, such as the rankings page's files."""
    p = Path(path)
    try:
        st = p.stat()
    except FileNotFoundError:
        return (str(p), 0, 0)
    wal = p.with_name(p.name + ".wal")
    wal_m = wal.stat().st_mtime_ns if wal.exists() else 0
    return (str(p), st.st_mtime_ns, st.st_size, wal_m)
