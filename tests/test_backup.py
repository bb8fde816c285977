"""`python -m etl backup`: a consistent copy plus manifest; restore into a new path gives identical
contents; restore over a warehouse needs --force and first saves what is there."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from etl.backup import BackupError, backup, read_manifest, restore
from etl.load import load_paths

from .dispatch_builder import BASE, UNITS, grid, write_csv, write_xlsx

ROOT = Path(__file__).resolve().parent.parent


def contents(db) -> dict:
    """Every base table, every row, in a stable order."""
    con = duckdb.connect(str(db), read_only=True)
    try:
        tables = [
            r[0]
            for r in con.execute(
                "SELECT table_name FROM information_schema.tables WHERE table_type = 'BASE TABLE' ORDER BY 1"
            ).fetchall()
        ]
        return {t: con.execute(f'SELECT * FROM "{t}" ORDER BY ALL').fetchall() for t in tables}
    finally:
        con.close()


def cli(*args, env_db=None):
    return subprocess.run(
        [sys.executable, "-m", "etl", *map(str, args)], cwd=ROOT, capture_output=True, text=True, timeout=120
    )


@pytest.fixture()
def loaded(tmp_path):
    """A warehouse with two weeks, a resubmission and a rejected file."""
    db = tmp_path / "w.duckdb"
    rows = [{"unit": u, "level": lv, **BASE[lv]} for u, lv in UNITS]
    files = [
        write_xlsx(tmp_path / "a.xlsx", grid()),
        write_csv(tmp_path / "b.csv", grid(unit="白石县", week="2023-W46")),
        write_xlsx(tmp_path / "bad.xlsx", grid(unit="红星县")),
    ]
    rows[0]["problems_found"] = 70
    files.append(write_xlsx(tmp_path / "a2.xlsx", grid(rows=rows, total=False)))
    reports = load_paths(files, db)
    assert [r.outcome for r in reports] == ["loaded", "loaded", "rejected", "loaded"]
    return db


def test_round_trip_into_a_new_path_is_identical(tmp_path, loaded):
    before = contents(loaded)
    manifest = backup(loaded, tmp_path / "bak")
    assert manifest["tables"]["unit_rows"] == 9 and manifest["tables"]["file_archive"] == 4
    assert read_manifest(tmp_path / "bak")["sha256"] == manifest["sha256"]
    restore(tmp_path / "bak", tmp_path / "new" / "w.duckdb")
    assert contents(tmp_path / "new" / "w.duckdb") == before
    assert contents(loaded) == before  # the backup changed nothing


def test_restored_warehouse_takes_new_loads(tmp_path, loaded):
    backup(loaded, tmp_path / "bak")
    new = tmp_path / "new.duckdb"
    restore(tmp_path / "bak", new)
    [r] = load_paths([write_xlsx(tmp_path / "c.xlsx", grid(unit="松岭县"))], new)
    assert r.outcome == "loaded"


def test_restore_refuses_to_overwrite_without_force(tmp_path, loaded):
    backup(loaded, tmp_path / "bak")
    with pytest.raises(BackupError, match="--force"):
        restore(tmp_path / "bak", loaded)


def test_restore_with_force_replaces_everything_and_saves_the_old_warehouse(tmp_path, loaded):
    before = contents(loaded)
    backup(loaded, tmp_path / "bak")
    [r] = load_paths([write_xlsx(tmp_path / "later.xlsx", grid(unit="松岭县"))], loaded)  # after the backup
    assert r.outcome == "loaded"
    after_later = contents(loaded)
    m = restore(tmp_path / "bak", loaded, force=True)
    assert contents(loaded) == before
    # nothing lost: the warehouse as it was before the restore is kept beside the backup
    saved = Path(m["previous_saved_to"]) / "warehouse.duckdb"
    assert contents(saved) == after_later
    # and loading still works: load_log ids continue after the restored ones
    [r2] = load_paths([write_xlsx(tmp_path / "later2.xlsx", grid(unit="临川县"))], loaded)
    assert r2.outcome == "loaded"


def test_a_damaged_backup_is_refused(tmp_path, loaded):
    backup(loaded, tmp_path / "bak")
    f = tmp_path / "bak" / "warehouse.duckdb"
    data = bytearray(f.read_bytes())
    data[len(data) // 2] ^= 0xFF
    f.write_bytes(bytes(data))
    with pytest.raises(BackupError, match="校验和"):
        restore(tmp_path / "bak", tmp_path / "new.duckdb")
    assert not (tmp_path / "new.duckdb").exists()


def test_backup_refuses_an_existing_backup_dir(tmp_path, loaded):
    backup(loaded, tmp_path / "bak")
    with pytest.raises(BackupError, match="已有备份"):
        backup(loaded, tmp_path / "bak")


def test_cli_round_trip(tmp_path, loaded):
    before = contents(loaded)
    out = cli("backup", "--out", tmp_path / "bak", "--db", loaded)
    assert out.returncode == 0, out.stderr
    assert "已备份" in out.stdout
    manifest = json.loads((tmp_path / "bak" / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["tables"]["submission_versions"] == 3
    out = cli("backup", "--restore", tmp_path / "bak", "--db", loaded)
    assert out.returncode == 2 and "--force" in out.stderr
    out = cli("backup", "--restore", tmp_path / "bak", "--db", tmp_path / "r.duckdb")
    assert out.returncode == 0, out.stderr
    assert contents(tmp_path / "r.duckdb") == before
    out = cli("backup", "--restore", tmp_path / "bak", "--db", loaded, "--force")
    assert out.returncode == 0, out.stderr
    assert "恢复前的数据库已另存到" in out.stdout
    assert contents(loaded) == before
    assert cli("backup").returncode == 2  # --out or --restore is required
