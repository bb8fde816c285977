"""A dispatch grid rendered to .xlsx with the official formatting and checks, or to .csv."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

import xlsxwriter
from xlsxwriter.utility import xl_col_to_name, xl_rowcol_to_cell

from .columns import ALL_LEVELS
from .dispatch_grid import SHEET_NAME, Grid, Sum, Variant
from .forms import Column


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


def _add_validations(ws, g: Grid, v: Variant) -> None:
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


def _shade_not_applicable(ws, g: Grid, fmt) -> None:
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


def write_xlsx(path: Path, g: Grid, v: Variant, validations: bool, created: dt.date) -> None:
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
            if isinstance(value, Sum):
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
    if isinstance(value, Sum):
        return str(value.value)
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def write_csv(path: Path, g: Grid, v: Variant) -> None:
    with open(path, "w", encoding=v.encoding, newline="") as fh:
        w = csv.writer(fh)
        for cells in g.rows:
            w.writerow([_plain(x) for x in cells])
