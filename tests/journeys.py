"""What the journey tests share (tests/test_journey_*.py): a server on a temporary warehouse and users
file, a Chromium page, and the waits and looks a person's eyes do.

Waits are on Streamlit's rendered state (the app root's data-test-script-state attribute and the
element the person is looking for), never on a sleep. Screenshots go to test-artifacts/screenshots/
(git-ignored; CI keeps them): the whole page, grown to the height of Streamlit's scroll box."""

from __future__ import annotations

import contextlib
import subprocess
from pathlib import Path

from .browser_support import CHROMIUM, CHROMIUM_ARGS, SHOTS, need_browser, streamlit_server
from .office_fixtures import add_account

PASSWORD = "clerk-password-1"
IDLE = '[data-testid="stApp"][data-test-script-state="notRunning"]'
MAIN = '[data-testid="stMain"]'


def add_user(env: dict, name: str, role: str) -> None:
    """An account made the way the office makes it: the CLI."""
    add_account(env, name, role, PASSWORD)


@contextlib.contextmanager
def app(tmp_path: Path, db: Path):
    """`streamlit run dashboard.py` on this warehouse and a users file in tmp_path: (url, env)."""
    need_browser()
    env = {"DISPATCH_DB": str(db), "DISPATCH_USERS": str(tmp_path / "users.json")}
    with streamlit_server(tmp_path / "streamlit.log", env) as url:
        yield url, env


@contextlib.contextmanager
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        try:
            yield b
        finally:
            b.close()


# a phone's Chrome: app.viewer sends a phone the charts' phone shapes, from this header
PHONE_UA = (
    "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/131.0.0.0 Mobile Safari/537.36"
)


def new_page(b, width: int = 1366, height: int = 768):
    """A browser tab of that size; one narrower than 640 px is a phone's (its User-Agent, touch)."""
    phone = {"user_agent": PHONE_UA, "is_mobile": True, "has_touch": True} if width < 640 else {}
    context = b.new_context(
        viewport={"width": width, "height": height}, locale="zh-CN", accept_downloads=True, **phone
    )
    return context.new_page()


def settle(page, text: str | None = None, timeout: int = 60_000) -> None:
    """Wait until the text (if any) is on the page and the script run that drew it has finished."""
    from playwright.sync_api import expect

    if text is not None:
        expect(page.locator(MAIN).get_by_text(text).first).to_be_visible(timeout=timeout)
    page.wait_for_selector(IDLE, timeout=timeout)
    page.wait_for_selector('[data-testid="stStatusWidget"]', state="detached", timeout=timeout)


def open_page(page, url: str, heading: str) -> None:
    from playwright.sync_api import expect

    page.goto(url)
    expect(page.locator(MAIN).get_by_role("heading", name=heading).first).to_be_visible(timeout=60_000)
    settle(page)


def shot(page, name: str) -> Path:
    """The whole page: the viewport grown to the content of Streamlit's scroll box, then put back."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    size = page.viewport_size
    # scroll through once: what was never on screen may not be painted in the grown viewport either
    page.evaluate(f"() => {{ const m = document.querySelector('{MAIN}'); m.scrollTop = m.scrollHeight; }}")
    page.evaluate(f"() => {{ document.querySelector('{MAIN}').scrollTop = 0; }}")
    height = page.evaluate(f"document.querySelector('{MAIN}').scrollHeight")
    page.set_viewport_size({"width": size["width"], "height": max(size["height"], int(height))})
    page.wait_for_selector(IDLE)
    # the grown viewport paints what was below the fold: wait until every shown chart has drawn
    # (Vega draws after the script run) and two frames have painted
    page.wait_for_function(
        """() => [...document.querySelectorAll('[data-testid="stVegaLiteChart"]')]
                 .filter(c => c.offsetParent !== null)
                 .every(c => [...c.querySelectorAll('canvas, svg')].some(g => g.getBoundingClientRect().height > 0))"""
    )
    page.evaluate("() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))")
    path = SHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    page.set_viewport_size(size)
    return path


def sideways(page) -> dict:
    """How far the page could scroll sideways: the document and Streamlit's main scroll box."""
    return page.evaluate(
        f"""() => {{
            const m = document.querySelector('{MAIN}');
            return {{doc: document.scrollingElement.scrollWidth - innerWidth,
                     main: m.scrollWidth - m.clientWidth}};
        }}"""
    )


def lines(page, selector: str = MAIN) -> list[str]:
    """Every rendered line of text a person can see in that part of the page."""
    text = page.locator(selector).inner_text()
    return [ln.strip() for ln in text.splitlines() if ln.strip()]


def pdf_text(pdf: Path) -> str:
    """The text of a printed PDF, as poppler's pdftotext reads it (layout kept per line)."""
    out = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    return out.stdout


def print_pdf(page, name: str) -> Path:
    """Print as the browser does (print media, A4 landscape from the page's @page rule)."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    path = SHOTS / f"{name}.pdf"
    page.emulate_media(media="print")
    # the paper copies of the grids (app.page_tables.print_table): wait until every one holds its rows
    page.wait_for_function(
        """() => [...document.querySelectorAll('[class*="st-key-print_only"]')]
                 .every(c => c.querySelector('table tbody tr'))"""
    )
    page.pdf(path=str(path), prefer_css_page_size=True, print_background=True)
    page.emulate_media(media="screen")
    return path
