"""Shared fixtures. Feature-specific fixtures live in the feature's own test file."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from etl.config import load_config  # noqa: E402

SHARED = ROOT.parent / "shared"
SAMPLES = SHARED / "samples"
HOSTILE_UNIT = '<img src=x onerror="alert(1)">**粗体**[链接](http://x):red[红]'


@pytest.fixture(scope="session")
def config():
    return load_config()


@pytest.fixture(autouse=True)
def _private_warehouse(tmp_path, monkeypatch):
    """No test writes to the project's data/warehouse.duckdb (account changes are audited there), and
    none reads a users file named by the environment it was started in; both are put back after."""
    monkeypatch.setenv("DISPATCH_DB", str(tmp_path / "warehouse.duckdb"))
    monkeypatch.delenv("DISPATCH_USERS", raising=False)


@pytest.fixture()
def db_path(tmp_path, monkeypatch):
    """A fresh, empty warehouse path; DISPATCH_DB points at it for code that reads the env."""
    path = tmp_path / "warehouse.duckdb"
    monkeypatch.setenv("DISPATCH_DB", str(path))
    return path


def run_etl(
    *args, env: dict | None = None, stdin: str | None = None, timeout: float = 120
) -> subprocess.CompletedProcess:
    """`python -m etl ARGS` in a child process, as a person types it; env is added to os.environ."""
    return subprocess.run(
        [sys.executable, "-m", "etl", *map(str, args)],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT), **(env or {})},
        input=stdin,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def require_samples():
    if not SAMPLES.exists():
        pytest.skip(f"shared samples not found at {SAMPLES}")
    return SAMPLES


# --- warehouses built once per session (imported by no test module, or each module would build its own)


@pytest.fixture(scope="session")
def demo_db(tmp_path_factory) -> Path:
    """The demo warehouse: 14 weeks, 上热下冷 counties, a county behind, a missing week."""
    from etl.demo import run_demo

    d = tmp_path_factory.mktemp("demo")
    run_demo(d / "demo.duckdb", d / "files", progress=False)
    return d / "demo.duckdb"


@pytest.fixture(scope="session")
def samples_db(tmp_path_factory) -> Path:
    """The shared samples (two weeks, rejected files, a resubmission) loaded as the office would."""
    from etl.load import load_paths

    root = require_samples()
    path = tmp_path_factory.mktemp("samples") / "samples.duckdb"
    load_paths([root / "dispatch"], path, loaded_by="test")
    load_paths([root / "dispatch-round2"], path, loaded_by="test")
    return path


@pytest.fixture(scope="session")
def one_week_db(tmp_path_factory) -> Path:
    """Only 2023-W37, and not every county: no last week to compare with."""
    from etl.load import load_paths

    root = require_samples() / "dispatch"
    files = [
        root / f
        for f in (
            "青河县_2023-W37.xlsx",
            "东湖区_2023-W37.xlsx",
            "市直单位_2023-W37.xlsx",
            "南城区_2023-W37.xlsx",
        )
    ]
    path = tmp_path_factory.mktemp("one") / "one.duckdb"
    reports = load_paths(files, path, loaded_by="test")
    assert all(r.outcome == "loaded" for r in reports)
    return path


@pytest.fixture(scope="session")
def hostile_db(tmp_path_factory) -> Path:
    """A unit whose name is HTML, markdown and a Streamlit colour directive: it must show as text."""
    from etl.warehouse import open_warehouse

    from .scoring_fixtures import insert_submission

    path = tmp_path_factory.mktemp("hostile") / "hostile.duckdb"
    con = open_warehouse(path)
    try:
        rows = [
            {
                "unit": "青河县委常委会",
                "level": "县级",
                "org_count": 1,
                "member_count": 10,
                "reading_class_done": True,
                "center_group_sessions": 2,
                "special_lectures": 1,
                "discussion_members": 8,
                "mobile_members": 2,
                "mobile_members_reached": 1,
                "research_topics": 2,
                "research_done": 1,
                "research_reports": 1,
                "positive_cases": 1,
                "negative_cases": 0,
                "exchange_meeting_held": False,
                "conversion_items": 2,
                "conversion_done": 1,
                "livelihood_projects": 3,
                "livelihood_done": 2,
                "urgent_issues_collected": 4,
                "urgent_issues_solved": 2,
                "problems_found": 3,
                "problems_quantified": 2,
                "problems_rectified": 1,
                "lead_cases": 1,
            },
            {
                "unit": HOSTILE_UNIT,
                "level": "村级",
                "org_count": 5,
                "member_count": 80,
                "concentrated_study_sessions": 3,
                "special_lectures": 1,
                "discussion_members": 20,
                "mobile_members": 10,
                "mobile_members_reached": 2,
                "livelihood_projects": 5,
                "livelihood_done": 1,
                "urgent_issues_collected": 6,
                "urgent_issues_solved": 1,
                "problems_found": 4,
                "problems_quantified": 1,
                "problems_rectified": 0,
            },
        ]
        insert_submission(con, "青河县", "2023-W45", rows)
    finally:
        con.close()
    return path
