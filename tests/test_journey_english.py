"""The English switch, in Chromium (#18 item 10): with it on, every rendered line of every page that
holds Chinese also carries its English, apart from data values (county, unit, indicator and file
names), and no label is cut. Screenshots: test-artifacts/screenshots/journey_english_*.png."""

from __future__ import annotations

import json
import re

import pytest

from etl.config import default_config
from etl.warehouse_reader import reader

from .dashboard_fixtures import demo_db  # noqa: F401 (fixture)
from .journeys import MAIN, app, browser, new_page, open_page, settle, shot

pytestmark = pytest.mark.browser
CJK = re.compile(r"[\u4e00-\u9fff]")
ENGLISH = re.compile(r"[A-Za-z]{2,}")
PAGES = [
    ("", "总览 Overview", "overview"),
    ("study", "理论学习 Study", "study"),
    ("research", "调查研究 Research", "research"),
    ("development", "推动发展 Development", "development"),
    ("rectification", "整改整治 Rectification", "rectification"),
    ("temperature", "上热中温下冷 Temperature", "temperature"),
    ("county_profile", "县域画像 County profile", "profile"),
    ("submissions", "数据报送 Submissions", "submissions"),
    ("rankings", "排名导出 Rankings export", "rankings"),
    ("account", "登录 Sign in", "account"),
]


@pytest.fixture(scope="module")
def data_values(demo_db):  # noqa: F811
    """Names that are data, longest first: they stay as they are in either language."""
    config = default_config()
    with reader(demo_db) as con:
        units = {r[0] for r in con.execute("SELECT DISTINCT unit FROM unit_reports").fetchall()}
        indicators = {r[0] for r in con.execute("SELECT label FROM indicator_defs").fetchall()}
    names = {*config.units, config.city, *units, *indicators}
    return sorted(names, key=len, reverse=True)


def chinese_only(lines: list[str], names: list[str]) -> list[str]:
    """Lines with Chinese that is not a data value and no English beside it."""
    bad = []
    for line in lines:
        if not CJK.search(line) or ENGLISH.search(line):
            continue
        rest = line
        for name in names:
            rest = rest.replace(name, "")
        if CJK.search(rest):
            bad.append(line)
    return bad


def cut_labels(page) -> list[str]:
    """Metric labels and sidebar widgets whose text ends in an ellipsis (wider than their box)."""
    return page.evaluate(
        """() => [...document.querySelectorAll(
                '[data-testid="stMetricLabel"] p, [data-testid="stSidebar"] [data-baseweb="select"] div')]
            .filter(e => e.childElementCount === 0 && e.scrollWidth > e.clientWidth + 1)
            .map(e => e.innerText)"""
    )


def test_every_page_in_english(tmp_path, demo_db, data_values):  # noqa: F811
    with app(tmp_path, demo_db) as (url, _env), browser() as b:
        page = new_page(b, 1366, 900)
        problems = {}
        for path, heading, name in PAGES:
            open_page(page, f"{url}/{path}?en=true", heading)
            seen = []
            if name == "submissions":  # every tab a viewer can open
                for tab in page.locator(MAIN).get_by_role("tab").all():
                    tab.click()
                    settle(page)
                    seen += (
                        page.locator(MAIN)
                        .locator('[role="tabpanel"]:visible')
                        .first.inner_text()
                        .splitlines()
                    )
            text = page.locator(MAIN).inner_text().splitlines() + seen
            text += page.locator('[data-testid="stSidebar"]').inner_text().splitlines()
            lines = [ln.strip() for ln in text if ln.strip()]
            bad = chinese_only(lines, data_values)
            cut = cut_labels(page)
            if bad or cut:
                problems[name] = {"chinese only": bad, "cut": cut}
            shot(page, f"journey_english_{name}")
        assert not problems, json.dumps(problems, ensure_ascii=False, indent=1)
