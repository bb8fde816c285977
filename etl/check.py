"""A file's bytes → read and judged, without the warehouse: what the parse workers run
(etl/parse_worker.py), and its unit rows packed for the writing process (etl/packed_rows.py).

Kept apart from etl.load so that a worker starts by importing the reader and the checks only
(not DuckDB and Arrow, which only the writing process needs; NumPy checks whole columns)."""

from __future__ import annotations

import hashlib

from etl.spreadsheet import ReadError, read_sheets

from .config import Config
from .identity import name_problems
from .packed_rows import PackedRows, pack
from .problems import FileReport, Problem
from .validate import parse_sheets


def check_bytes(file_name: str, data: bytes, config: Config, sha256: str | None = None):
    """Read and judge a file without touching the warehouse: (Parsed or None, FileReport)."""
    report = FileReport(file_name=file_name, sha256=sha256 or hashlib.sha256(data).hexdigest())
    try:
        sheets = read_sheets(file_name, data, config.limits)
    except ReadError as e:
        report.errors.append(Problem(e.code, e.message, e.hint))
        return None, report
    parsed = parse_sheets(sheets, config)
    report.county, report.week = parsed.county, parsed.week
    report.errors, report.warnings, report.rows = parsed.errors, parsed.warnings, parsed.n_rows
    report.warnings[:0] = name_problems(file_name, parsed.county, parsed.week, config)
    return parsed, report


def check_packed(file_name: str, data: bytes, config: Config, sha256: str | None = None):
    """check_bytes as a parse worker answers it: (the unit rows packed for the writer, or None when
    the file is rejected; the FileReport)."""
    parsed, report = check_bytes(file_name, data, config, sha256)
    rows: PackedRows | None = None
    if parsed is not None and not report.errors:
        rows = pack(parsed.table, config.catalogue, parsed.sheet)
    return rows, report
