"""The clerk's week, in Chromium: sign in, upload this week's files (good and bad), read the
report (the unit of each problem named, no false 合计 warning), download the list of fixes, see the
board change at once, reload and still be signed in, upload a correction that drops a unit and see
it said. Screenshots: test-artifacts/screenshots/journey_clerk_*.png."""

from __future__ import annotations

import io

import openpyxl
import pytest
from playwright.sync_api import expect

from .dispatch_builder import BASE, UNITS, grid, write_xlsx
from .journeys import MAIN, PASSWORD, add_user, app, browser, new_page, open_page, settle, shot
from .office_fixtures import load_week, sample

pytestmark = pytest.mark.browser
CLERK = "张会计"


def _rows(units=UNITS):
    return [{"unit": u, "level": lv, **BASE[lv]} for u, lv in units]


def _upload(page, *paths) -> None:
    main = page.locator(MAIN)
    main.locator('[data-testid="stFileUploaderDropzoneInput"]').set_input_files([str(p) for p in paths])
    expect(main.locator('[data-testid="stFileChipDeleteBtn"]')).to_have_count(len(paths), timeout=30_000)
    main.get_by_role("button", name="检查并导入").click()
    settle(page, f"本次上传 {len(paths)} 个文件")


def _board_count(page, status: str) -> str:
    page.locator(MAIN).get_by_role("tab", name="报送情况").click()
    metric = page.locator('[data-testid="stMetric"]').filter(has_text=status).first
    return metric.locator('[data-testid="stMetricValue"]').inner_text()


def test_the_clerks_week(tmp_path):
    db = tmp_path / "warehouse.duckdb"
    load_week(db, "2023-W37")  # last week is in
    good = sample("青河县_2023-W38.ods")
    # 西山区's file: one row breaks a rule (已完成调研 > 调研课题); every 合计 equals its column's sum
    rows = _rows()
    rows[1]["research_done"] = rows[1]["research_topics"] + 5
    bad = write_xlsx(tmp_path / "西山区_2023-W38.xlsx", grid(unit="西山区", week="2023-W38", rows=rows))
    # 白石县 sends W38 twice: the second leaves out its village row
    full = write_xlsx(tmp_path / "白石县_2023-W38.xlsx", grid(unit="白石县", week="2023-W38"))
    short = write_xlsx(
        tmp_path / "白石县_2023-W38（更正）.xlsx", grid(unit="白石县", week="2023-W38", rows=_rows(UNITS[:2]))
    )
    with app(tmp_path, db) as (url, env), browser() as b:
        add_user(env, CLERK, "clerk")
        page = new_page(b, 1366, 900)
        main = page.locator(MAIN)

        # sign in on the 数据报送 page
        open_page(page, url + "/submissions", "数据报送")
        main.get_by_role("tab", name="上传调度表").click()
        form = main.locator('[data-testid="stForm"]').filter(has=page.get_by_label("密码")).first
        form.get_by_label("用户名").fill(CLERK)
        form.get_by_label("密码").fill(PASSWORD)
        form.get_by_role("button", name="登录").click()
        settle(page)
        expect(page.locator('[data-testid="stSidebar"]').get_by_text(CLERK)).to_be_visible()
        before = _board_count(page, "已报送")

        # the week's files: one good, one bad
        main.get_by_role("tab", name="上传调度表").click()
        _upload(page, good, bad)
        expect(main.get_by_text("已导入  青河县_2023-W38.ods", exact=False)).to_be_visible()
        expect(main.get_by_text("已退回  西山区_2023-W38.xlsx", exact=False)).to_be_visible()
        report = main.locator('[data-testid="stTable"]').filter(has_text="E_RELATION").first
        expect(report).to_contain_text("城关镇党委")  # the unit of the row, beside its cell
        expect(report).to_contain_text("请核对")  # 怎么改, whole
        assert "W_TOTAL_MISMATCH" not in main.inner_text()  # no false 合计 warning
        shot(page, "journey_clerk_report")

        # the list of fixes for 西山区
        with page.expect_download() as dl:
            main.get_by_role("button", name="下载退回修改清单（Excel）").click()
        wb = openpyxl.load_workbook(io.BytesIO(open(dl.value.path(), "rb").read()))
        cells = [[c.value for c in r] for r in wb.worksheets[0].iter_rows()]
        header = next(r for r in cells if r[0] == "序号")
        problem = next(r for r in cells if r[header.index("代码")] == "E_RELATION")
        assert problem[header.index("单位")] == "城关镇党委"
        assert not [r for r in cells if "W_TOTAL_MISMATCH" in r]

        # the board counts the upload at once (it was one step behind): the new week, 青河县 in,
        # 西山区 rejected
        assert before == "11 个"  # 2023-W37, the latest week before the upload
        assert _board_count(page, "已报送") == "1 个"
        expect(main.get_by_text("西山区（已退回）", exact=False).first).to_be_visible()
        shot(page, "journey_clerk_board")

        # a reload (F5) keeps the clerk signed in: the signed re-login cookie
        page.reload()
        open_page(page, page.url, "数据报送")
        expect(page.locator('[data-testid="stSidebar"]').get_by_text(CLERK)).to_be_visible()
        # and so does a shared link opened in a new tab of the same browser
        other = page.context.new_page()
        open_page(other, url + "/submissions", "数据报送")
        expect(other.locator('[data-testid="stSidebar"]').get_by_text(CLERK)).to_be_visible()
        other.close()

        # a correction that leaves out a unit says so
        main.get_by_role("tab", name="上传调度表").click()
        _upload(page, full)
        main.get_by_role("tab", name="上传调度表").click()
        _upload(page, short)
        expect(main.get_by_text("更正版本 v2", exact=False)).to_be_visible()
        expect(main.get_by_text("少了 1 个单位：城关镇村（社区）党组织", exact=False).first).to_be_visible()
        shot(page, "journey_clerk_correction")

        # signing out ends it: a reload is signed out
        page.locator('[data-testid="stSidebar"]').get_by_role("button", name="退出登录").click()
        expect(page.locator('[data-testid="stSidebar"]').get_by_text("登录（报送员）")).to_be_visible()
        page.wait_for_function("!document.cookie.includes('dispatch_signin')")
        page.reload()
        open_page(page, page.url, "数据报送")
        expect(page.locator('[data-testid="stSidebar"]').get_by_text(CLERK)).to_have_count(0)
