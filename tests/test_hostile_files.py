"""Hostile files: each is built here and loaded through the sandbox (etl/sandbox.py), in this process:
a file that crashes the spreadsheet library or asks it for GBs ends a parse worker, never the load.
Each must be rejected in Chinese, with a stable code and a hint, with its bytes archived and logged
and nothing else in the warehouse changed. How fast and in how much memory is `make bench`'s
business, not these tests'."""

from __future__ import annotations

import io
import struct
import zipfile
from pathlib import Path

import duckdb
import pytest
import xlwt

from etl.load import load_paths
from etl.problems import cell_name

from . import hostile_xls as x
from .dispatch_builder import grid, write_csv, write_xlsx
from .hostile import (
    FAR,
    WB_RELS,
    biff_record,
    cell,
    central_entry,
    encrypted_xlsx,
    lying_zip_bomb,
    ole,
    rezip,
    shared_string_cells,
    shared_strings,
    shared_strings_read_as_a_sheet,
    sheet_in_another_folder,
    sheet_xml,
    xlsx,
    zip_bomb,
)

ROOT = Path(__file__).resolve().parent.parent
DOCUMENTED = set(
    __import__("re").findall(
        r"^\| `(E_[A-Z0-9_]+)` \|", (ROOT / "docs" / "operations.md").read_text("utf-8"), flags=8
    )
)


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory) -> Path:
    """A warehouse with one good file in it, shared by the rejections (each leaves it as it was)."""
    folder = tmp_path_factory.mktemp("hostile")
    db = folder / "w.duckdb"
    [report] = load_paths([write_xlsx(folder / "good.xlsx", grid())], db)
    assert report.outcome == "loaded"
    return db


def rejected(warehouse: Path, tmp_path: Path, name: str, data: bytes, code: str | None = None) -> dict:
    """Load the file; it is rejected with `code` (or any documented code), said in Chinese with a
    hint, logged and archived, and the warehouse otherwise holds what it held. Returns the error."""
    path = tmp_path / name
    path.write_bytes(data)
    [report] = load_paths([path], warehouse)
    report = report.to_dict()
    assert report["outcome"] == "rejected", report
    [err] = report["errors"]
    assert err["code"] == code if code else err["code"] in DOCUMENTED, err
    assert any("\u4e00" <= ch <= "\u9fff" for ch in err["message"]), err  # said in Chinese
    assert err["hint"], err  # and what to do
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        assert con.execute("SELECT count(*) FROM submission_versions").fetchone()[0] == 1
        assert con.execute("SELECT count(*) FROM unit_rows").fetchone()[0] == 3
        logged = con.execute(
            "SELECT DISTINCT outcome, json_extract_string(errors, '$[0].code') FROM load_log WHERE sha256 = ?",
            [report["sha256"]],
        ).fetchall()
        assert logged == [("rejected", err["code"])]
        # the bytes are archived for the record (the bomb is only 300 KB on disk)
        assert con.execute(
            "SELECT size FROM file_archive WHERE sha256 = ?", [report["sha256"]]
        ).fetchone() == (len(data),)
    finally:
        con.close()
    return err


def loads(path: Path, db: Path) -> None:
    [report] = load_paths([path], db)
    assert report.outcome == "loaded", report.errors


def _many_sheets() -> bytes:
    """30 sheets, each within max_rows × max_columns; all together are not."""
    sheets = 30
    members = {
        f"xl/worksheets/s{i}.xml": sheet_xml({1: [cell("A1", 1)], 5000: [cell("GR5000", 1)]})
        for i in range(sheets)
    }
    wb = (
        '<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/'
        '2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets>'
        + "".join(f'<sheet name="S{i}" sheetId="{i + 1}" r:id="rS{i}"/>' for i in range(sheets))
        + "</sheets></workbook>"
    )
    rels = WB_RELS.format(
        extra="".join(
            f'<Relationship Id="rS{i}" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
            f'worksheet" Target="worksheets/s{i}.xml"/>'
            for i in range(sheets)
        )
    )
    data = xlsx(sheet_xml({1: [cell("A1", 1)]}), extra_members={**members})
    buf = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            body = src.read(info)
            if info.filename == "xl/workbook.xml":
                body = wb.encode()
            elif info.filename == "xl/_rels/workbook.xml.rels":
                body = rels.encode()
            dst.writestr(info.filename, body)
    return buf.getvalue()


def _ods_repeated() -> bytes:
    """Repeat attributes let a few hundred bytes of content.xml describe a billion cells."""
    content = (
        '<?xml version="1.0" encoding="UTF-8"?><office:document-content '
        'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
        'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
        'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"><office:body><office:spreadsheet>'
        '<table:table table:name="调度表"><table:table-row table:number-rows-repeated="1000000">'
        '<table:table-cell table:number-columns-repeated="1000" office:value-type="float" office:value="1">'
        "<text:p>1</text:p></table:table-cell></table:table-row></table:table>"
        "</office:spreadsheet></office:body></office:document-content>"
    )
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        z.writestr("content.xml", content)
        z.writestr(
            "META-INF/manifest.xml",
            '<?xml version="1.0"?><manifest:manifest xmlns:manifest='
            '"urn:oasis:names:tc:opendocument:xmlns:manifest:1.0"><manifest:file-entry '
            'manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
            '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
            "</manifest:manifest>",
        )
    return buf.getvalue()


def _million_rows() -> bytes:
    rows = b"".join(b'<row r="%d"><c r="A%d"><v>1</v></c></row>' % (i, i) for i in range(1, 1_048_577))
    return xlsx(sheet_xml({}).replace(b"<sheetData></sheetData>", b"<sheetData>" + rows + b"</sheetData>"))


def _dtd() -> bytes:
    """Entity expansion (billion laughs) needs a DTD; the library does not expand it."""
    sheet = (
        b'<?xml version="1.0"?><!DOCTYPE w [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;">]>'
        + sheet_xml({1: [b'<c r="A1" t="inlineStr"><is><t>&b;</t></is></c>']})[
            len(b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>') :
        ]
    )
    return xlsx(sheet)


def _far_ref(tag: bytes) -> bytes:
    return xlsx(sheet_xml({1: [b'<c r="A1"><v>1</v></c>', tag + b"<v>1</v></c>"]}))


def _str_cell(value: bytes) -> bytes:
    return xlsx(sheet_xml({1: [b'<c r="A1" t="str"><v>' + value + b"</v></c>"]}))


def _xls_two_workbook_streams() -> bytes:
    """calamine reads the first entry of a name; a decoy may carry the same name."""
    data = bytearray(
        ole(
            {
                "Workbook": x.workbook(x.bof() + x.number(0, 0) + x.number(65535, 255) + x.EOF),
                "Decoy": x.workbook(x.bof() + x.number(0, 0) + x.EOF),
            }
        )
    )
    e = x.directory_entry(data, "Decoy")
    data[e : e + 64] = "Workbook".encode("utf-16-le").ljust(64, b"\0")
    struct.pack_into("<H", data, e + 0x40, 18)
    return bytes(data)


def _xls_patched(patch) -> bytes:
    data = bytearray(x.xlwt_file(x.FAR))
    patch(data)
    return bytes(data)


def _xls_directory_cycle() -> bytes:
    """calamine follows the directory's sectors until ENDOFCHAIN, growing a vector."""
    data = bytearray(x.xlwt_file())
    start = struct.unpack_from("<I", data, 0x30)[0]
    struct.pack_into("<I", data, x.fat_entry(data, start), start)
    return bytes(data)


def _xls_difat_cycle() -> bytes:
    """calamine follows the DIFAT until a reserved id whatever the header counts, growing a vector."""
    data = bytearray(x.xlwt_file())
    sid = (len(data) - 512) // 512
    data += struct.pack("<127I", *[x.FREESECT] * 127) + struct.pack("<I", sid)  # points to itself
    struct.pack_into("<II", data, 0x44, sid, 1)
    return bytes(data)


def _xls_far() -> bytes:
    """5.6 KB on disk; calamine fills 65536 × 256 cells: 1 GB."""
    return x.xlwt_file(x.FAR)


def _xls_hidden(body: bytes) -> bytes:
    """A sheet inside another record's body, where the BoundSheet8 offset points."""
    return x.xls(x.workbook(biff_record(0x1234, body), offsets=lambda natural, end: [end + 4]))


MB = 1_000_000
# (file name, the file, the code it is rejected with)
HOSTILE = {
    # zip packages: the directory alone tells
    "zip bomb": ("bomb.xlsx", lambda: zip_bomb(300 * MB), "E_ZIP_BOMB"),
    "a megabyte of one character in a cell": (
        "long.xlsx",
        lambda: xlsx(sheet_xml({1: [cell("A1", "填报单位：青河县")], 5: [cell("B5", "字" * MB)]})),
        "E_ZIP_BOMB",
    ),
    "external links": (
        "links.xlsx",
        lambda: xlsx(
            sheet_xml({1: [cell("A1", "x")]}),
            extra_members={"xl/externalLinks/externalLink1.xml": b"<externalLink/>"},
        ),
        "E_EXTERNAL_LINKS",
    ),
    "xlsm with a VBA project": (
        "macro.xlsm",
        lambda: xlsx(
            sheet_xml({1: [cell("A1", "x")]}), extra_members={"xl/vbaProject.bin": ole({"VBA": b"A"})}
        ),
        "E_MACROS",
    ),
    "VBA project in a file named xlsx": (
        "macro.xlsx",
        lambda: xlsx(
            sheet_xml({1: [cell("A1", "x")]}), extra_members={"xl/vbaProject.bin": ole({"VBA": b"A"})}
        ),
        "E_MACROS",
    ),
    "password-protected xlsx": ("secret.xlsx", encrypted_xlsx, "E_ENCRYPTED"),
    "password-protected xls (FILEPASS)": (
        "secret.xls",
        lambda: ole(
            {
                "Workbook": x.bof(0x0005)
                + biff_record(0x002F, b"\x01\x00" + bytes(52))
                + biff_record(0x000A, b"")
            }
        ),
        "E_ENCRYPTED",
    ),
    # the library reads them, in a worker
    "zip bomb that lies about its size": (
        "liar.xlsx",
        lambda: lying_zip_bomb(300 * MB),
        "E_NOT_A_SPREADSHEET",
    ),
    "last row 1048576": (
        "tall.xlsx",
        lambda: xlsx(sheet_xml({1: [cell("A1", "x")], 1048576: [cell("A1048576", 1)]})),
        "E_TOO_MANY_ROWS",
    ),
    "16384 columns": (
        "wide.xlsx",
        lambda: xlsx(sheet_xml({1: [cell("A1", "单位名称"), cell("XFD1", 1)]})),
        "E_TOO_MANY_COLUMNS",
    ),
    "16384 filled columns": (
        "wide2.xlsx",
        lambda: xlsx(sheet_xml({1: [cell(cell_name(0, c), c) for c in range(16384)]})),
        "E_TOO_MANY_COLUMNS",
    ),
    "inline text over a shared-string cell": (
        "is_over_s.xlsx",
        lambda: xlsx(
            sheet_xml({3: [b'<c r="C3" t="s"><v>0</v><is><t>' + "字".encode() * 5000 + b"</t></is></c>"]}),
            shared_strings("x"),
        ),
        "E_CELL_TOO_LONG",
    ),
    "ods with a billion repeated cells": ("repeat.ods", _ods_repeated, None),
    "DTD with entities": ("dtd.xlsx", _dtd, None),
    "a long shared string in 40,000 cells": (
        "sst.xlsx",
        lambda: shared_string_cells(40_000, "字" * 1999, per_row=10),
        None,
    ),
    "30 sheets at the limit": ("sheets.xlsx", _many_sheets, "E_TOO_MANY_CELLS"),
    # calamine asks for GBs (it used to abort the whole process): the worker's memory limit
    "one cell at XFD1048576": (
        "corner.xlsx",
        lambda: xlsx(sheet_xml({1: [cell("A1", "填报单位：青河县")], 1048576: [cell("XFD1048576", 1)]})),
        "E_PARSE_MEMORY",
    ),
    "a second r after a tab": (
        "second_r.xlsx",
        lambda: _far_ref(b'<c r="B1"\tr="XFD1048576">'),
        "E_PARSE_MEMORY",
    ),
    "shared strings part read as a sheet": (
        "sst_sheet.xlsx",
        shared_strings_read_as_a_sheet,
        "E_PARSE_MEMORY",
    ),
    "sheet with bytes before its XML in another folder": (
        "gif.xlsx",
        sheet_in_another_folder,
        "E_PARSE_MEMORY",
    ),
    "shared strings claiming four billion": (
        "unique.xlsx",
        lambda: xlsx(
            sheet_xml({1: [b'<c r="A1" t="s"><v>0</v></c>']}),
            shared_strings("x").replace(b'uniqueCount="1"', b'uniqueCount="4000000000"'),
        ),
        "E_PARSE_MEMORY",
    ),
    "xls with a cell at its last row and column": ("far.xls", _xls_far, "E_PARSE_MEMORY"),
    "xls DIMENSIONS claiming 4e9 rows": (
        "dims.xls",
        lambda: x.patched_dimensions(0, 4_000_000_000, 0, 65535),
        "E_PARSE_MEMORY",
    ),
    "xls DIMENSIONS whose rows wrap": (
        "wrap.xls",
        lambda: x.patched_dimensions(5, 1, 0, 1),
        "E_PARSE_MEMORY",
    ),
    "xls DIMENSIONS of 1000 columns": ("cols.xls", lambda: x.patched_dimensions(0, 2, 0, 1000), None),
    "xls sheet hidden in another record": (
        "hidden.xls",
        lambda: _xls_hidden(x.bof() + x.number(0, 0) + x.number(65535, 255) + x.EOF),
        "E_PARSE_MEMORY",
    ),
    "xls DIMENSIONS claim in a hidden sheet": (
        "hidden_dims.xls",
        lambda: _xls_hidden(x.bof() + x.dimensions(0, 4_000_000_000, 0, 65535) + x.number(0, 0) + x.EOF),
        "E_PARSE_MEMORY",
    ),
    "xls 200 sheets at one offset": (
        "same.xls",
        lambda: x.xls(
            x.workbook(
                x.bof() + x.number(0, 0) + x.number(4999, 199) + x.EOF,
                *[b""] * 199,
                offsets=lambda natural, end: [end] * 200,
            )
        ),
        "E_PARSE_MEMORY",
    ),
    "xls chart sheet read as a worksheet": (
        "chart.xls",
        lambda: x.xls(x.workbook(x.bof(x.CHART) + x.number(0, 0) + x.number(65535, 255) + x.EOF)),
        "E_PARSE_MEMORY",
    ),
    "xls sheet going on after an embedded chart": (
        "after_chart.xls",
        lambda: x.xls(
            x.workbook(x.bof() + x.number(0, 0) + x.bof(x.CHART) + x.EOF + x.number(65535, 255) + x.EOF)
        ),
        "E_PARSE_MEMORY",
    ),
    "xls stream name whose length lies": (
        "name.xls",
        lambda: _xls_patched(x.name_length_lies),
        "E_PARSE_MEMORY",
    ),
    "xls stream name behind a BOM": ("bom.xls", lambda: _xls_patched(x.name_behind_a_bom), "E_PARSE_MEMORY"),
    "xls stream typed as a storage": (
        "storage.xls",
        lambda: _xls_patched(x.entry_typed_as_a_storage),
        "E_PARSE_MEMORY",
    ),
    "xls with two Workbook streams": ("two.xls", _xls_two_workbook_streams, "E_PARSE_MEMORY"),
    "xls directory chain cycle": ("dir_cycle.xls", _xls_directory_cycle, "E_PARSE_MEMORY"),
    "xls DIFAT chain cycle": ("difat_cycle.xls", _xls_difat_cycle, "E_PARSE_MEMORY"),
    # calamine panics: the reader maps the panic
    "xls sheet offset past the stream": (
        "past.xls",
        lambda: x.xls(x.workbook(x.bof() + x.number(0, 0) + x.EOF, offsets=lambda natural, end: [1_000_000])),
        "E_NOT_A_SPREADSHEET",
    ),
    "xls merged ranges past their record": (
        "merges.xls",
        lambda: x.xls(
            x.workbook(
                x.bof()
                + x.number(0, 0)
                + biff_record(0x00E5, struct.pack("<H", 60000) + struct.pack("<HHHH", 0, 1, 0, 1))
                + x.EOF
            )
        ),
        "E_NOT_A_SPREADSHEET",
    ),
    "xls formula token cut short": (
        "panic.xls",
        lambda: x.xls(
            x.workbook(
                x.bof()
                + x.number(0, 0)
                + biff_record(0x0006, struct.pack("<HHHdHIH", 0, 1, 0, 0.0, 0, 0, 1) + b"\x24")
                + x.EOF
            )
        ),
        "E_NOT_A_SPREADSHEET",
    ),
    # the CSV reader
    "csv claiming UTF-8 with GBK bytes": ("liar.csv", None, "E_ENCODING"),
    "csv with a huge field": ("long.csv", lambda: b"\xef\xbb\xbf" + "字".encode() * MB, "E_CELL_TOO_LONG"),
    "csv with a million rows": ("tall.csv", lambda: b"a\n" * 1_048_576, "E_TOO_MANY_ROWS"),
}
# far cell references written in every way calamine reads them
FAR_TAGS = {
    "tab": b'<c r="A1"\tr="XFD1048576">',
    "form feed": b'<c r="A1" s="1"\x0cr="XFD1048576">',
    "no space": b'<c r="A1"r="XFD1048576">',
    "space before =": b'<c r="A1" r ="XFD1048576">',
    "twice": b'<c r="A1" r="XFD1048576">',
    "not first": b'<c s="1" r="XFD1048576">',
    "single quotes": b"<c r='XFD1048576'>",
    "tab after c": b'<c\tr="XFD1048576">',
    "lower case": b'<c r="xfd1048576">',
}
# text of one cell over max_cell_chars, however it is written
LONG_TEXT = {
    "one run": b"x" * 2001,
    "two runs around a tag": b"x" * 1500 + b"<x/>" + b"y" * 1500,
    "two runs around a comment": b"x" * 1500 + b"<!-- -->" + b"y" * 1500,
}


@pytest.mark.parametrize("case", list(HOSTILE))
def test_a_hostile_file_is_rejected_with_its_code(warehouse, tmp_path, case):
    name, build, code = HOSTILE[case]
    if build is None:  # a CSV with a UTF-8 BOM and GBK bytes
        data = b"\xef\xbb\xbf" + write_csv(tmp_path / "src.csv", grid(), encoding="gb18030").read_bytes()
    else:
        data = build()
    rejected(warehouse, tmp_path, name, data, code)


@pytest.mark.parametrize("tag", list(FAR_TAGS))
def test_a_far_cell_however_written_is_rejected(warehouse, tmp_path, tag):
    rejected(warehouse, tmp_path, "far.xlsx", _far_ref(FAR_TAGS[tag]))


@pytest.mark.parametrize("text", list(LONG_TEXT))
def test_too_long_text_of_one_cell_however_written(warehouse, tmp_path, text):
    err = rejected(warehouse, tmp_path, "text.xlsx", _str_cell(LONG_TEXT[text]), "E_CELL_TOO_LONG")
    assert "A1" in err["message"]


def test_rich_inline_text_over_the_cap(warehouse, tmp_path):
    cell_xml = (
        b'<c r="A1" t="inlineStr"><is><r><t>'
        + b"x" * 1500
        + b"</t></r><r><t>"
        + b"y" * 1500
        + b"</t></r></is></c>"
    )
    rejected(warehouse, tmp_path, "rich.xlsx", xlsx(sheet_xml({1: [cell_xml]})), "E_CELL_TOO_LONG")


@pytest.mark.parametrize("decoy_first", [True, False])
def test_two_parts_that_pass_for_shared_strings(warehouse, tmp_path, decoy_first):
    data = shared_string_cells(6000, "x" * 1990)
    decoy = ("xl/SharedStrings.xml", shared_strings("x"))
    if decoy_first:
        data = rezip(
            data,
            change=lambda name, body: decoy[1] if name == "xl/sharedStrings.xml" else body,
            extra={decoy[0]: shared_strings("x" * 1990)},
        )
    else:
        data = rezip(data, extra={decoy[0]: decoy[1]})
    rejected(warehouse, tmp_path, "decoy.xlsx", data)


def test_shared_strings_named_with_a_backslash(warehouse, tmp_path):
    data = rezip(
        shared_string_cells(6000, "x" * 1990),
        lambda name: name.replace("xl/sharedStrings.xml", "xl\\sharedStrings.xml"),
    )
    assert "xl\\sharedStrings.xml" in zipfile.ZipFile(io.BytesIO(data)).namelist()
    rejected(warehouse, tmp_path, "backslash.xlsx", data)


def test_merged_ranges_of_a_sheet_without_cells(warehouse, tmp_path):
    merges = b"<mergeCells>" + b'<mergeCell ref="A1:B2"/>' * 5001 + b"</mergeCells>"
    rejected(warehouse, tmp_path, "merged.xlsx", xlsx(sheet_xml({}, merges)))


def test_the_messages_say_what_and_how_much(warehouse, tmp_path):
    assert "300 MB" in rejected(warehouse, tmp_path, "bomb.xlsx", zip_bomb(300 * MB), "E_ZIP_BOMB")["message"]
    tall = xlsx(sheet_xml({1: [cell("A1", "x")], 1048576: [cell("A1048576", 1)]}))
    assert "上限 5000" in rejected(warehouse, tmp_path, "tall.xlsx", tall, "E_TOO_MANY_ROWS")["message"]
    wide = xlsx(sheet_xml({1: [cell("A1", "单位名称"), cell("XFD1", 1)]}))
    assert "16384 列" in rejected(warehouse, tmp_path, "wide.xlsx", wide, "E_TOO_MANY_COLUMNS")["message"]
    assert "密码" in rejected(warehouse, tmp_path, "secret.xlsx", encrypted_xlsx(), "E_ENCRYPTED")["message"]
    over = xlsx(
        sheet_xml({3: [b'<c r="C3" t="s"><v>0</v><is><t>' + "字".encode() * 5000 + b"</t></is></c>"]}),
        shared_strings("x"),
    )
    assert "C3" in rejected(warehouse, tmp_path, "over.xlsx", over, "E_CELL_TOO_LONG")["message"]
    panic = HOSTILE["xls formula token cut short"][1]()
    assert (
        "PanicException"
        in rejected(warehouse, tmp_path, "panic.xls", panic, "E_NOT_A_SPREADSHEET")["message"]
    )


@pytest.mark.slow
def test_a_million_real_rows_compressed_well(warehouse, tmp_path):
    rejected(warehouse, tmp_path, "million.xlsx", _million_rows(), "E_TOO_MANY_ROWS")


@pytest.mark.parametrize("damage", ["deflate stream", "crc"])
def test_a_member_that_does_not_inflate(warehouse, tmp_path, damage):
    """Bit rot in the sheet's compressed bytes, or a checksum that does not match them: rejected as
    a damaged file, named, saying which sheet and why; the load goes on."""
    data = bytearray(write_xlsx(tmp_path / "src.xlsx", grid()).read_bytes())
    info = zipfile.ZipFile(io.BytesIO(bytes(data))).getinfo("xl/worksheets/sheet1.xml")
    if damage == "crc":
        at = central_entry(bytes(data), b"xl/worksheets/sheet1.xml")
        struct.pack_into("<I", data, at + 16, info.CRC ^ 1)
    else:
        name_len, extra_len = struct.unpack_from("<HH", data, info.header_offset + 26)
        start = info.header_offset + 30 + name_len + extra_len
        for k in range(40, 80):
            data[start + k] ^= 0xFF
    error = rejected(warehouse, tmp_path, "damaged.xlsx", bytes(data), "E_NOT_A_SPREADSHEET")
    why = "校验和不符" if damage == "crc" else "压缩数据损坏"
    assert error["message"] == f"文件「damaged.xlsx」已损坏：工作表「调度表」的数据无法解压（{why}）"


# ---- what looks odd but is a dispatch table: it loads ------------------------------------------


def test_a_dimension_claiming_1048576_rows_is_judged_by_the_cells(tmp_path, db_path):
    """<dimension ref> is only a claim; a dispatch sheet with a wrong one still loads."""
    path = write_xlsx(tmp_path / "ok.xlsx", grid())
    data = rezip(
        path.read_bytes(),
        change=lambda name, body: (
            body.replace(b'<dimension ref="', b'<dimension ref="A1:XFD1048576" x="', 1)
            if name == "xl/worksheets/sheet1.xml"
            else body
        ),
    )
    (tmp_path / "dim.xlsx").write_bytes(data)
    loads(tmp_path / "dim.xlsx", db_path)


def test_the_word_encryptioninfo_in_a_cell_is_not_encryption(tmp_path, db_path):
    wb = xlwt.Workbook()
    ws = wb.add_sheet("调度表", cell_overwrite_ok=True)
    for (r, c), v in x.grid_cells():
        ws.write(r, c, v)
    ws.write(1, 8, "EncryptionInfo 说明")  # UTF-16 in the SST, like the directory name
    buf = io.BytesIO()
    wb.save(buf)
    assert "EncryptionInfo".encode("utf-16-le") in buf.getvalue()
    (tmp_path / "ok.xls").write_bytes(buf.getvalue())
    loads(tmp_path / "ok.xls", db_path)


def test_an_xls_dimensions_claim_within_the_format_is_judged_by_the_cells(tmp_path, db_path):
    """Excel and xlwt count formatted empty cells in DIMENSIONS: borders drawn down to row 10000 claim
    10000 × 230 for a dispatch table; the file loads."""
    wb = xlwt.Workbook()
    ws = wb.add_sheet("调度表", cell_overwrite_ok=True)
    border = xlwt.easyxf("borders: left thin, right thin, top thin, bottom thin")
    for r in range(20, 10000):
        ws.write(r, 0, None, border)
    ws.write(20, 229, None, border)
    for (r, c), v in x.grid_cells():
        ws.write(r, c, v)
    buf = io.BytesIO()
    wb.save(buf)
    assert struct.pack("<HHIIHH", 0x0200, 14, 0, 10000, 0, 230) in buf.getvalue()
    (tmp_path / "bordered.xls").write_bytes(buf.getvalue())
    loads(tmp_path / "bordered.xls", db_path)


def test_an_embedded_charts_data_cache_is_not_cells(tmp_path, db_path):
    """An embedded chart's SERIESDATA holds DIMENSIONS and cell records, which calamine skips."""
    chart = x.bof(x.CHART) + x.dimensions(0, 4_000_000_000, 0, 65535) + x.number(0, 999) + x.EOF
    (tmp_path / "chart_cache.xls").write_bytes(x.with_embedded(chart))
    loads(tmp_path / "chart_cache.xls", db_path)
