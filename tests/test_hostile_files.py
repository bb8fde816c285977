"""Hostile files: each is built here, loaded in a child process (so its peak memory can be read and
a crash inside calamine would show as a dead child, not a dead test run), and must be rejected fast,
in Chinese, with its stable code, with bounded memory, and with nothing loaded."""

from __future__ import annotations

import io
import json
import struct
import subprocess
import sys
import zipfile
from pathlib import Path

import duckdb
import pytest
import xlwt

from etl.load import load_paths

from .dispatch_builder import grid, write_csv, write_xlsx
from .hostile import (
    biff_record,
    cell,
    central_entry,
    encrypted_xlsx,
    lying_zip_bomb,
    ole,
    shared_strings,
    sheet_xml,
    xlsx,
    zip_bomb,
)

ROOT = Path(__file__).resolve().parent.parent
MAX_RSS_GROWTH_MB = (
    150  # the load of a normal file needs ~20 MB; before the pre-scan some of these needed GBs
)
MAX_SECONDS = 5.0

# the child may map at most 4 GB: a regression that lets calamine grow a vector without end (a cycle in
# an .xls's sector chains) then aborts the child instead of eating the machine's memory
CHILD_ADDRESS_SPACE = 4 << 30
CHILD = r"""
import json, resource, sys, time
resource.setrlimit(resource.RLIMIT_AS, (int(sys.argv[4]), int(sys.argv[4])))
sys.path.insert(0, sys.argv[3])
from etl.load import load_paths
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
started = time.perf_counter()
[report] = load_paths([sys.argv[1]], sys.argv[2])
seconds = time.perf_counter() - started
grown = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) / 1024
print(json.dumps({"seconds": seconds, "rss_growth_mb": grown, "report": report.to_dict()}, ensure_ascii=False))
"""


def load_in_child(path: Path, db: Path) -> dict:
    # warm the child's imports and the warehouse first so that only the hostile file is measured
    proc = subprocess.run(
        [sys.executable, "-c", CHILD, str(path), str(db), str(ROOT), str(CHILD_ADDRESS_SPACE)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, f"the loader died (exit {proc.returncode}): {proc.stderr[-2000:]}"
    return json.loads(proc.stdout.strip().splitlines()[-1])


def rejected(tmp_path, name: str, data: bytes, code: str) -> dict:
    """Write the file, load it in a child, and check the rejection; returns the first error."""
    path = tmp_path / name
    path.write_bytes(data)
    db = tmp_path / "w.duckdb"
    if not db.exists():  # a warehouse with something in it
        load_paths([write_xlsx(tmp_path / "good.xlsx", grid())], db)
    out = load_in_child(path, db)
    report = out["report"]
    assert report["outcome"] == "rejected", report
    assert [e["code"] for e in report["errors"]] == [code], report["errors"]
    err = report["errors"][0]
    assert any("\u4e00" <= ch <= "\u9fff" for ch in err["message"]), err  # said in Chinese
    assert err["hint"], err  # and what to do
    assert out["seconds"] < MAX_SECONDS, out
    assert out["rss_growth_mb"] < MAX_RSS_GROWTH_MB, out
    con = duckdb.connect(str(db), read_only=True)
    try:
        assert con.execute("SELECT count(*) FROM submission_versions").fetchone()[0] == 1
        assert con.execute("SELECT count(*) FROM unit_rows").fetchone()[0] == 3
        logged = con.execute(
            "SELECT outcome, json_extract_string(errors, '$[0].code') FROM load_log WHERE file_name = ?",
            [name],
        ).fetchall()
        assert logged == [("rejected", code)]
        # the bytes are archived for the record (the bomb is only 300 KB on disk)
        assert con.execute(
            "SELECT size FROM file_archive WHERE sha256 = ?", [report["sha256"]]
        ).fetchone() == (len(data),)
    finally:
        con.close()
    return err


def test_zip_bomb_disguised_as_xlsx(tmp_path):
    data = zip_bomb(300_000_000)  # 300 MB of spaces in ~300 KB
    assert len(data) < 400_000
    err = rejected(tmp_path, "bomb.xlsx", data, "E_ZIP_BOMB")
    assert "300 MB" in err["message"]


def test_zip_bomb_that_lies_about_its_size(tmp_path):
    """The headers claim 1,000 bytes: the size check passes, inflating is stopped at the claim."""
    data = lying_zip_bomb(300_000_000)
    rejected(tmp_path, "liar.xlsx", data, "E_NOT_A_SPREADSHEET")


def test_one_cell_at_the_last_row_and_column(tmp_path):
    """1.6 KB; before the pre-scan calamine asked for 512 GB and aborted the whole process."""
    data = xlsx(sheet_xml({1: [cell("A1", "填报单位：青河县")], 1048576: [cell("XFD1048576", 1)]}))
    assert len(data) < 2000
    err = rejected(tmp_path, "corner.xlsx", data, "E_TOO_MANY_ROWS")
    assert "1048576 行" in err["message"] and "调度表" in err["message"]


def test_sheet_whose_last_row_is_1048576(tmp_path):
    data = xlsx(
        sheet_xml({1: [cell("A1", "x")], 1048576: [cell("A1048576", 1)]}),
    )
    err = rejected(tmp_path, "tall.xlsx", data, "E_TOO_MANY_ROWS")
    assert "上限 5000" in err["message"]


def test_sheet_whose_dimension_claims_1048576_rows_is_judged_by_its_cells(tmp_path, db_path):
    """<dimension ref> is only a claim; a dispatch sheet with a wrong one still loads."""
    path = write_xlsx(tmp_path / "ok.xlsx", grid())
    with zipfile.ZipFile(path) as z:
        members = {i.filename: z.read(i) for i in z.infolist()}
    sheet = members["xl/worksheets/sheet1.xml"]
    members["xl/worksheets/sheet1.xml"] = sheet.replace(
        b'<dimension ref="', b'<dimension ref="A1:XFD1048576" x="', 1
    )
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in members.items():
            z.writestr(name, data)
    (tmp_path / "dim.xlsx").write_bytes(buf.getvalue())
    out = load_in_child(tmp_path / "dim.xlsx", db_path)
    assert out["report"]["outcome"] == "loaded", out["report"]["errors"]


@pytest.mark.slow
def test_a_million_real_rows_compressed_well(tmp_path):
    rows = b"".join(b'<row r="%d"><c r="A%d"><v>1</v></c></row>' % (i, i) for i in range(1, 1_048_577))
    data = xlsx(sheet_xml({}).replace(b"<sheetData></sheetData>", b"<sheetData>" + rows + b"</sheetData>"))
    assert len(data) < 6_000_000
    rejected(tmp_path, "million.xlsx", data, "E_TOO_MANY_ROWS")


def test_16384_columns(tmp_path):
    data = xlsx(sheet_xml({1: [cell("A1", "单位名称"), cell("XFD1", 1)]}))
    err = rejected(tmp_path, "wide.xlsx", data, "E_TOO_MANY_COLUMNS")
    assert "16384 列" in err["message"]


def test_16384_filled_columns(tmp_path):
    from etl.problems import cell_name

    data = xlsx(sheet_xml({1: [cell(cell_name(0, c), c) for c in range(16384)]}))
    rejected(tmp_path, "wide2.xlsx", data, "E_TOO_MANY_COLUMNS")


def test_a_second_r_after_a_tab(tmp_path):
    """calamine takes the last r="…" of a cell tag; the fast path once missed one after a tab."""
    data = xlsx(sheet_xml({1: [cell("A1", 1), b'<c r="B1"\tr="XFD1048576"><v>1</v></c>']}))
    rejected(tmp_path, "second_r.xlsx", data, "E_NOT_A_SPREADSHEET")


def test_shared_strings_part_read_as_a_sheet(tmp_path):
    """A relationship can point the worksheet at sharedStrings.xml, which neither scan used to measure."""
    from .test_prescan_fast_path import shared_strings_read_as_a_sheet

    rejected(tmp_path, "sst_sheet.xlsx", shared_strings_read_as_a_sheet(), "E_TOO_MANY_ROWS")


def test_sheet_with_bytes_before_its_xml_in_another_folder(tmp_path):
    """calamine takes the workbook's folder from _rels/.rels and reads past bytes before the XML."""
    from .test_prescan_fast_path import sheet_in_another_folder

    rejected(tmp_path, "gif.xlsx", sheet_in_another_folder(), "E_NOT_A_SPREADSHEET")


def test_shared_strings_claiming_four_billion(tmp_path):
    """1 KB; calamine reserved 96 GB for uniqueCount strings and aborted the process."""
    sst = shared_strings("x").replace(b'uniqueCount="1"', b'uniqueCount="4000000000"')
    rejected(
        tmp_path,
        "unique.xlsx",
        xlsx(sheet_xml({1: [b'<c r="A1" t="s"><v>0</v></c>']}), sst),
        "E_TOO_MUCH_TEXT",
    )


def test_inline_text_over_a_shared_string_cell(tmp_path):
    """calamine shows the <is> of a t="s" cell; the exact scan measures the shared string, so the reader
    measures the cells itself whenever the fast path did not vouch for the file."""
    long_cell = b'<c r="C3" t="s"><v>0</v><is><t>' + "字".encode() * 5000 + b"</t></is></c>"
    err = rejected(
        tmp_path, "is_over_s.xlsx", xlsx(sheet_xml({3: [long_cell]}), shared_strings("x")), "E_CELL_TOO_LONG"
    )
    assert "C3" in err["message"]


def test_cell_of_one_megabyte_of_text(tmp_path):
    data = xlsx(sheet_xml({1: [cell("A1", "填报单位：青河县")], 5: [cell("B5", "字" * 1_000_000)]}))
    assert len(data) < 20_000
    err = rejected(tmp_path, "long.xlsx", data, "E_CELL_TOO_LONG")
    assert "B5" in err["message"] and "1000000 字" in err["message"]


def test_one_long_shared_string_in_many_cells(tmp_path):
    """100 KB on disk; calamine copies the string into every cell: 580 MB before the pre-scan."""
    rows = {
        r: [b'<c r="%s%d" t="s"><v>0</v></c>' % (c.encode(), r) for c in "ABCDEFGHIJ"] for r in range(1, 4001)
    }
    data = xlsx(sheet_xml(rows), shared_strings("字" * 1999))
    assert len(data) < 200_000
    rejected(tmp_path, "sst.xlsx", data, "E_TOO_MUCH_TEXT")


def test_many_sheets_each_at_the_limit(tmp_path):
    """Each sheet is within max_rows × max_columns; all together are not."""
    from .hostile import WB_RELS

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
    rejected(tmp_path, "sheets.xlsx", buf.getvalue(), "E_TOO_MANY_CELLS")


def test_xlsx_with_external_links(tmp_path):
    data = xlsx(
        sheet_xml({1: [cell("A1", "x")]}),
        extra_members={
            "xl/externalLinks/externalLink1.xml": b'<externalLink xmlns="http://schemas.openxmlformats.org/'
            b'spreadsheetml/2006/main"/>'
        },
    )
    rejected(tmp_path, "links.xlsx", data, "E_EXTERNAL_LINKS")


def test_xlsm_with_vba_project(tmp_path):
    data = xlsx(
        sheet_xml({1: [cell("A1", "x")]}), extra_members={"xl/vbaProject.bin": ole({"VBA": b"Attribute"})}
    )
    rejected(tmp_path, "macro.xlsm", data, "E_MACROS")


def test_vba_project_in_a_file_named_xlsx(tmp_path):
    data = xlsx(
        sheet_xml({1: [cell("A1", "x")]}), extra_members={"xl/vbaProject.bin": ole({"VBA": b"Attribute"})}
    )
    rejected(tmp_path, "macro.xlsx", data, "E_MACROS")


def test_password_protected_xlsx(tmp_path):
    """Excel's encrypted .xlsx is an OLE2 file with EncryptionInfo and EncryptedPackage streams."""
    data = encrypted_xlsx()
    assert data.startswith(b"\xd0\xcf\x11\xe0")
    err = rejected(tmp_path, "secret.xlsx", data, "E_ENCRYPTED")
    assert "密码" in err["message"]


def test_password_protected_xls(tmp_path):
    """An encrypted .xls keeps its Workbook stream but starts it with a FILEPASS record."""
    bof = biff_record(0x0809, struct.pack("<HHHHII", 0x0600, 0x0005, 0, 0, 0, 0))
    book = bof + biff_record(0x002F, b"\x01\x00" + bytes(52)) + biff_record(0x000A, b"")
    rejected(tmp_path, "secret.xls", ole({"Workbook": book}), "E_ENCRYPTED")


def test_the_word_encryptioninfo_in_a_cell_is_not_encryption(tmp_path, db_path):
    """The old check searched the bytes for the stream name; a cell may contain it."""
    wb = xlwt.Workbook()
    ws = wb.add_sheet("调度表", cell_overwrite_ok=True)
    for r, row in enumerate(grid()):
        for c, v in enumerate(row):
            ws.write(r, c, v)
    ws.write(1, 8, "EncryptionInfo 说明")  # UTF-16 in the SST, like the directory name
    buf = io.BytesIO()
    wb.save(buf)
    assert "EncryptionInfo".encode("utf-16-le") in buf.getvalue()
    (tmp_path / "ok.xls").write_bytes(buf.getvalue())
    out = load_in_child(tmp_path / "ok.xls", db_path)
    assert out["report"]["outcome"] == "loaded", out["report"]["errors"]


def test_xls_with_a_cell_at_its_last_row_and_column(tmp_path):
    """Before the pre-scan: 5.6 KB on disk, 1 GB in calamine."""
    wb = xlwt.Workbook()
    ws = wb.add_sheet("调度表")
    ws.write(0, 0, "x")
    ws.write(65535, 255, 1)
    buf = io.BytesIO()
    wb.save(buf)
    rejected(tmp_path, "far.xls", buf.getvalue(), "E_TOO_MANY_ROWS")


def test_ods_with_a_million_repeated_filled_rows(tmp_path):
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
    rejected(tmp_path, "repeat.ods", buf.getvalue(), "E_TOO_MANY_ROWS")


def test_xml_with_a_dtd_is_refused(tmp_path):
    """Entity expansion (billion laughs) needs a DTD; office files never have one."""
    sheet = (
        b'<?xml version="1.0"?><!DOCTYPE w [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;">]>'
        + sheet_xml({1: [b'<c r="A1" t="inlineStr"><is><t>&b;</t></is></c>']})[
            len(b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>') :
        ]
    )
    rejected(tmp_path, "dtd.xlsx", xlsx(sheet), "E_NOT_A_SPREADSHEET")


def test_csv_claiming_utf8_with_gbk_bytes(tmp_path):
    cells = grid()
    path = write_csv(tmp_path / "src.csv", cells, encoding="gb18030")
    data = b"\xef\xbb\xbf" + path.read_bytes()
    err = rejected(tmp_path, "liar.csv", data, "E_ENCODING")
    assert "UTF-8" in err["message"]


def test_csv_with_a_huge_field_and_too_many_rows(tmp_path):
    rejected(tmp_path, "long.csv", b"\xef\xbb\xbf" + "字".encode() * 1_000_000, "E_CELL_TOO_LONG")
    rejected(tmp_path, "tall.csv", b"a\n" * 1_048_576, "E_TOO_MANY_ROWS")


@pytest.mark.parametrize("damage", ["deflate stream", "crc"])
def test_a_member_that_does_not_inflate(tmp_path, damage):
    """Bit rot in the sheet's compressed bytes, or a checksum that does not match them: rejected as
    damaged. A broken deflate stream used to escape as zlib.error and end a whole folder's load."""
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
    err = rejected(tmp_path, "damaged.xlsx", bytes(data), "E_NOT_A_SPREADSHEET")
    assert "损坏" in err["message"]
