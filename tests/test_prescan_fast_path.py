"""The regex fast path of etl/prescan.py only ever says "within budget" when the exact streaming
scan would too; whatever it cannot vouch for goes to the exact scan."""

from __future__ import annotations

import io
import itertools
import re
import string
import zipfile

import pytest

from etl import prescan
from etl.config import default_config
from etl.problems import cell_name

from . import hostile
from .conftest import require_samples

LIMITS = default_config().limits


def _fast(data: bytes) -> bool:
    zf = zipfile.ZipFile(io.BytesIO(data))
    infos = [i for i in zf.infolist() if not i.is_dir()]
    return prescan._fast_xlsx_ok(zf, infos, prescan.budgets(LIMITS), raw=data)


def _exact_code(data: bytes) -> str | None:
    """The code the exact scan refuses the file with, or None when it accepts it."""
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
        infos = [i for i in zf.infolist() if not i.is_dir()]
        prescan._scan_xlsx_exactly(
            zf,
            infos,
            prescan._sheet_names(zf, {i.filename.lower(): i for i in infos}),
            prescan._Totals(prescan.budgets(LIMITS)),
        )
        return None
    except prescan.PrescanError as e:
        return e.code


def _exact_ok(data: bytes) -> bool:
    return _exact_code(data) is None


def test_real_files_take_the_fast_path():
    files = sorted(require_samples().rglob("*.xlsx"))
    readable = [f.read_bytes() for f in files if zipfile.is_zipfile(f)]
    assert readable and all(_fast(d) for d in readable)


@pytest.mark.parametrize(
    "sheet",
    [
        hostile.sheet_xml({1048576: [hostile.cell("A1048576", 1)]}),
        hostile.sheet_xml({1: [hostile.cell("XFD1", 1)]}),
        hostile.sheet_xml({1: [hostile.cell("A1", "x" * 5000)]}),
        # cells without r="…" are placed one after another: 300 of them are 300 columns
        hostile.sheet_xml({1: [b"<c><v>1</v></c>"] * 300}),
        # a namespace prefix on the cells
        hostile.SHEET_HEAD
        + b'<x:sheetData><x:row r="1"><x:c r="A1"><x:v>1</x:v></x:c></x:row></x:sheetData></worksheet>',
    ],
)
def test_hostile_sheets_never_pass_the_fast_path(sheet):
    data = hostile.xlsx(sheet)
    assert not _fast(data)


def test_one_long_shared_string_used_everywhere_goes_to_the_exact_scan():
    cells = [
        f'<c r="{chr(65 + c)}{r}" t="s"><v>0</v></c>'.encode() for r in range(1, 2001) for c in range(20)
    ]
    rows = {r: cells[(r - 1) * 20 : r * 20] for r in range(1, 2001)}
    data = hostile.xlsx(hostile.sheet_xml(rows), hostile.shared_strings("长" * 1500))
    assert not _fast(data)
    assert not _exact_ok(data)


def test_fast_and_exact_agree_on_an_ordinary_sheet():
    rows = {r: [hostile.cell(f"{chr(65 + c)}{r}", r * c) for c in range(26)] for r in range(1, 300)}
    data = hostile.xlsx(hostile.sheet_xml(rows))
    assert _fast(data) and _exact_ok(data)


@pytest.mark.parametrize(
    "sheet",
    [
        # a fake r="A1" hidden in a single-quoted attribute, the real one far away
        hostile.sheet_xml({1: [b"<c foo='x r=\"A1\"' r='XFD1048576'><v>1</v></c>"]}),
        # an inline string in a CDATA section, which the text measure cannot see
        hostile.sheet_xml(
            {1: [b'<c r="A1" t="inlineStr"><is><t><![CDATA[' + b"x" * 100 + b"]]></t></is></c>"]}
        ),
        # a cell without attributes next to one that has them
        hostile.sheet_xml({1: [b'<c r="A1"><v>1</v></c>', b"<c><v>2</v></c>"]}),
    ],
)
def test_tricks_the_regexes_cannot_judge_go_to_the_exact_scan(sheet):
    assert not _fast(hostile.xlsx(sheet))


def test_the_bound_regexes_agree_with_the_numbers():
    columns = ["".join(p) for k in (1, 2, 3) for p in itertools.product(string.ascii_uppercase, repeat=k)]
    for bound in ("A", "B", "Z", "AA", "AF", "AZ", "BA", "GR", "ZZ", "AAA", "XFD", "ZZZ"):
        pattern = re.compile(prescan._up_to(bound, "A", "A", "Z"))
        limit = prescan._col_index(bound.encode())
        assert [c for c in columns if pattern.fullmatch(c)] == [
            c for c in columns if prescan._col_index(c.encode()) <= limit
        ], bound
    for bound in ("1", "9", "10", "99", "100", "101", "256", "299", "999", "1000", "4999", "5000", "10000"):
        pattern = re.compile(prescan._up_to(bound, "1", "0", "9"))
        assert [n for n in range(1, 20_000) if pattern.fullmatch(str(n))] == list(range(1, int(bound) + 1))
        assert not pattern.fullmatch("0") and not pattern.fullmatch("01")


FAR = b"XFD1048576"


@pytest.mark.parametrize(
    "tag, code",
    [
        # calamine takes the last r of a tag, and finds it after a tab, a form feed, a quote or before " ="
        (b'<c r="A1"\tr="XFD1048576">', "E_NOT_A_SPREADSHEET"),
        (b'<c r="A1" s="1"\x0cr="XFD1048576">', "E_NOT_A_SPREADSHEET"),
        (b'<c r="A1"r="XFD1048576">', "E_NOT_A_SPREADSHEET"),
        (b'<c r="A1" r ="XFD1048576">', "E_NOT_A_SPREADSHEET"),
        (b'<c r="A1" r="XFD1048576">', "E_NOT_A_SPREADSHEET"),
        # r not the first attribute, in single quotes, after a tab, in lower case
        (b'<c s="1" r="XFD1048576">', "E_TOO_MANY_ROWS"),
        (b"<c r='XFD1048576'>", "E_TOO_MANY_ROWS"),
        (b'<c\tr="XFD1048576">', "E_TOO_MANY_ROWS"),
        (b'<c r="xfd1048576">', "E_TOO_MANY_ROWS"),
    ],
    ids=[
        "tab",
        "form feed",
        "no space",
        "space before =",
        "twice",
        "not first",
        "single quotes",
        "tab after c",
        "lower case",
    ],
)
def test_every_way_of_writing_a_far_ref_goes_to_the_exact_scan(tag, code):
    """Before, the first four passed the fast path: calamine then asked for 512 GB and aborted."""
    data = hostile.xlsx(hostile.sheet_xml({1: [b'<c r="A1"><v>1</v></c>', tag + b"<v>1</v></c>"]}))
    assert not _fast(data)
    assert _exact_code(data) == code


def _dimension(ref: bytes, rows: dict) -> bytes:
    return hostile.sheet_xml(rows).replace(b"<sheetData>", b'<dimension ref="%s"/><sheetData>' % ref)


def test_the_dimension_is_only_a_claim():
    far = {1: [b'<c r="A1"><v>1</v></c>'], 1048576: [b'<c r="A1048576"><v>1</v></c>']}
    assert not _fast(hostile.xlsx(_dimension(b"A1:B2", far)))  # the claim is wrong: the refs tell
    assert _exact_code(hostile.xlsx(_dimension(b"A1:B2", far))) == "E_TOO_MANY_ROWS"
    near = {1: [b'<c r="A1"><v>1</v></c>'], 100: [b'<c r="Z100"><v>1</v></c>']}
    for claim in (b"A1:Z100", b"A1:B2", b"A1:XFD1048576"):  # right, too small, too large
        assert _fast(hostile.xlsx(_dimension(claim, near))), claim


def _str_cell(value: bytes) -> bytes:
    return b'<c r="A1" t="str"><v>' + value + b"</v></c>"


@pytest.mark.parametrize(
    "cell, fast",
    [
        (_str_cell(b"x" * 2000), True),
        (_str_cell(b"x" * 2001), False),  # one run over max_cell_chars
        (_str_cell(b"x" * 1500 + b"<x/>" + b"y" * 1500), False),  # calamine joins the two runs
        (_str_cell(b"x" * 1500 + b"<!-- -->" + b"y" * 1500), False),
        (
            b'<c r="A1" t="inlineStr"><is><r><t>'
            + b"x" * 1500
            + b"</t></r><r><t>"
            + b"y" * 1500
            + b"</t></r></is></c>",
            False,
        ),
    ],
    ids=[
        "at the cap",
        "over the cap",
        "two runs around a tag",
        "two runs around a comment",
        "rich inline text",
    ],
)
def test_text_of_one_cell(cell, fast):
    data = hostile.xlsx(hostile.sheet_xml({1: [cell]}))
    assert _fast(data) is fast
    assert _exact_code(data) == (None if fast else "E_CELL_TOO_LONG")


SHARED = "x" * (LIMITS["max_cell_chars"] - 10)  # its <si> is 7 bytes longer: still within the cap
OVER = (
    LIMITS["max_rows"] * LIMITS["max_cell_chars"] // len(SHARED) + 1
)  # cells showing it: over max_total_chars


def _shared(cells: int, per_row: int = 24, quote: bytes = b'"') -> bytes:
    """A sheet of `cells` cells that all show SHARED."""
    rows = {
        r + 1: [
            b'<c r="%s" t=%ss%s><v>0</v></c>' % (cell_name(r, c).encode(), quote, quote)
            for c in range(min(per_row, cells - r * per_row))
        ]
        for r in range(-(-cells // per_row))
    }
    return hostile.xlsx(hostile.sheet_xml(rows), hostile.shared_strings(SHARED))


def test_shared_string_amplification_at_the_budget():
    assert _fast(_shared(OVER - 200)) and _exact_ok(_shared(OVER - 200))
    assert not _fast(_shared(OVER)) and _exact_code(_shared(OVER)) == "E_TOO_MUCH_TEXT"
    assert (
        not _fast(_shared(OVER, quote=b"'")) and _exact_code(_shared(OVER, quote=b"'")) == "E_TOO_MUCH_TEXT"
    )


@pytest.mark.parametrize(
    "cell, code",
    [
        (b'<c r="A1" t="s"><v>0</v></c>', "E_TOO_MUCH_TEXT"),
        (b'<c r="A1"t="s"><v>0</v></c>', "E_NOT_A_SPREADSHEET"),  # the shortest such cell calamine reads
    ],
    ids=["ordinary", "27 bytes"],
)
def test_shared_string_in_many_cells_at_one_place(cell, code):
    """calamine copies the string for every cell tag, even where the tags overwrite each other."""
    data = hostile.xlsx(hostile.sheet_xml({1: [cell] * OVER}), hostile.shared_strings(SHARED))
    assert not _fast(data)
    assert _exact_code(data) == code


def test_shared_strings_claiming_four_billion():
    """calamine reserves room for uniqueCount strings before reading one: 96 GB, and the process aborts."""
    sst = hostile.shared_strings("x").replace(b'uniqueCount="1"', b'uniqueCount="4000000000"')
    data = hostile.xlsx(hostile.sheet_xml({1: [b'<c r="A1" t="s"><v>0</v></c>']}), sst)
    assert not _fast(data)
    assert _exact_code(data) == "E_TOO_MUCH_TEXT"


def shared_strings_read_as_a_sheet(far: bytes = FAR) -> bytes:
    """The worksheet relationship points at sharedStrings.xml, which also holds cells (A1 and far: calamine's
    rectangle spans from the first to the last cell)."""
    sst = hostile.shared_strings("x").replace(
        b"</sst>",
        b'<sheetData><row r="1"><c r="A1"><v>1</v></c><c r="%s"><v>1</v></c></row></sheetData></sst>' % far,
    )
    data = hostile.xlsx(hostile.sheet_xml({1: [b'<c r="A1" t="s"><v>0</v></c>']}), sst)
    return _rezip(
        data,
        change=lambda name, body: body.replace(
            b'Target="worksheets/sheet1.xml"', b'Target="sharedStrings.xml"'
        ),
    )


def test_shared_strings_read_as_a_sheet():
    data = shared_strings_read_as_a_sheet()
    assert not _fast(data)
    assert _exact_code(data) == "E_TOO_MANY_ROWS"


def _rezip(data: bytes, rename=lambda name: name, change=lambda name, body: body, extra=None) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            dst.writestr(rename(info.filename), change(info.filename, src.read(info)))
        for name, body in (extra or {}).items():
            dst.writestr(name, body)
    return buf.getvalue()


def sheet_in_another_folder(before: bytes = b"GIF89a", after: bytes = b"") -> bytes:
    """The workbook lives in foo/ (calamine takes the folder from _rels/.rels), its sheet is foo/pic.gif:
    bytes before the XML, which calamine reads past, and cells at A1 and XFD1048576."""
    sheet = hostile.sheet_xml({1: [b'<c r="A1"><v>1</v></c>' + after, b'<c r="XFD1048576"><v>1</v></c>']})
    moved = {
        "xl/workbook.xml": "foo/workbook.xml",
        "xl/_rels/workbook.xml.rels": "foo/_rels/workbook.xml.rels",
        "xl/worksheets/sheet1.xml": "foo/pic.gif",
    }

    def change(name: str, body: bytes) -> bytes:
        return {
            "_rels/.rels": body.replace(b"xl/workbook.xml", b"foo/workbook.xml"),
            "xl/_rels/workbook.xml.rels": body.replace(b"worksheets/sheet1.xml", b"pic.gif"),
            "xl/worksheets/sheet1.xml": before + sheet,
        }.get(name, body)

    return _rezip(hostile.xlsx(sheet), lambda name: moved.get(name, name), change)


@pytest.mark.parametrize(
    "before, after", [(b"GIF89a", b""), (b"", b"\x01")], ids=["bytes before", "a control byte"]
)
def test_a_sheet_that_is_not_xml_for_expat_but_is_for_calamine(before, after):
    data = sheet_in_another_folder(before, after)
    assert not _fast(data)
    assert _exact_code(data) == "E_NOT_A_SPREADSHEET"


def test_shared_strings_named_with_a_backslash():
    """calamine finds xl\\sharedStrings.xml as xl/sharedStrings.xml."""
    data = _rezip(_shared(OVER), lambda name: name.replace("xl/sharedStrings.xml", "xl\\sharedStrings.xml"))
    assert "xl\\sharedStrings.xml" in zipfile.ZipFile(io.BytesIO(data)).namelist()
    assert not _fast(data)
    assert _exact_code(data) == "E_TOO_MUCH_TEXT"


@pytest.mark.parametrize("decoy_first", [True, False])
def test_two_parts_that_pass_for_shared_strings(decoy_first):
    """Either may be the one calamine reads: each index counts as the longer of the two."""
    decoy = ("xl/SharedStrings.xml", hostile.shared_strings("x"))
    data = _shared(OVER)
    if decoy_first:
        data = _rezip(
            data,
            change=lambda name, body: decoy[1] if name == "xl/sharedStrings.xml" else body,
            extra={decoy[0]: hostile.shared_strings(SHARED)},
        )
    else:
        data = _rezip(data, extra={decoy[0]: decoy[1]})
    assert not _fast(data)
    assert _exact_code(data) == "E_TOO_MUCH_TEXT"


def test_merged_ranges_of_a_sheet_without_cells():
    merges = b"<mergeCells>" + b'<mergeCell ref="A1:B2"/>' * (LIMITS["max_rows"] + 1) + b"</mergeCells>"
    data = hostile.xlsx(hostile.sheet_xml({}, merges))
    assert not _fast(data)
    assert _exact_code(data) == "E_TOO_MANY_CELLS"


def test_the_reader_measures_cells_itself_only_after_the_exact_scan():
    from etl import spreadsheet as reader

    ordinary = hostile.xlsx(hostile.sheet_xml({1: [b'<c r="A1" t="str"><v>x</v></c>']}))
    inline = hostile.xlsx(hostile.sheet_xml({1: [hostile.cell("A1", "x")]}))
    assert reader._check_zip(ordinary, ".xlsx", LIMITS)[1] is True
    assert reader._check_zip(inline, ".xlsx", LIMITS) == (inline, False)


def test_calamine_reads_the_parts_as_measured_packed_again_without_compression(tmp_path):
    from etl import spreadsheet as reader
    from etl.template import write_dispatch
    from tests.dispatch_builder import BASE, UNITS

    path = write_dispatch(
        tmp_path / "a.xlsx", "青河县", "2023-W45", [{"unit": u, "level": lv, **BASE[lv]} for u, lv in UNITS]
    )
    original = path.read_bytes()
    measured, proven = reader._check_zip(original, ".xlsx", LIMITS)
    assert proven and measured != original
    with zipfile.ZipFile(io.BytesIO(measured)) as packed, zipfile.ZipFile(io.BytesIO(original)) as zf:
        assert {i.compress_type for i in packed.infolist()} == {zipfile.ZIP_STORED}
        assert packed.testzip() is None  # every checksum right (written by hand)
        assert {i.filename: packed.read(i) for i in packed.infolist()} == {
            i.filename: zf.read(i) for i in zf.infolist() if not i.is_dir()
        }
    assert [s.rows for s in reader._read_calamine(measured, LIMITS)] == [
        s.rows for s in reader._read_calamine(original, LIMITS)
    ]
    # two parts of one name: calamine and Python might each take another, so the original is read
    assert reader._repacked([("a.xml", b"<a/>", 0), ("a.xml", b"<b/>", 0)]) is None


def _zip_variants() -> dict[str, bytes]:
    """Zips as tools write them, and as they break: stored, deflated, a data descriptor (streamed),
    a UTF-8 name, a bad checksum, a local header naming another file (for the first member)."""
    text = b"<worksheet>" + b"<row/>" * 500 + b"</worksheet>"
    out = {}
    for name, method in (("stored", zipfile.ZIP_STORED), ("deflated", zipfile.ZIP_DEFLATED)):
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w", method) as zf:
            zf.writestr("xl/worksheets/sheet1.xml", text)
            zf.writestr("xl/工作表.xml", text)
        out[name] = buf.getvalue()
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf, zf.open("xl/worksheets/sheet1.xml", "w") as f:
        f.write(text)  # size unknown up front: a data descriptor
    out["streamed"] = buf.getvalue()
    good = out["deflated"]
    crc = hostile.central_entry(good, b"xl/worksheets/sheet1.xml") + 16  # the directory's CRC of the sheet
    out["bad checksum"] = good[:crc] + bytes(b ^ 1 for b in good[crc : crc + 4]) + good[crc + 4 :]
    out["other local name"] = good.replace(b"xl/worksheets/sheet1.xml", b"xl/worksheets/sheet9.xml", 1)
    return out


@pytest.mark.parametrize("kind", list(_zip_variants()))
def test_members_inflated_in_one_call_are_what_zipfile_reads(kind):
    data = _zip_variants()[kind]
    zf = zipfile.ZipFile(io.BytesIO(data))
    refused = 0
    for info in zf.infolist():
        fast = prescan._inflated(data, info)
        try:
            expected = zf.read(info)
        except zipfile.BadZipFile:
            expected = None  # zipfile refuses it: so must the fast read
            refused += 1
        assert fast == expected  # the same bytes, or left to zipfile to refuse
        if kind in ("stored", "deflated", "streamed"):
            assert fast is not None  # the usual zip takes the fast read
    assert refused == (kind not in ("stored", "deflated", "streamed"))
