"""What the browser tests share: Debian's Chromium, `streamlit run dashboard.py` on a free port, and
the steps every browser test takes: wait for a script run to end, sign in on the 登录 page, screenshot."""

from __future__ import annotations

import contextlib
import os
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest

from bench.browser import CHROMIUM, CHROMIUM_ARGS, free_port, server_command  # as the benchmark runs it

from .conftest import ROOT
from .office_fixtures import add_account

SHOTS = ROOT / "test-artifacts" / "screenshots"


def need_browser() -> None:
    """Skip with a printed reason locally; in CI (.ci/run installs chromium) a missing browser fails."""
    if not Path(CHROMIUM).exists():
        if os.environ.get("CI"):
            pytest.fail(f"{CHROMIUM} is missing in CI (.ci/run installs it)")
        reason = (
            f"{CHROMIUM} not installed; skipping the browser tests (apt-get install chromium fonts-noto-cjk)"
        )
        print(reason)
        pytest.skip(reason)


@contextlib.contextmanager
def streamlit_server(log_path: Path, env: dict):
    """The app as `make run` starts it, on a free port; yields its URL once it answers."""
    port = free_port()
    with open(log_path, "w") as log:
        proc = subprocess.Popen(
            server_command(port),
            cwd=ROOT,
            env={**os.environ, **env},
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(url + "/_stcore/health", timeout=2) as r:
                    if r.status == 200:
                        break
            except OSError:
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("streamlit did not start:\n" + log_path.read_text())
            time.sleep(0.3)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()


@contextlib.contextmanager
def server_with_account(tmp_path: Path, name: str, role: str, password: str, *, unit=None, prepare=None):
    """The app on a new warehouse and users file in tmp_path holding one account made with the CLI;
    prepare(db) runs before the server starts. Yields the URL."""
    need_browser()
    db = tmp_path / "warehouse.duckdb"
    env = {"DISPATCH_DB": str(db), "DISPATCH_USERS": str(tmp_path / "users.json")}
    add_account(env, name, role, password, unit)
    if prepare is not None:
        prepare(db)
    with streamlit_server(tmp_path / "streamlit.log", env) as url:
        yield url


def wait_idle(page) -> None:
    """Streamlit shows a 'running' status widget while a script runs; wait until it is gone."""
    page.wait_for_timeout(300)
    page.wait_for_selector('[data-testid="stStatusWidget"]', state="detached", timeout=60_000)


def shot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def sign_in_on_page(page, name: str, password: str, role: str) -> None:
    """Open 登录 from the menu, sign in, and wait for 已登录：name（role）."""
    from playwright.sync_api import expect

    main, nav = page.locator('[data-testid="stMain"]'), page.locator(".st-key-menu")
    nav.get_by_text("登录", exact=True).click()
    expect(main.get_by_role("heading", name="登录")).to_be_visible(timeout=30_000)
    form = main.locator('[data-testid="stForm"]').first
    form.get_by_label("用户名").fill(name)
    form.get_by_label("密码").fill(password)
    form.get_by_role("button", name="登录").click()
    expect(main.get_by_text(f"已登录：{name}（{role}）")).to_be_visible(timeout=30_000)
