"""What kind of screen a session's viewer has: a phone gets the charts drawn in their phone shape,
every other browser the screen shape. Only one of the two is sent, because a browser draws a chart
that CSS hides as well.

Decided on the server, once per session, from the User-Agent header of the session's first request:
phone browsers say "Mobi" in it (the usual server-side test), tablets and "desktop site" mode do not
and get the screen shape. A narrow desktop window keeps the screen shape; page_css.PHONE_CSS lets a
wide chart scroll in its own box there, so the page itself never scrolls sideways.
"""

from __future__ import annotations

import streamlit as st

KEY = "_phone"  # session_state: True on a phone (tests set it to stand for a phone's header)


def is_phone(user_agent: str | None) -> bool:
    """A phone's browser: "Mobi" in the User-Agent (Android phones' Chrome and Firefox, iPhone
    Safari, Opera Mobile); iPads that still say "Mobile" are tablets."""
    ua = user_agent or ""
    return "Mobi" in ua and "iPad" not in ua


def on_phone() -> bool:
    """Whether this session's browser is a phone (decided at its first rerun, then kept)."""
    if KEY not in st.session_state:
        st.session_state[KEY] = is_phone(st.context.headers.get("User-Agent"))
    return bool(st.session_state[KEY])
