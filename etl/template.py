"""The weekly dispatch sheet (周调度表) as a spreadsheet: the blank template counties fill in, and
filled sheets in the layouts counties really send back (dispatch-format.md, "What the loader must
tolerate"), used by the demo, the tests and the benchmark.

A sheet is first built as a plain grid of rows (one function per layout choice), then rendered to
.xlsx with the official formatting, or to .csv. Every variant of the same rows means the same values.
"""

from __future__ import annotations

import csv
import datetime as dt
import random
import sys
from dataclasses import dataclass, field
from pathlib import Path

import xlsxwriter
from xlsxwriter.utility import xl_col_to_name, xl_rowcol_to_cell

from .columns import ALL_LEVELS, COLUMNS, Column
from .config import Config, default_config
from .weeks import WeekError, parse_week, week_monday, week_sunday

SHEET_NAME = "调度表"
TEMPLATE_BLANK_ROWS = 30
EXTRA_COLUMN = Column("基本情况", "联系人", None, "contact", "text", (), False)
FULLWIDTH_DIGITS = str.maketrans("0123456789", "０１２３４５６７８９")


@dataclass(frozen=True)
class Variant:
    """How one county's office writes the sheet. The defaults are the template itself."""

    header: str = "merged"  # merged (two rows) | repeated (group in every cell) | joined (one row)
    joiner: str = "-"  # joined headers: 基本情况-党组织数（个）
    brackets: str = "（）"  # around the unit; "()" ASCII, "\n（）" on a new line, "" no unit
    meta: str = "inline"  # inline 填报单位：青河县 | split: label and value in two cells
    week: str = "iso"  # iso | compact | date | cn_date | excel_date | range | dot_range
    numbers: str = "int"  # int (number cells) | text | fullwidth | suffix (3次)
    flags: tuple[str, str] = ("是", "否")
    na: str = ""  # a metric that does not apply to the row's level: "", "/", "—"
    shuffle: bool = False  # columns in another order, plus an extra 联系人 column
    short_unit: bool = False  # 填报单位：青河 for 青河县 (when that is unambiguous)
    spacer: bool = False  # a blank row above the header
    encoding: str = "utf-8-sig"  # for .csv
    suffix: str = ".xlsx"  # the file type this variant is meant for


VARIANTS: dict[str, Variant] = {
    "template": Variant(),
    "repeated": Variant(header="repeated", meta="split", week="date", numbers="text"),
    "joined_dash": Variant(header="joined", joiner="-", week="dot_range", numbers="suffix", flags=("Y", "N")),
    "joined_underscore": Variant(header="joined", joiner="_", brackets="", week="iso"),
    "ascii": Variant(brackets="()", week="excel_date", flags=("1", "0")),
    "linebreak": Variant(brackets="\n（）", week="range", na="/", spacer=True),
    "fullwidth": Variant(week="cn_date", numbers="fullwidth", flags=("√", "×"), short_unit=True),
    "shuffled": Variant(header="repeated", shuffle=True, week="compact", na="—"),
    "csv_bom": Variant(week="compact", suffix=".csv"),
    "csv_gb18030": Variant(encoding="gb18030", week="range", na="—", suffix=".csv"),
}


@dataclass
class _Sum:
    """A 合计 cell: SUM over the unit rows, with its value cached for readers that do not compute."""

    col: int
    first: int
    last: int
    value: int = 0


@dataclass
class _Grid:
    """A sheet before rendering: rows of cell values, and where each part of the table sits."""

    columns: list[Column]
    rows: list[list] = field(default_factory=list)
    merges: list[tuple[int, int, int, int, object]] = field(default_factory=list)  # r1, c1, r2, c2, value
    header_rows: tuple[int, int] = (0, 0)  # first, last (0-based)
    data_rows: tuple[int, int] = (0, -1)  # first, last
    total_row: int = 0
    note_row: int = 0

    @property
    def width(self) -> int:
        return len(self.columns)

    def add(self, cells=()) -> int:
        self.rows.append(list(cells) + [""] * (self.width - len(cells)))
        return len(self.rows) - 1


# ---------------------------------------------------------------- cell text, one rule per choice
def column_label(col: Column, brackets: str = "（）") -> str:
    """The header text of a column: 党组织数（个）, 党组织数(个), 党组织数\\n（个） or 党组织数."""
    if not col.unit or not brackets:
        return col.header
    return f"{col.header}{brackets[:-1]}{col.unit}{brackets[-1]}"


def week_text(week: str, style: str):
    """统计周 as a county writes it; Wednesday stands for 'a date inside the week'."""
    mon, sun = week_monday(week), week_sunday(week)
    mid = mon + dt.timedelta(days=2)
    return {
        "iso": week,
        "compact": week.replace("-", ""),
        "date": mid.isoformat(),
        "cn_date": f"{mid.year}年{mid.month}月{mid.day}日",
        "excel_date": mid,
        "range": f"{mon.year}年{mon.month}月{mon.day}日—{sun.month}月{sun.day}日",
        "dot_range": f"{mon.year}.{mon.month}.{mon.day}-{sun.month}.{sun.day}",
    }[style]


def number_cell(value: int, col: Column, style: str):
    return {
        "int": lambda: value,
        "text": lambda: str(value),
        "fullwidth": lambda: str(value).translate(FULLWIDTH_DIGITS),
        "suffix": lambda: f"{value}{col.unit or ''}",
    }[style]()


def metric_cell(value, col: Column, level: str, v: Variant):
    if value is None or value == "":
        return v.na if level not in col.levels else ""
    if col.kind == "flag":
        return v.flags[0] if value else v.flags[1]
    return number_cell(int(value), col, v.numbers)


def short_unit_name(unit: str, units: tuple[str, ...]) -> str:
    """青河 for 青河县, only when it names one configured unit; otherwise the full name."""
    short = unit[:-1]
    if len(short) >= 2 and sum(u.startswith(short) for u in units) == 1:
        return short
    return unit


# ---------------------------------------------------------------- building the grid
def _columns(v: Variant, unit: str, week: str) -> list[Column]:
    cols = list(COLUMNS)
    if v.shuffle:
        rest = cols[3:]  # 序号, 单位名称, 层级 stay in front, as every county keeps them
        random.Random(f"{unit}|{week}").shuffle(rest)
        cols = cols[:3] + rest + [EXTRA_COLUMN]
    return cols


def _meta_row(g: _Grid, v: Variant, unit: str, week_value, reporter: str, phone: str) -> None:
    """填报单位 / 统计周 / 填报人 / 联系电话 at columns A, D, G, I, as the template has them."""
    cells = [""] * g.width
    for col, label, value in (
        (0, "填报单位", unit),
        (3, "统计周", week_value),
        (6, "填报人", reporter),
        (8, "联系电话", phone),
    ):
        if v.meta == "split":
            cells[col], cells[col + 1] = label, value
        elif isinstance(value, dt.date):  # a date cell cannot share a cell with its label
            cells[col], cells[col + 1] = f"{label}：", value
        else:
            cells[col] = f"{label}：{value}"
    g.add(cells)


def _header_rows(g: _Grid, v: Variant) -> None:
    labels = [column_label(c, v.brackets) for c in g.columns]
    groups = [c.group for c in g.columns]
    if v.header == "joined":
        first = g.add([f"{grp}{v.joiner}{lab}" for grp, lab in zip(groups, labels)])
        g.header_rows = (first, first)
        return
    first = g.add(groups)
    if v.header == "merged":  # one merged cell per run of a group; the group written once
        start = 0
        for i in range(1, g.width + 1):
            if i == g.width or groups[i] != groups[start]:
                g.rows[first][start + 1 : i] = [""] * (i - start - 1)
                if i - start > 1:
                    g.merges.append((first, start, first, i - 1, groups[start]))
                start = i
    g.header_rows = (first, g.add(labels))


def _unit_row(g: _Grid, v: Variant, seq: int, row: dict, contact: str) -> list:
    level = row.get("level", "")
    cells = []
    for c in g.columns:
        if c.kind == "seq":
            cells.append(seq)
        elif c.id == "contact":
            cells.append(contact)
        elif c.kind in ("text", "level"):
            cells.append(row.get(c.id) or "")
        else:
            cells.append(metric_cell(row.get(c.id), c, level, v))
    return cells


def _total_row(g: _Grid, v: Variant, rows: list[dict]) -> None:
    first, last = g.data_rows
    cells = []
    for i, c in enumerate(g.columns):
        if c.id == "unit":
            cells.append("合计")
        elif c.kind != "count":
            cells.append("")
        else:
            total = sum(int(r[c.id]) for r in rows if r.get(c.id) not in (None, ""))
            # A formula only sums number cells; with numbers written as text it would say 0.
            cells.append(
                _Sum(i, first, last, total) if v.numbers == "int" else number_cell(total, c, v.numbers)
            )
    g.total_row = g.add(cells)


NOTES = (
    "注：1. 本表各项数量均为自主题教育开展（{start}）以来的累计数，统计至统计周的周日；"
    "2. 层级填写“市级”“县级”“乡镇级”“村级”，村（社区）、两新组织可按乡镇汇总成一行，层级填“村级”；"
    "3. 某项指标不适用于本行层级的（灰色单元格），留空或填“/”；适用的指标没有开展的填 0，不要留空；"
    "4. “是否”类指标填“是”或“否”；5. 请勿改动表头和列的顺序，合计行自动求和。"
)


def build_grid(
    unit: str,
    week: str | None,
    rows: list[dict],
    variant: Variant,
    config: Config,
    *,
    blank_rows: int = 0,
    reporter: str = "",
    phone: str = "",
) -> _Grid:
    g = _Grid(_columns(variant, unit, week or ""))
    g.add([f"{config.city}{config.campaign_name}工作进展周调度表"])
    g.merges.append((0, 0, 0, g.width - 1, g.rows[0][0]))
    shown_unit = short_unit_name(unit, config.units) if variant.short_unit and unit else unit
    _meta_row(g, variant, shown_unit, week_text(week, variant.week) if week else "", reporter, phone)
    if variant.spacer:
        g.add()
    _header_rows(g, variant)
    first = len(g.rows)
    for i, row in enumerate(rows):
        g.add(_unit_row(g, variant, i + 1, row, reporter))
    for _ in range(blank_rows):
        g.add()
    g.data_rows = (first, len(g.rows) - 1)
    _total_row(g, variant, rows)
    g.note_row = g.add(
        [NOTES.format(start=f"{config.start.year}年{config.start.month}月{config.start.day}日")]
    )
    g.merges.append((g.note_row, 0, g.note_row, g.width - 1, g.rows[g.note_row][0]))
    return g


# ---------------------------------------------------------------- rendering
def _column_width(c: Column) -> float:
    if c.id == "unit":
        return 26
    if c.kind == "seq":
        return 5
    if c.kind == "level":
        return 8
    if c.kind == "text":
        return 14
    return max(7.0, min(11.0, len(c.header) * 1.6 + 1))


def _formats(wb) -> dict:
    base = {"font_name": "宋体", "font_size": 10, "valign": "vcenter"}
    cell = {**base, "border": 1, "align": "center"}
    return {
        "title": wb.add_format(
            {**base, "font_name": "方正小标宋简体", "font_size": 18, "bold": True, "align": "center"}
        ),
        "meta": wb.add_format({**base, "font_size": 11}),
        "meta_date": wb.add_format({**base, "font_size": 11, "num_format": "yyyy-mm-dd", "align": "left"}),
        "group": wb.add_format({**cell, "bold": True, "font_size": 11, "bg_color": "#D9E1F2"}),
        "header": wb.add_format({**cell, "bold": True, "text_wrap": True, "bg_color": "#EDF1F9"}),
        "cell": wb.add_format(cell),
        "unit": wb.add_format({**cell, "align": "left"}),
        "total": wb.add_format({**cell, "bold": True, "bg_color": "#F2F2F2"}),
        "note": wb.add_format({**base, "text_wrap": True, "align": "left", "valign": "top"}),
        "na": wb.add_format({"bg_color": "#E7E6E6"}),
    }


def _add_validations(ws, g: _Grid, v: Variant) -> None:
    first, last = g.data_rows
    if last < first:
        return
    for i, c in enumerate(g.columns):
        rng = (first, i, last, i)
        if c.kind == "level":
            ws.data_validation(
                *rng,
                {
                    "validate": "list",
                    "source": list(ALL_LEVELS),
                    "input_title": "层级",
                    "input_message": "从下拉列表选择：市级、县级、乡镇级、村级",
                    "error_title": "层级填写有误",
                    "error_message": "层级只能是市级、县级、乡镇级或村级。",
                },
            )
        elif c.kind == "flag" and v.flags == ("是", "否"):
            ws.data_validation(
                *rng,
                {
                    "validate": "list",
                    "source": ["是", "否"],
                    "error_title": "请填“是”或“否”",
                    "error_message": "本列只能填“是”或“否”；不适用本层级的留空。",
                },
            )
        elif c.kind == "count" and v.numbers == "int":
            # A warning, not a stop: a "/" in a cell that does not apply stays possible.
            ws.data_validation(
                *rng,
                {
                    "validate": "integer",
                    "criteria": ">=",
                    "value": 0,
                    "error_type": "warning",
                    "error_title": "请填写整数",
                    "error_message": "请填写不小于 0 的整数（累计数）；不适用本层级的指标留空或填“/”。",
                },
            )


def _shade_not_applicable(ws, g: _Grid, fmt) -> None:
    """Grey the metric cells whose column does not apply to the level typed in that row."""
    first, last = g.data_rows
    level_col = next(i for i, c in enumerate(g.columns) if c.kind == "level")
    ref = f"${xl_col_to_name(level_col)}{first + 1}"
    for i, c in enumerate(g.columns):
        others = [lv for lv in ALL_LEVELS if lv not in c.levels] if c.is_metric else []
        if others and last >= first:
            cond = ",".join(f'{ref}="{lv}"' for lv in others)
            ws.conditional_format(
                first, i, last, i, {"type": "formula", "criteria": f"=OR({cond})", "format": fmt}
            )


def _write_xlsx(path: Path, g: _Grid, v: Variant, validations: bool, created: dt.date) -> None:
    wb = xlsxwriter.Workbook(str(path), {"strings_to_numbers": False})
    # A fixed creation time keeps the bytes of a re-written file equal, so reloading it is a no-op.
    wb.set_properties({"title": g.rows[0][0], "created": dt.datetime.combine(created, dt.time(18))})
    f = _formats(wb)
    ws = wb.add_worksheet(SHEET_NAME)
    h1, h2 = g.header_rows
    first, last = g.data_rows
    role = {0: "title", g.total_row: "total", g.note_row: "note"}
    role.update({r: "group" if (r == h1 and h1 != h2) else "header" for r in (h1, h2)})
    for r, cells in enumerate(g.rows):
        kind = role.get(r, "cell" if first <= r <= last else "meta")
        for c, value in enumerate(cells):
            fmt = f["unit"] if kind == "cell" and g.columns[c].id == "unit" else f.get(kind)
            if isinstance(value, _Sum):
                rng = (
                    f"{xl_rowcol_to_cell(value.first, value.col)}:{xl_rowcol_to_cell(value.last, value.col)}"
                )
                ws.write_formula(r, c, f"=SUM({rng})", fmt, value.value)
            elif isinstance(value, dt.date):
                ws.write_datetime(r, c, dt.datetime.combine(value, dt.time()), f["meta_date"])
            elif kind in ("cell", "total", "header", "group") or value != "":
                ws.write(r, c, value, fmt)
    for r1, c1, r2, c2, value in g.merges:
        ws.merge_range(
            r1, c1, r2, c2, value, f["title" if r1 == 0 else "note" if r1 == g.note_row else "group"]
        )
    ws.set_row(0, 36)
    ws.set_row(h2, 48 if v.header != "joined" else 60)
    ws.set_row(g.note_row, 66)
    for i, c in enumerate(g.columns):
        ws.set_column(i, i, _column_width(c))
    ws.freeze_panes(h2 + 1, 2)  # below the header, right of 单位名称
    if validations:
        _add_validations(ws, g, v)
    _shade_not_applicable(ws, g, f["na"])
    ws.set_landscape()
    ws.set_paper(9)  # A4
    ws.fit_to_pages(1, 0)
    ws.repeat_rows(h1, h2)
    ws.center_horizontally()
    ws.set_margins(left=0.4, right=0.4, top=0.6, bottom=0.6)
    ws.set_footer("&C第 &P 页，共 &N 页")
    ws.print_area(0, 0, g.note_row, g.width - 1)
    wb.close()


def _plain(value) -> str:
    if isinstance(value, _Sum):
        return str(value.value)
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def _write_csv(path: Path, g: _Grid, v: Variant) -> None:
    with open(path, "w", encoding=v.encoding, newline="") as fh:
        w = csv.writer(fh)
        for cells in g.rows:
            w.writerow([_plain(x) for x in cells])


def _variant(variant: str | Variant) -> Variant:
    if isinstance(variant, Variant):
        return variant
    try:
        return VARIANTS[variant]
    except KeyError:
        raise ValueError(f"未知的表格样式：{variant}（可选：{'、'.join(VARIANTS)}）") from None


def write_dispatch(
    path,
    unit: str,
    week: str,
    rows: list[dict],
    variant: str | Variant = "template",
    *,
    config: Config | None = None,
    reporter: str = "李明",
    phone: str = "0000-1234567",
) -> Path:
    """Write one filled dispatch sheet: rows are dicts keyed by column id (etl.columns), counts as
    int, flags as bool (or 1/0), None where a metric is missing or does not apply.

    The file type follows the path's suffix (.xlsx or .csv); variant names a layout of VARIANTS.
    """
    path, v = Path(path), _variant(variant)
    g = build_grid(unit, week, rows, v, config or default_config(), reporter=reporter, phone=phone)
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.suffix.lower() == ".csv":
        _write_csv(path, g, v)
    else:
        _write_xlsx(path, g, v, validations=True, created=week_sunday(week))
    return path


def write_template(
    path,
    unit: str = "",
    week: str | None = None,
    *,
    config: Config | None = None,
    blank_rows: int = TEMPLATE_BLANK_ROWS,
) -> Path:
    """The blank template of dispatch-format.md, optionally with 填报单位 and 统计周 filled in."""
    path = Path(path)
    g = build_grid(unit, week, [], VARIANTS["template"], config or default_config(), blank_rows=blank_rows)
    path.parent.mkdir(parents=True, exist_ok=True)
    _write_xlsx(path, g, VARIANTS["template"], validations=True, created=dt.date.today())
    return path


# ---------------------------------------------------------------- command line
def resolve_unit(text: str, config: Config) -> str | None:
    """A configured unit by its name or a unique short form (青河 → 青河县)."""
    text = text.strip()
    if text in config.units:
        return text
    hits = [u for u in config.units if u.startswith(text)]
    return hits[0] if len(hits) == 1 else None


def add_parser(subparsers) -> None:
    p = subparsers.add_parser(
        "template",
        help="生成空白周调度表模板（.xlsx）",
        description="生成空白周调度表模板（.xlsx），可预先填好填报单位和统计周。",
    )
    p.add_argument("--out", required=True, help="输出文件，如 调度表模板.xlsx")
    p.add_argument("--unit", help="填报单位，如 青河县（须为配置中的县（市、区）或市直单位）")
    p.add_argument("--week", help="统计周，ISO 周，如 2023-W45")
    p.set_defaults(func=run)


def run(args) -> int:
    config = default_config()
    out = Path(args.out)
    if out.suffix.lower() != ".xlsx":
        print(f"参数错误：--out 须为 .xlsx 文件：{out}", file=sys.stderr)
        return 2
    unit = ""
    if args.unit:
        unit = resolve_unit(args.unit, config)
        if not unit:
            print(
                f"参数错误：填报单位「{args.unit}」不在配置中（可选：{'、'.join(config.units)}）",
                file=sys.stderr,
            )
            return 2
    week = None
    if args.week:
        try:
            week = parse_week(args.week, config)
        except WeekError as exc:
            print(f"参数错误：{exc}", file=sys.stderr)
            return 2
    write_template(out, unit, week, config=config)
    print(
        f"已生成空白调度表模板：{out}"
        + (f"（填报单位：{unit}）" if unit else "")
        + (f"（统计周：{week}）" if week else "")
    )
    return 0
