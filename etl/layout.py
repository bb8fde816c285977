"""Where things sit in a dispatch sheet: the header (two rows, or one `group-header` row), the
columns it names, and the 填报单位 / 统计周 metadata above it."""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field, replace

from etl.spreadsheet import Sheet

from .cells import squeeze, text_of
from .forms import GROUPS, Catalogue
from .problems import Problem, cell_name

# Header text → key: NFKC, no whitespace, no unit suffix in brackets: '党组织数\n（个）' → '党组织数'.
_UNIT = re.compile(r"\((?:[^()]*)\)$")
_JOINED = re.compile(rf"^({'|'.join(GROUPS)})\s*[-_:：－—]\s*(.+)$")
HEADER_SCAN_ROWS = 60  # the header sits near the top; do not scan a whole hostile sheet


def header_key(value) -> str:
    return _header_key(squeeze(value))


# Every file repeats the template's header texts: remember what each one means.
@functools.lru_cache(maxsize=4096)
def _header_key(text: str) -> str:
    return _UNIT.sub("", text)


@dataclass
class Layout:
    sheet: Sheet
    header_row: int  # zero-based row of the column header
    columns: dict[str, int]  # column id → zero-based column index (every version's columns)
    problems: list[Problem] = field(default_factory=list)
    texts: dict[str, str] = field(default_factory=dict)  # column id → the header as written


def _split_joined(value) -> tuple[str, str] | None:
    return _split_joined_text(squeeze(value))


@functools.lru_cache(maxsize=4096)
def _split_joined_text(text: str) -> tuple[str, str] | None:
    m = _JOINED.match(text)
    return (m.group(1), header_key(m.group(2))) if m else None


def _header_index(catalogue: Catalogue) -> tuple[dict, dict, frozenset]:
    return catalogue.header_lookup


def find_header_row(sheet: Sheet, catalogue: Catalogue) -> int | None:
    """The first row that names 单位名称 and at least a few other template columns."""
    _, by_header, names = _header_index(catalogue)
    for r, row in enumerate(sheet.rows[:HEADER_SCAN_ROWS]):
        keys = set()
        for v in set(row) - _BLANK:  # each text once; blank cells name no column
            joined = _split_joined(v)
            keys.add(joined[1] if joined else header_key(v))
        if keys & names and len(keys & by_header.keys()) >= 3:
            return r
    return None


_BLANK = frozenset({"", None})


def _group_row(sheet: Sheet, header_row: int) -> list[str] | None:
    """Group names over each column, from the row above the header: merged cells, a group written
    once over its first column, or repeated in every cell. None when there is no group row."""
    if header_row == 0:
        return None
    above = sheet.rows[header_row - 1]
    width = len(sheet.rows[header_row])
    names = [squeeze(above[c]) if c < len(above) else "" for c in range(width)]
    if not any(n in GROUPS for n in names):
        return None
    groups, current = [], ""
    for n in names:  # fill a group rightwards over the blank cells it spans
        current = n if n else current
        groups.append(current)
    for (r0, c0), (r1, c1) in sheet.merged:  # merged ranges are exact where we know them
        if r0 <= header_row - 1 <= r1:
            for c in range(c0, min(c1 + 1, width)):
                groups[c] = names[c0]
    return groups


def find_layout(sheet: Sheet, catalogue: Catalogue) -> Layout | None:
    """The header and the columns it names (of any version of the form: which version applies is
    known only once the 统计周 is read, see validate.check_form)."""
    header_row = find_header_row(sheet, catalogue)
    if header_row is None:
        return None
    header = tuple(sheet.rows[header_row])
    groups = _group_row(sheet, header_row)
    key = (
        id(catalogue),
        header_row,
        header,
        tuple(map(type, header)),
        None if groups is None else tuple(groups),
    )
    known = _LAYOUTS.get(key)
    if known is None or known[0] is not catalogue:
        if len(_LAYOUTS) >= 512:
            _LAYOUTS.clear()
        known = _LAYOUTS[key] = (catalogue, *_header_columns(catalogue, header_row, header, groups))
    _, columns, texts, problems = known
    where = sheet.name or None
    return Layout(sheet, header_row, dict(columns), [replace(p, sheet=where) for p in problems], dict(texts))


# Every file of a form repeats its header: (catalogue id, row, header and its cells' types (1.0
# equals True), groups) → (the catalogue,
# columns, texts, problems without the sheet's name), the catalogue kept so an id is never reused.
_LAYOUTS: dict[tuple, tuple] = {}


def _header_columns(catalogue: Catalogue, header_row: int, header: tuple, groups: list[str] | None):
    """The columns a header names: (column id → index, column id → text, problems)."""
    by_key, by_header, _ = _header_index(catalogue)
    columns, texts, problems = {}, {}, []
    if groups is None and not any(_split_joined(v) for v in header):
        problems.append(
            Problem(
                "W_NO_GROUP_ROW",
                "表头上方没有分组行（基本情况、理论学习……），已按列名识别",
                "请使用最新模板",
                row=header_row + 1,
            )
        )
    for c, value in enumerate(header):
        if not squeeze(value):
            continue
        joined = _split_joined(value)
        if joined:
            group, key = joined
        else:
            group, key = (groups[c] if groups else ""), header_key(value)
        cid = by_key.get((group, key)) if group else by_header.get(key)
        column = catalogue.by_id.get(cid)
        ref = cell_name(header_row, c)
        if column is None:
            problems.append(
                Problem(
                    "W_EXTRA_COLUMN",
                    f"列「{text_of(value).strip()}」"
                    + (f"（分组「{group}」）" if group else "")
                    + " 不是模板中的列，已忽略",
                    "如是模板中的列，请核对列名和所在分组",
                    cell=ref,
                )
            )
            continue
        if column.id in columns:
            problems.append(
                Problem(
                    "E_DUPLICATE_HEADER",
                    f"「{column.group}」分组下的列「{column.label}」出现了两次"
                    f"（{cell_name(header_row, columns[column.id])} 和 {ref}）",
                    "请删除重复的列",
                    cell=ref,
                )
            )
            continue
        columns[column.id] = c
        texts[column.id] = text_of(value).strip()
    return columns, texts, problems


@dataclass
class Metadata:
    unit: tuple[object, str] | None = None  # (raw value, cell)
    week: tuple[object, str] | None = None


def _label_value(row: list, c: int, label: str):
    """'填报单位：青河县' in one cell, or the value in the next non-empty cell to the right."""
    text = squeeze(row[c])
    rest = text[len(label) :].lstrip(":：")
    if rest:
        return rest, c
    for c2 in range(c + 1, len(row)):
        if squeeze(row[c2]):
            return row[c2], c2
    return None, c


def find_metadata(sheet: Sheet, header_row: int | None) -> Metadata:
    """填报单位 and 统计周 above the header (or anywhere, when there is no header)."""
    meta = Metadata()
    stop = header_row if header_row is not None else min(len(sheet.rows), HEADER_SCAN_ROWS)
    for r in range(stop):
        row = sheet.rows[r]
        for c, value in enumerate(row):
            if value.__class__ is not str or not value:
                continue  # a label is text
            text = squeeze(value)
            for label, attr in (("填报单位", "unit"), ("统计周", "week")):
                if text.startswith(label) and getattr(meta, attr) is None:
                    found, c2 = _label_value(row, c, label)
                    if found is not None:
                        setattr(meta, attr, (found, cell_name(r, c2)))
    return meta
