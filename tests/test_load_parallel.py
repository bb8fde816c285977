"""Files are checked by the sandbox's worker processes (etl/sandbox.py) while the main process writes:
many small batches spread over every worker give the same warehouse and the same reports as one
batch read by one worker."""

from __future__ import annotations

import os
import sys
import types

import pytest

from etl import load, sandbox
from etl.demo import plan_demo, write_demo_files

from .dispatch_builder import grid, write_xlsx
from .load_results import reports_without_timings, table_rows


def _load(folder, db, parallel: bool):
    # several batches in flight at once, or all in one
    size = 8 if parallel else 10**6
    options = load.LoadOptions(batch_files=size, batch_files_at_end=size)
    reports = load.load_paths([folder], db, options=options)
    return reports_without_timings(reports), table_rows(
        db,
        "SELECT * EXCLUDE (version) FROM unit_rows ORDER BY county, week, row_no",
        "SELECT county, week, version, file_name, sha256, rows FROM submission_versions ORDER BY ALL",
    )


def test_worker_processes_load_what_one_process_loads(tmp_path, monkeypatch):
    folder = tmp_path / "files"
    write_demo_files(plan_demo(until_week="2023-W38"), folder, progress=False)
    cells = grid(unit="东湖区", week="2023-W39")
    cells[5][4] = "若干"  # a rejected file among them
    write_xlsx(folder / "东湖区_2023-W39.xlsx", cells)
    # the parent's __main__ is a script that must not run in the workers (a Streamlit page is
    # installed as __main__, and AppTest leaves it there); a fresh pool, started under it
    monkeypatch.setattr(sandbox, "_shared", None)
    ran = tmp_path / "ran"
    page = tmp_path / "page.py"
    page.write_text(f"open({str(ran)!r}, 'w').close()\nraise SystemExit('a worker ran __main__')\n")
    main = types.ModuleType("__main__")
    main.__file__ = str(page)
    monkeypatch.setitem(sys.modules, "__main__", main)
    sequential = _load(folder, tmp_path / "one.duckdb", parallel=False)
    parallel = _load(folder, tmp_path / "workers.duckdb", parallel=True)
    assert not ran.exists()
    assert parallel == sequential
    outcomes = [r["outcome"] for r in parallel[0]]
    files = [o for o in outcomes if o != "skipped"]  # the demo's manifest is named as skipped
    assert files.count("rejected") == 1 and files.count("loaded") == len(files) - 1


def test_batches_shrink_towards_the_end_of_a_big_folder(tmp_path):
    files = []
    for i in range(1000):
        files.append(tmp_path / f"{i:04}.csv")
        files[-1].write_bytes(b"x")
    sizes = [len(batch) for batch in load._batches(files, workers=2)]
    options = load.LoadOptions()
    assert sum(sizes) == 1000 and sizes[0] == options.batch_files
    assert sizes == sorted(sizes, reverse=True)  # the workers finish together
    assert sizes[-2] == options.batch_files_at_end  # and little is left to write after them
    assert [len(batch) for batch in load._batches(files, workers=1)][:-1] == [options.batch_files] * (
        1000 // options.batch_files
    )
    small = load.LoadOptions(batch_files=10, batch_files_at_end=5)
    assert [len(b) for b in load._batches(files[:40], workers=2, options=small)] == [10, 7, 5, 5, 5, 5, 3]
