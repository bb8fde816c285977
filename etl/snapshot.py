"""Published snapshots: the read-only copies of the warehouse that readers (the dashboards, exports)
open, so that no reader ever waits for a load and no load waits for a reader.

DuckDB lets one process write a file or several processes read it, never both. The writer (a load,
an upload, a restore) keeps the warehouse to itself; after a write that changed data it calls
`publish(con, db_path)`: CHECKPOINT, then a copy of the file to `snapshots/<stem>.<n>.tmp`, made
read-only and renamed to `snapshots/<stem>.<n>.duckdb` (a rename is atomic: a reader finds the whole
snapshot or the one before). Readers open the newest one read-only, holding a shared flock on it
while they use it; publishing removes the older snapshots it can take an exclusive flock on without
waiting, so a snapshot in use stays until its last reader lets go (an unlinked file stays readable
for whoever has it open anyway).
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import re
import shutil
import time
from pathlib import Path

import duckdb

FOLDER = "snapshots"
METHODS = ("copy", "attach")
# Test hooks: called with the snapshot's path just before it is renamed into place / after cleanup.
before_rename = None
after_publish = None


class NoSnapshot(FileNotFoundError):
    """The warehouse has no published snapshot yet."""


def folder(db_path: str | Path) -> Path:
    return Path(db_path).parent / FOLDER


def _pattern(db_path: str | Path) -> re.Pattern:
    return re.compile(re.escape(Path(db_path).stem) + r"\.(\d+)\.duckdb")


def published(db_path: str | Path) -> list[tuple[int, Path]]:
    """(number, path) of every published snapshot of this warehouse, oldest first."""
    d, pat = folder(db_path), _pattern(db_path)
    try:
        names = os.listdir(d)
    except FileNotFoundError:
        return []
    return sorted((int(m.group(1)), d / name) for name in names if (m := pat.fullmatch(name)))


def belongs(db_path: str | Path, path: Path) -> bool:
    """Whether `path` is a snapshot of the warehouse at db_path."""
    return path.parent == folder(db_path) and bool(_pattern(db_path).fullmatch(path.name))


def latest(db_path: str | Path) -> Path | None:
    found = published(db_path)
    return found[-1][1] if found else None


def publish(con, db_path: str | Path, method: str = "copy") -> Path:
    """Publish the warehouse as its next snapshot, on the writer's connection (no transaction open).

    copy: CHECKPOINT, then a byte copy of the file (the writer's lock keeps it still meanwhile);
    attach: DuckDB's COPY FROM DATABASE into a new file (rewrites every table)."""
    db_path = Path(db_path)
    d = folder(db_path)
    d.mkdir(parents=True, exist_ok=True)
    found = published(db_path)
    n = found[-1][0] + 1 if found else 1
    final = d / f"{db_path.stem}.{n}.duckdb"
    tmp = d / f"{db_path.stem}.{n}.tmp{os.getpid()}"
    tmp.unlink(missing_ok=True)
    try:
        if method == "copy":
            con.execute("CHECKPOINT")
            shutil.copyfile(db_path, tmp)
        elif method == "attach":
            source = con.execute("SELECT current_database()").fetchone()[0]
            con.execute(f"ATTACH '{_sql_path(tmp)}' AS new_snapshot")
            try:
                con.execute(f'COPY FROM DATABASE "{source}" TO new_snapshot')
            finally:
                con.execute("DETACH new_snapshot")
        else:
            raise ValueError(f"unknown snapshot method {method!r}")
        fd = os.open(tmp, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
        os.chmod(tmp, 0o444)  # immutable from now on
        if before_rename:
            before_rename(tmp)
        os.rename(tmp, final)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    _fsync_dir(d)
    cleanup(db_path)
    if after_publish:
        after_publish(final)
    return final


def _sql_path(p: Path) -> str:
    # ATTACH takes no bound parameter; the path is ours (the warehouse's folder), quotes doubled
    return str(p).replace("'", "''")


def _fsync_dir(d: Path) -> None:
    fd = os.open(d, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def cleanup(db_path: str | Path, keep_newest: bool = True) -> list[Path]:
    """Remove every snapshot but the newest that no reader holds (and stale temporary copies of
    publishers that died). Never waits. Returns what it removed."""
    found = published(db_path)
    removed = []
    for _, path in found[:-1] if keep_newest else found:
        try:
            fd = os.open(path, os.O_RDONLY)
        except FileNotFoundError:
            continue
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:  # a reader holds it: the next publish tries again
            os.close(fd)
            continue
        try:
            path.unlink(missing_ok=True)  # under the lock: a reader waiting for it sees it gone
            removed.append(path)
        finally:
            os.close(fd)
    stem = re.escape(Path(db_path).stem)
    for tmp in folder(db_path).glob(f"{Path(db_path).stem}.*.tmp*"):
        m = re.fullmatch(stem + r"\.\d+\.tmp(\d+)", tmp.name)
        if m and not _alive(int(m.group(1))):
            tmp.unlink(missing_ok=True)
    return removed


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


class Hold:
    """A shared flock on one snapshot file: while held, cleanup leaves the file in place."""

    def __init__(self, path: Path, fd: int):
        self.path, self._fd = path, fd

    @property
    def held(self) -> bool:
        return self._fd is not None

    def release(self) -> None:
        if self._fd is not None:
            os.close(self._fd)  # closing the descriptor drops the flock
            self._fd = None

    def __del__(self):  # a session that ends without releasing (a closed browser tab)
        self.release()


def hold(db_path: str | Path, path: Path | None = None, attempts: int = 20) -> Hold:
    """Hold `path` (else the newest snapshot) with a shared flock; if that snapshot was removed
    meanwhile, the newest one instead. Raises NoSnapshot when there is none."""
    for _ in range(attempts):
        target = path or latest(db_path)
        if target is None:
            raise NoSnapshot(str(db_path))
        try:
            fd = os.open(target, os.O_RDONLY)
        except FileNotFoundError:
            path = None
            continue
        fcntl.flock(fd, fcntl.LOCK_SH)  # waits only for a cleanup's unlink, never for a load
        if os.fstat(fd).st_nlink == 0:  # removed while we waited: take the newest
            os.close(fd)
            path = None
            continue
        return Hold(target, fd)
    raise NoSnapshot(f"{db_path}: the snapshots kept changing while opening one")


@contextlib.contextmanager
def open_snapshot(db_path: str | Path, path: Path | None = None, settings: dict | None = None):
    """A read-only connection to `path` (else the newest snapshot), held while in use."""
    if settings is None:  # the readers' settings: DuckDB opens one file with one configuration only
        from .warehouse import DUCKDB_SETTINGS as settings
    h = hold(db_path, path)
    try:
        con = duckdb.connect(str(h.path), read_only=True, config=dict(settings))
        try:
            yield con
        finally:
            con.close()
    finally:
        h.release()


def version(path: Path | None) -> tuple:
    """A cache key for reads from this snapshot (a snapshot never changes once published)."""
    if path is None:
        return ("", 0)
    try:
        st = path.stat()
    except FileNotFoundError:
        return (str(path), 0)
    return (str(path), st.st_ino, st.st_mtime_ns)


class PerSnapshot(dict):
    """A process's memo of checks on published snapshots, keyed by version() (plus what else the check
    depends on): a snapshot never changes, so each check is made once per process. Bounded: cleared
    when full (the snapshots of a day, not of a year)."""

    def __init__(self, limit: int = 64):
        super().__init__()
        self.limit = limit

    def remember(self, key, value):
        if key not in self and len(self) >= self.limit:
            self.clear()
        self[key] = value
        return value


def timed_publish(con, db_path, method: str = "copy") -> tuple[Path, float]:
    started = time.perf_counter()
    path = publish(con, db_path, method)
    return path, time.perf_counter() - started
