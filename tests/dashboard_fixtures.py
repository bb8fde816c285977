"""Warehouses for the dashboard's tests, built once per session through the real loader (the demo
generator, the shared samples), and a helper that runs one dashboard page in AppTest."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from etl.load import load_paths
from etl.warehouse import open_warehouse

from .conftest import ROOT, require_samples
from .scoring_fixtures import insert_submission

DASHBOARD = str(ROOT / "dashboard.py")
PAGES = ("overview", "study", "research", "development", "rectification", "temperature", "county_profile")
AREA_PAGES = ("study", "research", "development", "rectification")
HOSTILE_UNIT = '<img src=x onerror="alert(1)">**粗体**[链接](http://x):red[红]'


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
    root = require_samples()
    path = tmp_path_factory.mktemp("samples") / "samples.duckdb"
    load_paths([root / "dispatch"], path, loaded_by="test")
    load_paths([root / "dispatch-round2"], path, loaded_by="test")
    return path


@pytest.fixture(scope="session")
def one_week_db(tmp_path_factory) -> Path:
    """Only 2023-W37, and not every county: no last week to compare with."""
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


@pytest.fixture(autouse=True)
def _keep_env(monkeypatch):
    """run_page sets DISPATCH_DB for the app; put it back after each test (import this fixture)."""
    monkeypatch.delenv("DISPATCH_DB", raising=False)
    monkeypatch.delenv("DISPATCH_USERS", raising=False)
    yield


def missing_db(tmp_path: Path) -> Path:
    return tmp_path / "nothing-here" / "warehouse.duckdb"


def run_page(db: Path, page: str = "overview", timeout: float = 60, **query) -> AppTest:
    """The dashboard on `page` with DISPATCH_DB = db and the given URL query parameters."""
    os.environ["DISPATCH_DB"] = str(db)
    at = AppTest.from_file(DASHBOARD, default_timeout=timeout)
    at.run()
    if page != "overview" or query:
        at.query_params.update(query)
        at.switch_page(f"pages/{page}.py")
        at.run()
    return at


def charts(at: AppTest) -> list:
    """The Vega-Lite charts on the page (AppTest has no typed element for them)."""
    return at.get("vega_lite_chart")


def texts(at: AppTest) -> str:
    """Every visible text of the page run, for 'is it mentioned' checks."""
    parts = []
    for kind in ("title", "subheader", "markdown", "caption", "info", "warning", "success", "code"):
        parts += [str(e.value) for e in getattr(at, kind)]
    parts += [f"{m.label}={m.value}" for m in at.metric]
    return "\n".join(parts)


def no_exception(at: AppTest) -> None:
    assert not at.exception, [e.value for e in at.exception]
