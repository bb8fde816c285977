"""Helpers shared by the office's tests (users, uploads, rankings page, browser): accounts in a
temporary users file, a warehouse with the shared samples, and the bytes behind AppTest's
download buttons."""

from __future__ import annotations

import os
from pathlib import Path

import duckdb
import pytest
from streamlit.testing.v1 import AppTest

from app import users
from etl.load import load_paths

from .conftest import ROOT, require_samples, run_etl

PASSWORD = "clerk-password-1"
CLERK, ADMIN, VIEWER = "张会计", "管理员", "只读用户"


@pytest.fixture()
def users_file(tmp_path, monkeypatch):
    """A users file with a clerk, an admin and a viewer; DISPATCH_USERS points at it."""
    path = tmp_path / "users.json"
    monkeypatch.setenv("DISPATCH_USERS", str(path))
    users.add_user(CLERK, "clerk", PASSWORD, path)
    users.add_user(ADMIN, "admin", PASSWORD, path)
    users.add_user(VIEWER, "viewer", PASSWORD, path)
    return path


def add_account(env: dict, name: str, role: str, password: str = PASSWORD, unit: str | None = None) -> None:
    """An account made the way the office makes it: `python -m etl user add`, password on stdin."""
    made = run_etl(
        "user",
        "add",
        name,
        "--role",
        role,
        "--password-stdin",
        *(["--unit", unit] if unit else []),
        env=env,
        stdin=password + "\n",
    )
    assert made.returncode == 0, made.stderr


def sign_in(name: str = CLERK) -> users.User:
    return users.authenticate(name, PASSWORD)


def sample(name: str) -> Path:
    """A file of the shared samples by name, in dispatch/ or its resubmitted/ or dispatch-round2/."""
    root = require_samples()
    for folder in ("dispatch", "dispatch/resubmitted", "dispatch-round2"):
        if (root / folder / name).exists():
            return root / folder / name
    raise FileNotFoundError(name)


def rows(db, sql, params=()):
    """The rows of a query on the warehouse, read-only."""
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(sql, list(params)).fetchall()
    finally:
        con.close()


def upload(path: Path) -> tuple[str, bytes, str]:
    """A file as AppTest's file_uploader takes it."""
    return (path.name, path.read_bytes(), "application/octet-stream")


def load_week(db_path, week: str) -> None:
    """Load the good sample files of one week (as the CLI would), without any account."""
    files = [p for p in (require_samples() / "dispatch").iterdir() if p.suffix != ".json" and week in p.name]
    reports = load_paths(sorted(files), db_path, loaded_by="setup")
    assert all(r.outcome == "loaded" for r in reports), [r.summary() for r in reports]


@pytest.fixture()
def downloads(monkeypatch):
    """{media file id: (bytes, file name)} of everything AppTest's download buttons would serve."""
    from streamlit.runtime.memory_media_file_storage import MemoryMediaFileStorage

    seen: dict[str, tuple[bytes, str | None]] = {}
    original = MemoryMediaFileStorage.load_and_get_id

    def record(self, path_or_data, mimetype, kind, filename=None):
        file_id = original(self, path_or_data, mimetype, kind, filename)
        seen[file_id] = (path_or_data, filename)
        return file_id

    monkeypatch.setattr(MemoryMediaFileStorage, "load_and_get_id", record)
    return seen


def download_bytes(at, downloads: dict, key: str) -> tuple[bytes, str]:
    """The bytes and file name behind the download button with this key."""
    button = next(b for b in at.get("download_button") if b.proto.id.endswith(f"-{key}"))
    file_id = os.path.splitext(button.proto.url.rsplit("/", 1)[-1])[0]
    return downloads[file_id]


def page(name: str) -> str:
    return str(ROOT / "pages" / name)


def submissions_page(user=None, state=None) -> AppTest:
    """The 数据报送 page run once under AppTest, signed in as `user`, with `state` in the session."""
    at = AppTest.from_file(page("submissions.py"), default_timeout=60)
    if user is not None:
        at.session_state["user"] = user
    for k, v in (state or {}).items():
        at.session_state[k] = v
    return at.run()


def texts(at: AppTest, kind: str) -> list[str]:
    """What every element of one kind (success, error, info, …) says."""
    return [e.value for e in getattr(at, kind)]
