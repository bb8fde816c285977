"""The weekly dispatch sheet as a plain grid of rows before rendering, one function per layout
choice: the blank template's layout and the layouts counties really send back (dispatch-format.md,
"What the loader must tolerate"). Every variant of the same rows means the same values.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field

from .config import Config
from .forms import Column, Form
from .weeks import week_monday, week_of, week_sunday

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
class Sum:
    """A 合计 cell: SUM over the unit rows, with its value cached for readers that do not compute."""

    col: int
    first: int
    last: int
    value: int = 0


@dataclass
class Grid:
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
def form_of(week: str | None, config: Config) -> Form:
    """The form of a week's template: the one in force for the week (without a week: this week's,
    or the latest once the campaign is over)."""
    return config.catalogue.form_for(week or week_of(dt.date.today()))


def _columns(v: Variant, unit: str, week: str, form: Form) -> list[Column]:
    cols = list(form.columns)
    if v.shuffle:
        rest = cols[3:]  # 序号, 单位名称, 层级 stay in front, as every county keeps them
        random.Random(f"{unit}|{week}").shuffle(rest)
        cols = cols[:3] + rest + [EXTRA_COLUMN]
    return cols


def _meta_row(g: Grid, v: Variant, unit: str, week_value, reporter: str, phone: str) -> None:
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


def _header_rows(g: Grid, v: Variant) -> None:
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


def _unit_row(g: Grid, v: Variant, seq: int, row: dict, contact: str) -> list:
    level = row.get("level", "")
    cells = []
    for c in g.columns:
        if c.kind == "seq":
            cells.append(seq)
        elif c.id == "contact":
            cells.append(contact)
        elif c.kind in ("text", "unit", "level"):
            cells.append(row.get(c.id) or "")
        else:
            cells.append(metric_cell(row.get(c.id), c, level, v))
    return cells


def _total_row(g: Grid, v: Variant, rows: list[dict]) -> None:
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
                Sum(i, first, last, total) if v.numbers == "int" else number_cell(total, c, v.numbers)
            )
    g.total_row = g.add(cells)


NOTES = (
    "注：1. 本表各项数量均为自主题教育开展（{start}）以来的累计数，统计至统计周的周日；"
    "2. 层级填写“市级”“县级”“乡镇级”“村级”，村（社区）、两新组织可按乡镇汇总成一行，层级填“村级”；"
    "3. 某项指标不适用于本行层级的（灰色单元格），留空或填“/”；适用的指标没有开展的填 0，不要留空；"
    "4. “是否”类指标填“是”或“否”；5. 请勿改动表头和列的顺序，合计行自动求和；"
    "6. 本表为{form}（{since}），统计周不同的请下载该周的模板。"
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
    form: Form | None = None,
) -> Grid:
    form = form or form_of(week, config)
    g = Grid(_columns(variant, unit, week or "", form))
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
    since = "主题教育开始起施行" if form is config.catalogue.forms[0] else f"自 {form.start} 起施行"
    g.note_row = g.add(
        [
            NOTES.format(
                start=f"{config.start.year}年{config.start.month}月{config.start.day}日",
                form=form.title,
                since=since,
            )
        ]
    )
    g.merges.append((g.note_row, 0, g.note_row, g.width - 1, g.rows[g.note_row][0]))
    return g
