"""The English switch, in Chromium: with it on, every rendered line (every table cell)
of every page that holds Chinese also carries its English, apart from data values (county, unit,
file, sheet and user names), and no label is cut: as a viewer on every page and tab, as an
administrator who uploads good and bad files and reads the report, the history and the account
screens, and on a 390 px phone (no sideways page scroll either).
Screenshots: test-artifacts/screenshots/journey_english_*.png."""

from __future__ import annotations

import json
import re
import shutil

import pytest
from playwright.sync_api import expect

from etl.config import default_config
from etl.warehouse_reader import reader

from .dispatch_builder import BASE, UNITS, grid, write_xlsx
from .journeys import MAIN, PASSWORD, add_user, app, browser, new_page, open_page, settle, shot, sideways
from .office_fixtures import sample

pytestmark = pytest.mark.browser
CJK = re.compile(r"[\u4e00-\u9fff]")
LATIN = re.compile(r"[A-Za-z]")
ADMIN = "管理员甲"
SIDEBAR = '[data-testid="stSidebar"]'
SENT = '[class*="st-key-sent_in_chinese"]'
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
GOOD = "青河县_2023-W38.ods"
BAD = "西山区_2023-W38.xlsx"


@pytest.fixture(scope="module")
def data_values(demo_db):  # noqa: F811
    """Names that are data, longest first: they stay as they are in either language. Indicator
    names are not among them: they carry their English from forms.toml."""
    config = default_config()
    with reader(demo_db) as con:
        units = {r[0] for r in con.execute("SELECT DISTINCT unit FROM unit_reports").fetchall()}
    names = {*config.units, config.city, *units, *(u for u, _ in UNITS), ADMIN, GOOD, BAD, "调度表"}
    return sorted(names, key=len, reverse=True)


def rendered_text(text: str) -> list[str]:
    return [cell.strip() for line in text.splitlines() for cell in line.split("\t") if cell.strip()]


def rendered(page, selector: str = MAIN) -> list[str]:
    """Every rendered line of that part of the page, a table cell on a line of its own."""
    return rendered_text(page.locator(selector).inner_text())


def chinese_only(lines: list[str], names: list[str]) -> list[str]:
    """Lines with Chinese that is not a data value and no English beside it: at least half as many
    Latin letters as Chinese characters (a glossed label 「综合得分 Composite」 and an English sentence
    quoting a column pass; a Chinese sentence with a code or a file type in it does not)."""
    bad = []
    for line in lines:
        rest = line
        for name in names:
            rest = rest.replace(name, "")
        chinese = len(CJK.findall(rest))
        if chinese and len(LATIN.findall(rest)) < chinese / 2:
            bad.append(line)
    return bad


def cut_labels(page) -> list[str]:
    """Metric labels, sidebar widgets and table cells whose text is wider than their box."""
    return page.evaluate(
        """() => [...document.querySelectorAll(
                '[data-testid="stMetricLabel"] p, [data-testid="stSidebar"] [data-baseweb="select"] div,'
                + ' [data-testid="stTable"] td, [data-testid="stTable"] th, [data-testid="stTab"] p')]
            .filter(e => e.childElementCount === 0 && e.scrollWidth > e.clientWidth + 1)
            .map(e => e.innerText)"""
    )


def open_expanders(page) -> None:
    """Open every closed expander a person can see: its lines are page lines too."""
    for summary in page.locator(f"{MAIN} details:not([open]) > summary").all():
        if summary.is_visible():
            summary.click()
            settle(page)


class Scan:
    """What the English journey found, page by page; asserted once at the end."""

    def __init__(self, names: list[str]):
        self.names, self.problems = names, {}

    def look(self, page, name: str, extra: list[str] = ()) -> None:
        open_expanders(page)
        # the reminders the office sends to the units are Chinese in either language (the page says so)
        sent = {c for e in page.locator(SENT).all() for c in rendered_text(e.inner_text())}
        lines = [ln for ln in rendered(page) + rendered(page, SIDEBAR) + list(extra) if ln not in sent]
        bad, cut = chinese_only(lines, self.names), cut_labels(page)
        if bad or cut:
            self.problems[name] = {"chinese only": bad, "cut": cut}
        shot(page, f"journey_english_{name}")

    def check(self) -> None:
        assert not self.problems, json.dumps(self.problems, ensure_ascii=False, indent=1)


def _tabs(page) -> list[str]:
    """Open every tab of the page, each one's rendered lines."""
    seen = []
    for tab in page.locator(MAIN).get_by_role("tab").all():
        tab.click()
        settle(page)
        open_expanders(page)
        panel = page.locator(MAIN).locator('[role="tabpanel"]:visible').first
        sent = {c for e in panel.locator(SENT).all() for c in rendered_text(e.inner_text())}
        seen += [ln for ln in rendered_text(panel.inner_text()) if ln not in sent]
    return seen


@pytest.fixture(scope="module")
def viewed(tmp_path_factory, demo_db):  # noqa: F811
    """One server and browser for the scans that only look (each in a new browser context, so a new
    Streamlit session); the administrator's week writes, so it has a server of its own."""
    with app(tmp_path_factory.mktemp("english"), demo_db) as (url, _env), browser() as b:
        yield url, b


def test_every_page_in_english(viewed, data_values):
    url, b = viewed
    scan = Scan(data_values)
    page = new_page(b, 1366, 900)
    for path, heading, name in PAGES:
        open_page(page, f"{url}/{path}?en=true", heading)
        scan.look(page, name, _tabs(page) if name == "submissions" else [])
    page.context.close()
    scan.check()


def _bad_file(tmp_path):
    rows = [{"unit": u, "level": lv, **BASE[lv]} for u, lv in UNITS]
    rows[1]["research_done"] = rows[1]["research_topics"] + 5  # E_RELATION
    rows[2]["special_lectures"] = "若干"  # E_NOT_A_NUMBER
    rows[0]["member_count"] = ""  # W_EMPTY
    return write_xlsx(tmp_path / BAD, grid(unit="西山区", week="2023-W38", rows=rows))


def test_an_administrators_week_in_english(tmp_path, demo_db, viewed, data_values):  # noqa: F811
    """Sign in, upload good and bad files, read the report, the history, the rejection reasons, the
    audit trail and the account screens: all in English."""
    db_dir = tmp_path / "wh"
    shutil.copytree(demo_db.parent, db_dir, ignore=shutil.ignore_patterns("files"))
    db = db_dir / demo_db.name
    scan = Scan(data_values)
    b = viewed[1]  # the module's browser (one Playwright per thread); a server of its own
    with app(tmp_path, db) as (url, env):
        add_user(env, ADMIN, "admin")
        page = new_page(b, 1366, 900)
        main = page.locator(MAIN)
        open_page(page, f"{url}/?en=true", "总览 Overview")
        open_page(page, f"{url}/account?en=true", "登录 Sign in")
        main.get_by_label(re.compile("用户名")).first.fill(ADMIN)
        main.get_by_label(re.compile("密码")).first.fill(PASSWORD)
        main.get_by_role("button", name=re.compile("^登录")).first.click()
        expect(main.get_by_role("heading", name="账号管理 Accounts")).to_be_visible(timeout=60_000)
        settle(page)
        scan.look(page, "admin_accounts")

        open_page(page, f"{url}/submissions?en=true", "数据报送 Submissions")
        main.get_by_role("tab", name=re.compile("上传调度表")).click()
        drop = main.locator('[data-testid="stFileUploaderDropzoneInput"]')
        drop.set_input_files([str(sample(GOOD)), str(_bad_file(tmp_path))])
        expect(main.locator('[data-testid="stFileChipDeleteBtn"]')).to_have_count(2, timeout=30_000)
        main.get_by_role("button", name=re.compile("检查并导入")).click()
        settle(page, "2 files uploaded")
        expect(main.get_by_text(f"Rejected  {BAD}", exact=False)).to_be_visible()
        report = main.locator('[data-testid="stTable"]').filter(has_text="E_RELATION").first
        expect(report).to_contain_text("is larger than")  # the problem in English
        expect(report).to_contain_text("please check")  # 怎么改 in English
        scan.look(page, "admin_report")

        main.get_by_role("tab", name=re.compile("导入记录与恢复")).click()
        settle(page)
        main.get_by_text("Why files were rejected", exact=False).first.click()
        reasons = main.locator('[role="tabpanel"]:visible [data-testid="stTable"]').filter(
            has_text="E_RELATION"
        )
        expect(reasons.first).to_be_visible()
        settle(page)
        scan.look(page, "admin_history", _tabs(page))
        page.context.close()
    scan.check()


def test_every_page_in_english_on_a_phone(viewed, data_values):
    url, b = viewed
    scan = Scan(data_values)
    wide = {}
    page = new_page(b, 390, 844)
    for path, heading, name in PAGES:
        open_page(page, f"{url}/{path}?en=true", heading)
        scan.look(page, f"phone_{name}")
        if sideways(page) != {"doc": 0, "main": 0}:
            wide[name] = sideways(page)
    page.context.close()
    assert not wide, wide  # no sideways scrolling of the page
    scan.check()
