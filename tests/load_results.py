"""What a load leaves, in a form two loads can be compared by: the reports without their timings
and the rows of some tables (for the tests that load the same files two ways)."""

from __future__ import annotations

import duckdb


def reports_without_timings(reports) -> list[dict]:
    """Each FileReport as a dict, problems included, without the seconds it took."""
    return [{k: v for k, v in r.to_dict().items() if k != "seconds"} for r in reports]


def table_rows(db, *queries: str) -> list[list[tuple]]:
    """The rows each query reads from the warehouse at `db`."""
    with duckdb.connect(str(db), read_only=True) as con:
        return [con.execute(q).fetchall() for q in queries]
