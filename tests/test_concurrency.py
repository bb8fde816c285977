"""Two loads at once, and readers during a load.

DuckDB lets one process write or several read, never both at once. So:
- a load that finds the warehouse held waits (etl.warehouse.connect retries up to 60 s) and says so
  on stderr: 数据库正被其他程序使用，等待中……;
- readers never open the warehouse: they read the newest published snapshot (etl.snapshot), so a
  reader during a load neither waits nor sees any of it until the load publishes its snapshot
  (more in tests/test_snapshots.py)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from etl.demo import plan_demo, write_demo_files
from etl.warehouse import open_warehouse
from etl.warehouse_reader import reader

from .dispatch_builder import grid, write_xlsx
from .pausing import PausedLoad

ROOT = Path(__file__).resolve().parent.parent
WAIT_MESSAGE = "数据库正被其他程序使用，等待中"
pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def folders(tmp_path_factory):
    base = tmp_path_factory.mktemp("conc")
    write_demo_files(plan_demo(until_week="2023-W48"), base / "demo", progress=False)
    other = base / "other"
    other.mkdir()
    for county in ("东湖区", "西山区", "南城区"):
        for week in ("2023-W50", "2023-W51", "2023-W52"):
            write_xlsx(other / f"{county}_{week}.xlsx", grid(unit=county, week=week))
    return base / "demo", other


def cli_load(folder, db) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "etl", "load", str(folder), "--db", str(db)],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def wait_for_message(proc: subprocess.Popen) -> str:
    """Read the load's stderr up to the line saying it waits for the warehouse (the event that it is
    waiting); what was read is returned so that the rest of stderr can be added to it."""
    seen = ""
    for line in proc.stderr:
        seen += line
        if WAIT_MESSAGE in line:
            return seen
    raise AssertionError(f"the load did not wait (exit {proc.wait()}): {seen}")


def test_a_load_waits_for_another_writer_and_says_so(tmp_path, folders):
    db = tmp_path / "w.duckdb"
    held = open_warehouse(db)  # another process (here: this one) is writing
    proc = cli_load(folders[1], db)
    said = wait_for_message(proc)
    assert proc.poll() is None  # it said so and waits
    held.close()
    out, err = proc.communicate(timeout=120)
    assert proc.returncode == 0, said + err
    assert "导入 9" in out


def test_two_cli_loads_at_once_both_succeed(tmp_path, folders):
    db = tmp_path / "w.duckdb"
    held = open_warehouse(db)  # both start while the warehouse is busy, so they surely overlap
    first = cli_load(folders[0], db)
    second = cli_load(folders[1], db)
    said1, said2 = wait_for_message(first), wait_for_message(second)
    held.close()  # now they race for it: one loads, the other waits its turn
    out1, err1 = first.communicate(timeout=300)
    out2, err2 = second.communicate(timeout=300)
    assert first.returncode == 0, said1 + err1
    assert second.returncode == 0, said2 + err2
    con = duckdb.connect(str(db), read_only=True)
    try:
        n_files = len([p for p in folders[0].iterdir() if not p.name.startswith(".")]) + 9
        assert con.execute("SELECT count(*) FROM submission_versions").fetchone()[0] == n_files
    finally:
        con.close()


def read_state(db) -> tuple[list, dict]:
    """What a reader sees: rows per (county, week) of unit_reports, and the rows each current
    submission claims."""
    with reader(db) as rcon:
        counts = rcon.execute("SELECT county, week, count(*) FROM unit_reports GROUP BY ALL").fetchall()
        claimed = dict(
            ((c, w), n)
            for c, w, n in rcon.execute(
                "SELECT county, week, rows FROM submissions WHERE is_current"
            ).fetchall()
        )
    return counts, claimed


def test_readers_during_a_load_see_none_of_it_until_it_is_published(tmp_path, folders):
    # what the whole folder holds once loaded: the row count of one of each (county, week)'s versions
    ref = tmp_path / "ref.duckdb"
    subprocess.run(
        [sys.executable, "-m", "etl", "load", str(folders[0]), "--db", str(ref)],
        cwd=ROOT,
        capture_output=True,
        timeout=300,
        check=True,
    )
    con = duckdb.connect(str(ref), read_only=True)
    allowed: dict = {}
    for county, week, rows in con.execute("SELECT county, week, rows FROM submission_versions").fetchall():
        allowed.setdefault((county, week), set()).add(rows)
    con.close()

    db = tmp_path / "w.duckdb"
    open_warehouse(db).close()
    assert read_state(db) == ([], {})  # the empty warehouse, published at the first read
    # the loader of `python -m etl load`, stopping after each batch and before it publishes
    load = PausedLoad(
        folders[0],
        db,
        ["written:*", "publishing"],
        tmp_path / "fifo",
        code="import sys; import etl.load as l; "
        "l.load_paths([sys.argv[1]], sys.argv[2], options=l.LoadOptions(batch_files=16))",
        args=[str(folders[0]), str(db)],
    )
    points = []
    while (stop := load.next_pause()) is not None:
        points.append(stop["point"])
        assert read_state(db) == ([], {}), f"a reader saw part of the load at {stop}"
        load.resume()
    returncode, out, err = load.finish()
    assert returncode == 0, err
    assert points.count("written") >= 3 and points[-1] == "publishing"
    counts, claimed = read_state(db)  # the load is published whole
    assert len(counts) == len(allowed)
    for county, week, n in counts:
        assert n in allowed[(county, week)] and claimed.get((county, week)) == n, (county, week, n)
