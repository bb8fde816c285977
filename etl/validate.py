"""A sheet with a known layout → checked unit rows, or the list of everything wrong with it.

Nothing here touches the warehouse: a file is parsed and judged completely before any write."""
from __future__ import annotations

from dataclasses import dataclass, field

from .cells import (CellError, clean_name, is_blank, is_not_applicable, name_key, parse_count, parse_flag,
                    parse_week, squeeze, text_of)
from .columns import BY_ID, LEVEL_SET, METRICS, RELATIONS, TOTAL_ROW_LABELS
from .config import Config
from .layout import Layout, find_layout, find_metadata
from .problems import Problem, cell_name
from .reader import Sheet
from .weeks import week_monday, week_sunday

MAX_ERRORS = 500  # a thoroughly broken file still gets a readable report


@dataclass
class Parsed:
    county: str | None = None
    week: str | None = None
    sheet: str | None = None
    rows: list[dict] = field(default_factory=list)   # one per unit: row_no, unit, level, metrics, remarks
    errors: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)

    def add(self, problem: Problem) -> None:
        (self.errors if problem.is_error else self.warnings).append(problem)


def match_unit(value, config: Config) -> str | None:
    """A configured county or 市直单位; a short form (青河) when it matches exactly one name."""
    name = squeeze(value)
    if name in config.units:
        return name
    matches = [u for u in config.units if len(name) >= 2 and u.startswith(name)]
    return matches[0] if len(matches) == 1 else None


def parse_sheets(sheets: list[Sheet], config: Config) -> Parsed:
    """Pick the first sheet with the header, then read metadata and rows."""
    for sheet in sheets:
        layout = find_layout(sheet)
        if layout is not None:
            return parse_layout(layout, config)
    parsed = Parsed()
    parsed.add(Problem("E_NO_HEADER", "没有找到含表头（序号、单位名称、层级……）的工作表",
                       "请使用下发的周调度表模板填写，不要修改表头"))
    return parsed


def _metadata(parsed: Parsed, layout: Layout, config: Config) -> None:
    sheet = layout.sheet
    where = dict(sheet=sheet.name or None)
    meta = find_metadata(sheet, layout.header_row)
    if meta.unit is None:
        parsed.add(Problem("E_UNIT_MISSING", "缺少填报单位", "请在表头上方填写“填报单位：××县”", **where))
    else:
        raw, ref = meta.unit
        parsed.county = match_unit(raw, config)
        if parsed.county is None:
            parsed.add(Problem("E_UNIT_UNKNOWN", f"填报单位「{text_of(raw)}」不是本市的县（市、区）或市直单位",
                               "应为：" + "、".join(config.units), cell=ref, **where))
    if meta.week is None:
        parsed.add(Problem("E_WEEK_MISSING", "缺少统计周", "请在表头上方填写“统计周：2023-W45”或本周任一日期", **where))
        return
    raw, ref = meta.week
    try:
        week = parse_week(raw)
    except CellError as e:
        parsed.add(Problem(e.code, e.message, e.hint, cell=ref, **where))
        return
    if week_sunday(week) < config.start or week_monday(week) > config.end:
        parsed.add(Problem("E_WEEK_OUTSIDE", f"统计周 {week} 不在主题教育期间（{config.start} 至 {config.end}）",
                           "请核对年份和周次", cell=ref, **where))
        return
    parsed.week = week


NOTE_LABELS = ("注", "说明", "填表说明", "备注:")


def _is_note(row: list) -> bool:
    """注：… rows below (or inside) the table: one or two filled cells, the first a note label."""
    first = next((v for v in row if not is_blank(v)), None)
    if not isinstance(first, str) or not squeeze(first).startswith(NOTE_LABELS):
        return False
    return sum(not is_blank(v) for v in row) <= 2


def parse_layout(layout: Layout, config: Config) -> Parsed:
    sheet, cols = layout.sheet, layout.columns
    parsed = Parsed(sheet=sheet.name or None)
    for p in layout.problems:
        parsed.add(p)
    _metadata(parsed, layout, config)
    if any(p.code == "E_MISSING_COLUMN" for p in parsed.errors):
        return parsed  # row checks against a wrong column map would only add noise
    where = dict(sheet=sheet.name or None)
    total_row, seen = None, {}
    for r in range(layout.header_row + 1, len(sheet.rows)):
        row = sheet.rows[r]
        if all(is_blank(v) for v in row):
            continue
        label = squeeze(_cell(row, cols["unit"])) or squeeze(_cell(row, cols.get("seq")))
        if label in TOTAL_ROW_LABELS:
            total_row = r
            break
        if _is_note(row):
            continue
        if all(is_blank(_cell(row, c)) for c in cols.values()):
            # text only outside the table's columns (a remark beside it): not a unit row
            stray = next(c for c, v in enumerate(row) if not is_blank(v))
            parsed.add(Problem("W_STRAY_TEXT", f"表格外的文字「{text_of(row[stray])[:30]}」已忽略",
                               "数据请填在表格的列内", cell=cell_name(r, stray), **where))
            continue
        _parse_row(parsed, row, r, cols, seen, where)
        if len(parsed.errors) >= MAX_ERRORS:
            parsed.add(Problem("E_TOO_MANY_ERRORS", f"错误超过 {MAX_ERRORS} 处，后面的行未再检查",
                               "请先改正以上错误", **where))
            return parsed
    if total_row is not None:
        _check_total(parsed, sheet, total_row, cols, where)
        _check_after_total(parsed, sheet, total_row, cols, where)
    if not parsed.rows and not parsed.errors:
        parsed.add(Problem("E_NO_ROWS", "表中没有任何单位数据行", "请在表头下方逐行填写各单位数据", **where))
    return parsed


def _cell(row: list, c: int | None):
    return row[c] if c is not None and c < len(row) else None


def _parse_row(parsed: Parsed, row: list, r: int, cols: dict, seen: dict, where: dict) -> None:
    errors_before = len(parsed.errors)
    unit = clean_name(_cell(row, cols["unit"]))
    key = name_key(unit)
    if not unit:
        parsed.add(Problem("E_UNIT_NAME_MISSING", "单位名称为空", "每一行都要填写单位名称",
                           cell=cell_name(r, cols["unit"]), **where))
    elif key in seen:
        parsed.add(Problem("E_DUPLICATE_UNIT", f"单位「{unit}」重复出现（第 {seen[key] + 1} 行和第 {r + 1} 行）",
                           "同一单位只填一行；如是不同单位请写全称区分", cell=cell_name(r, cols["unit"]), **where))
    else:
        seen[key] = r
    level_raw = _cell(row, cols["level"])
    level = squeeze(level_raw)
    if level not in LEVEL_SET:
        parsed.add(Problem("E_UNKNOWN_LEVEL", f"层级「{text_of(level_raw)}」无法识别" if level else "层级为空",
                           "层级应为 市级、县级、乡镇级 或 村级", cell=cell_name(r, cols["level"]), **where))
        level = None
    values: dict = {}
    width = len(row)
    for column in METRICS:
        c = cols[column.id]
        raw = row[c] if c < width else None
        applies = level is None or level in column.levels
        kind = type(raw)
        # Fast paths, most cells: a whole number (a number cell, or digits as text) where a count
        # applies, 是/否 where a flag applies, or a blank.
        if applies and column.kind == "count" and (
                (kind is float and 0 <= raw <= 2_147_483_647 and raw.is_integer())
                or (kind is str and raw.isdecimal() and len(raw) < 10)):
            values[column.id] = int(raw)
        elif applies and kind is str and raw in PLAIN_FLAGS and column.kind == "flag":
            values[column.id] = PLAIN_FLAGS[raw]
        elif raw is None or raw == "":
            values[column.id] = None
            if applies and level is not None:
                parsed.add(Problem("W_EMPTY", f"「{column.label}」未填写，按缺失处理（不计为 0）",
                                   "如实际为 0 请填 0", cell=cell_name(r, c), **where))
        else:
            values[column.id] = _metric_value(parsed, column, raw, level, applies, r, c, where)
    if values.get("org_count") == 0:
        parsed.add(Problem("E_ORG_COUNT", "党组织数应至少为 1", "请填写该单位实际的党组织个数",
                           cell=cell_name(r, cols["org_count"]), **where))
    for small, large in RELATIONS:
        a, b = values.get(small), values.get(large)
        if a is not None and b is not None and a > b:
            s, l = BY_ID[small], BY_ID[large]
            parsed.add(Problem("E_RELATION", f"「{s.label}」（{a}）大于「{l.label}」（{b}）",
                               f"「{s.header}」不能超过「{l.header}」，请核对", cell=cell_name(r, cols[small]), **where))
    if len(parsed.errors) == errors_before and unit and level:
        remarks = clean_name(_cell(row, cols.get("remarks"))) or None
        parsed.rows.append({"row_no": r + 1, "unit": unit, "unit_key": key, "level": level, **values,
                            "remarks": remarks})


PLAIN_FLAGS = {"是": True, "否": False}


def _metric_value(parsed: Parsed, column, raw, level, applies: bool, r: int, c: int, where: dict):
    """The slow path of one metric cell: text, flags, not-applicable marks, and every defect."""
    ref = cell_name(r, c)
    if is_blank(raw) or is_not_applicable(raw):
        if applies and level is not None:
            parsed.add(Problem("W_EMPTY", f"「{column.label}」未填写，按缺失处理（不计为 0）",
                               "如实际为 0 请填 0", cell=ref, **where))
        return None
    try:
        value = parse_flag(raw) if column.kind == "flag" else parse_count(raw)
    except CellError as e:
        if applies:
            parsed.add(Problem(e.code, f"「{column.label}」{e.message}", e.hint, cell=ref, **where))
            return None
        value = None  # a bad value where the metric does not apply is not used anyway: warn below
    if not applies:
        parsed.add(Problem("W_NOT_APPLICABLE", f"「{column.label}」不适用于{level}，已忽略该值（{text_of(raw)}）",
                           "不适用的指标请留空或填“/”", cell=ref, **where))
        return None
    return value


def _check_total(parsed: Parsed, sheet: Sheet, r: int, cols: dict, where: dict) -> None:
    """合计 is not a unit; where it disagrees with the column sums, say so (a warning)."""
    row = sheet.rows[r]
    for column in METRICS:
        if column.kind != "count":
            continue
        raw = _cell(row, cols[column.id])
        if is_blank(raw) or is_not_applicable(raw):
            continue
        try:
            stated = parse_count(raw)
        except CellError:
            parsed.add(Problem("W_TOTAL_UNREADABLE", f"合计行「{column.label}」的值「{text_of(raw)}」无法识别，未核对",
                               cell=cell_name(r, cols[column.id]), **where))
            continue
        actual = sum(u[column.id] or 0 for u in parsed.rows)
        if stated != actual:
            parsed.add(Problem("W_TOTAL_MISMATCH", f"合计行「{column.label}」为 {stated}，但各单位之和为 {actual}",
                               "请核对合计行或各单位数据", cell=cell_name(r, cols[column.id]), **where))


def _check_after_total(parsed: Parsed, sheet: Sheet, total_row: int, cols: dict, where: dict) -> None:
    """Notes may follow the 合计 row; unit rows may not (they would be silently dropped)."""
    for r in range(total_row + 1, len(sheet.rows)):
        row = sheet.rows[r]
        if squeeze(_cell(row, cols["level"])) in LEVEL_SET and squeeze(_cell(row, cols["unit"])):
            parsed.add(Problem("E_ROW_AFTER_TOTAL", f"合计行（第 {total_row + 1} 行）下方还有单位数据",
                               "请把所有单位放在合计行上方", row=r + 1, **where))
