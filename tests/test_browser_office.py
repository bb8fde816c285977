"""The office's weekly loop in a real browser: `streamlit run dashboard.py` on a temporary warehouse
and users file, a clerk (made with the CLI) signs in, uploads a good and a bad sample file, reads
the report, and downloads the XLSX bulletin. Screenshots go to test-artifacts/screenshots/."""

from __future__ import annotations

import io
import shutil
import time

import openpyxl
import pytest

from . import browser_support as web
from .office_fixtures import load_week, sample

CLERK, PASSWORD = "张会计", "clerk-password-1"
GOOD, BAD = "青河县_2023-W38.ods", "西山区_2023-W37_修改_negative.xlsx"

pytestmark = pytest.mark.browser


@pytest.fixture()
def app(tmp_path):
    # last week is in; this week's files arrive in the browser
    with web.server_with_account(
        tmp_path, CLERK, "clerk", PASSWORD, prepare=lambda db: load_week(db, "2023-W37")
    ) as url:
        yield url, tmp_path


def test_clerk_uploads_reads_the_report_and_downloads_the_bulletin(app):
    from playwright.sync_api import expect, sync_playwright

    url, tmp = app
    timings = {}
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=web.CHROMIUM, args=web.CHROMIUM_ARGS, headless=True)
        try:
            page = browser.new_page(
                viewport={"width": 1400, "height": 1000}, accept_downloads=True, locale="zh-CN"
            )
            main = page.locator('[data-testid="stMain"]')

            # a viewer opens a deep link as the very first request after the server start: it must
            # still run through dashboard.py (menu, sign-in box), not Streamlit's old pages/ mode
            page.goto(url + "/submissions")
            nav = page.locator(".st-key-menu")  # dashboard.py's menu
            expect(main.get_by_role("heading", name="数据报送")).to_be_visible(timeout=60_000)
            expect(nav.get_by_text("办公室", exact=True)).to_be_visible(timeout=30_000)
            expect(nav.get_by_text("signin", exact=True)).to_have_count(0)
            web.wait_idle(page)
            # told why they cannot upload, and offered sign-in
            main.get_by_role("tab", name="上传调度表").click()
            expect(main.get_by_text("上传调度表需要以报送员身份登录")).to_be_visible()
            web.shot(page, "office_1_viewer")

            # sign in on the 登录 page (client-side navigation keeps the session)
            started = time.perf_counter()
            web.sign_in_on_page(page, CLERK, PASSWORD, "报送员")
            timings["sign_in"] = time.perf_counter() - started

            # upload one good and one bad file at once
            nav.get_by_text("数据报送", exact=True).click()
            web.wait_idle(page)
            main.get_by_role("tab", name="上传调度表").click()
            button_text = main.locator('[data-testid="stFileUploaderDropzone"] button p').first.evaluate(
                "p => getComputedStyle(p, '::after').content"
            )
            assert button_text == '"选择文件"'  # not Streamlit's English "Upload"
            web.shot(page, "office_2_uploader")
            started = time.perf_counter()
            main.locator('input[type="file"]').set_input_files([str(sample(GOOD)), str(sample(BAD))])
            expect(main.get_by_text(GOOD).first).to_be_visible(timeout=30_000)
            expect(main.get_by_text("西山区_20").first).to_be_visible(
                timeout=30_000
            )  # long names are shortened
            web.shot(page, "office_2a_selected")
            main.get_by_role("button", name="检查并导入").click()
            expect(main.get_by_text("本次上传 2 个文件：导入 1，未变化 0，退回 1")).to_be_visible(
                timeout=60_000
            )
            timings["upload_and_report"] = time.perf_counter() - started
            expect(main.get_by_text(f"已导入  {GOOD}：青河县 2023-W38")).to_be_visible()
            expect(main.get_by_text(f"已退回  {BAD}：1 处错误，整个文件未导入")).to_be_visible()
            web.wait_idle(page)
            web.shot(page, "office_2_upload_report")

            # the list of fixes for the county
            with page.expect_download() as dl:
                main.get_by_role("button", name="下载退回修改清单（Excel）").first.click()
            fixes = tmp / dl.value.suggested_filename
            dl.value.save_as(fixes)
            assert fixes.name.startswith("退回修改清单_西山区")
            assert "退回修改清单" in openpyxl.load_workbook(fixes).worksheets[0]["A1"].value

            # the board now shows 青河县 2023-W38
            main.get_by_role("tab", name="报送情况").click()
            web.wait_idle(page)
            web.shot(page, "office_3_board")

            # the history tab
            main.get_by_role("tab", name="导入记录与恢复").click()
            expect(main.get_by_role("heading", name="版本恢复")).to_be_visible()
            web.shot(page, "office_4_history")

            # the rankings page and the XLSX bulletin
            started = time.perf_counter()
            nav.get_by_text("排名导出", exact=True).click()
            button = main.get_by_role("button", name="下载 Excel 通报")
            expect(button).to_be_visible(timeout=60_000)
            web.wait_idle(page)
            with page.expect_download() as dl:
                button.click()
            bulletin = tmp / dl.value.suggested_filename
            dl.value.save_as(bulletin)
            timings["bulletin"] = time.perf_counter() - started
            web.shot(page, "office_5_rankings")
        finally:
            browser.close()

    assert bulletin.name == "排名通报_2023-W38.xlsx"
    wb = openpyxl.load_workbook(io.BytesIO(bulletin.read_bytes()))
    cells = [c.value for r in wb.worksheets[0].iter_rows() for c in r if c.value is not None]
    assert "青河县" in cells and "排名" in cells
    print("timings (s):", {k: round(v, 2) for k, v in timings.items()})
    shutil.copy(tmp / "streamlit.log", web.SHOTS / "office_streamlit.log")
