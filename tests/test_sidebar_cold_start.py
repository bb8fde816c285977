"""The first sidebar a browser sees after a server start lists only the dashboard's pages.

Streamlit starts in its old multipage mode whenever a pages/ folder sits beside the main script: its
first run lists every file of pages/ (`account`, `overview`, … and once `ui`, `area`) until
dashboard.py's st.navigation replaces the list. .streamlit/config.toml hides Streamlit's own list
(client.showSidebarNavigation) and dashboard.py draws the menu, so that list never reaches the page.
A MutationObserver, installed before the page loads, records every link the sidebar ever holds."""

from __future__ import annotations

import pytest

from .browser_support import CHROMIUM, CHROMIUM_ARGS, need_browser, streamlit_server

pytestmark = pytest.mark.browser

# every link text the sidebar holds, at every change of the page, from before the first script run
RECORD_SIDEBAR = r"""
window.__sidebarLinks = new Set();
window.__streamlitNav = false;
new MutationObserver(() => {
  const bar = document.querySelector('[data-testid="stSidebar"]');
  if (!bar) return;
  if (bar.querySelector('[data-testid="stSidebarNav"]')) window.__streamlitNav = true;
  // a link's last line is its title (an icon's name may come first)
  bar.querySelectorAll('a').forEach(a => window.__sidebarLinks.add(a.innerText.trim().split('\n').pop()));
}).observe(document, {childList: true, subtree: true, characterData: true});
"""


def real_titles() -> set[str]:
    """The titles of dashboard.py's PAGES, read from its source (importing it would run the app)."""
    import ast

    from .conftest import ROOT

    tree = ast.parse((ROOT / "dashboard.py").read_text(encoding="utf-8"))
    for node in tree.body:
        if isinstance(node, ast.Assign) and getattr(node.targets[0], "id", "") == "PAGES":
            return {ast.literal_eval(item)[2] for item in node.value.elts}
    raise AssertionError("dashboard.py has no PAGES list")


def test_first_sidebar_lists_only_the_real_pages(tmp_path):
    need_browser()
    from playwright.sync_api import expect, sync_playwright

    titles = real_titles()
    env = {"DISPATCH_DB": str(tmp_path / "none.duckdb"), "DISPATCH_USERS": str(tmp_path / "users.json")}
    with streamlit_server(tmp_path / "streamlit.log", env) as url, sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 900}, locale="zh-CN")
            page.add_init_script(RECORD_SIDEBAR)
            page.goto(url)  # the first request this server has seen: a cold start
            menu = page.locator(".st-key-menu")
            expect(page.locator("h1", has_text="总览")).to_be_visible(timeout=60_000)
            expect(menu.locator("a")).to_have_count(len(titles), timeout=30_000)
            seen = set(page.evaluate("[...window.__sidebarLinks]"))
            assert seen == titles, f"the sidebar held {sorted(seen - titles)}"
            assert not page.evaluate("window.__streamlitNav"), "Streamlit's own page list was drawn"

            # the page files that once were listed do not exist as pages
            for gone in ("ui", "area", "dashboard"):
                page.goto(f"{url}/{gone}")
                expect(page.get_by_text("Page not found")).to_be_visible(timeout=30_000)
                expect(page.locator("h1", has_text="总览")).to_be_visible(timeout=30_000)
                seen = set(page.evaluate("[...window.__sidebarLinks]"))
                assert seen <= titles, f"/{gone}: the sidebar held {sorted(seen - titles)}"
        finally:
            browser.close()
