"""The office's weekly work, without Streamlit: upload files, see why a file was rejected and send
the county a list of what to fix, hand out the blank template, read the load history and restore
an earlier version. pages/submissions.py only lays these out.

Every function that changes the warehouse takes the signed-in user first and checks the role
itself (app.users.require_role), so the page hiding a button is a convenience, not the guard.
Writes use a short-lived read-write connection (DuckDB allows one writing process or several
reading ones), the same path as `python -m etl load`.
"""

from __future__ import annotations

from pathlib import Path

from app.office_board import STATUS_COLORS, board_chart, board_counts, board_frame
from app.office_history import (
    RestoreResult,
    archived_file,
    history_problems,
    load_history,
    log_row,
    report_from_log,
    restore_version,
    submitted_pairs,
    versions,
)
from app.office_problems import (
    OUTCOME_LABELS,
    PROBLEM_COLUMNS,
    alerts,
    problem_place,
    problem_text,
    problems_file_name,
    problems_frame,
    problems_xlsx_bytes,
)
from app.office_template import (
    default_template_week,
    form_in_force,
    form_versions,
    template_bytes,
    template_file_name,
)
from app.users import (  # noqa: F401  (re-exported for the pages)
    PermissionDenied,
    require_role,
    require_submitter,
)
from etl.config import Config
from etl.load import load_files
from etl.problems import FileReport

# the office's actions the page reaches through office, from their own modules
__all__ = [
    "OUTCOME_LABELS",
    "PROBLEM_COLUMNS",
    "alerts",
    "problem_text",
    "problem_place",
    "problems_frame",
    "problems_xlsx_bytes",
    "problems_file_name",
    "template_bytes",
    "form_in_force",
    "form_versions",
    "template_file_name",
    "default_template_week",
    "load_history",
    "log_row",
    "history_problems",
    "report_from_log",
    "versions",
    "submitted_pairs",
    "RestoreResult",
    "restore_version",
    "archived_file",
    "STATUS_COLORS",
    "board_frame",
    "board_chart",
    "board_counts",
    "PermissionDenied",
    "require_role",
    "require_submitter",
]

UPLOAD_TYPES = ("xlsx", "xlsm", "xls", "ods", "csv")


# ---------------------------------------------------------------- upload


def _name_and_bytes(f) -> tuple[str, bytes]:
    """(name, bytes) from a tuple or from an uploaded-file object (.name, .getvalue())."""
    if isinstance(f, tuple):
        return str(f[0]), bytes(f[1])
    return str(f.name), f.getvalue()


def upload_files(
    user, files, db_path=None, *, config: Config | None = None, users_file=None, on_wait=None
) -> list[FileReport]:
    """Check and load uploaded files, one report per file in order, recorded as loaded by the
    signed-in user: the CLI's checks and versioning in one write session (etl.load.load_files).
    A county account loads its own unit's files only: the loader refuses any other (E_OTHER_UNIT)."""
    user, scope = require_submitter(user, None, users_file)
    items = [(Path(name).name, data) for name, data in map(_name_and_bytes, files)]
    return load_files(items, db_path, config=config, loaded_by=user.name, allowed_unit=scope, on_wait=on_wait)


def submit_scope(user) -> tuple[bool, str | None]:
    """(may this user upload and restore, the one unit they may do it for or None for every unit).
    For laying out the page only: upload_files and restore_version check again."""
    if user is None:
        return False, None
    try:
        _, unit = require_submitter(user)
    except (PermissionDenied, ValueError):
        return False, None
    return True, unit


def can_chase(user) -> bool:
    """The office (clerk, admin) chases missing units; a county account does not."""
    try:
        require_role(user, "clerk")
    except (PermissionDenied, ValueError):
        return False
    return True
