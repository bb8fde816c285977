"""`streamlit run dashboard.py` to the first rendered overview in headless Chromium, then every page
of the navigation, and the server's RSS after that.

"Rendered" = the overview shows its ranking: a dataframe, table or chart element is visible.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

from etl.config import PROJECT_ROOT

from .proc import rss_mb

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
RENDERED = (
    ", ".join(
        f'[data-testid="{t}"]'
        for t in (
            "stDataFrame",
            "stTable",
            "stVegaLiteChart",
            "stArrowVegaLiteChart",
            "stPlotlyChart",
            "stDataFrameResizable",
        )
    )
    + ', [data-testid="stMarkdownContainer"] table'
)
# Streamlit's own page list, or the menu dashboard.py draws with st.page_link in its "menu" container
NAV_LINKS = (
    '[data-testid="stSidebarNavLink"], [data-testid="stTopNavLink"], [data-testid="stNavLink"], '
    '.st-key-menu a[data-testid="stPageLink-NavLink"]'
)


def chromium_path() -> str | None:
    for p in (CHROMIUM, shutil.which("chromium") or "", shutil.which("chromium-browser") or ""):
        if p and Path(p).exists():
            return p
    return None


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def server_command(port: int) -> list[str]:
    """`streamlit run dashboard.py` on 127.0.0.1:port, started as `make run` starts it (app.serve;
    the tests' too)."""
    return [
        sys.executable,
        "-m",
        "app.serve",
        "--server.port",
        str(port),
        "--server.address",
        "127.0.0.1",
        "--server.headless",
        "true",
        "--browser.gatherUsageStats",
        "false",
        "--server.fileWatcherType",
        "none",
    ]


def start_server(env: dict, port: int) -> subprocess.Popen:
    return subprocess.Popen(
        server_command(port),
        cwd=PROJECT_ROOT,
        env={**os.environ, **env},
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )


def wait_port(server: subprocess.Popen, port: int, started: float, timeout: float) -> None:
    """Until the server's port opens (a little after the process starts)."""
    while True:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return
        except OSError:
            if server.poll() is not None or time.perf_counter() - started > timeout:
                raise RuntimeError(
                    "streamlit did not start: " + server.stderr.read().decode("utf-8", "replace")[-800:]
                ) from None
            time.sleep(0.05)


def stop_server(server: subprocess.Popen) -> None:
    server.terminate()
    try:
        server.wait(10)
    except subprocess.TimeoutExpired:
        server.kill()
        server.wait()


def nav_hrefs(page) -> list[str]:
    """Every page of the menu, in its order. The overview's link is href="" (the root): kept."""
    hrefs: list[str] = []
    for a in page.locator(NAV_LINKS).all():
        h = a.get_attribute("href")
        if h is not None and h not in hrefs:
            hrefs.append(h)
    return hrefs


def page_key(href: str) -> str:
    """A navigation link's page, whatever the server: overview for the root."""
    import urllib.parse

    return urllib.parse.urlparse(href).path.strip("/") or "overview"


def _wait_idle(page, timeout: float) -> None:
    """Until Streamlit's running indicator has been gone for 300 ms."""
    deadline = time.monotonic() + timeout
    quiet_since = None
    while time.monotonic() < deadline:
        running = page.locator('[data-testid="stStatusWidget"]').count() > 0
        now = time.monotonic()
        if running:
            quiet_since = None
        elif quiet_since is None:
            quiet_since = now
        elif now - quiet_since > 0.3:
            return
        page.wait_for_timeout(50)


BUSY_JS = """() => !!(document.querySelector('[data-testid="stStatusWidget"]')
    || document.querySelector('[data-stale="true"]'))"""
TITLE_JS = """() => { const h = document.querySelector('[data-testid="stMain"] h1');
    return h ? h.textContent : null; }"""


def _settled_at(page, before_title: str | None, timeout: float) -> float:
    """The moment (perf_counter) a page switch finished: the new page's title is shown and nothing
    is running or stale, and it stays so for 300 ms (which is not counted)."""
    deadline = time.perf_counter() + timeout
    quiet_since = None
    while time.perf_counter() < deadline:
        now = time.perf_counter()
        done = page.evaluate(TITLE_JS) not in (None, before_title) and not page.evaluate(BUSY_JS)
        if not done:
            quiet_since = None
        elif quiet_since is None:
            quiet_since = now
        elif now - quiet_since > 0.3:
            return quiet_since
        page.wait_for_timeout(15)
    raise TimeoutError("the page did not settle")


def switch_pages(page, hrefs: list[str], rounds: int, timeout: float = 60.0) -> dict:
    """Page-to-page switches as a viewer makes them: a click on the navigation link (a rerun over the
    open websocket, no reload), `rounds` times through every page; p50/p95 over all switches."""
    from .queries import percentile

    times: dict[str, list[float]] = {h: [] for h in hrefs}
    for _ in range(rounds):
        for h in hrefs:
            link = page.locator(NAV_LINKS).and_(page.locator(f'[href="{h}"]')).first
            before = page.evaluate(TITLE_JS)
            if page_key(h) == page_key(page.url):  # already there: no switch
                continue
            t = time.perf_counter()
            link.click()
            times[h].append(_settled_at(page, before, timeout) - t)
    every = [x for xs in times.values() for x in xs]
    return {
        "rounds": rounds,
        "n": len(every),
        "p50_s": percentile(every, 0.5),
        "p95_s": percentile(every, 0.95),
        "max_s": max(every, default=float("nan")),
        "by_page": {page_key(h): xs for h, xs in times.items()},
        "exceptions": page.locator('[data-testid="stException"]').count(),
    }


def measure(env: dict, timeout: float = 120.0, rounds: int = 0) -> dict:
    """Cold start → first rendered overview; every page; `rounds` rounds of page switches; the
    server's RSS. Raises if no browser."""
    from playwright.sync_api import sync_playwright

    exe = chromium_path()
    if exe is None:
        raise FileNotFoundError("chromium not found")
    port = free_port()
    out: dict = {}
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=exe, args=CHROMIUM_ARGS, headless=True)
        try:
            page = browser.new_page(viewport={"width": 1600, "height": 1000})
            started = time.perf_counter()
            server = start_server(env, port)
            try:
                url = f"http://127.0.0.1:{port}/"
                wait_port(server, port, started, timeout)
                out["port_open_seconds"] = time.perf_counter() - started
                page.goto(url, wait_until="domcontentloaded", timeout=timeout * 1000)
                page.locator(RENDERED).first.wait_for(state="visible", timeout=timeout * 1000)
                out["first_render_seconds"] = time.perf_counter() - started
                _wait_idle(page, timeout)
                out["overview_idle_seconds"] = time.perf_counter() - started
                page.screenshot(
                    path=str(Path(env.get("BENCH_SCREENSHOT", "/dev/null"))), full_page=False
                ) if env.get("BENCH_SCREENSHOT") else None
                hrefs = nav_hrefs(page)
                visits = []
                for h in hrefs:
                    t = time.perf_counter()
                    page.goto(
                        h if h.startswith("http") else url.rstrip("/") + "/" + h.lstrip("/"),
                        wait_until="domcontentloaded",
                        timeout=timeout * 1000,
                    )
                    page.wait_for_timeout(100)
                    _wait_idle(page, timeout)
                    visits.append(
                        {
                            "href": h,
                            "seconds": time.perf_counter() - t,
                            "exceptions": page.locator('[data-testid="stException"]').count(),
                        }
                    )
                out["pages"] = visits
                if rounds:
                    try:
                        out["switch"] = switch_pages(page, hrefs, rounds)
                    except Exception as exc:  # noqa: BLE001 — keep the cold start and the RSS
                        out["switch"] = {"error": f"{type(exc).__name__}: {exc}"[:500]}
                rss, hwm = rss_mb(server.pid)
                out["server_rss_mb"], out["server_peak_rss_mb"] = rss, hwm
            finally:
                stop_server(server)
        finally:
            browser.close()
    return out
