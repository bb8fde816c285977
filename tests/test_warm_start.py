"""app.warm_start: the overview's reads made at server start land in the caches under the keys the
page's own first run looks up, so that run reads nothing; a failure there never stops the server."""

from __future__ import annotations

import logging

import pytest
import streamlit as st

from app import charts, page_data, ui, warm_start

from .dashboard_fixtures import missing_db, no_exception, run_page

READS = ("data_status", "overview_data")


@pytest.fixture
def calls(monkeypatch):
    """The names of the page-data readers and chart builders that actually ran."""
    ran: list[str] = []
    for module, name in [(page_data, n) for n in READS] + [(charts, "county_level_heatmap")]:
        real = getattr(module, name)
        monkeypatch.setattr(
            module, name, lambda *a, _real=real, _name=name, **k: ran.append(_name) or _real(*a, **k)
        )
    return ran


def test_the_overviews_first_run_reads_nothing_after_the_warm_start(demo_db, monkeypatch, calls):
    monkeypatch.setenv("DISPATCH_DB", str(demo_db))
    st.cache_data.clear()
    no_exception(run_page(demo_db))
    assert set(calls) == {*READS, "county_level_heatmap"}  # a cold cache: the page reads for itself

    st.cache_data.clear()
    warm_start.warm()
    calls.clear()
    at = run_page(demo_db)
    no_exception(at)
    assert at.title[0].value == "总览" and at.dataframe and at.code
    assert calls == []


def test_nothing_is_read_without_a_warehouse(tmp_path, monkeypatch, calls):
    monkeypatch.setenv("DISPATCH_DB", str(missing_db(tmp_path)))
    warm_start.warm()
    assert calls == []


def test_a_failed_warm_start_is_logged_not_raised(demo_db, monkeypatch, caplog):
    monkeypatch.setenv("DISPATCH_DB", str(demo_db))

    def broken(*args, **kwargs):
        raise OSError("disk gone")

    monkeypatch.setattr(ui, "fetch_at", broken)
    with caplog.at_level(logging.WARNING, logger="app.warm_start"):
        warm_start.warm()
    assert "disk gone" in caplog.text
