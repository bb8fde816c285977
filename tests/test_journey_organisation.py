"""The organisation department's bulletin, in Chromium: the ranking of a chosen week on the
排名导出 page, its downloads (the Excel bulletin, the CSV, the monthly workbook) and what is in them,
checked against the ranking the warehouse computes. Screenshot: journey_organisation_*.png."""

from __future__ import annotations

import csv
import io

import openpyxl
import pytest
from playwright.sync_api import expect

from etl import scoring
from etl.warehouse_reader import reader

from .journeys import MAIN, app, browser, new_page, open_page, settle, shot

pytestmark = pytest.mark.browser
WEEK = "2023-W48"  # not the latest: the department picks the week of the bulletin
MONTH = ["2023-W48", "2023-W49"]  # the weeks whose Sunday is in December, as W48's (3 Dec)


def _download(page, name: str) -> bytes:
    with page.expect_download() as dl:
        page.locator(MAIN).get_by_role("button", name=name).click()
    return open(dl.value.path(), "rb").read()


def test_the_weekly_bulletin(tmp_path, demo_db):  # noqa: F811
    with reader(demo_db) as con:
        truth = scoring.ranking(con, WEEK)
    ranked = truth[truth["rank"].notna()]
    with app(tmp_path, demo_db) as (url, _env), browser() as b:
        page = new_page(b, 1366, 900)
        main = page.locator(MAIN)
        open_page(page, url + "/rankings", "排名导出")
        main.get_by_role("combobox", name="统计周", exact=True).click()  # the week box, then the week
        page.get_by_role("option", name=WEEK).click()
        settle(page, f"{WEEK}（", timeout=60_000)
        expect(main.get_by_text(f"下载多周汇总表（{len(MONTH)} 周）")).to_be_visible()
        shot(page, "journey_organisation_rankings")

        # the Excel bulletin: the title names the week once, the counties in rank order
        wb = openpyxl.load_workbook(io.BytesIO(_download(page, "下载 Excel 通报")))
        ws = wb.worksheets[0]
        assert ws["A1"].value.endswith(f"排名（{WEEK}，11月27日—12月3日）")
        cells = [[c.value for c in r] for r in ws.iter_rows()]
        listed = [r[1] for r in cells if r[1] in set(truth["county"])]
        assert listed[: len(ranked)] == list(ranked["county"])
        assert sorted(listed) == sorted(truth["county"])  # 未报送 ones listed last, never dropped

        # the CSV: one row per county, the same ranks and scores
        rows = list(csv.DictReader(io.StringIO(_download(page, "下载 CSV").decode("utf-8-sig"))))
        assert [r["县（市、区）"] for r in rows] == list(truth["county"])
        for r, (_, t) in zip(rows, truth.iterrows()):
            if t["rank"] == t["rank"]:  # ranked
                assert int(r["排名"]) == int(t["rank"]) and float(r["综合得分"]) == round(t["composite"], 1)

        # the monthly workbook: a trend sheet and one ranking sheet per week of November
        multi = openpyxl.load_workbook(io.BytesIO(_download(page, f"下载多周汇总表（{len(MONTH)} 周）")))
        names = multi.sheetnames
        assert len(names) == len(MONTH) + 1 and all(any(w in n for n in names) for w in MONTH)
