"""Cells whose value the file does not hold: Excel error values (#DIV/0!, #N/A …) and formulas saved
without their computed value (openpyxl and some converters write those).

calamine reads an .xlsx error or an uncached formula as an empty cell, and an .ods error as 0: both
would pass for data ("未填写", or a count of 0). They are found here in the sheet XML and marked in
the rows as CellFault, which every parser rejects with the text the user sees. The XML is searched
only when it can hold such a cell (a byte search), so the usual file costs two `in` tests a sheet."""

from __future__ import annotations

import html
import io
import re
import struct
import zipfile
import zlib
from xml.etree import ElementTree as ET

from .cells import CellFault

Faults = dict[str, dict[tuple[int, int], CellFault]]  # sheet name → (row, col) → the fault

_ERROR_CELL = re.compile(rb'<c\b([^>]*\bt="e"[^>]*)>(.*?)</c>', re.S)
# a formula cell with nothing after its formula but an empty <v>: no computed value was saved
_UNCACHED = re.compile(rb"<c\b([^>]*)>\s*<f\b([^>]*)(?:/>|>([^<]*)</f>)\s*(?:<v\s*/>|<v>\s*</v>)?\s*</c>")
_REF = re.compile(rb'\br="([A-Z]{1,3})(\d+)"')
_VALUE = re.compile(rb"<v>([^<]*)</v>")
_TEXT_TYPES = (b't="str"', b't="inlineStr"')  # an empty cached text is a computed value ("")

_RELS = "{http://schemas.openxmlformats.org/package/2006/relationships}Relationship"
_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_REL_ID = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"


def find_faults(data: bytes, infos: list[zipfile.ZipInfo] | None = None) -> Faults:
    """The faulty cells of an .xlsx or .ods (given as its zip bytes), by sheet name. infos: the zip's
    directory when the caller has read it already (the members are then read straight from data)."""
    if infos is None:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            infos = zf.infolist()
    members = {i.filename: i for i in infos}
    if "xl/workbook.xml" in members:
        return _xlsx(data, members)
    if "content.xml" in members:
        return _ods(_read(data, members["content.xml"]))
    return {}


_LOCAL_HEADER = struct.Struct("<4s22xHH")  # signature … file name length, extra field length


def _read(data: bytes, info: zipfile.ZipInfo) -> bytes:
    """One member's bytes, from its local header (sizes were checked from the directory)."""
    magic, name_len, extra_len = _LOCAL_HEADER.unpack_from(data, info.header_offset)
    if magic != b"PK\x03\x04":
        raise ValueError("bad local header")
    start = info.header_offset + _LOCAL_HEADER.size + name_len + extra_len
    raw = data[start : start + info.compress_size]
    if info.compress_type == zipfile.ZIP_STORED:
        return raw
    if info.compress_type == zipfile.ZIP_DEFLATED:
        return zlib.decompressobj(-15).decompress(raw, info.file_size)
    raise ValueError("compression")


# BIFF8 error codes (BErr) → what Excel shows
_BIFF_ERRORS = {
    0x00: "#NULL!",
    0x07: "#DIV/0!",
    0x0F: "#VALUE!",
    0x17: "#REF!",
    0x1D: "#NAME?",
    0x24: "#NUM!",
    0x2A: "#N/A",
}
# a FORMULA record whose cached result is an error (fExprO = 0xFFFF, type 2), or a BOOLERR holding
# an error (fError = 1): the byte patterns that let the usual .xls skip the record walk
_XLS_HINT = re.compile(
    rb"\x06\x00..[\s\S]{6}\x02\x00[\s\S]\x00\x00\x00\xff\xff|\x05\x02\x08\x00[\s\S]{7}\x01"
)


def find_xls_faults(data: bytes) -> Faults:
    """Error values of an .xls (Excel 97–2003), which calamine reads as empty cells."""
    import olefile

    with olefile.OleFileIO(io.BytesIO(data)) as ole:
        name = next((n for n in ("Workbook", "Book") if ole.exists(n)), None)
        if name is None:
            return {}
        book = ole.openstream(name).read()
    if not _XLS_HINT.search(book):
        return {}
    starts, out, sheet = {}, {}, None
    for pos, rtype, body in _biff_records(book):
        if rtype == 0x0085 and len(body) >= 8:  # BoundSheet8: where a sheet starts, its name
            cch, wide = body[6], body[7] & 1
            raw = body[8 : 8 + cch * (1 + wide)]
            starts[struct.unpack_from("<I", body)[0]] = raw.decode("utf-16-le" if wide else "latin-1")
        elif rtype == 0x0809:  # BOF: a sheet's own, or one embedded in it (a chart)
            sheet = starts.get(pos, sheet)
        elif sheet is not None and rtype in (0x0006, 0x0205):
            if rtype == 0x0006 and len(body) >= 14 and body[12:14] == b"\xff\xff" and body[6] == 2:
                code = body[8]
            elif rtype == 0x0205 and len(body) >= 8 and body[7] == 1:
                code = body[6]
            else:
                continue
            row, col = struct.unpack_from("<HH", body)
            out.setdefault(sheet, {})[row, col] = CellFault(_BIFF_ERRORS.get(code, "#VALUE!"))
    return out


def _biff_records(book: bytes):
    """(offset, type, body) of every record of a BIFF8 Workbook stream, in order."""
    pos, n = 0, len(book)
    while pos + 4 <= n:
        rtype, length = struct.unpack_from("<HH", book, pos)
        yield pos, rtype, book[pos + 4 : pos + 4 + length]
        pos += 4 + length


def _position(attrs: bytes) -> tuple[int, int] | None:
    m = _REF.search(attrs)
    if m is None:  # a cell without its reference (a few streaming writers): cannot be placed
        return None
    col = 0
    for ch in m.group(1):
        col = col * 26 + ch - 64
    return int(m.group(2)) - 1, col - 1


def _xlsx_sheet(xml: bytes) -> dict[tuple[int, int], CellFault]:
    found = {}
    if b't="e"' in xml:
        for m in _ERROR_CELL.finditer(xml):
            at, value = _position(m.group(1)), _VALUE.search(m.group(2))
            if at is not None:
                found[at] = CellFault(html.unescape(value.group(1).decode()) if value else "#N/A")
    if b"<f>" in xml or b"<f " in xml:
        for m in _UNCACHED.finditer(xml):
            attrs, formula = m.group(1), m.group(3)
            at = _position(attrs)
            if at is None or at in found or any(t in attrs for t in _TEXT_TYPES):
                continue
            text = html.unescape(formula.decode()) if formula else "…"  # a shared formula's follower
            found[at] = CellFault("=" + text)
    return found


def _xlsx(data: bytes, members: dict) -> Faults:
    parts = {}
    for name, info in members.items():
        if name.startswith("xl/worksheets/") and name.endswith(".xml") and name.count("/") == 2:
            cells = _xlsx_sheet(_read(data, info))
            if cells:
                parts[name] = cells
    if not parts:
        return {}
    targets = {}
    if "xl/_rels/workbook.xml.rels" in members:
        for rel in ET.fromstring(_read(data, members["xl/_rels/workbook.xml.rels"])).iter(_RELS):
            target = rel.get("Target", "")
            targets[rel.get("Id")] = target.lstrip("/") if target.startswith("/") else "xl/" + target
    out = {}
    for sheet in ET.fromstring(_read(data, members["xl/workbook.xml"])).iter(_MAIN + "sheet"):
        part = targets.get(sheet.get(_REL_ID))
        if part in parts:
            out[sheet.get("name")] = parts[part]
    return out


_TABLE = "urn:oasis:names:tc:opendocument:xmlns:table:1.0"
_CALCEXT = "urn:org:documentfoundation:names:experimental:calc:xmlns:calcext:1.0"
_OFFICE = "urn:oasis:names:tc:opendocument:xmlns:office:1.0"


def _ods(xml: bytes) -> Faults:
    """LibreOffice saves an error as a number 0 marked calcext:value-type="error"."""
    if b'value-type="error"' not in xml:
        return {}
    out: Faults = {}
    table, r, c = None, -1, 0
    rows_repeat = 1
    for event, el in ET.iterparse(io.BytesIO(xml), events=("start", "end")):
        tag = el.tag
        if event == "start":
            if tag == f"{{{_TABLE}}}table":
                table, r, rows_repeat = el.get(f"{{{_TABLE}}}name"), -1, 1
            elif tag == f"{{{_TABLE}}}table-row":
                r, c = r + rows_repeat, 0
                rows_repeat = int(el.get(f"{{{_TABLE}}}number-rows-repeated", "1"))
            continue
        if tag in (f"{{{_TABLE}}}table-cell", f"{{{_TABLE}}}covered-table-cell"):
            repeat = int(el.get(f"{{{_TABLE}}}number-columns-repeated", "1"))
            if el.get(f"{{{_CALCEXT}}}value-type") == "error":
                text = "".join(el.itertext()).strip() or "#VALUE!"
                for dr in range(rows_repeat):
                    for dc in range(repeat):
                        out.setdefault(table, {})[r + dr, c + dc] = CellFault(text)
            c += repeat
            el.clear()
    return out
