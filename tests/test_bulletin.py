"""`python -m etl bulletin`: the 通报 (.docx), the meeting pack (.pdf) and the XLSX of one week, on the
demo warehouse; their numbers against the rankings CSV (etl.export over etl.scoring), the official
layout, the embedded fonts, the CLI's exit codes, the 排名导出 page's downloads, and the rendered
pictures kept under test-artifacts/bulletin/ for people and CI to look at."""

from __future__ import annotations

import csv
import io
import re
import shutil
import subprocess
from pathlib import Path

import docx
import pypdf
import pytest
from docx.shared import Pt
from streamlit.testing.v1 import AppTest

from app import bulletin, chart_images, page_data
from app.bulletin_text import numeral, tidy
from etl import cli, export, materialise, scoring
from etl.config import default_config
from etl.warehouse import open_warehouse
from etl.warehouse_reader import reader

from .conftest import ROOT
from .office_fixtures import download_bytes, downloads, page  # noqa: F401

WEEK = "2023-W49"  # the demo's last week: 西山区 did not report, 南城区/青河县/临川县 are cold below
ARTIFACTS = ROOT / "test-artifacts" / "bulletin"
PAGE_HEADINGS = [
    "一、总体情况",
    "二、上热中温下冷",
    "三、理论学习",
    "四、调查研究",
    "五、推动发展",
    "六、整改整治",
]


@pytest.fixture(scope="module")
def files(demo_db):  # noqa: F811
    return bulletin.week_files(demo_db, WEEK)


@pytest.fixture(scope="module")
def csv_rows(demo_db):  # noqa: F811
    with reader(demo_db) as con:
        data = export.ranking_csv_bytes(con, WEEK)
    return list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))


@pytest.fixture(scope="module")
def document(files):
    return docx.Document(io.BytesIO(files["docx"]))


def _body(document) -> str:
    return "\n".join(p.text for p in document.paragraphs)


# --- the 通报 ---------------------------------------------------------------------------------------


def test_words_and_numerals():
    assert [numeral(i) for i in (1, 10, 14, 20, 21)] == ["一", "十", "十四", "二十", "二十一"]
    assert tidy("全市综合得分 73.3 分，较上周提高 3.0 分") == "全市综合得分73.3分，较上周提高3.0分"
    assert tidy("温差 -0.2 分；问题整改 39.2%、流动") == "温差-0.2分；问题整改39.2%、流动"


def test_docx_has_title_addressee_and_signature(document):
    config = default_config()
    paras = [p for p in document.paragraphs if p.text.strip()]
    # broken before 第十四周 into two lines of eleven characters
    assert paras[0].text == "关于全市第二批主题教育\n第十四周调度情况的通报"
    assert paras[0].style.name == "Title"
    assert paras[1].text == config.bulletin["addressee"]
    body = _body(document)
    assert config.bulletin["issuer"] in body
    assert "2023年12月11日" in body  # the Monday after the week, issue_after_days = 1
    assert "附件：云州市第二批主题教育推进情况排名（第十四周）" in body
    headings = [p.text for p in document.paragraphs if p.style.name == "Heading 1"]
    assert headings == [
        "一、总体进展情况",
        "二、各县（市、区）排名情况",
        "三、需要关注的问题",
        "四、下一步工作要求",
    ]
    subs = [p.text for p in document.paragraphs if p.style.name == "Heading 2"]
    assert subs[:3] == ["（一）“上热中温下冷”问题", "（二）进度滞后问题", "（三）调度表报送问题"]
    for item in config.bulletin["requirements"]:
        assert f"{item['heading']}。{item['text']}" in body


def test_docx_layout_is_gbt_9704(document):
    body, annex = document.sections
    assert (round(body.page_width.mm), round(body.page_height.mm)) == (210, 297)  # A4
    margins = (body.top_margin, body.bottom_margin, body.left_margin, body.right_margin)
    assert [round(m.mm) for m in margins] == [37, 35, 28, 26]
    assert annex.page_width > annex.page_height  # the 附件 on landscape pages
    styles = document.styles

    def east_asia(style):
        return style.element.rPr.rFonts.get(
            "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}eastAsia"
        )

    assert (east_asia(styles["Title"]), styles["Title"].font.size) == ("方正小标宋简体", Pt(22))
    assert (east_asia(styles["Normal"]), styles["Normal"].font.size) == ("仿宋_GB2312", Pt(16))
    assert east_asia(styles["Heading 1"]) == "黑体"
    assert east_asia(styles["Heading 2"]) == "楷体_GB2312"
    # 22 lines a page: 225 mm of type area at the body's exact line height
    assert round(225 / styles["Normal"].paragraph_format.line_spacing.mm) == 22
    for footer in (body.footer, body.even_page_footer):
        xml = footer.paragraphs[0]._p.xml
        assert "PAGE" in xml and footer.paragraphs[0].text.replace("1", "") == "—  —"
    assert len(document.inline_shapes) == 2  # the ranking bars and the heat map


def test_docx_annex_table_matches_the_csv(document, csv_rows):
    table = document.tables[0]
    header = [c.text for c in table.rows[0].cells]
    assert header[:8] == list(csv_rows[0])[:8]  # the CSV's columns, read from the file
    rows = [[c.text for c in r.cells] for r in table.rows[1:]]
    assert [r[1] for r in rows] == [r["县（市、区）"] for r in csv_rows]
    for got, want in zip(rows, csv_rows):
        assert got[:8] == [want[k] for k in header[:8]]
    assert sum(1 for r in csv_rows if r["排名"]) == 9
    missing = [r for r in rows if r[1] == "西山区"][0]
    assert missing[-1] == "未报送" and missing[0] == ""
    # the progress light as cell shading: 东湖区 is red on the composite
    red = [r for r in table.rows[1:] if r.cells[1].text == "东湖区"][0].cells[2]
    assert scoring.LIGHT_COLORS["红"].lstrip("#") in red._tc.xml


def test_docx_sentences_use_the_rankings_numbers(document, csv_rows, demo_db):  # noqa: F811
    body = _body(document)
    by_county = {r["县（市、区）"]: r for r in csv_rows}
    ranking_para = next(p.text for p in document.paragraphs if p.text.startswith("按综合得分排名"))
    counties = "|".join(default_config().counties)
    named = re.findall(rf"({counties})（(\d+\.\d)分", ranking_para)
    ranked = [r for r in csv_rows if r["排名"]]
    assert [c for c, _ in named] == [r["县（市、区）"] for r in ranked[:3]] + [
        r["县（市、区）"] for r in ranked[-3:][::-1]
    ]
    for county, score in named:
        assert score == by_county[county]["综合得分"]
    with reader(demo_db) as con:
        matrix = scoring.level_matrix(con, WEEK)
        city = page_data.city_scores(con)
    flagged = [r for r in csv_rows if r["状态"] == "已报送" and r["温差"] and float(r["温差"]) >= 15]
    assert {r["县（市、区）"] for r in flagged} == {"南城区", "青河县", "临川县"}
    for r in flagged:
        c = r["县（市、区）"]
        village = f"{matrix.at[c, '村级']:.1f}"
        assert f"{c}县级综合得分{matrix.at[c, '县级']:.1f}分、村级仅{village}分，温差{r['温差']}分" in body
    composite = city[(city.week == WEEK) & (city.dimension == "composite")]["shown"].iloc[0]
    assert f"全市综合得分{composite:.1f}分" in body
    assert "西山区未按时报送本周调度表" in body
    assert "东湖区（理论学习" in body and "亮红灯" in body  # the demo's county far behind
    assert "读书班应于11月30日前完成" in body and "东湖民政局党组" in body


# --- the meeting pack ---------------------------------------------------------------------------------


def _pdf_pages(files) -> list[str]:
    # pypdf reads fpdf2's two-byte codes through the font's /Encoding CMap one byte at a time, so a NUL
    # precedes each character (the ToUnicode map is right: pdftotext and viewers copy clean text)
    return [p.extract_text().replace("\x00", "") for p in pypdf.PdfReader(io.BytesIO(files["pdf"])).pages]


def test_pdf_pages_in_order(files):
    pages = _pdf_pages(files)
    assert "会议材料" in pages[0] and "数据截至" in pages[0] and "2023-W49" in pages[0]
    starts = [next(h for h in PAGE_HEADINGS + ["七、本周需关注的县（市、区）"] if h in p) for p in pages[1:]]
    # cover, then one page each: overview, temperature, four areas, flagged counties
    assert starts == PAGE_HEADINGS + ["七、本周需关注的县（市、区）"]
    assert "会议要点" in pages[1] and "本周排名" in pages[1]
    flagged_page = pages[-1]
    for c in ("南城区", "青河县", "临川县", "东湖区", "西山区"):
        assert c in flagged_page


def test_pdf_text_has_every_county_and_score(files, csv_rows):
    overview = _pdf_pages(files)[1]
    lines = overview.splitlines()
    for r in csv_rows:
        row = next(line for line in lines if r["县（市、区）"] in line.split()).replace(" ", "")
        # the table's cells come out run together: the five scores and 温差 in order
        cells = "".join(r[k] for k in ("综合得分", "理论学习", "调查研究", "推动发展", "整改整治", "温差"))
        assert f"{r['排名']}{r['县（市、区）']}{cells}" in row, (r, row)


def test_pdf_fonts_are_embedded_subsets(files):
    reader_ = pypdf.PdfReader(io.BytesIO(files["pdf"]))
    fonts = {}
    for p in reader_.pages:
        for font in (p["/Resources"].get("/Font") or {}).values():
            font = font.get_object()
            for d in font.get("/DescendantFonts", [font]):
                d = d.get_object()
                fonts[str(d["/BaseFont"])] = d["/FontDescriptor"].get_object()
    assert fonts
    for name, desc in fonts.items():
        assert re.match(r"/?[A-Z]{6}\+", name), name  # a subset
        assert any(k in desc for k in ("/FontFile", "/FontFile2", "/FontFile3")), name


# --- the command and the page ----------------------------------------------------------------------


def test_cli_writes_the_three_files(demo_db, tmp_path, capsys):  # noqa: F811
    out = tmp_path / "out"
    assert cli.main(["bulletin", "--week", WEEK, "--out", str(out), "--db", str(demo_db)]) == 0
    names = bulletin.file_names(WEEK)
    assert sorted(p.name for p in out.iterdir()) == sorted(names.values())
    xlsx = (out / names["xlsx"]).read_bytes()
    assert xlsx[:2] == b"PK" and (out / names["pdf"]).read_bytes()[:5] == b"%PDF-"
    assert "已生成" in capsys.readouterr().out


def test_cli_stores_stale_scores_before_reading(demo_db, tmp_path):  # noqa: F811
    db = tmp_path / "upgraded.duckdb"
    shutil.copy(demo_db, db)
    con = open_warehouse(db)  # as after an upgrade of the views: the stored scores' stamp is old
    con.execute("UPDATE meta SET value = 'before the upgrade' WHERE key = 'materialised'")
    con.close()
    with reader(db) as con:
        assert not materialise.is_fresh(con)
    assert bulletin.store_scores(db, default_config()) is True
    with reader(db) as con:
        assert materialise.is_fresh(con)  # the documents (and the pages) read the stored scores
    assert bulletin.store_scores(db, default_config()) is False


@pytest.mark.parametrize(
    ("week", "code", "message"),
    [
        ("abc", 2, "统计周格式不对"),
        ("2022-W10", 2, "不在本次主题教育期间"),
        ("2024-W03", 1, "没有任何报送数据"),
    ],
)
def test_cli_refuses_a_week_it_cannot_report(demo_db, tmp_path, capsys, week, code, message):  # noqa: F811
    out = tmp_path / "out"
    assert cli.main(["bulletin", "--week", week, "--out", str(out), "--db", str(demo_db)]) == code
    assert message in capsys.readouterr().err
    assert not out.exists()


def test_cli_on_an_empty_warehouse(tmp_path, capsys):
    db = tmp_path / "empty.duckdb"
    open_warehouse(db).close()
    assert cli.main(["bulletin", "--week", WEEK, "--out", str(tmp_path / "o"), "--db", str(db)]) == 1
    assert "还没有任何报送数据" in capsys.readouterr().err


def test_cli_without_a_cjk_font_says_how_to_install_one(demo_db, tmp_path, capsys, monkeypatch):  # noqa: F811
    def missing():
        raise chart_images.CJKFontMissing("找不到中文字体。" + chart_images.FIX)

    monkeypatch.setattr(chart_images, "find_cjk_font", missing)
    out = tmp_path / "out"
    assert cli.main(["bulletin", "--week", WEEK, "--out", str(out), "--db", str(demo_db)]) == 1
    assert "apt-get install fonts-noto-cjk" in capsys.readouterr().err
    assert not out.exists()


def test_font_search_finds_noto_and_reports_none(monkeypatch, tmp_path):
    font = chart_images.find_cjk_font()
    assert font.regular.is_file() and font.family == "Noto Sans CJK SC"
    monkeypatch.setattr(chart_images, "FONT_DIRS", (tmp_path,))
    monkeypatch.delenv("DISPATCH_CJK_FONT_DIR", raising=False)
    chart_images.find_cjk_font.cache_clear()
    try:
        with pytest.raises(chart_images.CJKFontMissing, match="fonts-noto-cjk"):
            chart_images.find_cjk_font()
    finally:
        chart_images.find_cjk_font.cache_clear()


def test_rankings_page_offers_the_three_files(demo_db, downloads, monkeypatch):  # noqa: F811
    monkeypatch.setenv("DISPATCH_DB", str(demo_db))
    at = AppTest.from_file(page("rankings.py"), default_timeout=120).run()
    assert not at.exception
    at.button(key="make_bulletin").click().run()
    assert not at.exception and not at.error
    names = bulletin.file_names(WEEK)
    for kind in ("docx", "pdf", "xlsx"):
        data, name = download_bytes(at, downloads, f"download_bulletin_{kind}")
        assert name == names[kind] and len(data) > 1000
    data, _ = download_bytes(at, downloads, "download_bulletin_docx")
    assert docx.Document(io.BytesIO(data)).paragraphs[0].text.startswith("关于全市第二批主题教育\n")


# --- pictures for people: LibreOffice's rendering of the .docx, the pack's pages ----------------------


def test_rendered_pictures_for_review(files, tmp_path):
    soffice, pdftoppm = shutil.which("soffice"), shutil.which("pdftoppm")
    if not (soffice and pdftoppm):
        print(
            f"not rendering the pictures: soffice={soffice}, pdftoppm={pdftoppm} (apt-get install "
            "libreoffice-writer-nogui poppler-utils)"
        )
        pytest.skip("LibreOffice or pdftoppm not installed")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    for old in ARTIFACTS.iterdir():
        old.unlink()
    (ARTIFACTS / "bulletin.docx").write_bytes(files["docx"])
    (ARTIFACTS / "meeting-pack.pdf").write_bytes(files["pdf"])
    profile = tmp_path / "lo-profile"
    subprocess.run(
        [
            soffice,
            f"-env:UserInstallation=file://{profile}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(ARTIFACTS),
            str(ARTIFACTS / "bulletin.docx"),
        ],
        check=True,
        capture_output=True,
        timeout=180,
    )
    rendered = ARTIFACTS / "bulletin.pdf"
    pages = [p.extract_text() for p in pypdf.PdfReader(rendered).pages]
    assert "关于全市第二批主题教育第十四周调度情况的通报" in pages[0].replace("\n", "")
    assert "— 1 —" in pages[0]  # the PAGE field, numbered by LibreOffice
    assert "附件" in pages[-1] and "西山区" in pages[-1]
    for pdf, prefix in ((rendered, "bulletin"), (ARTIFACTS / "meeting-pack.pdf", "pack")):
        subprocess.run(
            [pdftoppm, "-r", "60", "-png", str(pdf), str(ARTIFACTS / prefix)], check=True, timeout=120
        )
    pngs = sorted(p.name for p in ARTIFACTS.glob("*.png"))
    assert len([p for p in pngs if p.startswith("pack")]) == 8
    assert len([p for p in pngs if p.startswith("bulletin")]) == len(pages)
    print(f"pictures for review: {ARTIFACTS}")
