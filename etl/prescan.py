"""Size checks that run on the raw file, before calamine builds anything.

calamine turns a sheet into a dense rectangle (32 bytes a cell) and copies every shared string into
each cell that uses it, all inside get_sheet_by_name: a 1.6 KB .xlsx with one cell at XFD1048576
makes it ask for 512 GB and abort the whole process; a 200 KB .xlsx whose 100,000 cells all point
at one 2,000-character shared string costs 580 MB. So the extent, the cell count and the text of
every sheet are measured here by streaming the file (zip members through expat, .xls records
through a small OLE reader), and the file is refused before calamine sees it.

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
from dataclasses import dataclass
from operator import itemgetter

from .problems import cell_name

CHUNK = 1 << 16
_REF = re.compile(r"^\$?([A-Za-z]{1,3})\$?(\d{1,7})$")


class PrescanError(Exception):
    def __init__(self, code: str, message: str, hint: str = ""):
        super().__init__(message)
        self.code, self.message, self.hint = code, message, hint


def budgets(limits: dict) -> dict:
    return {
        "rows": limits["max_rows"], "columns": limits["max_columns"], "cell_chars": limits["max_cell_chars"],
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
            raise PrescanError("E_TOO_MANY_ROWS", f"{label}有 {max_row + 1} 行，超过上限 {self.b['rows']}",
                               "请删除无关的空行或数据后再发送")
        if max_col + 1 > self.b["columns"]:
            raise PrescanError("E_TOO_MANY_COLUMNS", f"{label}有 {max_col + 1} 列，超过上限 {self.b['columns']}",
                               "请删除无关的列后再发送")

    def area(self, label: str, max_row: int, max_col: int) -> None:
        if max_row < 0:
            return
        self.cells += (max_row + 1) * (max_col + 1)
        if self.cells > self.b["cells"]:
            raise PrescanError("E_TOO_MANY_CELLS", f"工作簿的单元格总数超过上限 {self.b['cells']}（{label}）",
                               "请只保留周调度表一个工作表，删除其他工作表和无关数据后再发送")

    def text(self, label: str, row: int, col: int, n: int, times: int = 1) -> None:
        if n > self.b["cell_chars"]:
            raise PrescanError("E_CELL_TOO_LONG", f"{label}单元格 {cell_name(row, col)} 的文字过长"
                               f"（{n} 字，上限 {self.b['cell_chars']}）", "请删除异常内容后再发送")
        self.chars += n * times
        if self.chars > self.b["chars"]:
            raise PrescanError("E_TOO_MUCH_TEXT", f"文件中的文字总量超过上限 {self.b['chars']} 字",
                               "周调度表只需填写数字和简短的单位名称、备注，请删除大段文字后再发送")

    def merge(self, n: int = 1) -> None:
        self.merged += n
        if self.merged > self.b["merged"]:
            raise PrescanError("E_TOO_MANY_CELLS", f"合并单元格超过 {self.b['merged']} 处",
                               "请取消无关的合并单元格后再发送")


def _local(name: str) -> str:
    return name.rsplit(":", 1)[-1]


def _parser(start, end=None, chars=None) -> xml.parsers.expat.XMLParserType:
    """An expat parser without namespaces (prefixes are stripped by _local) that refuses DTDs."""
    p = xml.parsers.expat.ParserCreate()
    p.buffer_text = True

    def no_dtd(*_a):
        raise PrescanError("E_NOT_A_SPREADSHEET", "文件内部含有 DTD 声明，不是正常的表格文件",
                           "请用 Excel/WPS 打开后另存为 .xlsx 再发送")
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
        if (n == "si" and len(lengths) + 1 > limit) or (count and (len(count[0]) > 15 or int(count[0]) > limit)):
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
            tail = chunk[1 - len(needle):]
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
_FAST_INLINE = re.compile(rb"is[\s/>]")                  # <is>, <x:is>, </is>: rich text joins runs
_FAST_CELL = re.compile(rb"<c[\s/>]")
_FAST_SECOND_R = re.compile(rb"""r(?<!<c r)(?<!<row r)(?<=[\s"']r)\s*=""")  # an r key but a tag's first
_FAST_DIMENSION = re.compile(rb'<dimension ref="(?:[A-Z]{1,3}[0-9]{1,7}:)?([A-Z]{1,3})([1-9][0-9]{0,6})"')
_FAST_REF = re.compile(rb'<c r="([A-Z]{1,3})([1-9][0-9]{0,6})"')
_FAST_SI = re.compile(rb"<si>(.*?)</si>", re.S)
_FAST_UNIQUE_COUNT = re.compile(rb"""uniqueCount\s*=\s*["'][^0-9"']*([0-9]+)""")


def _up_to(bound: str, lead: str, lo: str, hi: str) -> str:
    """A regex for the numerals ≤ bound (places lo..hi, the first lead..hi): fewer places, or as many
    and smaller at the first place that differs. Rows (1-9, then 0-9) and columns (A-Z) alike."""
    def span(a: str, b: str, n: int = 1, fewer: bool = False) -> str:   # n places a..b, written simply
        one = a if a == b else f"[{a}-{b}]"
        return f"{one}{{0,{n}}}" if fewer and n else "" if n == 0 else one if n == 1 else f"{one}{{{n}}}"
    k, alts = len(bound), []
    if bound == hi * k:
        return span(lead, hi) + span(lo, hi, k - 1, fewer=True)           # every numeral of k places or fewer
    for i, c in enumerate(bound):
        low, last = lead if i == 0 else lo, bound[i + 1:] == hi * (k - i - 1)  # last: the rest is free
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
    return (max(set(map(itemgetter(0), refs)), key=lambda c: (len(c), c), default=b"A"),
            max(set(map(itemgetter(1), refs)), key=lambda r: (len(r), r), default=b"1"))


@functools.lru_cache(maxsize=8)
def _fast_long_value(cap: int) -> re.Pattern:
    """Finds a <v> that is not one run of at most cap bytes (possessive: each run is read once)."""
    return re.compile(rb"<v[\s>][^<]{0,%d}+(?!</v>)" % cap)


def _read_member(zf: zipfile.ZipFile, info: zipfile.ZipInfo) -> bytes | None:
    if info.file_size > FAST_MAX_BYTES:
        return None
    with zf.open(info) as f:
        data = f.read(FAST_MAX_BYTES + 1)
    return data if len(data) <= FAST_MAX_BYTES else None


def _fast_xlsx_ok(zf: zipfile.ZipFile, infos, b: dict) -> bool:
    """True when upper bounds show the workbook is within every budget; False means 'look closer'."""
    parts = []
    for info in infos:
        data = _read_member(zf, info)
        if data is None:
            return False
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
            if len(items) != data.count(b"<si") or \
                    any(len(n) > 15 or int(n) > b["cells"] for n in _FAST_UNIQUE_COUNT.findall(data)):
                return False  # calamine reserves room for uniqueCount strings before reading one
            shared_max = max(shared_max, max(map(len, items), default=0))
    cells = chars = merged = 0
    for _, is_sheet, data in parts:
        if not is_sheet:
            continue
        merged += data.count(b"mergeCell")   # <mergeCells> too: an upper bound
        if not _FAST_CELL.search(data):
            continue
        if _FAST_INLINE.search(data) or _FAST_SECOND_R.search(data) or \
                _fast_long_value(b["cell_chars"]).search(data):
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
    return shared_max <= b["cell_chars"] and cells <= b["cells"] and chars <= b["chars"] and merged <= b["merged"]


def _col_index(letters: bytes) -> int:
    col = 0
    for ch in letters:
        col = col * 26 + ch - 64
    return col - 1


def scan_xlsx(zf: zipfile.ZipFile, limits: dict) -> bool:
    """Every worksheet of an .xlsx: extent, cells, text and merged ranges within budget. True when the
    fast path vouched for the file, which proves every value calamine will show is within max_cell_chars;
    the exact scan does not (calamine shows an <is> over a t="s" cell, and joins the text around a tag
    nested in a <v>), so after it the reader measures the cells itself."""
    totals = _Totals(budgets(limits))
    infos = [i for i in zf.infolist() if not i.is_dir()]
    if _fast_xlsx_ok(zf, infos, totals.b):
        return True
    _scan_xlsx_exactly(zf, infos, _sheet_names(zf, {i.filename.lower(): i for i in infos}), totals)
    return False


def _scan_xlsx_exactly(zf: zipfile.ZipFile, infos: list, sheet_names: dict, totals: _Totals) -> None:
    lengths = []
    for info in infos:
        if _is_shared_strings(info):
            try:
                lengths.append(_shared_string_lengths(zf, info, totals.b["cells"]))
            except xml.parsers.expat.ExpatError:
                raise PrescanError("E_NOT_A_SPREADSHEET", "文件已损坏（共享文字部分无法读取）",
                                   "请用 Excel/WPS 打开确认后重新保存发送") from None
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
                raise PrescanError("E_NOT_A_SPREADSHEET", f"文件已损坏（{info.filename} 不是有效的 XML）",
                                   "请用 Excel/WPS 打开确认后重新保存发送") from None


def _scan_sheet_xml(zf, info, label, totals: _Totals, shared: list[int]) -> None:
    """Cells are placed as calamine places them: by their r="B7", else next to the previous one."""
    st = {"in_data": 0, "row": -1, "col": -1, "max_row": -1, "max_col": -1, "cell": None,
          "chars": 0, "index": "", "valued": False, "text_el": 0}

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
    st = {"label": "", "row": 0, "rrep": 1, "col": 0, "crep": 1, "max_row": -1, "max_col": -1,
          "cell": False, "valued": False, "chars": 0}

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
        if n == "table-cell" and any(_local(k) in ("number-rows-spanned", "number-columns-spanned")
                                     for k in attrs):
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
        raise PrescanError("E_NOT_A_SPREADSHEET", "文件已损坏（content.xml 不是有效的 XML）",
                           "请用 Excel/WPS/LibreOffice 打开确认后重新保存发送") from None
    if st["label"]:
        totals.area(st["label"], st["max_row"], st["max_col"])


# --- .xls (OLE2 compound file, BIFF8) ------------------------------------------------------------

ENDOFCHAIN, FREESECT = 0xFFFFFFFE, 0xFFFFFFFF


def ole_streams(data: bytes) -> dict[str, bytes] | None:
    """name → bytes of every stream of an OLE2 compound file; None when the structure is unreadable."""
    try:
        return _ole_streams(data)
    except (struct.error, IndexError, ValueError, KeyError, RecursionError):
        return None


def _ole_streams(data: bytes) -> dict[str, bytes]:
    shift, mini_shift = struct.unpack_from("<HH", data, 0x1E)
    if not 7 <= shift <= 16 or mini_shift >= shift:
        raise ValueError("sector size")
    ssz, mssz = 1 << shift, 1 << mini_shift
    n_fat, dir_start = struct.unpack_from("<II", data, 0x2C)
    mini_cutoff, minifat_start, n_minifat, difat_start, n_difat = struct.unpack_from("<IIIII", data, 0x38)
    n_sectors = max(0, (len(data) - ssz) // ssz + 1)

    def sector(sid: int) -> bytes:
        if sid >= n_sectors:
            raise ValueError("sector out of range")
        off = (sid + 1) * ssz
        return data[off:off + ssz]

    fat_sids = [s for s in struct.unpack_from("<109I", data, 0x4C) if s < FREESECT - 1]
    sid, guard = difat_start, 0
    while sid < n_sectors and guard <= n_difat and len(fat_sids) < n_fat:
        words = struct.unpack(f"<{ssz // 4}I", sector(sid))
        fat_sids += [s for s in words[:-1] if s < FREESECT - 1]
        sid, guard = words[-1], guard + 1
    fat: list[int] = []
    for s in fat_sids[:n_fat]:
        fat += struct.unpack(f"<{ssz // 4}I", sector(s))

    def chain(start: int, table: list[int], limit: int) -> list[int]:
        out, seen = [], set()
        while start < len(table) and start not in seen and len(out) <= limit:
            out.append(start)
            seen.add(start)
            start = table[start]
        return out

    def read(start: int, size: int | None = None) -> bytes:
        blob = b"".join(sector(s) for s in chain(start, fat, n_sectors))
        return blob if size is None else blob[:size]

    directory = read(dir_start)
    entries = []
    for off in range(0, len(directory) - 127, 128):
        name_len, kind = struct.unpack_from("<HB", directory, off + 0x40)
        name = directory[off:off + max(0, min(name_len, 64) - 2)].decode("utf-16-le", "replace")
        start, size = struct.unpack_from("<II", directory, off + 0x74)
        entries.append((name, kind, start, size))
    if not entries:
        raise ValueError("no directory")
    root = entries[0]
    ministream = read(root[2]) if root[1] == 5 and root[2] < n_sectors else b""
    minifat = list(struct.unpack(f"<{len(read(minifat_start)) // 4}I", read(minifat_start))) \
        if n_minifat and minifat_start < n_sectors else []
    streams = {}
    for name, kind, start, size in entries[1:]:
        if kind != 2:
            continue
        if size < mini_cutoff:
            blob = b"".join(ministream[s * mssz:(s + 1) * mssz] for s in chain(start, minifat, len(minifat)))
            streams[name] = blob[:size]
        else:
            streams[name] = read(start, size)
    return streams


_CELL_RECORDS = {0x0203, 0x027E, 0x00FD, 0x0204, 0x0205, 0x0006, 0x00D6, 0x00BD}


def scan_xls(data: bytes, limits: dict, streams: dict[str, bytes] | None = None) -> None:
    """The BIFF8 records of an .xls: the extent and text of every sheet; FILEPASS means encrypted."""
    streams = ole_streams(data) if streams is None else streams
    if not streams:
        return
    book = streams.get("Workbook") or streams.get("Book")
    if not book:
        return
    totals = _Totals(budgets(limits))
    sst: list[int] = []
    sheet_no, max_row, max_col, in_sheet = 0, -1, -1, False
    pos, n = 0, len(book)
    while pos + 4 <= n:
        rtype, rlen = struct.unpack_from("<HH", book, pos)
        body = book[pos + 4:pos + 4 + rlen]
        next_pos = pos + 4 + rlen
        if rtype == 0x002F:
            raise PrescanError("E_ENCRYPTED", "文件设有密码保护，无法读取", "请取消密码后另存再发送")
        if rtype == 0x0809 and len(body) >= 4:            # BOF
            in_sheet = struct.unpack_from("<H", body, 2)[0] == 0x0010
            if in_sheet:
                sheet_no += 1
                max_row = max_col = -1
        elif rtype == 0x000A and in_sheet:                 # EOF of a worksheet
            totals.area(f"第 {sheet_no} 个工作表", max_row, max_col)
            in_sheet = False
        elif rtype == 0x00FC:                              # SST and its CONTINUE records
            parts = [body]
            while next_pos + 4 <= n and struct.unpack_from("<H", book, next_pos)[0] == 0x003C:
                clen = struct.unpack_from("<H", book, next_pos + 2)[0]
                parts.append(book[next_pos + 4:next_pos + 4 + clen])
                next_pos += 4 + clen
            sst = _sst_lengths(parts, totals.b["cells"])
        elif in_sheet and rtype in _CELL_RECORDS and len(body) >= 6:
            row, col = struct.unpack_from("<HH", body, 0)
            last_col = struct.unpack_from("<H", body, len(body) - 2)[0] if rtype == 0x00BD else col
            label = f"第 {sheet_no} 个工作表"
            if row > max_row or last_col > max_col:
                max_row, max_col = max(max_row, row), max(max_col, last_col)
                totals.sheet(label, max_row, max_col)
            if rtype == 0x00FD and len(body) >= 10:
                i = struct.unpack_from("<I", body, 6)[0]
                totals.text(label, row, col, sst[i] if i < len(sst) else 0)
            elif rtype in (0x0204, 0x00D6):
                totals.text(label, row, col, struct.unpack_from("<H", body, 6)[0])
        elif in_sheet and rtype == 0x0207 and len(body) >= 2:  # STRING: a formula's text result
            totals.text(f"第 {sheet_no} 个工作表", max(max_row, 0), max(max_col, 0), struct.unpack_from("<H", body, 0)[0])
        pos = next_pos


def _sst_lengths(parts: list[bytes], limit: int) -> list[int]:
    """Character counts of the shared strings (XLUnicodeRichExtendedString, split over CONTINUEs)."""
    seg, off = 0, 8
    out: list[int] = []

    def take(k: int) -> None:
        nonlocal seg, off
        while k > 0:
            if seg >= len(parts):
                raise IndexError
            step = min(k, len(parts[seg]) - off)
            off, k = off + step, k - step
            if off >= len(parts[seg]) and k > 0:
                seg, off = seg + 1, 0

    def byte() -> int:
        nonlocal seg, off
        while off >= len(parts[seg]):
            seg, off = seg + 1, 0
        off += 1
        return parts[seg][off - 1]

    try:
        total_unique = struct.unpack_from("<I", parts[0], 4)[0]
        while len(out) < min(total_unique, limit):
            cch = byte() | byte() << 8
            flags = byte()
            runs = (byte() | byte() << 8) if flags & 0x08 else 0
            ext = (byte() | byte() << 8 | byte() << 16 | byte() << 24) if flags & 0x04 else 0
            left, wide = cch, flags & 0x01
            while left:
                if off >= len(parts[seg]):          # characters continue in the next CONTINUE record,
                    seg, off = seg + 1, 0           # which starts with a new fHighByte flag
                    wide = byte() & 0x01
                fit = min(left, (len(parts[seg]) - off) // (2 if wide else 1))
                if fit == 0:
                    raise IndexError
                off += fit * (2 if wide else 1)
                left -= fit
            take(4 * runs + ext)
            out.append(cch)
    except (IndexError, struct.error):
        pass
    return out
