"""The counties a page draws (no Streamlit here): all of a province, the top and bottom of a nation.

A page at national scale (thousands of counties) cannot draw every county in a chart or a grid, and
reading them all is what makes its statements slow. A page therefore reads only its window: the first
and last `edge` counties of one week's listing on the page's basis (view ranking_list: ranked first,
then submitted without a score, then 未报送), plus every county whose name contains the search text and
the counties named by the page (the one highlighted from the URL). A province (≤ 2 × edge counties) is
its own window, so province pages look as before. The full list stays in 排名导出's files.
"""

from __future__ import annotations

from dataclasses import dataclass

from .scoring import _check_by

EDGE = 100  # the top and the bottom a page draws; a configuration up to twice this is drawn whole

# the listing order of the window: the basis's ranking, or the largest temperature gradient first
ORDERS = {
    "position": "position",
    "gradient": "gradient DESC NULLS LAST, sort_order",
}
# {order} is a fixed fragment of ORDERS; every value is bound
SQL_WINDOW = """
WITH listing AS (
    SELECT county, row_number() OVER (ORDER BY {order}) AS place, count(*) OVER () AS n
    FROM ranking_list WHERE week = $week AND dimension = $by
)
SELECT county, n FROM listing
WHERE place <= $edge OR place > n - $edge OR contains(county, $search) OR list_contains($named, county)
ORDER BY place
"""
SQL_COUNTY_COUNT = "SELECT count(*) FROM cfg_units WHERE is_county"


@dataclass(frozen=True)
class Window:
    """What a page asks for: the edge, the search text (None for none), the counties it names."""

    edge: int = EDGE
    search: str | None = None
    named: tuple[str, ...] = ()
    order: str = "position"

    @classmethod
    def of(cls, search: str | None = None, named=(), order: str = "position", edge: int = EDGE) -> Window:
        text = (search or "").strip()
        return cls(edge, text or None, tuple(c for c in named if c), order)


def limited(n_counties: int, edge: int = EDGE) -> bool:
    """Whether a page of this many counties shows a window rather than every county."""
    return n_counties > 2 * edge


def county_count(con) -> int:
    return con.execute(SQL_COUNTY_COUNT).fetchone()[0]


def counties(con, week: str, by: str, window: Window) -> list[str]:
    """The window's counties in listing order (every county of a province)."""
    _check_by(by)
    sql = SQL_WINDOW.format(order=ORDERS[window.order])
    params = {
        "week": week,
        "by": by,
        "edge": window.edge,
        "search": window.search,
        "named": list(window.named),
    }
    return [r[0] for r in con.execute(sql, params).fetchall()]
