"""Shared fixtures. Feature-specific fixtures live in the feature's own test file."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from etl.config import load_config  # noqa: E402

SHARED = ROOT.parent / "shared"
SAMPLES = SHARED / "samples"


@pytest.fixture(scope="session")
def config():
    return load_config()


@pytest.fixture(autouse=True)
def _private_warehouse(tmp_path, monkeypatch):
    """No test writes to the project's data/warehouse.duckdb (account changes are audited there)."""
    monkeypatch.setenv("DISPATCH_DB", str(tmp_path / "warehouse.duckdb"))


@pytest.fixture()
def db_path(tmp_path, monkeypatch):
    """A fresh, empty warehouse path; DISPATCH_DB points at it for code that reads the env."""
    path = tmp_path / "warehouse.duckdb"
    monkeypatch.setenv("DISPATCH_DB", str(path))
    return path


def require_samples():
    if not SAMPLES.exists():
        pytest.skip(f"shared samples not found at {SAMPLES}")
    return SAMPLES
