"""The loader's messages in English (the English switch on the 数据报送 page): every code has its
English, every message and hint the loader writes for good and bad files has an English template,
and the English carries no Chinese but the values it quotes. The CLI stays Chinese."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from etl import problems_english as pe
from etl.load import load_paths
from etl.problems import FileReport, Problem

from .conftest import ROOT
from .dispatch_builder import BASE, UNITS, grid, write_csv, write_xlsx
from .test_hostile_files import HOSTILE

CJK = re.compile(r"[\u4e00-\u9fff]")
SAMPLES = ROOT.parent / "shared" / "samples"
# the files that build problems; their Chinese pieces must each be in a template
SOURCES = [
    "validate",
    "unit_rows",
    "layout",
    "identity",
    "store",
    "file_types",
    "sandbox",
    "spreadsheet",
    "cells",
    "problems",
]
# Chinese in those files that is not a problem's text: CLI lines, parsing words, the summaries
# (their English beside them in etl/problems.py), the parse worker's lines on stderr
NOT_MESSAGES = re.compile(
    r"^(注|说明|填表说明|备注:|单位名称|填报单位|统计周|县|区|市|个名次篇项件条人户场期|工作表「|"
    r"已导入  .*|未变化  .*|已跳过  .*|已退回  .*|更正版本|版本|，\{\} 条提示|工作表「\{\}」|单元格 \{\}|"
    r"第 \{\} 行|（\{\}）|如确需导入，|请|读取进程.*)$|\\d|\(\?"
)


def _pieces(path: Path):
    """The fixed Chinese pieces of every string and f-string outside docstrings."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    docs = {id(n.value) for n in ast.walk(tree) if isinstance(n, ast.Expr)}
    inner = {id(v) for n in ast.walk(tree) if isinstance(n, ast.JoinedStr) for v in n.values}
    for node in ast.walk(tree):
        if id(node) in docs or id(node) in inner:
            continue
        if isinstance(node, ast.JoinedStr):
            text = "".join(v.value if isinstance(v, ast.Constant) else "{}" for v in node.values)
        elif isinstance(node, ast.Constant) and isinstance(node.value, str):
            text = node.value
        else:
            continue
        if CJK.search(text) and not NOT_MESSAGES.search(text):
            yield node.lineno, text


def _known(text: str) -> bool:
    known = [re.sub(r"\{\w+\}", "{}", k) for k in [*pe.TEMPLATES, *pe.WORDS, *pe.FRAGMENTS]]
    return all(any(part in k for k in known) for part in text.split("{}") if CJK.search(part))


@pytest.mark.parametrize("module", SOURCES)
def test_every_chinese_piece_of_a_message_has_a_template(module):
    path = ROOT / "etl" / f"{module}.py"
    missing = [f"{path.name}:{n}: {t}" for n, t in _pieces(path) if not _known(t)]
    assert not missing, "add their English to etl/problems_english_texts.py:\n" + "\n".join(missing)


def test_every_documented_code_has_its_english():
    doc = (ROOT / "docs" / "operations.md").read_text(encoding="utf-8")
    documented = set(re.findall(r"^\| `([EW]_[A-Z_]+)` \|", doc, re.M))
    assert documented == set(pe.CODES)
    assert all(not CJK.search(en) or "（" in en or "(" in en for en in pe.CODES.values())


def test_templates_keep_their_placeholders():
    for zh, en in pe.TEMPLATES.items():
        assert set(re.findall(r"\{(\w+)\}", zh)) == set(re.findall(r"\{(\w+)\}", en)), zh


def _bad_files(tmp: Path) -> list[Path]:
    rows = [{"unit": u, "level": lv, **BASE[lv]} for u, lv in UNITS]

    def changed(**cells):
        out = [dict(r) for r in rows]
        for key, value in cells.items():
            i, col = key.split("__")
            out[int(i[1:])][col] = value
        return out

    cases = {
        "unit.xlsx": grid(unit=None),
        "unknown.xlsx": grid(unit="红星县"),
        "noweek.xlsx": grid(week=None),
        "nextweek.xlsx": grid(week="下周"),
        "w60.xlsx": grid(week="2023-W60"),
        "outside.xlsx": grid(week="2022-W45"),
        "range.xlsx": grid(week="2023.11.10-11.16"),
        "nodate.xlsx": grid(week="2023-02-30"),
        "counts.xlsx": grid(
            rows=changed(
                r0__special_lectures=-1,
                r1__special_lectures=2.5,
                r2__special_lectures="约3",
                r0__member_count=True,
                r0__reading_class_done="差不多",
                r2__org_count=0,
                r1__research_done=99,
                r0__center_group_sessions="12,5",
                r1__center_group_sessions="1.000",
            ),
            total=True,
        ),
        "rows.xlsx": grid(rows=changed(r0__unit="", r1__level="组级", r2__unit="城关镇党委")),
        "empty.csv": grid(rows=changed(r0__special_lectures="")),
    }
    paths = []
    for name, cells in cases.items():
        path = tmp / name
        paths.append(write_csv(path, cells) if name.endswith(".csv") else write_xlsx(path, cells))
    for name, make, _code in list(HOSTILE.values())[:12]:
        (tmp / "hostile").mkdir(exist_ok=True)
        path = tmp / "hostile" / name
        if not path.exists():
            path.write_bytes(make())
            paths.append(path)
    for name in ("备份.bak", "~$锁.xlsx", "名单.docx", "清单.txt"):
        (tmp / name).write_bytes(b"x")
        paths.append(tmp / name)
    return paths


@pytest.fixture(scope="module")
def reports(tmp_path_factory) -> list[FileReport]:
    tmp = tmp_path_factory.mktemp("english")
    db = tmp / "warehouse.duckdb"
    out = []
    for folder in ("dispatch", "dispatch/resubmitted", "dispatch-round2", "dispatch-forms"):
        out += load_paths([SAMPLES / folder], db)
    out += load_paths(_bad_files(tmp), db)
    return out


def _problems(reports) -> list[Problem]:
    return [p for r in reports for p in [*r.errors, *r.warnings]]


def test_every_problem_of_good_and_bad_files_has_its_english(reports):
    problems = _problems(reports)
    seen = {p.code for p in problems}
    assert len(seen) >= 25, seen  # the files above reach most codes
    untranslated = [
        (p.code, text) for p in problems for text in (p.message, p.hint) if text and pe.english(text) is None
    ]
    assert not untranslated, untranslated


EXAMPLES = sorted(
    {w for en in [*pe.TEMPLATES.values(), *pe.CODES.values()] for w in re.findall(r"[\u4e00-\u9fff]+", en)},
    key=len,
    reverse=True,
)


def test_the_english_quotes_only_values(reports):
    """What is left Chinese in the English is a value of the Chinese (a unit, a column, a cell)."""
    for p in _problems(reports):
        english = pe.text(p)
        quoted = [p.sheet or "", p.unit or "", *pe.values(p.message), *pe.values(p.hint)]
        rest = english
        for v in sorted(quoted, key=len, reverse=True):
            rest = rest.replace(v, "")
        rest = re.sub(r"[\u4e00-\u9fff]+ \([^)]*[A-Za-z][^)]*\)", "", rest)  # a glossed word: 市级 (city)
        for example in EXAMPLES:  # what the user types, quoted in the English (是, 3次)
            rest = rest.replace(example, "")
        assert not CJK.search(rest), (p.code, english)


def test_summaries_in_english(reports):
    for r in reports:
        assert not CJK.search(
            r.summary(english=True).replace(r.file_name, "").replace(r.county or "", "")
        ) or (r.outcome == "skipped"), r.summary(english=True)
    rejected = next(r for r in reports if r.outcome == "rejected")
    assert rejected.summary(english=True).startswith(
        f"Rejected  {rejected.file_name}: {len(rejected.errors)} error"
    )


def test_the_cli_stays_chinese(reports):
    r = next(r for r in reports if r.outcome == "rejected")
    assert r.summary().startswith("已退回")
    assert CJK.search(r.errors[0].text())
