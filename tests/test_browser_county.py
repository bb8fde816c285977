"""A county's own clerk in a real browser: `streamlit run dashboard.py` on a temporary warehouse, a
county account made with the CLI signs in, downloads its blank template, uploads a file with a
mistake (rejected, with the list of fixes), the corrected file (loaded), tries another county's file
(refused), and reads its history and audit trail; then the published overview like every viewer.
Screenshots go to test-artifacts/screenshots/county_*.png; the timings of each step are printed and
written to test-artifacts/screenshots/county_timings.json."""

from __future__ import annotations

import datetime as dt
import json
import shutil
import time

import openpyxl
import pytest

from etl.config import load_config
from etl.deadline import deadline_of, submission_rule
from etl.load import load_paths

from .browser_support import (
    CHROMIUM,
    CHROMIUM_ARGS,
    SHOTS,
    server_with_account,
    shot,
    sign_in_on_page,
    wait_idle,
)
from .conftest import ROOT, require_samples
from .dispatch_builder import grid, write_xlsx
from .office_fixtures import sample

COUNTY_USER, PASSWORD = "青河县报送员", "county-password-1"
GOOD, OTHER = "青河县_2023-W38.ods", "西山区_2023-W38.xlsx"

pytestmark = pytest.mark.browser


@pytest.fixture()
def app(tmp_path):
    def last_week_on_time(db):
        # last week's files came in on time (the loader's clock), this week's arrive in the browser
        week37 = sorted(p for p in (require_samples() / "dispatch").iterdir() if "2023-W37" in p.name)
        due = deadline_of("2023-W37", submission_rule(load_config()))
        load_paths(week37, db, loaded_by="办公室", clock=lambda r: due - dt.timedelta(hours=20))

    with server_with_account(
        tmp_path, COUNTY_USER, "county", PASSWORD, unit="青河县", prepare=last_week_on_time
    ) as url:
        yield url, tmp_path


def test_county_clerk_submits_its_own_file(app):
    from playwright.sync_api import expect, sync_playwright

    url, tmp = app
    mistaken = tmp / "青河县_2023-W38_初稿.xlsx"
    cells = grid(unit="青河县", week="2023-W38")
    cells[5][4] = "若干"  # a count that is not a number
    write_xlsx(mistaken, cells)
    timings = {}

    def timed(name, started):
        timings[name] = round(time.perf_counter() - started, 2)

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        try:
            page = browser.new_page(
                viewport={"width": 1400, "height": 1000}, accept_downloads=True, locale="zh-CN"
            )
            main = page.locator('[data-testid="stMain"]')
            nav = page.locator(".st-key-menu")  # dashboard.py's menu
            page.goto(url)
            expect(nav.get_by_text("登录", exact=True)).to_be_visible(timeout=60_000)
            wait_idle(page)

            # 1. sign in
            started = time.perf_counter()
            sign_in_on_page(page, COUNTY_USER, PASSWORD, "单位报送员·青河县")
            timed("sign_in", started)
            shot(page, "county_0_signed_in")

            # 2. the blank template, with the unit filled in
            started = time.perf_counter()
            nav.get_by_text("数据报送", exact=True).click()
            wait_idle(page)
            main.get_by_role("tab", name="空白模板").click()
            with page.expect_download() as dl:
                main.get_by_role("button", name="下载空白模板（Excel）").click()
            template = tmp / dl.value.suggested_filename
            dl.value.save_as(template)
            timed("template", started)
            assert template.name.startswith("周调度表_青河县_")
            texts = [c.value for r in openpyxl.load_workbook(template).worksheets[0].iter_rows() for c in r]
            assert any(isinstance(v, str) and "青河县" in v for v in texts)
            shot(page, "county_1_template")

            # 3. a file with a mistake: rejected, every cell listed, the fixes as Excel
            main.get_by_role("tab", name="上传调度表").click()
            expect(main.get_by_text("您是青河县的报送员")).to_be_visible()
            shot(page, "county_2_upload_tab")
            started = time.perf_counter()
            main.locator('input[type="file"]').set_input_files([str(mistaken)])
            main.get_by_role("button", name="检查并导入").click()
            expect(main.get_by_text(f"已退回  {mistaken.name}：1 处错误，整个文件未导入")).to_be_visible(
                timeout=60_000
            )
            timed("upload_rejected_and_report", started)
            wait_idle(page)
            shot(page, "county_3_rejected")
            started = time.perf_counter()
            with page.expect_download() as dl:
                main.get_by_role("button", name="下载退回修改清单（Excel）").first.click()
            fixes = tmp / dl.value.suggested_filename
            dl.value.save_as(fixes)
            timed("fixes_download", started)
            assert "退回修改清单" in openpyxl.load_workbook(fixes).worksheets[0]["A1"].value

            # 4. the corrected file loads
            started = time.perf_counter()
            main.locator('input[type="file"]').set_input_files([str(sample(GOOD))])
            main.get_by_role("button", name="检查并导入").click()
            expect(main.get_by_text(f"已导入  {GOOD}：青河县 2023-W38")).to_be_visible(timeout=60_000)
            timed("upload_loaded_and_report", started)
            wait_idle(page)
            shot(page, "county_4_loaded")

            # 5. another county's file is refused by the loader
            started = time.perf_counter()
            main.locator('input[type="file"]').set_input_files([str(sample(OTHER))])
            main.get_by_role("button", name="检查并导入").click()
            expect(main.get_by_text(f"已退回  {OTHER}")).to_be_visible(timeout=60_000)
            timed("upload_other_unit_refused", started)
            expect(main.get_by_text("只能报送「青河县」").first).to_be_visible()
            wait_idle(page)
            shot(page, "county_5_other_unit_refused")

            # 6. its own history and audit trail
            started = time.perf_counter()
            main.get_by_role("tab", name="导入记录与恢复").click()
            expect(main.get_by_role("heading", name="版本恢复")).to_be_visible()
            shot(page, "county_6_history")
            main.get_by_role("tab", name="操作记录").click()
            wait_idle(page)
            shot(page, "county_7_audit")
            expect(main.get_by_role("button", name="下载操作记录（Excel，5 条）")).to_be_visible(
                timeout=30_000
            )
            timed("history_and_audit", started)

            # 7. the board counts the new file; the published overview as every viewer sees it
            main.get_by_role("tab", name="报送情况").click()
            wait_idle(page)
            shot(page, "county_8_board")
            started = time.perf_counter()
            nav.get_by_text("总览", exact=True).click()
            expect(main.get_by_text("逾期报送").first).to_be_visible(timeout=60_000)
            wait_idle(page)
            timed("overview", started)
            shot(page, "county_9_overview")
            main.get_by_text("逾期报送").first.scroll_into_view_if_needed()
            page.screenshot(path=str(SHOTS / "county_10_overview_alerts.png"))
        finally:
            browser.close()

    print("timings (s):", timings)
    (SHOTS / "county_timings.json").write_text(json.dumps(timings, ensure_ascii=False, indent=1))
    shutil.copy(tmp / "streamlit.log", SHOTS / "county_streamlit.log")
