"""The dashboard's pages (run through dashboard.py's st.navigation) and their shared helpers.

Streamlit starts in its old multipage mode whenever a pages/ folder exists, until the first
st.navigation call. If the first visitor after a server start opens a deep link (/submissions,
/temperature …), that page file would run alone — without dashboard.py's menu, layout or sign-in.
Every page imports from this package, and the first import in the server process happens in that
very run, so switching the mode off here and rerunning sends the run through dashboard.py.
(PagesManager is internal to Streamlit; checked against 1.67. app/ui.py repeats the check per run.)
"""


def _leave_old_multipage_mode() -> None:
    try:
        import streamlit as st
        from streamlit.runtime.pages_manager import PagesManager
        from streamlit.runtime.scriptrunner_utils.script_run_context import get_script_run_ctx
    except ImportError:
        return
    if getattr(PagesManager, "uses_pages_directory", False) and get_script_run_ctx() is not None:
        PagesManager.uses_pages_directory = False
        st.rerun()


_leave_old_multipage_mode()
