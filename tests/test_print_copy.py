"""The paper copy of a grid (app.page_tables.print_html): one HTML table with every row, the
progress lights coloured as on screen, and the data's text shown as text, never as markup."""

from __future__ import annotations

import re

import pandas as pd

from app.page_tables import print_html
from etl.scoring import LIGHT_COLORS

HOSTILE = '<img src=x onerror="alert(1)">县'


def table() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "县（市、区）": ["青河县", HOSTILE, "南城区"],
            "综合得分": [91.234, 80.0, None],
            "进度预警": ["绿", "红", ""],
            "理论学习": [90.0, 70.0, 60.0],
        }
    )


def test_every_row_once_with_numbers_at_one_decimal():
    html = print_html(table(), lights=["进度预警"])
    assert len(re.findall(r"<tr>", html)) == 4  # the header and three rows, no index column
    assert ">91.2<" in html and ">80.0<" in html and "nan" not in html.lower()


def test_values_and_headers_are_text():
    df = table().rename(columns={"理论学习": "<b>学习</b>"})
    html = print_html(df)
    assert "<img" not in html and "&lt;img src=x" in html
    assert "<b>" not in html and "&lt;b&gt;学习&lt;/b&gt;" in html


def cell_style(html: str, row: int, col: int) -> str:
    """The CSS declarations of one cell (pandas writes a rule per group of equally styled cells)."""
    rules = re.findall(r"([^{}]+)\{([^}]*)\}", html.split("</style>")[0])
    return " ".join(body for selectors, body in rules if re.search(rf"_row{row}_col{col}\b", selectors))


def test_lights_colour_their_own_and_other_columns():
    html = print_html(table(), lights=["进度预警"], lit_by={"理论学习": ["红", "绿", ""]})
    assert LIGHT_COLORS["绿"] in cell_style(html, 0, 2) and LIGHT_COLORS["红"] in cell_style(html, 1, 2)
    assert LIGHT_COLORS["红"] in cell_style(html, 0, 3) and LIGHT_COLORS["绿"] in cell_style(html, 1, 3)
    assert "background" not in cell_style(html, 2, 3) + cell_style(html, 0, 0)
