"""Two loads at once.

DuckDB lets one process write, never two: a load that finds the warehouse held waits
(etl.warehouse.connect retries up to 60 s) and says so on stderr: 数据库正被其他程序使用，等待中……
Readers never open the warehouse (they read its published snapshot): tests/test_snapshots.py."""

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
