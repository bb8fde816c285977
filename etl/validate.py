"""A sheet with a known layout → checked unit rows, or the list of everything wrong with it.

Nothing here touches the warehouse: a file is parsed and judged completely before any write."""

from __future__ import annotations

from dataclasses import dataclass, field
from itertools import compress

from etl.spreadsheet import Sheet

from .cells import (
    CellError,
    fault_error,
    is_blank,
    is_not_applicable,
    parse_count,
    parse_week,
    shown,
    squeeze,
)
from .columns import LEVEL_SET
from .config import Config
from .forms import Catalogue, Form
from .layout import HEADER_SCAN_ROWS, Layout, find_layout, find_metadata
from .metric_columns import CountMatrix
from .problems import Problem, cell_name
from .unit_rows import Found, body_rows, cell_at, read_columns
from .weeks import week_monday, week_sunday

MAX_ERRORS = 500  # a thoroughly broken file still gets a readable report


@dataclass
class Parsed:
    county: str | None = None
    week: str | None = None
    sheet: str | None = None
    table: dict[str, list] = field(default_factory=dict)  # field → one value per unit row (unit_rows.py)
    errors: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)

    @property
    def n_rows(self) -> int:
        return len(self.table.get("unit", ()))

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
    """The one visible sheet that holds the table → metadata and rows. Hidden sheets are never read
    (they often hold last week's table); two visible tables are not guessed between."""
    found = [(sheet, find_layout(sheet, config.catalogue)) for sheet in sheets]
    visible = [(s, layout) for s, layout in found if layout is not None and s.visible]
    hidden = [s for s, layout in found if layout is not None and not s.visible]
    if len(visible) == 1:
        sheet, layout = visible[0]
        parsed = parse_layout(layout, config)
        if (parsed.errors or any(p.code == "W_EMPTY" for p in parsed.warnings)) and sheet.mark_faults():
            # an error value or a formula without its value reads as an empty cell: where that
            # matters (a value missing, or the file refused anyway), find them and judge again
            parsed = parse_layout(find_layout(sheet, config.catalogue) or layout, config)
        skipped = [s for s in sheets if s is not sheet and (not s.visible or _has_content(s))]
        if skipped:
            parsed.add(
                Problem(
                    "W_SHEETS_SKIPPED",
                    f"只读取了工作表「{sheet.name}」；未读取"
                    + "、".join(
                        f"「{s.name}」"
                        + ("（隐藏，含调度表）" if s in hidden else "（隐藏）" if not s.visible else "")
                        for s in skipped
                    ),
                    "如其他工作表中有本周数据，请合并到一张表后再发送",
                    sheet=sheet.name or None,
                )
            )
        return parsed
    parsed = Parsed()
    if len(visible) > 1:
        names = "、".join(f"「{s.name}」" for s, _ in visible)
        parsed.add(
            Problem(
                "E_SHEETS_AMBIGUOUS",
                f"工作表{names}都含有调度表，无法确定应导入哪一张",
                "请只保留本周的一张调度表（删除或另存其他工作表）后再发送",
            )
        )
    elif hidden:
        names = "、".join(f"「{s.name}」" for s in hidden)
        parsed.add(
            Problem(
                "E_TABLE_HIDDEN",
                f"调度表只在隐藏的工作表{names}中；隐藏的工作表不读取（常是上周的旧表）",
                "请在 Excel/WPS 中右键工作表标签 →“取消隐藏”，确认是本周数据后再保存发送",
            )
        )
    elif (separator := csv_separator(sheets)) is not None:
        parsed.add(
            Problem(
                "E_CSV_SEPARATOR",
                f"CSV 文件的各列用{separator}分隔，不是逗号，无法分出列",
                "请在 Excel/WPS 中打开后另存为 .xlsx（或“CSV UTF-8（逗号分隔）”）再发送",
            )
        )
    else:
        names = "、".join(f"「{s.name}」" for s in sheets if s.name)
        parsed.add(
            Problem(
                "E_NO_HEADER",
                (f"工作表{names}中" if names else "") + "没有找到含表头（序号、单位名称、层级……）的表格",
                "请使用下发的周调度表模板填写，不要修改表头",
            )
        )
    return parsed


# what an error cell read as empty leads to where a value is needed
_EMPTY_CODES = frozenset(
    {"W_EMPTY", "E_UNIT_NAME_MISSING", "E_UNKNOWN_LEVEL", "E_UNIT_MISSING", "E_WEEK_MISSING"}
)


def _has_content(sheet: Sheet) -> bool:
    return any(not is_blank(v) for row in sheet.rows for v in row)


_SEPARATORS = {"\t": "制表符（Tab）", ";": "分号（;）", "；": "全角分号（；）", "|": "竖线（|）"}


def csv_separator(sheets: list[Sheet]) -> str | None:
    """A CSV read with commas whose header row is one cell holding another separator: its name."""
    if len(sheets) != 1 or sheets[0].name:  # a CSV is one sheet without a name
        return None
    for row in sheets[0].rows[:HEADER_SCAN_ROWS]:
        cells = [v for v in row if not is_blank(v)]
        if len(cells) == 1 and "单位名称" in cells[0]:
            for separator, name in _SEPARATORS.items():
                if cells[0].count(separator) >= 3:
                    return name
    return None


def _metadata(parsed: Parsed, layout: Layout, config: Config) -> None:
    sheet = layout.sheet
    where = dict(sheet=sheet.name or None)
    meta = find_metadata(sheet, layout.header_row)
    if meta.unit is None:
        parsed.add(Problem("E_UNIT_MISSING", "缺少填报单位", "请在表头上方填写“填报单位：××县”", **where))
    else:
        raw, ref = meta.unit
        parsed.county = match_unit(raw, config)
        fault = fault_error(raw, "单位名称")
        if fault is not None:
            parsed.county = None
            parsed.add(Problem(fault.code, "填报单位：" + fault.message, fault.hint, cell=ref, **where))
        elif parsed.county is None:
            parsed.add(
                Problem(
                    "E_UNIT_UNKNOWN",
                    f"填报单位「{shown(raw)}」不是本市的县（市、区）或市直单位",
                    "应为：" + "、".join(config.units),
                    cell=ref,
                    **where,
                )
            )
    if meta.week is None:
        parsed.add(
            Problem(
                "E_WEEK_MISSING", "缺少统计周", "请在表头上方填写“统计周：2023-W45”或本周任一日期", **where
            )
        )
        return
    raw, ref = meta.week
    try:
        week = parse_week(raw)
    except CellError as e:
        parsed.add(Problem(e.code, e.message, e.hint, cell=ref, **where))
        return
    if week_sunday(week) < config.start or week_monday(week) > config.end:
        parsed.add(
            Problem(
                "E_WEEK_OUTSIDE",
                f"统计周 {week} 不在主题教育期间（{config.start} 至 {config.end}）",
                "请核对年份和周次",
                cell=ref,
                **where,
            )
        )
        return
    parsed.week = week


def parse_layout(layout: Layout, config: Config) -> Parsed:
    sheet, cols = layout.sheet, layout.columns
    parsed = Parsed(sheet=sheet.name or None)
    for p in layout.problems:
        parsed.add(p)
    _metadata(parsed, layout, config)
    form = check_form(parsed, layout, config.catalogue)
    if any(p.code == "E_MISSING_COLUMN" for p in parsed.errors):
        return parsed  # row checks against a wrong column map would only add noise
    cols = {cid: c for cid, c in cols.items() if cid in form.by_id}
    found = Found(parsed.sheet)
    body, total_row = body_rows(sheet.rows, layout.header_row, cols, found)
    table, counts = read_columns(sheet.rows, body, cols, found, form)
    if not _hand_over(parsed, found, dict(zip(body, table["unit"]))):
        return parsed
    where = dict(sheet=sheet.name or None)
    if total_row is not None:
        # 合计 sums every unit row of the sheet, those with an error too (before they are dropped)
        _check_total(parsed, sheet.rows[total_row], total_row, cols, where, counts, form)
        _check_after_total(parsed, sheet, total_row, cols, where)
    bad = found.error_rows()
    parsed.table = keep_rows(table, body, bad) if bad else table
    if not parsed.n_rows and not parsed.errors:
        parsed.add(Problem("E_NO_ROWS", "表中没有任何单位数据行", "请在表头下方逐行填写各单位数据", **where))
    return parsed


def _closest_form(layout: Layout, catalogue: Catalogue) -> Form:
    """Without a 统计周: the version whose required columns the file has most of."""
    return max(
        reversed(catalogue.forms),
        key=lambda f: sum(c.id in layout.columns for c in f.columns if c.required),
    )


def check_form(parsed: Parsed, layout: Layout, catalogue: Catalogue) -> Form:
    """The form in force for the file's 统计周 (dispatch-format.md, "Form versions"): its required
    columns must be there (each missing one named, with the template that applies from which week);
    the columns of another version are extra columns (ignored, a warning)."""
    where = dict(sheet=layout.sheet.name or None)
    form = catalogue.form_for(parsed.week) if parsed.week else _closest_form(layout, catalogue)
    row = layout.header_row + 1
    if parsed.week and len(catalogue.forms) > 1:
        since = f"自 {form.start} 起施行" if form is not catalogue.forms[0] else "主题教育开始起施行"
        applies = f"统计周 {parsed.week} 适用{form.title}（{since}）"
        hint = f"请使用 {parsed.week} 的模板（数据报送页可下载，或运行 python -m etl template --week {parsed.week}）"
    else:
        applies, hint = "", "请使用最新模板，不要删除列"
    for column in form.columns:
        if column.required and column.id not in layout.columns:
            parsed.add(
                Problem(
                    "E_MISSING_COLUMN",
                    f"缺少必填列「{column.group} / {column.label}」" + (f"：{applies}" if applies else ""),
                    hint,
                    row=row,
                    **where,
                )
            )
    for cid, c in layout.columns.items():
        if cid in form.by_id:
            continue
        other = [f.version for f in catalogue.forms if cid in f.by_id]
        parsed.add(
            Problem(
                "W_EXTRA_COLUMN",
                f"列「{layout.texts.get(cid, cid)}」是第{'、'.join(map(str, other))}版表样的列，"
                f"{parsed.week or '本表'}适用{form.title}，已忽略",
                "不必理会；如要报送这一列的数据，请核对统计周和模板版本",
                cell=cell_name(layout.header_row, c),
                **where,
            )
        )
    return form


def _hand_over(parsed: Parsed, found: Found, unit_of: dict[int, str | None]) -> bool:
    """The rows' problems in sheet order, each with the unit of its row; False when the file is so
    broken that the report stops after the row that reached MAX_ERRORS."""
    items = found.in_sheet_order()
    for i, (r, problem) in enumerate(items):
        problem.unit = problem.unit or unit_of.get(r) or None
        parsed.add(problem)
        row_done = i + 1 == len(items) or items[i + 1][0] != r
        if row_done and len(parsed.errors) >= MAX_ERRORS:
            parsed.add(
                Problem(
                    "E_TOO_MANY_ERRORS",
                    f"错误超过 {MAX_ERRORS} 处，后面的行未再检查",
                    "请先改正以上错误",
                    sheet=parsed.sheet,
                )
            )
            return False
    return True


def _check_total(
    parsed: Parsed, row: list, r: int, cols: dict, where: dict, counts: CountMatrix, form: Form
) -> None:
    """合计 is not a unit; where it disagrees with the sum of every unit row, say so (a warning).
    A column with a cell that could not be read has no known sum: its error is reported already."""
    for column in form.metrics:
        if column.kind != "count" or column.id not in cols:
            continue
        actual = counts.total(column.id)
        if actual is None:
            continue
        raw = cell_at(row, cols[column.id])
        if is_blank(raw) or is_not_applicable(raw):
            continue
        try:
            stated = parse_count(raw)
        except CellError:
            parsed.add(
                Problem(
                    "W_TOTAL_UNREADABLE",
                    f"合计行「{column.label}」的值「{shown(raw)}」无法识别，未核对",
                    cell=cell_name(r, cols[column.id]),
                    **where,
                )
            )
            continue
        if stated != actual:
            parsed.add(
                Problem(
                    "W_TOTAL_MISMATCH",
                    f"合计行「{column.label}」为 {stated}，但各单位之和为 {actual}",
                    "请核对合计行或各单位数据",
                    cell=cell_name(r, cols[column.id]),
                    **where,
                )
            )


def _check_after_total(parsed: Parsed, sheet: Sheet, total_row: int, cols: dict, where: dict) -> None:
    """Notes may follow the 合计 row; unit rows may not (they would be silently dropped)."""
    for r in range(total_row + 1, len(sheet.rows)):
        row = sheet.rows[r]
        if squeeze(cell_at(row, cols["level"])) in LEVEL_SET and squeeze(cell_at(row, cols["unit"])):
            parsed.add(
                Problem(
                    "E_ROW_AFTER_TOTAL",
                    f"合计行（第 {total_row + 1} 行）下方还有单位数据",
                    "请把所有单位放在合计行上方",
                    row=r + 1,
                    **where,
                )
            )


def keep_rows(table: dict, body: list[int], drop: set[int]) -> dict:
    """The table without the given sheet rows (those with an error are not units to load)."""
    keep = [r not in drop for r in body]
    return {name: list(compress(values, keep)) for name, values in table.items()}
