"""The unit rows under a dispatch sheet's header → one checked list per field.

Each metric column is judged whole first (metric_columns.py); only a column that fails that check
is walked here cell by cell, to name each fault. Problems are reported in sheet order (row, then
column), as a person reads the sheet."""

from __future__ import annotations

import functools
from itertools import repeat
from operator import itemgetter

from .cells import (
    EXCEL_ERRORS,
    CellError,
    clean_name,
    fault_error,
    is_blank,
    is_not_applicable,
    name_key,
    parse_count,
    parse_flag,
    shown,
    squeeze,
    squeeze_texts,
    text_of,
)
from .columns import LEVEL_SET, TOTAL_ROW_LABELS
from .forms import Form
from .metric_columns import COUNT_MAX, FLAG_SPELLINGS, CountMatrix, judge_column, level_rows
from .problems import Problem, cell_name

NOTE_LABELS = ("注", "说明", "填表说明", "备注:")
_TOTAL_LABELS = frozenset(TOTAL_ROW_LABELS)

_LEVELS = {level: level for level in LEVEL_SET}
_NAME_TYPES = frozenset({str, int, float, type(None)})  # what a unit name can be read from

# Order of a row's problems: its name, its level, its metric cells left to right, then row checks
# (minimums after the metrics, then relations: see _row_checks).
_ORDER_UNIT, _ORDER_LEVEL, _ORDER_METRIC = 0, 1, 2
_ORDER_REMARKS = 1 << 20  # after every metric and row check of any form


class Found:
    """Problems as they are found (column by column), to be handed over in sheet order."""

    def __init__(self, sheet: str | None):
        self.where = dict(sheet=sheet)
        self.items: list[tuple[int, int, Problem]] = []

    def add(
        self, r: int, order: int, code: str, message: str, hint: str = "", c: int | None = None, **extra
    ) -> None:
        cell = cell_name(r, c) if c is not None else None
        self.items.append((r, order, Problem(code, message, hint, cell=cell, **extra, **self.where)))

    def error_rows(self) -> set[int]:
        return {r for r, _, p in self.items if p.is_error}

    def in_sheet_order(self) -> list[tuple[int, Problem]]:
        return [(r, p) for r, _, p in sorted(self.items, key=lambda t: (t[0], t[1]))]


def is_note(row: list) -> bool:
    """注：… rows below (or inside) the table: one or two filled cells, the first a note label."""
    first = next((v for v in row if not is_blank(v)), None)
    if not isinstance(first, str) or not squeeze(first).startswith(NOTE_LABELS):
        return False
    return sum(not is_blank(v) for v in row) <= 2


def cell_at(row: list, c: int | None):
    """The cell in column c of a row, None past its end (CSV rows are ragged)."""
    return row[c] if c is not None and c < len(row) else None


def _plain_run(rows: list[list], start: int, cu: int, cl: int) -> int:
    """Where the run of usual unit rows from `start` ends: a name (text) and a level on each, no
    合计 or 注 among them. Found by C-level passes; body_rows looks at each row after it."""
    below = rows[start:]
    if not below or min(map(len, below)) <= max(cu, cl):
        return start  # CSV rows may be ragged
    leveled = list(map(LEVEL_SET.__contains__, map(itemgetter(cl), below)))
    n = leveled.index(False) if False in leveled else len(leveled)
    units = list(map(itemgetter(cu), below[:n]))
    if not set(map(type, units)) <= {str}:
        return start
    labels = squeeze_texts(units)
    if (
        "" in labels
        or not _TOTAL_LABELS.isdisjoint(labels)
        or any(map(str.startswith, labels, repeat(NOTE_LABELS)))
    ):
        return start
    return start + n


def body_rows(rows: list[list], header_row: int, cols: dict, found: Found) -> tuple[list[int], int | None]:
    """The sheet rows holding units, and the 合计 row that ends the table (or None)."""
    cu, cl, cs = cols["unit"], cols["level"], cols.get("seq")
    end = _plain_run(rows, header_row + 1, cu, cl)
    body = list(range(header_row + 1, end))
    for r in range(end, len(rows)):
        row = rows[r]
        unit = cell_at(row, cu)
        label = squeeze(unit) if unit.__class__ is str and cell_at(row, cl) in LEVEL_SET else ""
        if label:  # the usual unit row: a name and a level (only a 合计 or a 注 can still hide here)
            if label in TOTAL_ROW_LABELS:
                return body, r
            if not (label.startswith(NOTE_LABELS) and is_note(row)):
                body.append(r)
            continue
        if all(is_blank(v) for v in row):
            continue
        label = squeeze(unit) or squeeze(cell_at(row, cs))
        if label in TOTAL_ROW_LABELS:
            return body, r
        if is_note(row):
            continue
        if all(is_blank(cell_at(row, c)) for c in cols.values()):
            # text only outside the table's columns (a remark beside it): not a unit row
            stray = next(c for c, v in enumerate(row) if not is_blank(v))
            found.add(
                r,
                -1,
                "W_STRAY_TEXT",
                f"表格外的文字「{text_of(row[stray])[:30]}」已忽略",
                "数据请填在表格的列内",
                c=stray,
            )
            continue
        body.append(r)
    return body, None


def read_columns(
    rows: list[list], body: list[int], cols: dict, found: Found, form: Form
) -> tuple[dict[str, list], CountMatrix]:
    """Every field of the unit rows of the form's columns, checked; a value that is wrong is None and
    its problem is in found. Also the count columns as one matrix, for the 合计 row's check."""
    width = max(cols.values()) + 1
    data = list(map(rows.__getitem__, body))
    if data and min(map(len, data)) < width:  # CSV rows may be ragged
        data = [row if len(row) >= width else row + [None] * (width - len(row)) for row in data]
    columns = list(zip(*data)) if data else [()] * width
    table: dict[str, list] = {"row_no": [r + 1 for r in body]}
    table["unit"], table["unit_key"] = _units(columns[cols["unit"]], body, cols["unit"], found)
    levels = table["level"] = _levels(columns[cols["level"]], body, cols["level"], found)
    masks = level_rows(levels, form)
    counts = CountMatrix(len(body))
    in_matrix = {m.id for m in form.metrics if m.kind == "count"}.union(*form.relations)
    for j, column in enumerate(form.metrics):
        c = cols.get(column.id)
        if c is None:  # an optional column the file leaves out
            table[column.id] = [None] * len(body)
            continue
        rows_of = masks.get(column.levels)
        judged = judge_column(column, columns[c], rows_of)
        if judged is None:
            values, numbers = (
                _cell_by_cell(column, columns[c], levels, body, c, _ORDER_METRIC + j, found),
                None,
            )
        else:
            values, numbers = judged
        table[column.id] = values
        if column.id in in_matrix:
            counts.add(column.id, values, numbers, rows_of, columns[c])
    _row_checks(table, body, cols, found, form, counts)
    remarks = cols.get("remarks")
    table["remarks"] = (
        [None] * len(body) if remarks is None else _remarks(columns[remarks], body, remarks, found)
    )
    return table, counts


def _remarks(values, body, c, found: Found) -> list:
    """Free text; a date or number cell is kept as Excel shows it, an error value is not kept."""
    if values.count("") == len(values):
        return [None] * len(values)  # the usual column: no remarks
    out = []
    for r, v in zip(body, values):
        if v is None or v == "":
            out.append(None)
        elif v.__class__ is str and v not in EXCEL_ERRORS:
            out.append(clean_name(v) or None)
        else:
            fault = fault_error(v, "备注文字") if isinstance(v, str) else None  # an error value
            if fault is not None:
                found.add(
                    r,
                    _ORDER_REMARKS,
                    fault.code,
                    f"「备注」{fault.message}",
                    fault.hint,
                    c=c,
                )
            out.append(None if fault else clean_name(shown(v)) or None)
    return out


@functools.lru_cache(maxsize=1 << 16)
def _name(raw: str) -> tuple[str, str]:
    """A unit name as written → (the name, its key); one object for both when they are equal:
    half the strings to send to the writing process. Names come back every week."""
    unit = clean_name(raw)
    key = name_key(unit)
    return unit, unit if key == unit else key


def _units(raw_names, body, c, found: Found) -> tuple[list, list]:
    if set(map(type, raw_names)) <= {str} and EXCEL_ERRORS.isdisjoint(raw_names):
        names = list(map(_name, raw_names))
        units, keys = (list(t) for t in zip(*names)) if names else ([], [])
        if "" not in units and len(set(keys)) == len(keys):
            return units, keys  # the usual column: names, none missing, none twice
    units, keys, seen = [], [], {}
    for r, raw in zip(body, raw_names):
        if raw.__class__ not in _NAME_TYPES or raw in EXCEL_ERRORS:
            # a date, a logical value or an error value is not a name anyone wrote
            found.add(
                r,
                _ORDER_UNIT,
                "E_UNIT_NAME_TYPE",
                f"单位名称「{shown(raw)}」不是文字名称",
                "请把单元格格式改为“文本”或“常规”，填写单位全称",
                c=c,
            )
            units.append("")
            keys.append("")
            continue
        unit = clean_name(raw)
        key = name_key(unit)
        if key == unit:
            key = unit  # one object for both: half the strings to send to the writing process
        if not unit:
            found.add(r, _ORDER_UNIT, "E_UNIT_NAME_MISSING", "单位名称为空", "每一行都要填写单位名称", c=c)
        elif key in seen:
            found.add(
                r,
                _ORDER_UNIT,
                "E_DUPLICATE_UNIT",
                f"单位「{unit}」重复出现（第 {seen[key] + 1} 行和第 {r + 1} 行）",
                "同一单位只填一行；如是不同单位请写全称区分",
                c=c,
            )
        else:
            seen[key] = r
        units.append(unit)
        keys.append(key)
    return units, keys


def _levels(raw_levels, body, c, found: Found) -> list:
    levels = list(map(_LEVELS.get, raw_levels))  # the one object per level: sent once, not once a row
    if None not in levels:
        return levels
    levels = []
    for r, raw in zip(body, raw_levels):
        level = _LEVELS.get(raw)  # the one object per level: sent once, not once a row
        if level is None:
            written = squeeze(raw)
            level = _LEVELS.get(written)
            if level is None:
                found.add(
                    r,
                    _ORDER_LEVEL,
                    "E_UNKNOWN_LEVEL",
                    f"层级「{shown(raw)}」无法识别" if written else "层级为空",
                    "层级应为 市级、县级、乡镇级 或 村级",
                    c=c,
                )
        levels.append(level)
    return levels


def _cell_by_cell(column, values, levels, body, c, order, found: Found) -> list:
    out = []
    for r, raw, level in zip(body, values, levels):
        applies = level is None or level in column.levels
        kind = type(raw)
        if (
            applies
            and column.kind == "count"
            and (
                (kind is float and 0 <= raw <= COUNT_MAX and raw.is_integer())
                or (kind is str and raw.isdecimal() and len(raw) < 10)
            )
        ):
            out.append(int(raw))
        elif applies and kind is str and raw in FLAG_SPELLINGS and column.kind == "flag":
            out.append(FLAG_SPELLINGS[raw])
        elif raw is None or raw == "":
            out.append(None)
            if applies and level is not None:
                _empty(column, r, c, order, found)
        else:
            out.append(_metric_value(column, raw, level, applies, r, c, order, found))
    return out


def _metric_value(column, raw, level, applies: bool, r: int, c: int, order: int, found: Found):
    """One metric cell that is not plainly right: text, flags, not-applicable marks, and every defect."""
    if is_blank(raw) or is_not_applicable(raw):
        if applies and level is not None:
            _empty(column, r, c, order, found)
        return None
    try:
        value = parse_flag(raw) if column.kind == "flag" else parse_count(raw)
    except CellError as e:
        if applies:
            found.add(r, order, e.code, f"「{column.label}」{e.message}", e.hint, c=c)
            return None
        value = None  # a bad value where the metric does not apply is not used anyway: warn below
    if not applies:
        found.add(
            r,
            order,
            "W_NOT_APPLICABLE",
            f"「{column.label}」不适用于{level}，已忽略该值（{shown(raw)}）",
            "不适用的指标请留空或填“/”",
            c=c,
        )
        return None
    return value


def _empty(column, r: int, c: int, order: int, found: Found) -> None:
    found.add(
        r, order, "W_EMPTY", f"「{column.label}」未填写，按缺失处理（不计为 0）", "如实际为 0 请填 0", c=c
    )


def _row_checks(
    table: dict, body: list[int], cols: dict, found: Found, form: Form, counts: CountMatrix
) -> None:
    """The form's minimums (党组织数 at least 1) and relations: no part larger than its whole
    (已整改 ≤ 检视查摆问题 …)."""
    order = _ORDER_METRIC + len(form.metrics)
    for column in form.metrics:
        if not column.min or column.id not in cols:
            continue
        for i in counts.below(column.id, column.min):
            found.add(
                body[i],
                order,
                "E_BELOW_MIN",
                f"「{column.name}」应至少为 {column.min}",
                f"请填写该单位实际的{column.name}",
                c=cols[column.id],
            )
    checked = [(k, pair) for k, pair in enumerate(form.relations) if pair[0] in cols and pair[1] in cols]
    for (k, (small, large)), bad in zip(checked, counts.larger([pair for _, pair in checked])):
        a, b = table[small], table[large]
        part, whole = form.by_id[small], form.by_id[large]
        for i in bad:
            found.add(
                body[i],
                order + 1 + k,
                "E_RELATION",
                f"「{part.label}」（{a[i]}）大于「{whole.label}」（{b[i]}）",
                f"「{part.name}」不能超过「{whole.name}」，请核对",
                c=cols[small],
            )
