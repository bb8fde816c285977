"""app.serve, the dashboard's server command: streamlit run dashboard.py with its options passed on,
Streamlit's old multipage mode left before the first session, and the first script run waiting for
the start-up import instead of racing it. (The browser tests start every server through it.)"""

from __future__ import annotations

import subprocess
import sys

from app import serve

from .conftest import ROOT


def test_the_options_reach_streamlit_run():
    out = subprocess.run(
        [sys.executable, "-m", "app.serve", "--help"], cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert out.returncode == 0, out.stderr
    assert "Run a Python script" in out.stdout  # `streamlit run --help`, not the CLI's overview


def test_the_old_multipage_mode_is_left_at_start(monkeypatch):
    from streamlit.runtime.pages_manager import PagesManager

    monkeypatch.setattr(PagesManager, "uses_pages_directory", True)  # as a pages/ folder sets it
    serve.leave_old_multipage_mode()
    assert PagesManager.uses_pages_directory is False


def test_the_first_run_waits_for_the_start_up_import(monkeypatch):
    monkeypatch.setattr(serve, "_started", True)
    monkeypatch.setattr(serve, "_imported", type(serve._imported)())
    serve._import_dashboard()  # what the background thread runs
    serve.wait_for_imports()  # returns: the import has finished
    assert {"app.ui", "app.signin", "pages"} <= set(sys.modules)


def test_without_app_serve_nothing_is_waited_for(monkeypatch):
    monkeypatch.setattr(serve, "_started", False)
    monkeypatch.setattr(serve, "_imported", type(serve._imported)())  # never set
    serve.wait_for_imports()
