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
NAV_LINKS = '[data-testid="stSidebarNavLink"], [data-testid="stTopNavLink"], [data-testid="stNavLink"]'


def chromium_path() -> str | None:
    for p in (CHROMIUM, shutil.which("chromium") or "", shutil.which("chromium-browser") or ""):
        if p and Path(p).exists():
            return p
    return None


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


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


def measure(env: dict, timeout: float = 120.0) -> dict:
    """Cold start → first rendered overview; every page; the server's RSS. Raises if no browser."""
    from playwright.sync_api import sync_playwright

    exe = chromium_path()
    if exe is None:
        raise FileNotFoundError("chromium not found")
    port = free_port()
    cmd = [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        str(PROJECT_ROOT / "dashboard.py"),
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
    out: dict = {}
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=exe, args=CHROMIUM_ARGS, headless=True)
        try:
            page = browser.new_page(viewport={"width": 1600, "height": 1000})
            started = time.perf_counter()
            server = subprocess.Popen(
                cmd,
                cwd=PROJECT_ROOT,
                env={**os.environ, **env},
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.PIPE,
            )
            try:
                url = f"http://127.0.0.1:{port}/"
                while True:  # the server's port opens a little after the process starts
                    try:
                        with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                            break
                    except OSError:
                        if server.poll() is not None or time.perf_counter() - started > timeout:
                            raise RuntimeError(
                                "streamlit did not start: "
                                + server.stderr.read().decode("utf-8", "replace")[-800:]
                            ) from None
                        time.sleep(0.05)
                out["port_open_seconds"] = time.perf_counter() - started
                page.goto(url, wait_until="domcontentloaded", timeout=timeout * 1000)
                page.locator(RENDERED).first.wait_for(state="visible", timeout=timeout * 1000)
                out["first_render_seconds"] = time.perf_counter() - started
                _wait_idle(page, timeout)
                out["overview_idle_seconds"] = time.perf_counter() - started
                page.screenshot(
                    path=str(Path(env.get("BENCH_SCREENSHOT", "/dev/null"))), full_page=False
                ) if env.get("BENCH_SCREENSHOT") else None
                hrefs = []
                for a in page.locator(NAV_LINKS).all():
                    h = a.get_attribute("href")
                    if h and h not in hrefs:
                        hrefs.append(h)
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
                rss, hwm = rss_mb(server.pid)
                out["server_rss_mb"], out["server_peak_rss_mb"] = rss, hwm
            finally:
                server.terminate()
                try:
                    server.wait(10)
                except subprocess.TimeoutExpired:
                    server.kill()
                    server.wait()
        finally:
            browser.close()
    return out
