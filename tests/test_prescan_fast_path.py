"""The regex fast path of etl/prescan.py only ever says "within budget" when the exact streaming
scan would too; whatever it cannot vouch for goes to the exact scan."""
from __future__ import annotations

import io
import zipfile

import pytest

from etl import prescan
from etl.config import default_config

from . import hostile
from .conftest import require_samples

LIMITS = default_config().limits


def _fast(data: bytes) -> bool:
    zf = zipfile.ZipFile(io.BytesIO(data))
    infos = [i for i in zf.infolist() if not i.is_dir()]
    return prescan._fast_xlsx_ok(zf, infos, prescan._sheet_names(zf, {i.filename.lower(): i for i in infos}),
                                 prescan.budgets(LIMITS))


def _exact_ok(data: bytes) -> bool:
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
        infos = [i for i in zf.infolist() if not i.is_dir()]
        prescan._scan_xlsx_exactly(zf, infos, prescan._sheet_names(zf, {i.filename.lower(): i for i in infos}),
                                   prescan._Totals(prescan.budgets(LIMITS)))
        return True
    except prescan.PrescanError:
        return False


def test_real_files_take_the_fast_path():
    files = sorted(require_samples().rglob("*.xlsx"))
    readable = [f.read_bytes() for f in files if zipfile.is_zipfile(f)]
    assert readable and all(_fast(d) for d in readable)


@pytest.mark.parametrize("sheet", [
    hostile.sheet_xml({1048576: [hostile.cell("A1048576", 1)]}),
    hostile.sheet_xml({1: [hostile.cell("XFD1", 1)]}),
    hostile.sheet_xml({1: [hostile.cell("A1", "x" * 5000)]}),
    # cells without r="…" are placed one after another: 300 of them are 300 columns
    hostile.sheet_xml({1: [b"<c><v>1</v></c>"] * 300}),
    # a namespace prefix on the cells
    hostile.SHEET_HEAD + b'<x:sheetData><x:row r="1"><x:c r="A1"><x:v>1</x:v></x:c></x:row></x:sheetData></worksheet>',
])
def test_hostile_sheets_never_pass_the_fast_path(sheet):
    data = hostile.xlsx(sheet)
    assert not _fast(data)


def test_one_long_shared_string_used_everywhere_goes_to_the_exact_scan():
    cells = [f'<c r="{chr(65 + c)}{r}" t="s"><v>0</v></c>'.encode() for r in range(1, 2001) for c in range(20)]
    rows = {r: cells[(r - 1) * 20:r * 20] for r in range(1, 2001)}
    data = hostile.xlsx(hostile.sheet_xml(rows), hostile.shared_strings("长" * 1500))
    assert not _fast(data)
    assert not _exact_ok(data)


def test_fast_and_exact_agree_on_an_ordinary_sheet():
    rows = {r: [hostile.cell(f"{chr(65 + c)}{r}", r * c) for c in range(26)] for r in range(1, 300)}
    data = hostile.xlsx(hostile.sheet_xml(rows))
    assert _fast(data) and _exact_ok(data)


@pytest.mark.parametrize("sheet", [
    # a fake r="A1" hidden in a single-quoted attribute, the real one far away
    hostile.sheet_xml({1: [b"<c foo='x r=\"A1\"' r='XFD1048576'><v>1</v></c>"]}),
    # an inline string in a CDATA section, which the text measure cannot see
    hostile.sheet_xml({1: [b'<c r="A1" t="inlineStr"><is><t><![CDATA[' + b"x" * 100 + b"]]></t></is></c>"]}),
    # a cell without attributes next to one that has them
    hostile.sheet_xml({1: [b'<c r="A1"><v>1</v></c>', b"<c><v>2</v></c>"]}),
])
def test_tricks_the_regexes_cannot_judge_go_to_the_exact_scan(sheet):
    assert not _fast(hostile.xlsx(sheet))
