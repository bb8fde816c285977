"""A small, independent reader for the tests of the template and the demo: what a sheet means,
without the real loader, so the writers can be checked on their own."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from pathlib import Path

from python_calamine import CalamineWorkbook

from etl.weeks import week_of

from .form_columns import CATALOGUE, FLAG_FALSE, FLAG_TRUE, GROUPS, NOT_APPLICABLE, TOTAL_ROW_LABELS

# every column of every form version (each file holds one version's columns)
BY_KEY = {(c.group, c.header): c for f in CATALOGUE.forms for c in f.columns}
FULLWIDTH = str.maketrans("０１２３４５６７８９", "0123456789")


def read_grid(path: Path) -> list[list]:
    if path.suffix == ".csv":
        raw = path.read_bytes()
        text = raw[3:].decode("utf-8") if raw.startswith(b"\xef\xbb\xbf") else raw.decode("gb18030")
        return [list(r) for r in csv.reader(io.StringIO(text))]
    wb = CalamineWorkbook.from_path(str(path))
    return wb.get_sheet_by_index(0).to_python()


def _text(v) -> str:
    if isinstance(v, float) and v.is_integer():
        v = int(v)
    return re.sub(r"\s+", "", str(v)).replace("(", "（").replace(")", "）")


def _header(text: str) -> str:
    return re.sub(r"（[^）]*）$", "", text)


def _week(v) -> str:
    if isinstance(v, (dt.date, dt.datetime)):
        return week_of(v if isinstance(v, dt.date) else v.date())
    s = _text(v)
    if m := re.fullmatch(r"(\d{4})-?W(\d{1,2})", s):
        return f"{m[1]}-W{int(m[2]):02d}"
    m = re.match(r"(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})", s)
    return week_of(dt.date(int(m[1]), int(m[2]), int(m[3])))


def _meta(grid, label: str):
    for row in grid[:6]:
        for i, cell in enumerate(row):
            s = _text(cell)
            if s.startswith(label):
                rest = s[len(label) :].lstrip(":：")
                if rest:
                    return rest
                return next(x for x in row[i + 1 :] if _text(x))


def _value(cell, col):
    s = _text(cell).translate(FULLWIDTH)
    if s == "" or s in NOT_APPLICABLE:
        return None
    if col.kind == "flag":
        return 1 if s.upper() in FLAG_TRUE else 0 if s.upper() in FLAG_FALSE else s
    if col.kind == "count":
        return int(s.removesuffix(col.unit or ""))
    return s


def read_dispatch(path) -> dict:
    """{'unit', 'week', 'rows': [dict by column id], 'total': dict, 'extra': [headers]}."""
    grid = read_grid(Path(path))
    h = next(i for i, r in enumerate(grid) if any(_text(x).endswith("单位名称") for x in r))
    heads = [_text(x) for x in grid[h]]
    joined = any(re.match(f"({'|'.join(GROUPS)})[-_:]", x) for x in heads)
    cols, extra, group = [], [], ""
    for i, head in enumerate(heads):
        if joined:
            group, head = re.split(r"[-_:]", head, maxsplit=1)
        else:
            group = _text(grid[h - 1][i]) or group  # a merged group cell is written once
        col = BY_KEY.get((group, _header(head)))
        cols.append(col)
        if col is None and head:
            extra.append(head)
    rows, total = [], None
    for r in grid[h + 1 :]:
        cells = {c.id: _value(x, c) for c, x in zip(cols, r) if c is not None and c.kind != "seq"}
        if not any(_text(x) for x in r) or _text(r[0]).startswith("注"):
            continue
        if cells.get("unit") in TOTAL_ROW_LABELS:
            total = cells
            continue
        cells.setdefault("remarks", None)
        rows.append(cells)
    return {
        "unit": _meta(grid, "填报单位"),
        "week": _week(_meta(grid, "统计周")),
        "rows": rows,
        "total": total,
        "extra": extra,
    }
