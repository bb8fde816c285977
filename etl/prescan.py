"""Size checks that run on the raw file, before calamine builds anything.

calamine turns a sheet into a dense rectangle (32 bytes a cell) and copies every shared string into
each cell that uses it, all inside get_sheet_by_name: a 1.6 KB .xlsx with one cell at XFD1048576
makes it ask for 512 GB and abort the whole process; a 200 KB .xlsx whose 100,000 cells all point
at one 2,000-character shared string costs 580 MB. So the extent, the cell count and the text of
every sheet are measured here by streaming the file (zip members through expat, .xls records read
as calamine reads them), and the file is refused before calamine sees it.

Budgets (config.toml [limits]; the last three are optional and default as shown):
    max_rows, max_columns, max_cell_chars   per sheet / per cell, as before
    max_cells         = max_rows * max_columns     cells of the rectangles of all sheets together
    max_total_chars   = max_rows * max_cell_chars  characters of text in all cells together
    max_merged_cells  = max_rows                   merged ranges in all sheets together
"""

from __future__ import annotations

import functools
import itertools
import posixpath
import re
import struct
import xml.parsers.expat
import zipfile
from collections.abc import Mapping
from dataclasses import dataclass
from operator import itemgetter

from .problems import cell_name, too_many_rows

try:  # python-isal (Intel ISA-L); plain zlib gives the same bytes, slower
    from isal import isal_zlib as _inflate
except ImportError:  # pragma: no cover
    import zlib as _inflate

CHUNK = 1 << 16
_REF = re.compile(r"^\$?([A-Za-z]{1,3})\$?(\d{1,7})$")


class PrescanError(Exception):
    def __init__(self, code: str, message: str, hint: str = ""):
        super().__init__(message)
        self.code, self.message, self.hint = code, message, hint


def budgets(limits: dict) -> dict:
    return {
        "rows": limits["max_rows"],
        "columns": limits["max_columns"],
        "cell_chars": limits["max_cell_chars"],
        "cells": limits.get("max_cells", limits["max_rows"] * limits["max_columns"]),
        "chars": limits.get("max_total_chars", limits["max_rows"] * limits["max_cell_chars"]),
        "merged": limits.get("max_merged_cells", limits["max_rows"]),
    }


@dataclass
class _Totals:
    """Running totals over the whole workbook; each check raises as soon as a budget is passed."""

    b: dict
    cells: int = 0
    chars: int = 0
    merged: int = 0

    def sheet(self, label: str, max_row: int, max_col: int) -> None:
        """A sheet's extent (zero-based last row and column holding a value)."""
        if max_row + 1 > self.b["rows"]:
            raise PrescanError("E_TOO_MANY_ROWS", *too_many_rows(label, max_row + 1, self.b["rows"]))
        if max_col + 1 > self.b["columns"]:
            raise PrescanError(
                "E_TOO_MANY_COLUMNS",
                f"{label}有 {max_col + 1} 列，超过上限 {self.b['columns']}",
                "请删除无关的列后再发送",
            )

    def area(self, label: str, max_row: int, max_col: int) -> None:
        if max_row < 0:
            return
        self.cells += (max_row + 1) * (max_col + 1)
        if self.cells > self.b["cells"]:
            raise PrescanError(
                "E_TOO_MANY_CELLS",
                f"工作簿的单元格总数超过上限 {self.b['cells']}（{label}）",
                "请只保留周调度表一个工作表，删除其他工作表和无关数据后再发送",
            )

    def text(self, label: str, row: int, col: int, n: int, times: int = 1) -> None:
        if n > self.b["cell_chars"]:
            raise PrescanError(
                "E_CELL_TOO_LONG",
                f"{label}单元格 {cell_name(row, col)} 的文字过长（{n} 字，上限 {self.b['cell_chars']}）",
                "请删除异常内容后再发送",
            )
        self.chars += n * times
        if self.chars > self.b["chars"]:
            raise PrescanError(
                "E_TOO_MUCH_TEXT",
                f"文件中的文字总量超过上限 {self.b['chars']} 字",
                "周调度表只需填写数字和简短的单位名称、备注，请删除大段文字后再发送",
            )

    def merge(self, n: int = 1) -> None:
        self.merged += n
        if self.merged > self.b["merged"]:
            raise PrescanError(
                "E_TOO_MANY_CELLS", f"合并单元格超过 {self.b['merged']} 处", "请取消无关的合并单元格后再发送"
            )


def _local(name: str) -> str:
    return name.rsplit(":", 1)[-1]


def _parser(start, end=None, chars=None) -> xml.parsers.expat.XMLParserType:
    """An expat parser without namespaces (prefixes are stripped by _local) that refuses DTDs."""
    p = xml.parsers.expat.ParserCreate()
    p.buffer_text = True

    def no_dtd(*_a):
        raise PrescanError(
            "E_NOT_A_SPREADSHEET",
            "文件内部含有 DTD 声明，不是正常的表格文件",
            "请用 Excel/WPS 打开后另存为 .xlsx 再发送",
        )

    p.StartDoctypeDeclHandler = no_dtd
    p.EntityDeclHandler = no_dtd
    p.StartElementHandler = start
    if end:
        p.EndElementHandler = end
    if chars:
        p.CharacterDataHandler = chars
    return p


def _feed(zf: zipfile.ZipFile, info: zipfile.ZipInfo, parser) -> None:
    with zf.open(info) as f:
        while chunk := f.read(CHUNK):
            parser.Parse(chunk, False)
    parser.Parse(b"", True)


# --- .xlsx ---------------------------------------------------------------------------------------


def _small_xml(zf: zipfile.ZipFile, names: dict, name: str, tag: str) -> list[dict]:
    """Attributes of every <tag> in a small member (workbook.xml, its rels), or []."""
    info = names.get(name.lower())
    if info is None or info.file_size > 5_000_000:
        return []
    out: list[dict] = []
    p = _parser(lambda n, a: out.append(a) if _local(n) == tag else None)
    try:
        _feed(zf, info, p)
    except xml.parsers.expat.ExpatError:
        return []
    return out


def _sheet_names(zf: zipfile.ZipFile, names: dict) -> dict[str, str]:
    """zip member (lower case) → sheet name, as far as workbook.xml and its rels say."""
    targets = {}
    for rel in _small_xml(zf, names, "xl/_rels/workbook.xml.rels", "Relationship"):
        t = rel.get("Target", "").replace("\\", "/")
        path = t.lstrip("/") if t.startswith("/") else posixpath.normpath(posixpath.join("xl", t))
        targets[rel.get("Id")] = path.lower()
    out = {}
    for sheet in _small_xml(zf, names, "xl/workbook.xml", "sheet"):
        rid = next((v for k, v in sheet.items() if _local(k) == "id"), None)
        if rid in targets:
            out[targets[rid]] = sheet.get("name", "")
    return out


def _shared_string_lengths(zf: zipfile.ZipFile, info: zipfile.ZipInfo, limit: int) -> list[int]:
    lengths: list[int] = []
    depth = {"si": 0, "t": 0, "rph": 0}

    def start(name, attrs):
        n = _local(name)
        # calamine reserves room for uniqueCount strings before reading one: 4000000000 aborts the process
        count = re.search("[0-9]+", attrs.get("uniqueCount", "")) if n == "sst" else None
        if (n == "si" and len(lengths) + 1 > limit) or (
            count and (len(count[0]) > 15 or int(count[0]) > limit)
        ):
            raise PrescanError("E_TOO_MUCH_TEXT", f"共享文字超过 {limit} 条", "请另存为普通 .xlsx 后再发送")
        if n == "si":
            lengths.append(0)
        if n in depth:
            depth[n] += 1

    def end(name):
        n = _local(name)
        if n in depth:
            depth[n] -= 1

    def chars(data):
        if depth["si"] and depth["t"] and not depth["rph"] and lengths:  # phonetic runs are not shown
            lengths[-1] += len(data)

    _feed(zf, info, _parser(start, end, chars))
    return lengths


def _member_name(info: zipfile.ZipInfo) -> str:
    """As calamine looks members up: case and \\ or / do not matter."""
    return info.filename.replace("\\", "/").lower()


def _is_shared_strings(info: zipfile.ZipInfo) -> bool:
    return posixpath.basename(_member_name(info)) == "sharedstrings.xml"


def _mentions(zf: zipfile.ZipFile, info: zipfile.ZipInfo, needle: bytes) -> bool:
    """Whether the member's bytes hold needle (read in chunks: it may be large)."""
    tail = b""
    with zf.open(info) as f:
        while chunk := f.read(CHUNK):
            if needle in tail + chunk:
                return True
            tail = chunk[1 - len(needle) :]
    return False


# Fast path. Python callbacks for every XML element cost ~20 ms per dispatch sheet, more than
# calamine's whole read. An ordinary file is bounded instead with a few C-level passes per part
# (bytes.count, regex searches starting with a literal; nothing in Python per cell): ≈1.8 ms for a
# 274 KB sheet. The bounds are upper bounds; what they cannot vouch for (False) takes the exact scan.
#  - parts: calamine reads cells from any part a rels Target names once it meets <sheetData>, bytes
#    before the XML or not, so every part holding "sheetData" is measured; not XML, or <x:c>: False;
#  - extent: <dimension ref> is a claim (else the largest refs are): one search proves every cell tag
#    is <c r="…"> inside it, rounded up (AF256 → AZ999) within the limits for a cheaper regex. calamine
#    takes a tag's last r, also after a tab or a quote or before " =": any r key but the first: False;
#  - text: a <v> must be one run of ≤ max_cell_chars bytes (bytes ≥ characters; t="str" and <is> join
#    runs, <is>: False), so every value is within the cap (scan_xlsx). Inline text ≤ the part's bytes,
#    shared text ≤ (cells showing one) × (longest <si>, markup included);
#  - merged ranges: at most the occurrences of "mergeCell".
FAST_MAX_BYTES = 16_000_000
_FAST_DTD = re.compile(rb"<!(?:DOCTYPE|ENTITY)")
_FAST_PREFIXED = re.compile(rb":(?:c|v|is|si)[\s/>]")
_FAST_INLINE = re.compile(rb"is[\s/>]")  # <is>, <x:is>, </is>: rich text joins runs
_FAST_CELL = re.compile(rb"<c[\s/>]")
_FAST_SECOND_R = re.compile(rb"""r(?<!<c r)(?<!<row r)(?<=[\s"']r)\s*=""")  # an r key but a tag's first
_FAST_DIMENSION = re.compile(rb'<dimension ref="(?:[A-Z]{1,3}[0-9]{1,7}:)?([A-Z]{1,3})([1-9][0-9]{0,6})"')
_FAST_REF = re.compile(rb'<c r="([A-Z]{1,3})([1-9][0-9]{0,6})"')
_FAST_SI = re.compile(rb"<si>(.*?)</si>", re.S)
_FAST_UNIQUE_COUNT = re.compile(rb"""uniqueCount\s*=\s*["'][^0-9"']*([0-9]+)""")


def _up_to(bound: str, lead: str, lo: str, hi: str) -> str:
    """A regex for the numerals ≤ bound (places lo..hi, the first lead..hi): fewer places, or as many
    and smaller at the first place that differs. Rows (1-9, then 0-9) and columns (A-Z) alike."""

    def span(a: str, b: str, n: int = 1, fewer: bool = False) -> str:  # n places a..b, written simply
        one = a if a == b else f"[{a}-{b}]"
        return f"{one}{{0,{n}}}" if fewer and n else "" if n == 0 else one if n == 1 else f"{one}{{{n}}}"

    k, alts = len(bound), []
    if bound == hi * k:
        return span(lead, hi) + span(lo, hi, k - 1, fewer=True)  # every numeral of k places or fewer
    for i, c in enumerate(bound):
        low, last = lead if i == 0 else lo, bound[i + 1 :] == hi * (k - i - 1)  # last: the rest is free
        if c > low or last:
            alts.append(bound[:i] + span(low, c if last else chr(ord(c) - 1)) + span(lo, hi, k - i - 1))
        if last:
            break
    if k > 1:
        alts.append(span(lead, hi) + span(lo, hi, k - 2, fewer=True))
    return "(?:" + "|".join(alts) + ")"


def _round_up(bound: str, hi: str, fits) -> str:
    """The bound with its last places raised to hi (256 → 999, AF → AZ) as far as fits() allows: the
    looser bound is still proven, and a character class is checked faster than alternatives."""
    return next(c for c in (bound[:i] + hi * (len(bound) - i) for i in range(len(bound) + 1)) if fits(c))


@functools.lru_cache(maxsize=64)
def _fast_bound(col: str, row: str, b_rows: int, b_columns: int) -> tuple[int, int, re.Pattern]:
    """The last row and column (zero-based) of A1:{col}{row}, rounded up within the limits, and a regex
    that finds a cell tag that is not <c r="…"> with its ref inside them."""
    row = _round_up(row, "9", lambda r: int(r) <= b_rows)
    col = _round_up(col, "Z", lambda c: _col_index(c.encode()) < b_columns)
    ref = _up_to(col, "A", "A", "Z") + _up_to(row, "1", "0", "9")
    return int(row) - 1, _col_index(col.encode()), re.compile(rf'<c(?! r="{ref}")(?=[\s/>])'.encode())


def _fast_extent(data: bytes, col: bytes, row: bytes, b: dict) -> tuple[int, int] | None:
    """(last row, last column) when every cell tag of data is <c r="…"> inside A1:{col}{row}, else None."""
    if int(row) > b["rows"] or _col_index(col) + 1 > b["columns"]:
        return None
    max_row, max_col, outside = _fast_bound(col.decode(), row.decode(), b["rows"], b["columns"])
    return None if outside.search(data) else (max_row, max_col)


def _largest_ref(data: bytes) -> tuple[bytes, bytes]:
    """The largest column and row among the cells' r="B7" (distinct values are gathered in C)."""
    refs = _FAST_REF.findall(data)
    return (
        max(set(map(itemgetter(0), refs)), key=lambda c: (len(c), c), default=b"A"),
        max(set(map(itemgetter(1), refs)), key=lambda r: (len(r), r), default=b"1"),
    )


@functools.lru_cache(maxsize=8)
def _fast_long_value(cap: int) -> re.Pattern:
    """Finds a <v> that is not one run of at most cap bytes (possessive: each run is read once)."""
    return re.compile(rb"<v[\s>][^<]{0,%d}+(?!</v>)" % cap)


def _read_member(zf: zipfile.ZipFile, info: zipfile.ZipInfo, raw: bytes | None = None) -> bytes | None:
    if info.file_size > FAST_MAX_BYTES:
        return None
    data = _inflated(raw, info) if raw is not None else None
    if data is None:  # anything unusual: zipfile reads it (and raises what it raises)
        with zf.open(info) as f:
            data = f.read(FAST_MAX_BYTES + 1)
    return data if len(data) <= FAST_MAX_BYTES else None


def _inflated(raw: bytes, info: zipfile.ZipInfo) -> bytes | None:
    """A member's bytes straight from the zip's bytes, inflated in one call (ISA-L: ~2.5x zlib's speed),
    exactly as zipfile would give them: None for whatever zipfile should judge (encryption, another
    method, a local header that disagrees, a size or checksum that does not match)."""
    at = info.header_offset
    # flag bits 0x01 encrypted, 0x20 patch data, 0x40 strong encryption; methods stored and deflated
    if raw[at : at + 4] != b"PK\x03\x04" or info.flag_bits & 0x61 or info.compress_type not in (0, 8):
        return None
    n, m = struct.unpack_from("<HH", raw, at + 26)
    try:
        name = info.orig_filename.encode("utf-8" if info.flag_bits & 0x800 else "cp437")
    except UnicodeEncodeError:
        return None
    start = at + 30 + n + m
    body = raw[start : start + info.compress_size]
    if raw[at + 30 : at + 30 + n] != name or len(body) != info.compress_size:
        return None
    try:
        data = (
            body
            if info.compress_type == 0
            else _inflate.decompressobj(-15).decompress(body, info.file_size + 1)
        )
    except _inflate.error:
        return None
    return data if len(data) == info.file_size and _inflate.crc32(data) == info.CRC else None


def _fast_xlsx_ok(
    zf: zipfile.ZipFile, infos, b: dict, members: list | None = None, raw: bytes | None = None
) -> bool:
    """True when upper bounds show the workbook is within every budget; False means 'look closer'.
    members, when given, receives (name, bytes, CRC-32) of every part as it was measured (the bytes
    were checked against that CRC as they were read). raw, the zip's own bytes when the caller has
    them, lets the usual parts be inflated in one call each (_inflated)."""
    parts = []
    for info in infos:
        data = _read_member(zf, info, raw)
        if data is None:
            return False
        if members is not None:
            members.append((info.filename, data, info.CRC))
        is_xml = data.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"<")
        if is_xml and b"!" in data and _FAST_DTD.search(data):
            return False  # the exact scan refuses a DTD in any part
        is_sst, is_sheet = _is_shared_strings(info), b"sheetData" in data
        if is_sst or is_sheet:
            if not is_xml or _FAST_PREFIXED.search(data):
                return False
            parts.append((is_sst, is_sheet, data))
    shared_max = 0
    for is_sst, _, data in parts:
        if is_sst:
            items = _FAST_SI.findall(data)
            if len(items) != data.count(b"<si") or any(
                len(n) > 15 or int(n) > b["cells"] for n in _FAST_UNIQUE_COUNT.findall(data)
            ):
                return False  # calamine reserves room for uniqueCount strings before reading one
            shared_max = max(shared_max, max(map(len, items), default=0))
    cells = chars = merged = 0
    for _, is_sheet, data in parts:
        if not is_sheet:
            continue
        merged += data.count(b"mergeCell")  # <mergeCells> too: an upper bound
        if not _FAST_CELL.search(data):
            continue
        if (
            _FAST_INLINE.search(data)
            or _FAST_SECOND_R.search(data)
            or _fast_long_value(b["cell_chars"]).search(data)
        ):
            return False
        dim = _FAST_DIMENSION.search(data)
        extent = _fast_extent(data, dim[1], dim[2], b) if dim else None
        extent = extent or _fast_extent(data, *_largest_ref(data), b)
        if extent is None:
            return False
        max_row, max_col = extent
        cells += (max_row + 1) * (max_col + 1)
        # calamine copies a shared string into every cell showing it, and such a cell takes 27 bytes at
        # least (<c r="A1"t="s"><v>0</v></c>); only when that bound is not enough are the t="s" counted
        shared_cells = len(data) // 27
        if len(data) + shared_cells * shared_max > b["chars"] - chars:
            shared_cells = data.count(b'"s"') + (data.count(b"'s'") if b"'" in data else 0)
        chars += len(data) + shared_cells * shared_max
    return (
        shared_max <= b["cell_chars"]
        and cells <= b["cells"]
        and chars <= b["chars"]
        and merged <= b["merged"]
    )


def _col_index(letters: bytes) -> int:
    col = 0
    for ch in letters:
        col = col * 26 + ch - 64
    return col - 1


def scan_xlsx(
    zf: zipfile.ZipFile, limits: dict, members: list | None = None, raw: bytes | None = None
) -> bool:
    """Every worksheet of an .xlsx: extent, cells, text and merged ranges within budget. True when the
    fast path vouched for the file, which proves every value calamine will show is within max_cell_chars;
    the exact scan does not (calamine shows an <is> over a t="s" cell, and joins the text around a tag
    nested in a <v>), so after it the reader measures the cells itself."""
    totals = _Totals(budgets(limits))
    infos = [i for i in zf.infolist() if not i.is_dir()]
    if _fast_xlsx_ok(zf, infos, totals.b, members, raw):
        return True
    if members is not None:
        members.clear()  # only a file the fast path read whole is handed on (reader._repacked)
    _scan_xlsx_exactly(zf, infos, _sheet_names(zf, {i.filename.lower(): i for i in infos}), totals)
    return False


def _scan_xlsx_exactly(zf: zipfile.ZipFile, infos: list, sheet_names: dict, totals: _Totals) -> None:
    lengths = []
    for info in infos:
        if _is_shared_strings(info):
            try:
                lengths.append(_shared_string_lengths(zf, info, totals.b["cells"]))
            except xml.parsers.expat.ExpatError:
                raise PrescanError(
                    "E_NOT_A_SPREADSHEET",
                    "文件已损坏（共享文字部分无法读取）",
                    "请用 Excel/WPS 打开确认后重新保存发送",
                ) from None
    # several parts may pass for sharedStrings.xml (xl/ and xl\\, case): calamine reads one of them
    shared = [max(n) for n in itertools.zip_longest(*lengths, fillvalue=0)]
    for info in infos:  # sharedStrings.xml too: a rels Target can make calamine read it as a sheet
        lower = _member_name(info)
        name = sheet_names.get(lower)
        label = f"工作表「{name}」" if name else f"工作表（{info.filename}）"
        with zf.open(info) as f:
            head = f.read(64).lstrip(b"\xef\xbb\xbf \t\r\n")
        # calamine reads cells from whatever part a rels Target names once it has met <sheetData>, and
        # past bytes before the XML: such a part must parse, whatever our reading of the rels
        if not head.startswith(b"<") and name is None and not _mentions(zf, info, b"sheetData"):
            continue  # pictures and other binary parts
        try:
            _scan_sheet_xml(zf, info, label, totals, shared)
        except xml.parsers.expat.ExpatError:
            if name is not None or lower.endswith((".xml", ".rels")) or _mentions(zf, info, b"sheetData"):
                raise PrescanError(
                    "E_NOT_A_SPREADSHEET",
                    f"文件已损坏（{info.filename} 不是有效的 XML）",
                    "请用 Excel/WPS 打开确认后重新保存发送",
                ) from None


def _scan_sheet_xml(zf, info, label, totals: _Totals, shared: list[int]) -> None:
    """Cells are placed as calamine places them: by their r="B7", else next to the previous one."""
    st = {
        "in_data": 0,
        "row": -1,
        "col": -1,
        "max_row": -1,
        "max_col": -1,
        "cell": None,
        "chars": 0,
        "index": "",
        "valued": False,
        "text_el": 0,
    }

    def start(name, attrs):
        n = _local(name)
        if n == "sheetData":
            st["in_data"] += 1
        elif not st["in_data"]:
            if n == "mergeCell":
                totals.merge()
        elif n == "row":
            r = attrs.get("r")
            st["row"] = int(r) - 1 if r and r.isdigit() else st["row"] + 1
            st["col"] = -1
        elif n == "c":
            ref = _REF.match(attrs.get("r", "") or "")
            if ref:
                col = 0
                for ch in ref.group(1).upper():
                    col = col * 26 + ord(ch) - 64
                st["col"], row = col - 1, int(ref.group(2)) - 1
            else:
                st["col"], row = st["col"] + 1, st["row"]
            st.update(cell=(row, st["col"], attrs.get("t")), chars=0, index="", valued=False, text_el=0)
        elif st["cell"] and n in ("v", "is", "f"):
            st["valued"] = True
            if n != "f":
                st["text_el"] += 1

    def end(name):
        n = _local(name)
        if n == "sheetData":
            st["in_data"] -= 1
        elif n in ("v", "is") and st["text_el"]:
            st["text_el"] -= 1
        elif n == "c" and st["cell"]:
            row, col, kind = st["cell"]
            st["cell"] = None
            if not st["valued"]:
                return  # an empty styled cell: calamine leaves it out
            if row > st["max_row"] or col > st["max_col"]:
                st["max_row"], st["max_col"] = max(row, st["max_row"]), max(col, st["max_col"])
                totals.sheet(label, st["max_row"], st["max_col"])
            n_chars = st["chars"]
            if kind == "s":
                i = st["index"].strip()
                n_chars = shared[int(i)] if i.isdigit() and int(i) < len(shared) else 0
            totals.text(label, row, col, n_chars)

    def chars(data):
        if st["cell"] and st["text_el"]:
            st["chars"] += len(data)
            if st["cell"][2] == "s" and len(st["index"]) < 24:
                st["index"] += data

    _feed(zf, info, _parser(start, end, chars))
    totals.area(label, st["max_row"], st["max_col"])


# --- .ods ----------------------------------------------------------------------------------------


def scan_ods(zf: zipfile.ZipFile, limits: dict) -> None:
    """content.xml of an .ods: repeated rows and cells count as many times as they repeat."""
    totals = _Totals(budgets(limits))
    info = next((i for i in zf.infolist() if i.filename == "content.xml"), None)
    if info is None:
        return
    st = {
        "label": "",
        "row": 0,
        "rrep": 1,
        "col": 0,
        "crep": 1,
        "max_row": -1,
        "max_col": -1,
        "cell": False,
        "valued": False,
        "chars": 0,
    }

    def rep(attrs, key):
        v = next((v for k, v in attrs.items() if _local(k) == key), "1")
        return int(v) if v.isdigit() else 1

    def start(name, attrs):
        n = _local(name)
        if n == "table":
            if st["label"]:
                totals.area(st["label"], st["max_row"], st["max_col"])
            table = next((v for k, v in attrs.items() if _local(k) == "name"), "")
            st.update(label=f"工作表「{table}」", row=0, max_row=-1, max_col=-1)
        elif n == "table-row":
            st["rrep"], st["col"] = rep(attrs, "number-rows-repeated"), 0
        elif n in ("table-cell", "covered-table-cell"):
            st["crep"], st["cell"], st["chars"] = rep(attrs, "number-columns-repeated"), True, 0
            st["valued"] = any(_local(k) == "value-type" for k in attrs)
        elif st["cell"]:
            st["valued"] = True  # text:p and friends
        if n == "table-cell" and any(
            _local(k) in ("number-rows-spanned", "number-columns-spanned") for k in attrs
        ):
            totals.merge()

    def end(name):
        n = _local(name)
        if n in ("table-cell", "covered-table-cell"):
            if st["valued"]:
                last_row, last_col = st["row"] + st["rrep"] - 1, st["col"] + st["crep"] - 1
                st["max_row"], st["max_col"] = max(st["max_row"], last_row), max(st["max_col"], last_col)
                totals.sheet(st["label"], st["max_row"], st["max_col"])
                totals.text(st["label"], st["row"], st["col"], st["chars"], st["crep"] * st["rrep"])
            st["col"] += st["crep"]
            st["cell"] = False
        elif n == "table-row":
            st["row"] += st["rrep"]

    def chars(data):
        if st["cell"]:
            st["chars"] += len(data)

    try:
        _feed(zf, info, _parser(start, end, chars))
    except xml.parsers.expat.ExpatError:
        raise PrescanError(
            "E_NOT_A_SPREADSHEET",
            "文件已损坏（content.xml 不是有效的 XML）",
            "请用 Excel/WPS/LibreOffice 打开确认后重新保存发送",
        ) from None
    if st["label"]:
        totals.area(st["label"], st["max_row"], st["max_col"])


# --- .xls (OLE2 compound file, BIFF8) ------------------------------------------------------------
# The guard must measure the very bytes and records calamine reads, so both layers are read the way
# calamine 0.37 (python-calamine 0.9.1, pinned) reads them: src/cfb.rs for the compound file, src/xls.rs
# for the records. Where the two readings could differ, or calamine would run away, the file is refused.

ENDOFCHAIN, DIFSECT, MAXREGSECT = 0xFFFFFFFE, 0xFFFFFFFC, 0xFFFFFFFA
WORKBOOK_STREAMS = ("Workbook", "Book", "WORKBOOK", "BOOK")  # calamine looks them up in this order
XLS_MAX_ROWS, XLS_MAX_COLUMNS = 65536, 256


class _Cfb(Mapping):
    """The streams of a compound file by name, each read when asked for, as calamine's Cfb reads them:
    a name is its 64-byte field up to the first NUL, decoded by encoding_rs (which obeys a BOM: an
    entry named "\\xef\\xbb\\xbfWorkbook" is the Workbook); the length field and the entry type do not
    count; the first entry of a name wins; streams under 4096 bytes come from the mini stream, whatever
    the header's cutoff; the FAT is every DIFAT entry below DIFSECT, whatever the header's counts.
    ValueError where calamine would loop growing a vector (a cycle in the DIFAT or directory chain: a
    4 KB file took all memory), read a chain longer than the file, read other bytes than these (a
    sector cut by the end of the file, a mini sector past the mini stream), or panic (a FAT index)."""

    def __init__(self, data: bytes):
        if len(data) < 512:
            raise ValueError("no header")
        shift, mini_shift = struct.unpack_from("<HH", data, 0x1E)
        if shift not in (9, 12) or mini_shift != 6:
            raise ValueError("sector size")
        self.data, self.ssz = data, 1 << shift
        self.max_chain = len(data) // self.ssz  # more sectors than the file holds: a cycle
        difat = list(struct.unpack_from("<109I", data, 0x4C))
        sid, seen = struct.unpack_from("<I", data, 0x44)[0], set()
        while sid < MAXREGSECT:
            if sid in seen:
                raise ValueError("DIFAT cycle")
            seen.add(sid)
            *more, sid = struct.unpack(f"<{self.ssz // 4}I", self._sector(sid))
            difat += more
        fat = [s for s in difat if s < DIFSECT]
        if len(fat) > self.max_chain:  # calamine loads a sector for each: repeats
            raise ValueError("FAT larger than the file")  # would multiply the file in memory
        self.fat = b"".join(map(self._sector, fat))
        directory = self._chain(struct.unpack_from("<I", data, 0x30)[0], self.fat, self._sector, None)
        size = "<I" if self.ssz == 512 else "<Q"
        entries = [
            (
                _entry_name(directory[o : o + 64]),
                struct.unpack_from("<I", directory, o + 116)[0],
                struct.unpack_from(size, directory, o + 120)[0],
            )
            for o in range(0, len(directory), 128)
        ]
        if not entries or (struct.unpack_from("<H", data, 0x1A)[0] != 3 and entries[0][1] == ENDOFCHAIN):
            raise ValueError("no root entry")
        self.entries: dict[str, tuple[int, int]] = {}
        for name, start, length in entries:
            self.entries.setdefault(name, (start, length))
        self.mini = self.minifat = b""
        minifat_start, minifat_sectors = struct.unpack_from("<II", data, 0x3C)
        if minifat_sectors:
            self.mini = self._chain(entries[0][1], self.fat, self._sector, entries[0][2])
            self.minifat = self._chain(minifat_start, self.fat, self._sector, minifat_sectors * self.ssz)

    def _sector(self, sid: int) -> bytes:
        off = (sid + 1) * self.ssz
        if off + self.ssz > len(self.data):
            raise ValueError("sector past the end")
        return self.data[off : off + self.ssz]

    def _mini_sector(self, sid: int) -> bytes:
        if (sid + 1) * 64 > len(self.mini):
            raise ValueError("mini sector past the mini stream")  # calamine would read the file instead
        return self.mini[sid * 64 : (sid + 1) * 64]

    def _chain(self, sid: int, table: bytes, sector, size: int | None) -> bytes:
        """calamine's get_chain: sectors from sid until ENDOFCHAIN or size bytes (the directory: no size)."""
        out, n = [], 0
        for _ in range(self.max_chain + 1):
            if sid == ENDOFCHAIN:
                return b"".join(out)
            block = sector(sid)
            if size is not None:
                block = block[: size - n]
            out.append(block)
            n += len(block)
            if size is not None and n >= size:
                return b"".join(out)
            if 4 * sid + 4 > len(table):
                raise ValueError("sector past the FAT")
            sid = struct.unpack_from("<I", table, 4 * sid)[0]
        raise ValueError("chain longer than the file")

    def __getitem__(self, name: str) -> bytes:
        start, size = self.entries[name]
        if size < 4096:
            return self._chain(start, self.minifat, self._mini_sector, size)
        return self._chain(start, self.fat, self._sector, size)

    def __contains__(self, name) -> bool:
        return name in self.entries

    def __iter__(self):
        return iter(self.entries)

    def __len__(self) -> int:
        return len(self.entries)


def _entry_name(raw: bytes) -> str:
    """A directory entry's name as encoding_rs decodes it for calamine: UTF-16LE unless a BOM says
    otherwise, cut at the first NUL."""
    for bom, codec in ((b"\xef\xbb\xbf", "utf-8"), (b"\xff\xfe", "utf-16-le"), (b"\xfe\xff", "utf-16-be")):
        if raw.startswith(bom):
            return raw[len(bom) :].decode(codec, "replace").split("\0")[0]
    return raw.decode("utf-16-le", "replace").split("\0")[0]


def ole_streams(data: bytes) -> Mapping[str, bytes] | None:
    """name → bytes of the streams of an OLE2 compound file, as calamine sees them (each stream is read
    when looked up, and may then raise ValueError); None when calamine could not read it safely."""
    try:
        return _Cfb(data)
    except (struct.error, ValueError):
        return None


def _broken(what: str) -> PrescanError:
    return PrescanError(
        "E_NOT_A_SPREADSHEET", f"文件已损坏（{what}）", "请用 Excel/WPS 打开确认后重新保存发送"
    )


def _records(book: bytes, pos: int):
    """(type, body, CONTINUE bodies, end) from pos as calamine's RecordIter reads them: the CONTINUE
    records after a record belong to it. A cut record ends the walk (calamine fails the file there)."""
    n = len(book)
    while pos + 4 <= n:
        rtype, rlen = struct.unpack_from("<HH", book, pos)
        body = book[pos + 4 : pos + 4 + rlen]
        pos += 4 + rlen
        conts = []
        while pos + 4 < n and struct.unpack_from("<H", book, pos)[0] == 0x003C:
            clen = struct.unpack_from("<H", book, pos + 2)[0]
            conts.append(book[pos + 4 : pos + 4 + clen])
            pos += 4 + clen
        yield rtype, body, conts, pos


_CELL_RECORDS = {0x0203, 0x027E, 0x00FD, 0x0204, 0x0205, 0x0006, 0x00D6, 0x00BD}


def scan_xls(data: bytes, limits: dict, streams: Mapping[str, bytes] | None = None) -> None:
    """The Workbook stream as calamine reads it: the globals up to their first EOF (sheet offsets, the
    last SST; FILEPASS means encrypted), then every sheet from the offset its BoundSheet8 gives, whatever
    lies between (a sheet hidden inside another record's body is read all the same), to its EOF."""
    streams = ole_streams(data) if streams is None else streams
    name = next((n for n in WORKBOOK_STREAMS if n in streams), None) if streams is not None else None
    if name is None:
        raise _broken("复合文档结构异常，或其中没有工作簿数据")
    try:
        book = streams[name]
    except ValueError:
        raise _broken("工作簿数据流无法读取") from None
    totals = _Totals(budgets(limits))
    sheets, sst, end = [], [], len(book)
    for rtype, body, conts, end in _records(book, 0):  # noqa: B007 (end is read after the loop)
        if rtype == 0x002F:
            raise PrescanError("E_ENCRYPTED", "文件设有密码保护，无法读取", "请取消密码后另存再发送")
        if rtype == 0x0085:  # BoundSheet8: where calamine reads the sheet
            if len(body) < 6:
                raise _broken("工作表目录记录过短")  # calamine panics
            sheets.append((struct.unpack_from("<I", body)[0], _sheet_label(body, len(sheets) + 1)))
        elif rtype == 0x00FC:  # SST: calamine keeps the last one
            sst = _sst_lengths([body, *conts], totals.b["cells"])
        elif rtype == 0x000A:
            break
    # sheets may not overlap each other or the globals: real files never do, and calamine would read a
    # record once per sheet pointing at it (thousands of BoundSheet8 on one sheet: hours), so both
    # scans stay within one pass over the stream
    for pos, label in sorted(sheets):
        if pos > len(book):
            raise _broken(f"{label}的位置超出文件")  # calamine panics
        if pos < end:
            raise _broken(f"{label}与其他数据重叠")
        end = _scan_xls_sheet(book, pos, label, totals, sst)


def _sheet_label(body: bytes, number: int) -> str:
    """工作表「name」 from a BoundSheet8 (ShortXLUnicodeString after 6 bytes), else its number."""
    cch, wide = (body[6], body[7] & 1) if len(body) >= 8 else (0, 0)
    raw = body[8 : 8 + cch * (1 + wide)]
    if len(raw) != cch * (1 + wide) or not cch:
        return f"第 {number} 个工作表"
    return "工作表「" + raw.decode("utf-16-le" if wide else "latin-1", "replace").replace("\0", "") + "」"


def _scan_xls_sheet(book: bytes, pos: int, label: str, totals: _Totals, sst: list[int]) -> int:
    """One sheet's extent, text and merged ranges; returns where calamine stops reading it. As calamine
    does: the first BOF is the sheet's own, a later BOF opens an embedded substream (a chart, whose data
    cache holds cell records) skipped to its EOF, the sheet ends at its own EOF."""
    max_row = max_col = -1
    seen_bof, depth, formula_at, end = False, 0, (0, 0), len(book)
    for rtype, body, _, end in _records(book, pos):  # noqa: B007 (end is read after the loop)
        if depth:
            depth += (rtype == 0x0809) - (rtype == 0x000A)
        elif rtype == 0x0809:
            depth, seen_bof = int(seen_bof), True
        elif rtype == 0x000A:
            break
        elif rtype == 0x0200:
            # DIMENSIONS: calamine reserves rows × cols cells (40 bytes each) from this claim before
            # reading a cell, in u32 arithmetic (rwMic > rwMac wraps to 4e9 rows): 4e9 × 65535 aborted
            # the process. Within the format the claim costs address space only (65536 × 256: 671 MB
            # reserved, 0.4 MB touched), and Excel and xlwt count formatted empty cells in it (a bordered
            # template claims 10000 × 230 for one value), so, like <dimension> in .xlsx, the sheet is
            # judged by its cells and only a claim no .xls can make is refused
            rows, cols = _dimensions(body)
            if rows > XLS_MAX_ROWS or cols > XLS_MAX_COLUMNS:
                raise _broken(
                    f"{label}声明有 {rows} 行 × {cols} 列，超出 .xls 格式的上限 "
                    f"{XLS_MAX_ROWS} 行 × {XLS_MAX_COLUMNS} 列"
                )
        elif rtype == 0x00E5:  # MERGECELLS: a count, then 8 bytes a range
            count = int.from_bytes(body[:2], "little")
            if len(body) < 2 + 8 * count:
                raise _broken(f"{label}的合并单元格记录过短")  # calamine reads past it and panics
            totals.merge(count)
        elif rtype in _CELL_RECORDS and len(body) >= 6:
            row, col = struct.unpack_from("<HH", body, 0)
            last_col = struct.unpack_from("<H", body, len(body) - 2)[0] if rtype == 0x00BD else col
            if row > max_row or last_col > max_col:
                max_row, max_col = max(max_row, row), max(max_col, last_col)
                totals.sheet(label, max_row, max_col)
            if rtype == 0x00FD and len(body) >= 10:
                i = struct.unpack_from("<I", body, 6)[0]
                totals.text(label, row, col, sst[i] if i < len(sst) else 0)  # calamine skips a bad index
            elif rtype in (0x0204, 0x00D6) and len(body) >= 8:
                totals.text(label, row, col, struct.unpack_from("<H", body, 6)[0])
            elif rtype == 0x0006:
                formula_at = (row, col)
        elif rtype == 0x0207 and len(body) >= 2:  # STRING: the text result of the last formula
            totals.text(label, *formula_at, struct.unpack_from("<H", body, 0)[0])
    totals.area(label, max_row, max_col)
    return end


def _dimensions(body: bytes) -> tuple[int, int]:
    """The rows and columns calamine's parse_dimensions and reserve make of a DIMENSIONS record."""
    if len(body) not in (10, 14):
        return 0, 0  # calamine fails the file
    rf, rl, cf, cl = struct.unpack_from("<IIHH" if len(body) == 14 else "<HHHH", body)
    if cf > 0xFF or cl < cf:
        cf = 0
    if rl < 1 or cl < 1:
        return 1, 1
    return (rl - rf) % 2**32, (cl - cf) % 2**32


def _sst_lengths(parts: list[bytes], limit: int) -> list[int]:
    """Character counts of the shared strings as calamine's parse_sst reads them: every string the SST
    and its CONTINUE records hold, whatever cstUnique says (a LABELSST past cstUnique still shows its
    string); a CONTINUE met inside a string's characters starts with a new fHighByte flag. At most
    limit strings; a record calamine could not read is refused (it fails or panics on it too)."""
    if len(parts[0]) < 8:
        raise _broken("共享文字表过短")
    rest = [memoryview(p) for p in reversed(parts[1:])]
    data, out = memoryview(parts[0])[8:], []
    try:
        while data or rest:
            if not data:
                data = rest.pop()
            if len(out) >= limit:
                raise PrescanError(
                    "E_TOO_MUCH_TEXT", f"共享文字超过 {limit} 条", "请另存为普通 .xlsx 后再发送"
                )
            if not data:  # an empty CONTINUE: calamine adds ""
                out.append(0)
                continue
            cch, flags = struct.unpack_from("<HB", data)
            data = data[3:]
            runs = struct.unpack_from("<H", data)[0] if flags & 0x08 else 0
            data = data[2:] if flags & 0x08 else data
            ext = struct.unpack_from("<i", data)[0] if flags & 0x04 else 0
            data = data[4:] if flags & 0x04 else data
            wide, left = flags & 0x01, cch
            while True:
                fit = min(len(data) // (1 + wide), left)
                data, left = data[fit * (1 + wide) :], left - fit
                if not left:
                    break
                data = rest.pop()
                wide, data = data[0] & 0x01, data[1:]
            skip = 4 * runs + ext  # formatting runs and phonetic data
            if skip < 0:
                raise IndexError
            while skip:
                if not data:
                    data = rest.pop()
                step = min(skip, len(data))
                data, skip = data[step:], skip - step
            out.append(cch)
    except (IndexError, struct.error):
        raise _broken("共享文字表无法读取") from None
    return out
