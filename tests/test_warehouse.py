"""Migrations, the contract views, and readers that wait for writers."""

from __future__ import annotations

import dataclasses
import subprocess
import sys

import duckdb
import pytest

from etl import warehouse
from etl.load import load_paths
from etl.warehouse_reader import NoWarehouse, ensure_schema, read_df

from .dispatch_builder import grid, write_xlsx
from .form_columns import METRIC_IDS


def test_contract_views_have_the_interface_columns(db_path):
    con = warehouse.open_warehouse(db_path)

    def cols(view):
        return [d[0] for d in con.execute(f"SELECT * FROM {view} LIMIT 0").description]

    assert cols("unit_reports")[:4] == ["county", "week", "unit", "level"]
    assert set(METRIC_IDS) <= set(cols("unit_reports"))
    assert cols("submissions") == [
        "county",
        "week",
        "version",
        "file_name",
        "sha256",
        "loaded_at",
        "rows",
        "is_current",
    ]
    types = dict(
        con.execute(
            "SELECT column_name, data_type FROM information_schema.columns WHERE table_name = 'unit_reports'"
        ).fetchall()
    )
    assert types["org_count"] == "INTEGER" and types["board_updated"] == "BOOLEAN"
    con.close()


def test_duckdb_never_downloads_extensions(db_path):
    con = warehouse.open_warehouse(db_path)
    settings = dict(
        con.execute("SELECT name, value FROM duckdb_settings() WHERE name LIKE 'auto%extensions'").fetchall()
    )
    con.close()
    assert settings == {"autoinstall_known_extensions": "false", "autoload_known_extensions": "false"}


def _with_migration(tmp_path, monkeypatch, name: str, sql: str) -> None:
    """The project's migrations plus one more, as if a later version had shipped it."""
    migrations = tmp_path / "migrations"
    migrations.mkdir()
    for f in warehouse.MIGRATIONS_DIR.glob("*.sql"):
        (migrations / f.name).write_text(f.read_text(encoding="utf-8"), encoding="utf-8")
    (migrations / name).write_text(sql, encoding="utf-8")
    monkeypatch.setattr(warehouse, "MIGRATIONS_DIR", migrations)


def test_an_older_warehouse_upgrades_in_place(tmp_path, db_path, monkeypatch):
    load_paths([write_xlsx(tmp_path / "a.xlsx", grid())], db_path)
    _with_migration(
        tmp_path,
        monkeypatch,
        "999_add_contact.sql",
        "ALTER TABLE submission_versions ADD COLUMN contact VARCHAR;",
    )
    con = warehouse.open_warehouse(db_path)
    assert warehouse.schema_version(con) == 999
    assert con.execute("SELECT count(*), max(version) FROM submissions").fetchone() == (1, 1)
    assert "contact" in [d[0] for d in con.execute("SELECT * FROM submission_versions").description]
    assert warehouse.migrate(con) == 0  # idempotent
    con.close()


def test_a_first_version_warehouse_keeps_its_archived_bytes_when_the_archive_is_rebuilt(
    tmp_path, db_path, monkeypatch
):
    first = tmp_path / "migrations"
    first.mkdir()
    (first / "001_init.sql").write_text(
        (warehouse.MIGRATIONS_DIR / "001_init.sql").read_text(encoding="utf-8"), encoding="utf-8"
    )
    monkeypatch.setattr(warehouse, "MIGRATIONS_DIR", first)
    path = write_xlsx(tmp_path / "a.xlsx", grid())
    con = warehouse.open_warehouse(db_path)  # a file archived by the first version
    con.execute(
        "INSERT INTO file_archive VALUES ('abc', ?, ?, now())", [path.stat().st_size, path.read_bytes()]
    )
    con.close()
    monkeypatch.undo()
    con = warehouse.open_warehouse(db_path)
    assert warehouse.schema_version(con) >= 2
    assert con.execute("SELECT content FROM file_archive").fetchall() == [(path.read_bytes(),)]
    assert {
        c
        for (c,) in con.execute(
            "SELECT DISTINCT compression FROM pragma_storage_info('file_archive') "
            "WHERE column_name = 'content' AND segment_type = 'BLOB'"
        ).fetchall()
    } == {"Uncompressed"}
    con.close()


def test_a_failed_migration_leaves_the_schema_as_it_was(tmp_path, db_path, monkeypatch):
    con = warehouse.open_warehouse(db_path)
    before = warehouse.schema_version(con)
    con.close()
    _with_migration(
        tmp_path, monkeypatch, "998_broken.sql", "ALTER TABLE unit_rows ADD COLUMN x INT; SELECT nonsense;"
    )
    with pytest.raises(duckdb.Error):
        warehouse.open_warehouse(db_path)
    con = duckdb.connect(str(db_path))
    assert "x" not in [d[0] for d in con.execute("SELECT * FROM unit_rows").description]
    assert warehouse.schema_version(con) == before
    con.close()


def test_views_follow_a_config_change(db_path, config):
    warehouse.open_warehouse(db_path, config).close()
    cat = config.catalogue
    first = dataclasses.replace(cat.methods[0], weights={**cat.methods[0].weights, "study": 0.5})
    changed = dataclasses.replace(
        config, catalogue=dataclasses.replace(cat, methods=(first, *cat.methods[1:]))
    )
    assert ensure_schema(db_path, changed) is True
    sql = "SELECT weight FROM cfg_weights WHERE dimension = 'study' AND week = ?"
    assert read_df(db_path, sql, [cat.methods[0].start]).weight[0] == 0.5
    assert read_df(db_path, sql, [cat.methods[1].start]).weight[0] == 0.3  # the next method's own
    assert ensure_schema(db_path, changed) is False  # nothing to do the second time


def test_reader_without_a_warehouse(tmp_path):
    with pytest.raises(NoWarehouse):
        read_df(tmp_path / "none.duckdb", "SELECT 1")


def _hold_lock(db_path):
    """Another process holding the warehouse read-write (DuckDB locks per process) until a line
    arrives on its stdin (the test's event), or it is killed."""
    code = (
        "import sys, duckdb; con = duckdb.connect(sys.argv[1]); print('held', flush=True); "
        "sys.stdin.readline(); con.close()"
    )
    proc = subprocess.Popen(
        [sys.executable, "-c", code, str(db_path)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )
    assert proc.stdout.readline().strip() == "held"
    return proc


def test_a_reader_waits_for_a_writer(db_path):
    warehouse.open_warehouse(db_path).close()
    holder = _hold_lock(db_path)
    waited = []

    def release(message):  # the reader says it waits: only then does the writer let go
        waited.append(message)
        holder.stdin.write("go\n")
        holder.stdin.flush()

    con = warehouse.connect(db_path, read_only=True, wait_seconds=60, on_wait=release)
    assert con.execute("SELECT count(*) FROM unit_reports").fetchone() == (0,)
    con.close()
    holder.wait()
    assert waited, "the reader should have said it was waiting"


def test_a_writer_gives_up_with_a_clear_message(db_path):
    warehouse.open_warehouse(db_path).close()
    holder = _hold_lock(db_path)
    try:
        with pytest.raises(warehouse.WarehouseBusy, match="占用"):
            warehouse.connect(db_path, wait_seconds=0.3)
    finally:
        holder.kill()
        holder.wait()
