"""`python -m app.serve [streamlit options]`: the dashboard's server, `streamlit run dashboard.py` with
the same options (make run, the deployment, the bench and the browser tests start it this way).

Two things happen at server start rather than in the first visitor's first script run:
- the dashboard's modules (pandas, pyarrow, DuckDB, Altair, Streamlit's element modules, app/) are
  imported in a background thread while the browser is still loading Streamlit's frontend, and the
  first script run waits for that import (wait_for_imports) instead of doing it itself; the same
  thread then makes the overview's reads and chart spec (app.warm_start), so the first visitor's
  first run finds them cached;
- Streamlit's old multipage mode is left before any session starts. A pages/ folder starts
  Streamlit in it; pages/__init__.py leaves it and restarts the first run, which is not needed
  when it is left here (PagesManager is internal to Streamlit; checked against 1.67).
`streamlit run dashboard.py` still works as before, without either.
"""

from __future__ import annotations

import sys
import threading

from etl.config import PROJECT_ROOT

_imported = threading.Event()
_started = False


def _import_dashboard() -> None:
    try:
        # dashboard.py's imports, and through them pages/
        from app import labels, signin, ui, warm_start  # noqa: F401
    finally:  # an import error shows in the first script run, which imports the same modules
        _imported.set()
    warm_start.warm()


def wait_for_imports() -> None:
    """In dashboard.py: wait until the server's start-up import is done (no-op without app.serve),
    so that the first script run never imports a module the background thread is half-way through."""
    if _started:
        _imported.wait()


def leave_old_multipage_mode() -> None:
    try:
        from streamlit.runtime.pages_manager import PagesManager
    except ImportError:  # a later Streamlit without the old mode
        return
    PagesManager.uses_pages_directory = False


def main(argv: list[str]) -> int:
    global _started
    from streamlit.web import cli

    leave_old_multipage_mode()
    _started = True
    threading.Thread(target=_import_dashboard, name="import-dashboard", daemon=True).start()
    sys.argv = ["streamlit", "run", str(PROJECT_ROOT / "dashboard.py"), *argv]
    return cli.main()


if __name__ == "__main__":
    from app import serve  # the module dashboard.py sees (this file runs as __main__)

    sys.exit(serve.main(sys.argv[1:]))
