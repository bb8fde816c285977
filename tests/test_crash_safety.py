"""`python -m etl load` killed with SIGKILL at several moments (points where the loader stops and
waits, etl/pause_points.py): the warehouse always opens, holds every file wholly or not at all, its
tables agree, and the next load completes to the same result as a load that was never interrupted."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from etl.demo import plan_demo, write_demo_files
from etl.load import iter_files

from .conftest import run_etl
from .dispatch_builder import grid, write_xlsx
from .pausing import PausedLoad

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def folder(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("crash") / "files"
    plan = plan_demo(until_week="2023-W48")
    firsts, corrections = write_demo_files(plan, out, progress=False)
    assert corrections  # a resubmission: a version 2 to get right
    for i in range(3):  # rejected files: archived and logged only
        write_xlsx(out / f"zz_bad_{i}.xlsx", grid(unit=f"红星{i}县"))
    return out


def check_consistent(db: Path) -> dict:
    """The warehouse opens and its tables agree; returns a summary for comparisons."""
    con = duckdb.connect(str(db), read_only=True)
    try:
        q = lambda sql: con.execute(sql).fetchall()  # noqa: E731
        tables = {r[0] for r in q("SELECT table_name FROM information_schema.tables")}
        if "submission_versions" not in tables:
            # killed before the first migration committed: an empty file the next load migrates
            assert not tables & {"unit_rows", "load_log", "file_archive", "current_versions"}, tables
            if "schema_migrations" in tables:
                assert q("SELECT count(*) FROM schema_migrations") == [(0,)]
            return {"versions": [], "reports": [], "archive": []}
        # every accepted version has exactly its rows and its archived bytes
        assert (
            q("""SELECT v.county, v.week, v.version, v.rows, count(r.unit) FROM submission_versions v
                    LEFT JOIN unit_rows r USING (county, week, version) GROUP BY ALL
                    HAVING v.rows <> count(r.unit)""")
            == []
        )
        assert q("SELECT sha256 FROM submission_versions EXCEPT SELECT sha256 FROM file_archive") == []
        # no rows without a version
        assert (
            q("""SELECT DISTINCT county, week, version FROM unit_rows
                    EXCEPT SELECT county, week, version FROM submission_versions""")
            == []
        )
        # one current version per submitted (county, week), pointing at a version that exists
        assert q("SELECT county, week FROM current_versions GROUP BY ALL HAVING count(*) > 1") == []
        assert (
            q("""SELECT county, week, version FROM current_versions
                    EXCEPT SELECT county, week, version FROM submission_versions""")
            == []
        )
        assert (
            q("""SELECT DISTINCT county, week FROM submission_versions
                    EXCEPT SELECT county, week FROM current_versions""")
            == []
        )
        # the latest version is current (this test never restores an older one)
        assert (
            q("""SELECT county, week FROM current_versions c JOIN (SELECT county, week, max(version) m
                    FROM submission_versions GROUP BY ALL) USING (county, week) WHERE c.version <> m""")
            == []
        )
        # the log and the versions agree, both ways
        assert (
            q("""SELECT county, week, version, sha256 FROM submission_versions EXCEPT
                    SELECT county, week, version, sha256 FROM load_log WHERE outcome = 'loaded'""")
            == []
        )
        assert (
            q("""SELECT county, week, version, sha256 FROM load_log WHERE outcome = 'loaded' EXCEPT
                    SELECT county, week, version, sha256 FROM submission_versions""")
            == []
        )
        # every file named in the log has its bytes in the archive
        assert (
            q("SELECT sha256 FROM load_log WHERE sha256 IS NOT NULL EXCEPT SELECT sha256 FROM file_archive")
            == []
        )
        # what readers see: every (county, week) has all rows of its current file
        assert (
            q("""SELECT c.county, c.week FROM current_versions c JOIN submission_versions v
                    USING (county, week, version) JOIN (SELECT county, week, count(*) n FROM unit_rows
                    JOIN current_versions USING (county, week, version) GROUP BY ALL) u USING (county, week)
                    WHERE u.n <> v.rows""")
            == []
        )
        if "unit_reports" not in {r[0] for r in q("SELECT view_name FROM duckdb_views()")}:
            # killed between the first migration and the views: no fingerprint, so the next
            # open (a load, or the dashboard's ensure_schema) creates them
            assert q("SELECT value FROM meta WHERE key = 'fingerprint'") == []
            return {
                "versions": q("SELECT county, week, version, sha256, rows FROM submission_versions"),
                "reports": [],
                "archive": [],
            }
        return {
            "versions": q("SELECT county, week, version, sha256, rows FROM submission_versions ORDER BY ALL"),
            "reports": q("SELECT * FROM unit_reports ORDER BY ALL"),
            "archive": q("SELECT sha256, size FROM file_archive ORDER BY ALL"),
        }
    finally:
        con.close()


def kill_moments(folder: Path) -> list[tuple[str, str]]:
    """(point, what the warehouse holds after a kill there): the loader stops at each point
    (etl/pause_points.py) and is killed there, in this order, on one warehouse."""
    names = [p.name for p in iter_files([folder])]
    assert len(set(names)) == len(names)  # a point names its file
    first, middle, last = names[0], names[len(names) // 2], names[-1]
    return [
        ("opened", "nothing"),
        (f"before-commit:{first}", "nothing"),
        (f"written:{first}", "some"),
        (f"before-commit:{middle}", "no fewer"),
        (f"written:{middle}", "more"),
        (f"written:{last}", "all"),
        ("refreshing", "all"),
    ]


def test_sigkill_at_several_moments_loses_nothing(tmp_path, folder):
    reference_db = tmp_path / "reference.duckdb"
    done = run_etl("load", folder, "--db", reference_db, timeout=300)
    assert done.returncode == 1, done.stderr  # 1: the bad files were rejected
    reference = check_consistent(reference_db)
    total = len(reference["versions"])

    db = tmp_path / "w.duckdb"
    held = []
    for point, expected in kill_moments(folder):
        load = PausedLoad(folder, db, [point], tmp_path / "fifo")
        stopped = load.next_pause()
        assert stopped is not None, f"the load ended without reaching {point}: {load.finish()}"
        load.kill()
        state = check_consistent(db)
        assert set(state["versions"]) <= set(reference["versions"])
        n = len(state["versions"])
        if expected == "nothing":
            assert n == 0, point
        elif expected == "all":
            assert n == total, point
        elif expected == "no fewer":  # the batches before the middle one were committed
            assert held[-1] <= n < total, (point, held, n)
        else:  # some, more: a kill between batches keeps the batches before it, and only those
            assert held[-1] < n < total, (point, held, n)
        held.append(n)

    # the next load completes, and the result is the same as an uninterrupted load
    done = run_etl("load", folder, "--db", db, timeout=300)
    assert done.returncode == 1, done.stderr
    final = check_consistent(db)
    assert final["versions"] == reference["versions"]
    assert final["reports"] == reference["reports"]
    assert final["archive"] == reference["archive"]
