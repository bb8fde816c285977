"""What the dashboard's tests share: running one dashboard page in AppTest, and reading what it drew.
The warehouses they run on (demo_db, samples_db, one_week_db, hostile_db) are in conftest.py, so
that each is built once per session."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from app import viewer
from etl.load import load_paths
from etl.warehouse import open_warehouse

from .conftest import HOSTILE_UNIT, ROOT  # noqa: F401  (HOSTILE_UNIT: for the pages' tests)

DASHBOARD = str(ROOT / "dashboard.py")
PAGES = ("overview", "study", "research", "development", "rectification", "temperature", "county_profile")
AREA_PAGES = ("study", "research", "development", "rectification")


def missing_db(tmp_path: Path) -> Path:
    return tmp_path / "nothing-here" / "warehouse.duckdb"


def run_page(db: Path, page: str = "overview", timeout: float = 60, phone: bool = False, **query) -> AppTest:
    """The dashboard on `page` with DISPATCH_DB = db and the given URL query parameters (conftest's
    _private_warehouse puts DISPATCH_DB back after the test). phone: the session of a phone's browser
    (what app.viewer decides from its User-Agent, which AppTest cannot send)."""
    os.environ["DISPATCH_DB"] = str(db)
    at = AppTest.from_file(DASHBOARD, default_timeout=timeout)
    if phone:
        at.session_state[viewer.KEY] = True
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
