"""Files and folders → checked → the warehouse, one atomic transaction per file (the command line
`python -m etl load` is etl/load_cli.py).

A file is read and judged completely before anything is written; a rejected file only adds its
bytes to the archive and a line to the load log, so what was loaded before stays as it was."""

from __future__ import annotations

import dataclasses
import hashlib
import sys
import time
from collections import deque
from pathlib import Path

from tqdm import tqdm

from . import audit, file_types, sandbox
from .config import Config, default_config
from .identity import identity_error
from .pause_points import pause
from .problems import FileReport, Problem
from .store import Batch
from .warehouse import transaction
from .write_session import WriteSession, write_session


@dataclasses.dataclass(frozen=True)
class LoadOptions:
    """How a load cuts its work; the defaults are measured (docs/performance.md)."""

    # Several files share one transaction (commits are the costly part of a small file); each file
    # is still all-or-nothing: a batch commits whole or not at all, and a failed batch is redone
    # file by file.
    batch_files: int = 128
    batch_bytes: int = 32_000_000
    # near the end of a big folder the batches shrink to this, so that the workers finish together
    batch_files_at_end: int = 16


def iter_files(paths) -> list[Path]:
    """The spreadsheets to load: files named directly, and those found in folders (list_files)."""
    return list_files(paths)[0]


def list_files(paths) -> tuple[list[Path], list[FileReport]]:
    """Files named directly, and every file found recursively in folders: the spreadsheets to load
    (sorted) and a report for each other file, saying why it is skipped (etl/file_types.py)."""
    out: list[Path] = []
    skipped: list[FileReport] = []
    for p in map(Path, paths):
        if p.is_dir():
            found = []
            for f in sorted(p.rglob("*"), key=lambda f: (len(f.relative_to(p).parts), str(f))):
                if not f.is_file():
                    continue
                report = file_types.skipped(f)
                if report is None:
                    found.append(f)
                else:
                    skipped.append(report)
            # a folder's own files before its subfolders' (e.g. resubmitted/), each in name order
            out.extend(found)
        else:
            out.append(p)
    return out, skipped


def load_files(
    files: list[tuple[str, bytes]],
    db_path=None,
    *,
    config: Config | None = None,
    loaded_by: str | None = None,
    allowed_unit: str | None = None,
    on_wait=None,
) -> list[FileReport]:
    """Load files already in memory (the upload page) in one write session: one report per file.
    allowed_unit: a county account's unit (see load_many)."""
    with write_session(db_path, config, on_wait=on_wait) as session:
        reports = load_many(session.con, files, session.config, loaded_by, allowed_unit=allowed_unit)
        if readers_see(reports):
            session.always_publish = True  # leaving publishes it: the board shows a refusal at once
        return reports


def readers_see(reports: list[FileReport]) -> bool:
    """Whether a load wrote something the pages show that the data state does not: a rejected
    file's load log line and audit row (a loaded file changes the data state as well). A load whose
    files were all unchanged (the same bytes as a loaded file) need not publish: its log lines are in
    the next snapshot."""
    return any(r.outcome != "unchanged" for r in reports)


def load_bytes(
    con,
    file_name: str,
    data: bytes,
    config: Config | None = None,
    loaded_by: str | None = None,
    allowed_unit: str | None = None,
) -> FileReport:
    """Load one file's bytes on an open read-write connection, in its own transaction.

    Never raises for bad input: a rejected file is archived and logged, nothing else changes."""
    return load_many(con, [(file_name, data)], config, loaded_by, allowed_unit=allowed_unit)[0]


def load_many(
    con,
    files: list[tuple[str, bytes]],
    config: Config | None = None,
    loaded_by: str | None = None,
    checked: list[tuple] | None = None,
    allowed_unit: str | None = None,
    clock=None,
) -> list[FileReport]:
    """Load several files in one transaction (each all-or-nothing); if the transaction fails, load
    them again one per transaction, so that one bad write costs only its own file. Each file is
    recorded in the audit trail in the same transaction.

    checked: check_packed() of each file when a worker already did it (etl/check.py); otherwise the
    files are checked in the sandbox first, before the transaction.
    allowed_unit: a county account's unit; a file of any other unit is rejected (E_OTHER_UNIT).
    clock: clock(report) -> when the file counts as received (default now; the demo dates its files)."""
    config = config or default_config()
    if checked is None:
        checked = sandbox.check_in_sandbox(
            [(name, data, hashlib.sha256(data).hexdigest()) for name, data in files], config
        )
    try:
        return _write_batch(con, files, config, loaded_by, checked, allowed_unit, clock)
    except Exception as exc:
        if len(files) > 1:
            return [
                r
                for f, c in zip(files, checked)
                for r in load_many(con, [f], config, loaded_by, [c], allowed_unit, clock)
            ]
        report = FileReport(files[0][0], hashlib.sha256(files[0][1]).hexdigest())
        report.errors.append(
            Problem(
                "E_INTERNAL",
                f"写入数据库失败，文件未导入（{type(exc).__name__}: {exc}）",
                "请稍后重试；如反复出现请联系管理员",
            )
        )
        return [report]


def _write_batch(con, *args, **kwargs) -> list[FileReport]:
    """_load_batch in one transaction (a function of its own, so that the profiler times the COMMIT)."""
    with transaction(con):
        return _load_batch(con, *args, **kwargs)


def _load_batch(
    con,
    files,
    config: Config,
    loaded_by: str | None,
    checked: list,
    allowed_unit: str | None = None,
    clock=None,
) -> list[FileReport]:
    batch = Batch(
        con,
        loaded_by,
        counties=[pre[1].county for pre in checked if pre],
        clock=clock,
        catalogue=config.catalogue,
    )
    # a file checked beforehand carries its hash in its report
    hashed = [
        (name, data, pre[1].sha256 if pre else hashlib.sha256(data).hexdigest())
        for (name, data), pre in zip(files, checked)
    ]
    batch.prefetch([sha for _, _, sha in hashed])
    reports = [
        _load_one(batch, name, data, sha, config, pre, allowed_unit)
        for (name, data, sha), pre in zip(hashed, checked)
    ]
    batch.flush()
    audit.record(con, [audit.report_row(r, loaded_by, at) for at, r in batch.logs])
    pause("before-commit", [name for name, _ in files])
    return reports


def other_unit(unit: str | None, allowed_unit: str) -> Problem:
    """A county account's file whose 填报单位 is another unit."""
    return Problem(
        "E_OTHER_UNIT",
        f"本文件的填报单位是「{unit or '（未识别）'}」，您的账号只能报送「{allowed_unit}」的周调度表，整个文件未导入",
        f"请确认选的是{allowed_unit}的文件、填报单位填写正确；代其他单位报送请联系市委组织部办公室",
    )


def _load_one(
    batch: Batch, file_name: str, data: bytes, sha: str, config: Config, pre=None, allowed_unit=None
) -> FileReport:
    started = time.perf_counter()
    seen = batch.known_file(sha)
    if seen and allowed_unit is not None and seen[0] != allowed_unit:
        # the same bytes as another unit's accepted file: refused, not "unchanged"
        # logged under the uploader's unit: its own refused attempt, not a rejection of the other unit
        report = FileReport(file_name, sha, allowed_unit, seen[1])
        report.errors.append(other_unit(seen[0], allowed_unit))
        report.rows = 0
    elif seen:
        county, week, version, current = seen
        report = FileReport(file_name, sha, county, week, "unchanged", version)
        if current != version:
            report.warnings.append(
                Problem(
                    "W_OLD_VERSION",
                    f"与已导入的 v{version} 完全相同，当前版本为 v{current}",
                    "如需恢复旧版本，请在“数据报送”页使用恢复功能",
                )
            )
    else:
        rows, report = pre or sandbox.check_in_sandbox([(file_name, data, sha)], config)[0]
        # a copy: a batch that fails is loaded again file by file, from these same checks
        report = dataclasses.replace(report, warnings=list(report.warnings), errors=list(report.errors))
        if allowed_unit is not None and report.county != allowed_unit:
            # checked on the checked report, before anything of this file is written;
            # logged under the uploader's unit: its own refused attempt, not a rejection of the other unit
            report.errors.insert(0, other_unit(report.county, allowed_unit))
            report.county = allowed_unit
        batch.add_archive(sha, data)
        if not report.errors and any(p.code == "W_NAME_UNIT" for p in report.warnings):
            wrong = identity_error(
                report, rows.column("unit_key"), batch.units_before(report.county, report.week)
            )
            if wrong is not None:
                report.errors.append(wrong)
        if report.errors:
            report.outcome, report.rows = "rejected", 0
        else:
            report.outcome = "loaded"
            batch.add_submission(report, rows)
    batch.add_log(report)
    report.seconds = time.perf_counter() - started
    return report


def _batch_size(remaining: int, workers: int, options: LoadOptions) -> int:
    most = options.batch_files
    if workers < 2:
        return most
    return max(min(most, remaining // (2 * workers)), min(options.batch_files_at_end, most))


def _batches(files: list[Path], workers: int = 1, options: LoadOptions = LoadOptions()):
    """The files' bytes in batches; a file that cannot be read is a report of its own, in order."""
    batch, size, limit = [], 0, _batch_size(len(files), workers, options)
    for i, path in enumerate(files):
        try:
            data = path.read_bytes()
        except OSError as exc:
            if batch:
                yield batch
                batch, size = [], 0
            report = FileReport(path.name)
            report.errors.append(Problem("E_UNREADABLE", f"无法读取文件：{exc.strerror or exc}"))
            yield report
            continue
        batch.append((path.name, data))
        size += len(data)
        if len(batch) >= limit or size >= options.batch_bytes:
            yield batch
            batch, size, limit = [], 0, _batch_size(len(files) - i - 1, workers, options)
    if batch:
        yield batch


SQL_KNOWN_FILES = "SELECT DISTINCT sha256 FROM submission_versions"


def load_paths(
    paths,
    db_path=None,
    *,
    config: Config | None = None,
    loaded_by: str | None = None,
    progress: bool = False,
    on_wait=None,
    options: LoadOptions = LoadOptions(),
    clock=None,
) -> list[FileReport]:
    """Load every file under paths into the warehouse; one report per file, in order.

    Files are read and checked by the sandbox's worker processes while one write session writes
    the batches before them. Readers never open the warehouse (they read the published snapshot),
    so the session keeps it from start to end, refreshes the stored scores, and publishes a new
    snapshot when a file was loaded or rejected (its log line and audit row are shown at once)."""
    config = config or default_config()
    files, skipped = list_files(paths)
    reports: list[FileReport] = []
    bar = tqdm(total=len(files), desc="导入", unit="个文件", delay=1.0, file=sys.stderr, disable=not progress)
    pool = sandbox.shared_pool()
    workers = pool.size
    # the workers import while this process opens the warehouse; one is enough for a few files
    pool.start(workers if len(files) > 2 * options.batch_files_at_end else 1, config)
    # DuckDB checkpoints when the WAL passes 16 MB, inside a COMMIT: with a few MB a batch that is a
    # rewrite every few batches. A load checkpoints near its end and when it publishes. The workers
    # keep the cores busy: DuckDB's own threads would only take turns with them.
    settings = ["SET checkpoint_threshold = '1GB'", "SET threads = 1"]
    session = WriteSession(db_path, config, on_wait=on_wait, settings=settings)
    known: set[str] = set()

    def check(batch):
        hashed = [(name, data, hashlib.sha256(data).hexdigest()) for name, data in batch]
        new = [sha not in known for _, _, sha in hashed]
        todo = [file for file in hashed if file[2] not in known]
        return new, pool.submit(todo, config)

    def write(batch, parsing):
        new, work = parsing
        fresh = iter(work.result())  # outside the write lock
        checked = [next(fresh) if is_new else None for is_new in new]
        done = load_many(session.con, batch, config, loaded_by, checked=checked, clock=clock)
        known.update(r.sha256 for r in done if r.outcome == "loaded")
        if readers_see(done):
            session.always_publish = True
        reports.extend(done)
        bar.update(len(batch))
        pause("written", [name for name, _ in batch])

    checkpointed = False
    window: deque = deque()
    try:
        # files already in the warehouse are not checked again ("unchanged" costs only a hash)
        known.update(sha for (sha,) in session.con.execute(SQL_KNOWN_FILES).fetchall())
        pause("opened")
        for item in _batches(files, workers, options):
            if isinstance(item, FileReport):  # unreadable: report it in its place
                while window:
                    write(*window.popleft())
                reports.append(item)
                bar.update(1)
                continue
            window.append((item, check(item)))
            shrinking = len(item) <= options.batch_files // 2
            if session.is_open and reports and not checkpointed and shrinking:
                # the batches have begun to shrink and the workers still have a few to check: write
                # out the WAL now, so that the checkpoint when publishing, when nothing else runs, is
                # small. Any later, the workers would finish and wait for it.
                session.con.execute("CHECKPOINT")
                checkpointed = True
            # a batch queued for each worker beyond the one it checks: a worker that finishes
            # goes on at once, however long the write of an earlier batch takes
            while len(window) > 2 * workers:
                write(*window.popleft())
        while window:
            write(*window.popleft())
        session.con.execute("RESET threads")  # the workers are done: the refresh gets every thread
        pause("refreshing")
        session.refresh_scores()
        pause("publishing")
        session.publish_if_changed()  # nothing to publish when every file was unchanged
        reports.extend(skipped)  # last, where the clerk reads the summary
    finally:
        bar.close()
        for _, (_, work) in window:  # a load that failed leaves no work queued in the shared pool
            work.cancel()
        session.release()
    return reports
