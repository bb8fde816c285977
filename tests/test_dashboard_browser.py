"""Every dashboard page in headless Chromium: `streamlit run dashboard.py` on the demo warehouse, no
exception box, the charts drawn, screenshots (1600×1000) in test-artifacts/screenshots/, and the
overview and temperature pages printed to A4 landscape PDFs."""

from __future__ import annotations

import contextlib
import time
from pathlib import Path

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout
from playwright.sync_api import expect

from .browser_support import CHROMIUM, CHROMIUM_ARGS, SHOTS, need_browser, streamlit_server
from .dashboard_fixtures import HOSTILE_UNIT  # noqa: F401

# (url path, expected number of charts)
PAGES = [
    ("", 1),
    ("study", 4),
    ("research", 4),
    ("development", 4),
    ("rectification", 4),
    ("temperature", 4),
    ("county_profile?county=青河县", 3),
]

pytestmark = pytest.mark.browser


def _server(db: Path, log_path: Path):
    return streamlit_server(
        log_path, {"DISPATCH_DB": str(db), "DISPATCH_USERS": str(log_path.parent / "users.json")}
    )


@pytest.fixture(scope="module")
def browser():
    need_browser()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture(scope="module")
def demo_app(demo_db, tmp_path_factory):
    need_browser()
    with _server(demo_db, tmp_path_factory.mktemp("app") / "streamlit.log") as url:
        yield url


def _settle(page, timeout: float = 40) -> float:
    """Wait until the script run is over and the page is drawn; returns the seconds it took."""
    start = time.monotonic()
    page.wait_for_selector('[data-testid="stMainBlockContainer"] h1', timeout=timeout * 1000)
    quiet = 0
    while time.monotonic() - start < timeout:
        running = (
            page.locator('[data-testid="stStatusWidget"]').count() > 0
            or page.locator('[data-testid="stSkeleton"]').count() > 0
        )
        quiet = 0 if running else quiet + 1
        if quiet >= 8:
            break
        time.sleep(0.05)
    return time.monotonic() - start - 0.4


def _open(browser, url: str):
    page = browser.new_page(viewport={"width": 1600, "height": 1000})
    errors = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(url)
    return page, errors


@pytest.mark.parametrize("path,n_charts", PAGES)
def test_page_renders(browser, demo_app, path, n_charts):
    page, errors = _open(browser, f"{demo_app}/{path}")
    try:
        _settle(page)
        page.wait_for_function(
            f"document.querySelectorAll('[data-testid=stVegaLiteChart] canvas, "
            f"[data-testid=stVegaLiteChart] svg').length >= {n_charts}",
            timeout=30000,
        )
        assert page.locator('[data-testid="stException"]').count() == 0
        # one shape of each chart is sent (a desktop browser: the screen shape), none drawn hidden
        assert page.locator('[data-testid="stVegaLiteChart"]').count() == n_charts
        assert page.locator('[data-testid="stVegaLiteChart"]:visible').count() == n_charts
        assert "数据截至" in page.inner_text("body")
        # the menu of dashboard.py, even on a deep link opened first (Streamlit's old pages/ mode)
        assert page.locator(".st-key-menu").inner_text().count("总览") == 1
        SHOTS.mkdir(parents=True, exist_ok=True)
        name = path.split("?")[0] or "overview"
        page.screenshot(path=str(SHOTS / f"dashboard-{name}.png"))
        assert not errors, errors
    finally:
        page.close()


def test_ranking_row_opens_profile(browser, demo_app):
    page, _ = _open(browser, demo_app)
    try:
        _settle(page)
        link = page.locator('[data-testid="stDataFrame"]').first
        assert link.count() == 1
        # the profile link of the ranking is a plain URL with the county and week
        page.goto(f"{demo_app}/county_profile?county=南城区&week=2023-W45")
        _settle(page)
        body = page.inner_text("body")
        assert "南城区" in body and "2023-W45" in body
        assert page.locator('[data-testid="stException"]').count() == 0
    finally:
        page.close()


TOO_WIDE = """() => [...document.querySelectorAll(
    '[data-testid=stVegaLiteChart] canvas, [data-testid=stVegaLiteChart] svg, [data-testid=stTable], '
    + '[class*=st-key-print_only] table')]
    .filter(e => e.getBoundingClientRect().right > window.innerWidth + 2).length"""


@pytest.mark.parametrize("path", ["", "temperature"])
def test_prints_on_a4_landscape(browser, demo_app, path, tmp_path):
    page, _ = _open(browser, f"{demo_app}/{path}")
    try:
        _settle(page)
        page.wait_for_selector('[data-testid="stVegaLiteChart"] canvas, [data-testid="stVegaLiteChart"] svg')
        page.emulate_media(media="print")
        # nothing wider than the paper (A4 landscape minus margins ≈ 1060 px at 96 dpi)
        page.set_viewport_size({"width": 1060, "height": 750})
        expect(page.locator('[data-testid="stSidebar"]')).to_be_hidden()
        # Vega redraws the charts after the resize: wait for the layout to fit, then count what does not
        with contextlib.suppress(PlaywrightTimeout):
            page.wait_for_function(f"() => ({TOO_WIDE})() === 0", timeout=20_000)
        assert page.evaluate(TOO_WIDE) == 0
        SHOTS.mkdir(parents=True, exist_ok=True)
        pdf = SHOTS / f"print-{path or 'overview'}.pdf"
        page.pdf(path=str(pdf), landscape=True, format="A4", print_background=True)
        assert pdf.stat().st_size > 10_000
    finally:
        page.close()


def test_unit_names_are_text(browser, hostile_db, tmp_path):
    with _server(hostile_db, tmp_path / "streamlit.log") as url:
        page, errors = _open(browser, f"{url}/county_profile?county=青河县")
        dialogs = []
        page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
        try:
            _settle(page)
            assert page.locator('[data-testid="stException"]').count() == 0
            assert page.locator("img[src='x']").count() == 0
            assert not dialogs and not errors
            page.screenshot(path=str(SHOTS / "dashboard-hostile-names.png"))
        finally:
            page.close()
