"""`python -m etl backup`: a consistent copy of the warehouse, and restoring one.

Backup: opens the warehouse read-write (so it waits for a running load and no load can start while
it works), CHECKPOINTs (the write-ahead log is folded into the file), and copies the file while still
holding it, then writes manifest.json (sha256, size, row counts per table). The copy is an ordinary
DuckDB file: `duckdb DIR/warehouse.duckdb` opens it.

Restore into a path with no warehouse: the file is checked against the manifest, copied beside the
target, upgraded (migrations) and renamed into place.
Restore over an existing warehouse (--force only): the current warehouse is first backed up next to
the backup (DIR-before-restore-<time>/, beside DIR), then every table is replaced inside one transaction under the
write lock, so a reader sees the old or the restored warehouse, never a mixture, and a load waits.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import shutil
import sys
from pathlib import Path

import duckdb

from . import snapshot
from .cli import add_db_option, command
from .config import warehouse_path
from .warehouse import schema_version
from .write_session import write_session

BACKUP_FILE = "warehouse.duckdb"
MANIFEST = "manifest.json"


class BackupError(Exception):
    """Something the operator must fix; the message says what (in Chinese)."""


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        while chunk := f.read(1 << 20):
            h.update(chunk)
    return h.hexdigest()


def table_counts(con) -> dict[str, int]:
    tables = [
        r[0]
        for r in con.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = 'main' "
            "AND table_type = 'BASE TABLE' AND table_catalog = current_database() ORDER BY 1"
        ).fetchall()
    ]
    return {t: con.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0] for t in tables}


def backup(db_path, out_dir, on_wait=None) -> dict:
    """Copy the warehouse to out_dir/warehouse.duckdb and write out_dir/manifest.json; the manifest."""
    db_path = Path(db_path)
    if not db_path.exists():
        raise BackupError(f"找不到数据库：{db_path}")
    _check_out_dir(Path(out_dir))
    # the write lock, so that no load changes the file while it is copied; nothing is written
    with write_session(db_path, on_wait=on_wait, upgrade=False, refresh=False, publish=False) as session:
        return _copy_locked(session.con, db_path, Path(out_dir))


def _check_out_dir(out_dir: Path) -> None:
    if (out_dir / MANIFEST).exists() or (out_dir / BACKUP_FILE).exists():
        raise BackupError(f"目录 {out_dir} 中已有备份，请换一个新目录")


def _copy_locked(con, db_path: Path, out_dir: Path) -> dict:
    """The copy itself; con is a read-write connection to db_path, so no load runs meanwhile."""
    _check_out_dir(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    target = out_dir / BACKUP_FILE
    con.execute("CHECKPOINT")
    counts = table_counts(con)
    version = schema_version(con)
    wal = db_path.with_name(db_path.name + ".wal")
    if wal.exists() and wal.stat().st_size:
        raise BackupError(f"CHECKPOINT 后 {wal} 仍不为空，无法保证备份一致，请稍后重试")
    tmp = target.with_name(target.name + ".part")
    shutil.copyfile(db_path, tmp)
    _fsync(tmp)
    os.replace(tmp, target)
    manifest = {
        "created_at": dt.datetime.now().isoformat(timespec="seconds"),
        "source": str(db_path.resolve()),
        "file": BACKUP_FILE,
        "size": target.stat().st_size,
        "sha256": _sha256(target),
        "duckdb_version": duckdb.__version__,
        "schema_version": version,
        "tables": counts,
    }
    (out_dir / MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False, indent=1), encoding="utf-8")
    return manifest


def _fsync(path: Path) -> None:
    with open(path, "rb+") as f:
        os.fsync(f.fileno())


def read_manifest(backup_dir) -> dict:
    """The manifest, after checking that the backup file is the one it describes."""
    backup_dir = Path(backup_dir)
    try:
        manifest = json.loads((backup_dir / MANIFEST).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise BackupError(f"{backup_dir} 不是备份目录（没有 {MANIFEST}）") from None
    except json.JSONDecodeError as exc:
        raise BackupError(f"{backup_dir / MANIFEST} 已损坏：{exc}") from None
    path = backup_dir / manifest.get("file", BACKUP_FILE)
    if not path.exists() or path.stat().st_size != manifest["size"] or _sha256(path) != manifest["sha256"]:
        raise BackupError(f"备份文件 {path} 与清单不符（大小或校验和不同），可能已损坏，不予恢复")
    con = duckdb.connect(str(path), read_only=True)
    try:
        if table_counts(con) != manifest["tables"]:
            raise BackupError(f"备份文件 {path} 的内容与清单中的行数不符，不予恢复")
    finally:
        con.close()
    return manifest


def restore(backup_dir, db_path, force: bool = False, on_wait=None) -> dict:
    """Restore a backup to db_path; over an existing warehouse only with force. Returns the manifest."""
    backup_dir, db_path = Path(backup_dir), Path(db_path)
    manifest = read_manifest(backup_dir)
    source = backup_dir / manifest.get("file", BACKUP_FILE)
    wal = db_path.with_name(db_path.name + ".wal")
    if not db_path.exists():
        if wal.exists():
            raise BackupError(f"{wal} 存在但数据库文件不存在，请先查明原因（不要删除它）")
        db_path.parent.mkdir(parents=True, exist_ok=True)
        tmp = db_path.with_name(db_path.name + ".restoring")
        shutil.copyfile(source, tmp)
        _fsync(tmp)
        # an older backup is brought up to the current schema and scores
        with write_session(tmp, publish=False):
            pass
        os.replace(tmp, db_path)
        snapshot.cleanup(db_path, keep_newest=False)  # an earlier warehouse's, if one was here
        with write_session(db_path, upgrade=False, refresh=False):  # leaving publishes it for readers
            pass
        return manifest
    if not force:
        raise BackupError(
            f"{db_path} 已有数据库；恢复会替换其中全部数据。确认后加 --force（恢复前会自动另存当前数据库）"
        )
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    safety_dir = backup_dir.parent / f"{backup_dir.name}-before-restore-{stamp}"
    safety = _replace_contents(source, db_path, safety_dir, on_wait)
    return dict(manifest, previous_saved_to=str(safety_dir), previous_sha256=safety["sha256"])


def _replace_contents(source: Path, db_path: Path, safety_dir: Path, on_wait=None) -> dict:
    """Under one write lock: save the current warehouse to safety_dir, then replace every table by
    the backup's in one transaction. Returns the safety copy's manifest."""
    with write_session(db_path, on_wait=on_wait) as session:
        con = session.con
        safety = _copy_locked(con, db_path, safety_dir)
        con.execute(f"ATTACH '{_sql_str(source)}' AS bak (READ_ONLY)")
        try:
            ours, theirs = (
                schema_version(con),
                con.execute("SELECT coalesce(max(version), 0) FROM bak.schema_migrations").fetchone()[0],
            )
            if theirs > ours:
                raise BackupError(f"备份来自更新版本的程序（数据库结构 {theirs} > {ours}），请先升级程序")
            if theirs < ours:
                raise BackupError(
                    f"备份的数据库结构较旧（{theirs} < {ours}）：请恢复到一个新路径（--db 新文件）"
                    "，程序会自动升级，再替换"
                )
            tables = [
                r[0]
                for r in con.execute(
                    "SELECT table_name FROM information_schema.tables WHERE table_catalog = 'bak' "
                    "AND table_schema = 'main' AND table_type = 'BASE TABLE'"
                ).fetchall()
            ]
            with session.transaction():
                for t in tables:
                    con.execute(f'DELETE FROM main."{t}"')
                    con.execute(f'INSERT INTO main."{t}" SELECT * FROM bak."{t}"')
            # load_log ids come from a sequence: move it past the restored ids
            top = con.execute("SELECT coalesce(max(id), 0) FROM load_log").fetchone()[0]
            current = con.execute("SELECT nextval('load_log_seq')").fetchone()[0]
            if current <= top:
                con.execute(f"SELECT max(nextval('load_log_seq')) FROM range({top - current})")
        finally:
            con.execute("DETACH bak")
        con.execute("CHECKPOINT")
    return safety


def _sql_str(path: Path) -> str:
    return str(path).replace("'", "''")


# ---- command line ---------------------------------------------------------------------------


def add_parser(sub) -> None:
    p = command(
        sub,
        "backup",
        run,
        help="备份数据库，或从备份恢复",
        description="备份：python -m etl backup --out 目录。恢复：python -m etl backup --restore 目录 "
        "[--db 数据库] [--force]。备份时会等待正在进行的导入完成。",
    )
    what = p.add_mutually_exclusive_group(required=True)
    what.add_argument("--out", metavar="DIR", help="把数据库备份到这个（新的）目录")
    what.add_argument("--restore", metavar="DIR", help="从这个备份目录恢复")
    add_db_option(p)
    p.add_argument("--force", action="store_true", help="恢复时覆盖已有的数据库（会先自动另存一份）")


def run(args) -> int:
    db = warehouse_path(args.db)

    def waiting(_s):
        print("数据库正被其他程序使用（可能正在导入），等待中……", file=sys.stderr)

    try:
        if args.out:
            m = backup(db, args.out, on_wait=waiting)
            print(
                f"已备份 {db} → {Path(args.out) / BACKUP_FILE}（{m['size'] / 1e6:.1f} MB，"
                + "，".join(f"{t} {n} 行" for t, n in m["tables"].items() if not t.startswith("cfg_"))
                + "）"
            )
        else:
            m = restore(args.restore, db, force=args.force, on_wait=waiting)
            print(f"已从 {args.restore}（{m['created_at']} 的备份）恢复到 {db}")
            if m.get("previous_saved_to"):
                print(f"恢复前的数据库已另存到 {m['previous_saved_to']}")
    except BackupError as exc:
        print(f"错误：{exc}", file=sys.stderr)
        return 2
    return 0
