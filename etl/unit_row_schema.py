"""The shape of unit rows in the warehouse and in Arrow: their columns and the Arrow schema a batch
of them is written with (etl/store.py)."""

from __future__ import annotations

import pyarrow as pa

from .forms import Catalogue

KEY_COLUMNS = ("county", "week", "version", "row_no", "unit", "level")


def unit_row_columns(catalogue: Catalogue) -> tuple[str, ...]:
    """The columns of unit_rows: the keys, every metric id of every form version, remarks, unit_key."""
    return (*KEY_COLUMNS, *(c.id for c in catalogue.metrics), "remarks", "unit_key")


def schema(catalogue: Catalogue) -> pa.Schema:
    """The Arrow schema of a batch of unit rows (kept on the catalogue: built once)."""
    found = catalogue.__dict__.get("_arrow_schema")
    if found is None:
        kinds = {c.id: (pa.bool_() if c.kind == "flag" else pa.int32()) for c in catalogue.metrics}
        found = pa.schema(
            [
                (c, kinds.get(c, pa.int32() if c in ("version", "row_no") else pa.string()))
                for c in unit_row_columns(catalogue)
            ]
        )
        catalogue.__dict__["_arrow_schema"] = found
    return found
