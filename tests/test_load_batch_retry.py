"""A batch whose transaction fails is loaded again file by file (etl/load.py: load_many): each file
then gets the same report and rows as if the batch had gone through, and nothing is half written."""

from __future__ import annotations

from etl import load, store

from .dispatch_builder import BASE, UNITS, grid, write_xlsx
from .load_results import reports_without_timings, table_rows


def _files(tmp_path):
    rows = [{"unit": u, "level": lv, **BASE[lv]} for u, lv in UNITS]
    rows[2]["problems_found"] = 20  # 30 the week before: a decrease warning
    return [
        write_xlsx(tmp_path / "a.xlsx", grid(week="2023-W44")),
        write_xlsx(tmp_path / "b.xlsx", grid(rows=rows)),
        write_xlsx(tmp_path / "c.xlsx", grid(week="2023-W46")),
    ]


def _load(files, db):
    reports = load.load_paths(files, db)
    return reports_without_timings(reports), table_rows(
        db,
        "SELECT * FROM unit_rows ORDER BY ALL",
        "SELECT county, week, version, sha256, rows FROM submission_versions ORDER BY ALL",
        "SELECT file_name, outcome, version FROM load_log ORDER BY ALL",
    )


def test_a_failed_batch_is_loaded_file_by_file_with_the_same_reports(tmp_path, monkeypatch):
    files = _files(tmp_path)
    expected = _load(files, tmp_path / "plain.duckdb")
    assert [w["code"] for w in expected[0][1]["warnings"]] == ["W_DECREASE"]
    real_flush = store.Batch.flush
    failed = []

    def flush_failing_once(batch):
        if len(batch.versions) > 1 and not failed:  # the whole batch, after every check and warning
            failed.append(True)
            raise RuntimeError("disk full")
        real_flush(batch)

    monkeypatch.setattr(store.Batch, "flush", flush_failing_once)
    assert _load(files, tmp_path / "retried.duckdb") == expected
    assert failed
