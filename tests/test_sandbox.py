"""Parsing in a sandbox (etl/sandbox.py): a file that kills its worker, exhausts its memory or
overruns its time is rejected with a stable code, a fresh worker takes over, the next file of the
same folder loads and nothing loaded before changes; and workers never outlive their parent.

Failures are driven at a known file through the workers' test hook ($DISPATCH_PARSE_FAULTS), and a
parent is killed at a known point (etl/pause_points.py), so nothing here depends on timing."""

from __future__ import annotations

import dataclasses
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest

from etl import sandbox
from etl.config import default_config
from etl.load import load_paths

from .dispatch_builder import grid, write_xlsx
from .pausing import ROOT, PausedLoad

CODES = {"abort": "E_PARSER_CRASHED", "memory": "E_PARSE_MEMORY", "hang": "E_PARSE_TIMEOUT"}


def versions(db: Path) -> list[tuple]:
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute(
            "SELECT county, week, version, sha256 FROM submission_versions ORDER BY ALL"
        ).fetchall()


@pytest.mark.parametrize("fault", sorted(CODES))
def test_a_file_that_kills_its_worker_is_rejected_and_the_next_file_loads(tmp_path, monkeypatch, fault):
    db = tmp_path / "w.duckdb"
    load_paths([write_xlsx(tmp_path / "before.xlsx", grid(unit="东湖区", week="2023-W40"))], db)
    loaded_before = versions(db)
    folder = tmp_path / "folder"
    folder.mkdir()
    write_xlsx(folder / "a.xlsx", grid(unit="西山区", week="2023-W40"))
    write_xlsx(folder / "b.xlsx", grid(unit="南城区", week="2023-W40"))
    write_xlsx(folder / "c.xlsx", grid(unit="北江区", week="2023-W40"))
    monkeypatch.setenv(sandbox.FAULTS_ENV, f"b.xlsx={fault}")
    config = default_config()
    if fault == "hang":  # the worker never answers: the per-file limit ends it
        config = dataclasses.replace(config, limits={**config.limits, "parse_timeout_seconds": 3})
    reports = load_paths([folder], db, config=config)
    assert [(r.file_name, r.outcome) for r in reports] == [
        ("a.xlsx", "loaded"),
        ("b.xlsx", "rejected"),
        ("c.xlsx", "loaded"),
    ]
    [error] = reports[1].errors
    assert error.code == CODES[fault]
    assert any("\u4e00" <= ch <= "\u9fff" for ch in error.message) and error.hint
    now = versions(db)
    assert set(loaded_before) < set(now) and len(now) == 3
    # the pool is whole again: each worker reads a file
    pool = sandbox.shared_pool()
    answers = [pool.submit([("x.csv", b"a,b\n", "0")], config) for _ in range(2 * pool.size)]
    assert {a.result()[0][1].errors[0].code for a in answers} == {"E_NO_HEADER"}


# ---- workers never outlive their parent ---------------------------------------------------------


def _gone(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (FileNotFoundError, ProcessLookupError):
        return True
    return state in ("Z", "X")  # a zombie has ended; its new parent reaps it


def _descendants(pid: int) -> set[int]:
    parents = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except (FileNotFoundError, ProcessLookupError):
            continue
        parents[int(stat.parent.name)] = int(fields[1])
    found, todo = set(), [pid]
    while todo:
        p = todo.pop()
        children = {c for c, parent in parents.items() if parent == p}
        todo += children - found
        found |= children
    return found


def _wait_gone(pids: set[int]) -> None:
    """A bounded wait on process state (the kernel delivers the death signal asynchronously)."""
    end = time.monotonic() + 60
    while not all(map(_gone, pids)):
        assert time.monotonic() < end, f"still running: {[p for p in pids if not _gone(p)]}"
        time.sleep(0.01)


@pytest.mark.slow
def test_workers_die_with_a_killed_load(tmp_path):
    folder = tmp_path / "folder"
    folder.mkdir()
    for i, county in enumerate(("东湖区", "西山区", "南城区", "北江区")):
        write_xlsx(folder / f"{i}.xlsx", grid(unit=county, week="2023-W40"))
    load = PausedLoad(folder, tmp_path / "w.duckdb", ["written:0.xlsx"], tmp_path / "fifo")
    stopped = load.next_pause()
    assert stopped is not None, load.finish()
    children = _descendants(stopped["pid"])
    assert set(stopped["workers"]) <= children and stopped["workers"]
    load.kill()
    _wait_gone(children)


CHILD = """
import sys, threading
from etl import sandbox
from etl.config import default_config
pool = []
def start():  # as a Streamlit script thread does: the thread ends, the pool stays
    pool.append(sandbox.shared_pool())
    pool[0].check([("a.csv", b"a\\n", "0")], default_config())
thread = threading.Thread(target=start)
thread.start()
thread.join()
print(" ".join(map(str, pool[0].pids())), flush=True)
sys.stdin.readline()
"""


def test_workers_started_from_another_thread_die_with_their_parent():
    """The kernel's parent-death signal follows the thread that started a worker; a pool started by a
    thread that has ended relies on the lifeline pipe."""
    proc = subprocess.Popen(
        [sys.executable, "-c", CHILD],
        cwd=ROOT,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    pids = set(map(int, proc.stdout.readline().split()))
    assert pids and pids <= _descendants(proc.pid)
    proc.kill()
    proc.wait()
    _wait_gone(pids)
