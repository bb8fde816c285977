"""The clerk sees, before moving on, that a file's name names another county than its cells (a loud
warning above the file), and why a date-formatted count is refused, as the cell shows in Excel."""

from __future__ import annotations

import datetime as dt

import pytest

from .browser_support import CHROMIUM, CHROMIUM_ARGS, shot, sign_in_on_page, wait_idle
from .dispatch_builder import grid
from .office_writers import WRITERS
from .test_browser_office import CLERK, PASSWORD, app  # noqa: F401  (app: a fixture)

pytestmark = pytest.mark.browser


def test_the_upload_page_shows_identity_alerts_and_date_cells(app):  # noqa: F811
    from playwright.sync_api import expect, sync_playwright

    url, tmp = app
    renamed = tmp / "西山区_2023-W38.xlsx"  # the cells say 青河县 (whose 2023-W37 is loaded)
    renamed.write_bytes(WRITERS["xlsx"]([("调度表", grid(unit="青河县", week="2023-W38"), "visible")]))
    dated = grid(unit="白石县", week="2023-W38")
    dated[4][8] = dt.date(1900, 1, 12)  # a typed 12 in a date-formatted cell
    dated_file = tmp / "白石县_2023-W38.xlsx"
    dated_file.write_bytes(WRITERS["xlsx"]([("调度表", dated, "visible")]))
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 1000}, locale="zh-CN")
            main = page.locator('[data-testid="stMain"]')
            nav = page.locator(".st-key-menu")  # dashboard.py's menu
            page.goto(url + "/submissions")
            expect(main.get_by_role("heading", name="数据报送")).to_be_visible(timeout=60_000)
            wait_idle(page)
            sign_in_on_page(page, CLERK, PASSWORD, "报送员")
            nav.get_by_text("数据报送", exact=True).click()
            wait_idle(page)
            main.get_by_role("tab", name="上传调度表").click()
            main.locator('input[type="file"]').set_input_files([str(renamed), str(dated_file)])
            expect(main.get_by_text("白石县_20").first).to_be_visible(timeout=30_000)
            main.get_by_role("button", name="检查并导入").click()
            expect(main.get_by_text("本次上传 2 个文件：导入 1，未变化 0，退回 1")).to_be_visible(
                timeout=60_000
            )
            expect(main.get_by_text("文件名写的是西山区，但表内填报单位是青河县").first).to_be_visible()
            expect(main.get_by_text("请先核对").first).to_be_visible()
            expect(main.get_by_text("1900/1/12").first).to_be_visible()
            wait_idle(page)
            shot(page, "trust_upload_alerts")
        finally:
            browser.close()
