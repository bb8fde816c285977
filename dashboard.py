"""The dashboard: `python -m app.serve` (make run; `streamlit run dashboard.py` works too). Page
scripts live in pages/, the dashboard's own code (page data, charts, sign-in, helpers) in app/, the
ETL and scoring in etl/."""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from app import serve

serve.wait_for_imports()  # python -m app.serve imports the modules below at server start
from app import signin, ui  # noqa: E402
from app.labels import label  # noqa: E402

ROOT = Path(__file__).resolve().parent

# ---- PAGES: (section, file, title, icon). One line per page, in menu order. ----------------------
# A page whose file does not exist yet is skipped, so a line can be added before its file lands.
# The first page is the default (the overview, at /).
PAGES = [
    ("领导小组", "pages/overview.py", "总览", ":material/dashboard:"),
    ("领导小组", "pages/study.py", "理论学习", ":material/menu_book:"),
    ("领导小组", "pages/research.py", "调查研究", ":material/travel_explore:"),
    ("领导小组", "pages/development.py", "推动发展", ":material/trending_up:"),
    ("领导小组", "pages/rectification.py", "整改整治", ":material/build:"),
    ("领导小组", "pages/temperature.py", "上热中温下冷", ":material/thermostat:"),
    ("领导小组", "pages/county_profile.py", "县域画像", ":material/location_city:"),
    ("办公室", "pages/submissions.py", "数据报送", ":material/upload_file:"),
    ("办公室", "pages/rankings.py", "排名导出", ":material/leaderboard:"),
    ("办公室", "pages/account.py", "登录", ":material/login:"),
]
# ---- end of PAGES ---------------------------------------------------------------------------------

st.set_page_config(page_title="主题教育调度", page_icon=":material/dashboard:", layout="wide")
ui.require_config(entry=True)  # nothing starts on a broken config.toml or catalogue
ui.pin_snapshot()  # every read of this rerun from one published snapshot
# The menu is drawn here, not by Streamlit: .streamlit/config.toml hides Streamlit's own page list
# (client.showSidebarNavigation), which at a cold start would first list every file of pages/.
menu = st.sidebar.container(key="menu")
ui.language_switch()
english = bool(st.session_state.get("en", False))

signin.account_box()  # sidebar: who is signed in, or a sign-in form
# [auth] require_login_to_view: only the sign-in page until someone signs in
pages = [p for p in PAGES if p[1] == "pages/account.py"] if signin.must_sign_in() else PAGES

sections: dict[str, list] = {}
for i, (section, file, title, icon) in enumerate(pages):
    if (ROOT / file).exists():
        sections.setdefault(label(section, english), []).append(
            st.Page(file, title=label(title, english), icon=icon, default=(i == 0))
        )

current = st.navigation(sections, position="hidden")
with menu:
    for section, section_pages in sections.items():
        st.caption(section)
        for page in section_pages:
            st.page_link(page)
current.run()
