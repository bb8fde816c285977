"""Materialised scores: the scoring views computed once after a load, read by the dashboard.

The scoring views (etl/sql/views) stay the single definition of every number, and they stay live:
anything that reads them on its own connection gets them computed from unit_rows. At province scale that
is too slow for a page (docs/performance.md), so after a load `refresh(con)` stores their results in
tables (mat_*), and `attach(con)` — called by etl.warehouse_reader.reader for every read-only connection —
shadows the heavy views with TEMP views over those tables, but only while the tables are exactly
current: a stamp (view/config fingerprint + a hash of current_versions) is written with them and
checked on attach. A warehouse changed without a refresh (a restore, a test writing rows directly,
a loader without the hook) is simply read live again: slower, never wrong.

DuckDB resolves names inside views through the search path with the temp schema first, so the
shadowing also applies to the contract views built on top (level_scores, county_scores, rankings …).

The indicator layer (the costly one: every unit row × 17 indicators) is refreshed incrementally per
(county, week, version); the layers above it only for the weeks that changed (and, for the rank
change, the week after each), so a weekly load costs the same whatever the number of weeks held.
"""

from __future__ import annotations

import sys
import time

from .snapshot import PerSnapshot
from .warehouse import transaction

# view → how its materialised table is read (the column list of the view, in its order)
INDICATOR_TABLE = "mat_indicator_scores"
VERSIONS_TABLE = "mat_versions"
# Views rebuilt whole from the indicator layer, in dependency order: (view, table).
UPPER = (
    ("scope_level_scores", "mat_scope_level_scores"),
    ("scope_county_scores", "mat_scope_county_scores"),
    ("scope_gradients", "mat_scope_gradients"),
    ("dimension_rankings", "mat_dimension_rankings"),
    ("score_flags", "mat_score_flags"),
    ("ranking_list", "mat_ranking_list"),
)
STAMP_KEY = "materialised"
LAYOUT = "+".join(table for _, table in UPPER)

# md5 over the sorted list, not an XOR of row hashes: DuckDB combines the hashes of a row's values so
# that two resubmissions in one load (v1→v2 twice) cancel out in an XOR, and the stamp missed them.
SQL_STATE = """
SELECT (SELECT value FROM meta WHERE key = 'fingerprint'),
       (SELECT value FROM meta WHERE key = 'materialised'),
       count(*), coalesce(md5(string_agg(county || '|' || week || '|' || version, ',' ORDER BY county, week)), '')
FROM current_versions
"""


def _state(con) -> tuple[str | None, str | None]:
    """(the stamp the warehouse has now, the stamp stored with the tables)."""
    fp, stored, n, x = con.execute(SQL_STATE).fetchone()
    # the tables' names too: tables stored by a version with other tables are not current
    return f"{fp}|{LAYOUT}|{n}|{x}", stored


def data_state(con) -> tuple[str, str | None]:
    """What readers of this warehouse see: (the data and views, the stored scores' stamp)."""
    return _state(con)


def is_fresh(con) -> bool:
    try:
        now, stored = _state(con)
    except Exception:  # noqa: BLE001 — an empty or older warehouse: nothing materialised
        return False
    return stored is not None and now == stored


def _shadow_sql(temp: bool = True) -> list[str]:
    kind = "TEMP VIEW" if temp else "VIEW"
    out = [
        f"CREATE OR REPLACE {kind} indicator_scores AS SELECT * EXCLUDE (version) FROM main.{INDICATOR_TABLE}"
    ]
    out += [f"CREATE OR REPLACE {kind} {view} AS SELECT * FROM main.{table}" for view, table in UPPER]
    # dimension_ranks is dimension_rankings without rank_change (views 40/41)
    out.append(
        f"CREATE OR REPLACE {kind} dimension_ranks AS "
        "SELECT * EXCLUDE (rank_change) FROM main.mat_dimension_rankings"
    )
    return out


# snapshot file (etl.snapshot.version) → whether its stored scores are current: a published snapshot
# never changes, so each process checks it once, not on every connection (the check hashes every
# current version, which grows with the counties)
_FRESH = PerSnapshot()


def is_current(con, immutable: tuple | None = None) -> bool:
    """Whether the stored scores are current (is_fresh), remembered for a file that never changes
    (`immutable`: a published snapshot's etl.snapshot.version). Never raises."""
    fresh = _FRESH.get(immutable) if immutable is not None else None
    if fresh is None:
        fresh = is_fresh(con)
        if immutable is not None:
            _FRESH.remember(immutable, fresh)
    return fresh


def attach(con, immutable: tuple | None = None) -> bool:
    """On a (read-only) connection: read the materialised tables instead of computing the heavy views,
    when they are current (is_current). Returns whether it did. Never raises."""
    try:
        if not is_current(con, immutable):
            return False
        for sql in _shadow_sql():
            con.execute(sql)
        return True
    except Exception:  # noqa: BLE001 — fall back to the live views
        detach(con)
        return False


def detach(con) -> None:
    names = ["indicator_scores", "dimension_ranks", *(v for v, _ in UPPER)]
    for name in names:
        try:
            con.execute(f"DROP VIEW IF EXISTS temp.{name}")
        except Exception:  # noqa: BLE001
            pass


def _exists(con, table: str) -> bool:
    return bool(
        con.execute(
            "SELECT count(*) FROM duckdb_tables() WHERE schema_name = 'main' AND table_name = ?", [table]
        ).fetchone()[0]
    )


def refresh(con, *, force: bool = False, log=None) -> bool:
    """Bring the materialised tables up to date on a read-write connection with no open transaction
    (the loader's, after its last commit). Cheap when nothing changed. Returns True when the tables
    are current afterwards; on any error leaves the warehouse as it was (readers read live)."""
    try:
        if not force and is_fresh(con):
            return True
    except Exception:  # noqa: BLE001
        return False
    started = time.perf_counter()
    try:
        with transaction(con):
            stats = _refresh(con, force)
    except Exception as exc:  # noqa: BLE001 — a failed refresh must not fail the load
        detach(con)
        print(f"（提示）汇总表刷新失败，仪表板将直接计算：{type(exc).__name__}: {exc}", file=sys.stderr)
        return False
    if log:
        log(f"materialised {stats} in {time.perf_counter() - started:.2f} s")
    return True


def _refresh(con, force: bool) -> dict:
    fp_row = con.execute("SELECT value FROM meta WHERE key = 'fingerprint'").fetchone()
    fingerprint = fp_row[0] if fp_row else None
    stored = con.execute("SELECT value FROM meta WHERE key = ?", [STAMP_KEY]).fetchone()
    same_views = stored is not None and stored[0].split("|", 1)[0] == str(fingerprint)
    rebuild = force or not same_views or not _exists(con, INDICATOR_TABLE) or not _exists(con, VERSIONS_TABLE)
    detach(con)  # the indicator layer is always computed from the live views
    if rebuild:
        con.execute(
            f"CREATE OR REPLACE TABLE {VERSIONS_TABLE} (county VARCHAR, week VARCHAR, version INTEGER)"
        )
        con.execute(
            f"CREATE OR REPLACE TABLE {INDICATOR_TABLE} AS "
            "SELECT s.*, c.version FROM indicator_scores AS s JOIN current_versions AS c "
            "USING (county, week) ORDER BY s.week, s.county"
        )
        con.execute(f"INSERT INTO {VERSIONS_TABLE} SELECT county, week, version FROM current_versions")
        changed = -1
        weeks = None  # every week
    else:
        # versions no longer current (a resubmission or a restore replaced them) go, only from the
        # weeks that hold one (a scan of every week's stored scores grows with the warehouse)
        stale = [
            w
            for (w,) in con.execute(
                f"SELECT DISTINCT week FROM {VERSIONS_TABLE} AS m WHERE NOT EXISTS (SELECT 1 FROM "
                "current_versions AS c WHERE c.county = m.county AND c.week = m.week AND c.version = m.version)"
            ).fetchall()
        ]
        if stale:
            for table in (INDICATOR_TABLE, VERSIONS_TABLE):
                con.execute(
                    f"DELETE FROM {table} AS m WHERE list_contains(?, m.week) AND NOT EXISTS (SELECT 1 FROM "
                    "current_versions AS c WHERE c.county = m.county AND c.week = m.week "
                    "AND c.version = m.version)",
                    [stale],
                )
        con.execute(
            "CREATE OR REPLACE TEMP TABLE mat_missing AS SELECT county, week, version FROM current_versions "
            f"EXCEPT SELECT county, week, version FROM {VERSIONS_TABLE}"
        )
        changed = con.execute("SELECT count(*) FROM mat_missing").fetchone()[0]
        new_weeks = [r[0] for r in con.execute("SELECT DISTINCT week FROM mat_missing").fetchall()]
        weeks = sorted({*stale, *new_weeks})  # the weeks whose scores change
        if changed:
            # the weeks bound as constants let DuckDB skip the other weeks' row groups of unit_rows
            con.execute(
                f"INSERT INTO {INDICATOR_TABLE} BY NAME "
                "SELECT s.*, m.version FROM indicator_scores AS s JOIN temp.mat_missing AS m "
                "USING (county, week) WHERE list_contains(?, s.week)",
                [new_weeks],
            )
            con.execute(f"INSERT INTO {VERSIONS_TABLE} SELECT county, week, version FROM temp.mat_missing")
        con.execute("DROP TABLE temp.mat_missing")
    # the layers above, from the (now current) indicator layer: whole after a rebuild, else only the
    # weeks that changed (every layer but the rank change is computed week by week; a week's rank
    # change also moves with the week before it)
    con.execute(_shadow_sql()[0])
    after = False
    try:
        for view, table in UPPER:
            if weeks is None:
                con.execute(
                    f"CREATE OR REPLACE TABLE main.{table} AS SELECT * FROM {view} ORDER BY week, county"
                )
            elif weeks:
                # from the rank change on, a layer also moves with the week before it
                after = after or view == "dimension_rankings"
                redo = _and_the_week_after(con, weeks) if after else weeks
                con.execute(f"DELETE FROM main.{table} WHERE list_contains(?, week)", [redo])
                con.execute(
                    f"INSERT INTO main.{table} SELECT * FROM {view} WHERE list_contains(?, week) "
                    "ORDER BY week, county",
                    [redo],
                )
            # later layers read this one's table (dimension_ranks is derived, not stored)
            con.execute(f"CREATE OR REPLACE TEMP VIEW {view} AS SELECT * FROM main.{table}")
    finally:
        detach(con)
    now, _ = _state(con)
    con.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)", [STAMP_KEY, now])
    return {"versions_changed": changed}


def _and_the_week_after(con, weeks: list[str]) -> list[str]:
    after = con.execute(
        "SELECT n.week FROM cfg_weeks AS w JOIN cfg_weeks AS n ON n.week_no = w.week_no + 1 "
        "WHERE list_contains(?, w.week)",
        [weeks],
    ).fetchall()
    return sorted({*weeks, *(w for (w,) in after)})


def main(argv: list[str] | None = None) -> int:
    """`python -m etl.materialise [DB] [--force]`: refresh the tables by hand (the loader does it)."""
    import argparse

    from .config import warehouse_path
    from .write_session import write_session

    p = argparse.ArgumentParser(prog="python -m etl.materialise", description="刷新汇总表（导入后自动进行）")
    p.add_argument("db", nargs="?")
    p.add_argument("--force", action="store_true", help="全部重算")
    args = p.parse_args(argv)
    with write_session(warehouse_path(args.db), refresh=False) as session:
        ok = refresh(session.con, force=args.force, log=print)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
