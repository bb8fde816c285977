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


TITLE_JS = """() => { const h = document.querySelector('[data-testid="stMain"] h1');
    return h ? h.textContent : null; }"""
# one round trip a poll: the title, the running indicator, a stale element, and Streamlit's own state
# of the script run (the attribute its end-to-end tests wait on: "notRunning" once the rerun's last
# message has been handled)
STATE_JS = """() => { const h = document.querySelector('[data-testid="stMain"] h1');
    const app = document.querySelector('[data-testid="stApp"]');
    return [h ? h.textContent : null,
        !!document.querySelector('[data-testid="stStatusWidget"]'),
        !!document.querySelector('[data-stale="true"]'),
        app ? app.getAttribute('data-test-script-state') : null]; }"""
# resolves once the browser has drawn a frame after everything already handled
PAINTED_JS = """() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(() => r(true))))"""
QUIET = 0.3  # a state must hold this long to count (the wait is not counted)


def _settled_at(page, before_title: str | None, timeout: float) -> tuple[float, float]:
    """When a page switch finished (perf_counter), and when it first looked finished.

    Finished: the new page's title is shown, the page's script has finished (Streamlit's script
    state), nothing is stale, and the browser has drawn a frame since; it stays so for 300 ms (not
    counted). First content, the earlier rounds' end of a switch: the new title is shown and neither
    the running indicator nor a stale element is, for 300 ms. Streamlit shows its indicator only
    after a delay, so a fast rerun looked done while its script was still running and the rest of
    the page still arriving: that measure is kept beside the new one, not as the figure."""
    deadline = time.perf_counter() + timeout
    shown = shown_since = finished = None
    while time.perf_counter() < deadline:
        now = time.perf_counter()
        title, indicator, stale, state = page.evaluate(STATE_JS)
        new_title = title not in (None, before_title)
        if shown is None:
            if not (new_title and not indicator and not stale):
                shown_since = None
            elif shown_since is None:
                shown_since = now
            elif now - shown_since > QUIET:
                shown = shown_since
        if not (new_title and not stale and state == "notRunning"):
            finished = None
        elif finished is None:
            page.evaluate(PAINTED_JS)
            finished = time.perf_counter()
        elif now - finished > QUIET and shown is not None:
            return finished, shown
        page.wait_for_timeout(15)
    raise TimeoutError("the page did not settle")


def switch_pages(page, hrefs: list[str], rounds: int, timeout: float = 60.0) -> dict:
    """Page-to-page switches as a viewer makes them: a click on the navigation link (a rerun over the
    open websocket, no reload), `rounds` times through every page; p50/p95 over all switches, until
    each page finished (`by_page`) and, as the earlier rounds measured it, until its first content
    (`first_content_by_page`, see _settled_at)."""
    from .queries import percentile

    times: dict[str, list[float]] = {h: [] for h in hrefs}
    shown: dict[str, list[float]] = {h: [] for h in hrefs}
    for _ in range(rounds):
        for h in hrefs:
            link = page.locator(NAV_LINKS).and_(page.locator(f'[href="{h}"]')).first
            before = page.evaluate(TITLE_JS)
            if page_key(h) == page_key(page.url):  # already there: no switch
                continue
            t = time.perf_counter()
            link.click()
            finished, first = _settled_at(page, before, timeout)
            times[h].append(finished - t)
            shown[h].append(first - t)
    every = [x for xs in times.values() for x in xs]
    first = [x for xs in shown.values() for x in xs]
    return {
        "rounds": rounds,
        "n": len(every),
        "p50_s": percentile(every, 0.5),
        "p95_s": percentile(every, 0.95),
        "max_s": max(every, default=float("nan")),
        "first_content_p50_s": percentile(first, 0.5),
        "first_content_p95_s": percentile(first, 0.95),
        "by_page": {page_key(h): xs for h, xs in times.items()},
        "first_content_by_page": {page_key(h): xs for h, xs in shown.items()},
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
