"""Two loads at once, and readers during a load.

DuckDB lets one process write or several read, never both at once. So:
- a load that finds the warehouse held waits (etl.warehouse.connect retries up to 60 s) and says so
  on stderr: 数据库正被其他程序使用，等待中……;
- a long load closes and reopens its connection every 5 s (etl.load.LoadOptions.reopen_seconds) so that readers
  (the dashboard) get in between files; readers hold their connection only for one query;
- a reader that meets a load waits for it (etl.warehouse_reader.reader, up to 30 s), and since each file is one
  transaction it sees a submission wholly or not at all."""

from __future__ import annotations

import subprocess
import sys
import threading
import time
from pathlib import Path

import duckdb
import pytest

from etl.demo import plan_demo, write_demo_files
from etl.warehouse import open_warehouse
from etl.warehouse_reader import reader

from .dispatch_builder import grid, write_xlsx

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


def test_a_load_waits_for_another_writer_and_says_so(tmp_path, folders):
    db = tmp_path / "w.duckdb"
    held = open_warehouse(db)  # another process (here: this one) is writing
    proc = cli_load(folders[1], db)
    time.sleep(2.5)
    assert proc.poll() is None, "the load did not wait"
    held.close()
    out, err = proc.communicate(timeout=120)
    assert proc.returncode == 0, err
    assert WAIT_MESSAGE in err
    assert "导入 9" in out


def test_two_cli_loads_at_once_both_succeed(tmp_path, folders):
    db = tmp_path / "w.duckdb"
    held = open_warehouse(db)  # both start while the warehouse is busy, so they surely overlap
    first = cli_load(folders[0], db)
    second = cli_load(folders[1], db)
    time.sleep(2.0)
    assert first.poll() is None and second.poll() is None, "the loads did not wait"
    held.close()  # now they race for it: one loads, the other waits its turn
    out1, err1 = first.communicate(timeout=300)
    out2, err2 = second.communicate(timeout=300)
    assert first.returncode == 0, err1
    assert second.returncode == 0, err2
    assert WAIT_MESSAGE in err1 and WAIT_MESSAGE in err2
    con = duckdb.connect(str(db), read_only=True)
    try:
        n_files = len([p for p in folders[0].iterdir() if not p.name.startswith(".")]) + 9
        assert con.execute("SELECT count(*) FROM submission_versions").fetchone()[0] == n_files
    finally:
        con.close()


def test_readers_during_a_load_see_whole_submissions_only(tmp_path, folders):
    # what each (county, week) may hold: the row count of one of its versions
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
    seen, errors, stop = [], [], threading.Event()

    def poll():
        while not stop.is_set():
            try:
                with reader(db) as rcon:
                    counts = rcon.execute(
                        "SELECT county, week, count(*) FROM unit_reports GROUP BY ALL"
                    ).fetchall()
                    claimed = dict(
                        ((c, w), n)
                        for c, w, n in rcon.execute(
                            "SELECT county, week, rows FROM submissions WHERE is_current"
                        ).fetchall()
                    )
                seen.append(len(counts))
                for county, week, n in counts:
                    if n not in allowed[(county, week)] or claimed.get((county, week)) != n:
                        errors.append((county, week, n, claimed.get((county, week))))
            except Exception as exc:  # noqa: BLE001 - any error is a failure of the test
                errors.append(repr(exc))
            time.sleep(0.01)

    threads = [threading.Thread(target=poll) for _ in range(2)]
    for t in threads:
        t.start()
    # the loader of `python -m etl load`, reopening often so that the readers get in mid-folder
    # (the real default is every 2 s, longer than this whole folder takes)
    proc = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys, time; import etl.load as l; check = l.check_all; "
            # checking a batch takes a while with real-sized files: the lock is free then
            "l.check_all = lambda *a: (time.sleep(0.05), check(*a))[1]; "
            "l.load_paths([sys.argv[1]], sys.argv[2], options=l.LoadOptions(reopen_seconds=0.02, batch_files=4))",
            str(folders[0]),
            str(db),
        ],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    out, err = proc.communicate(timeout=300)
    time.sleep(0.2)
    stop.set()
    for t in threads:
        t.join(timeout=60)
    assert proc.returncode == 0, err
    assert errors == []
    assert len(seen) >= 5, "the readers never got in"
    assert any(0 < n < len(allowed) for n in seen), f"no reader got in during the load: {seen}"
    assert seen[-1] == len(allowed)  # at the end they see everything
