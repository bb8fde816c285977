"""The shape of unit rows in the warehouse and in Arrow: their columns, the Arrow schema a batch of
them is written with, and the batch itself made from the files' packed rows (etl/store.py)."""

from __future__ import annotations

from itertools import chain

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from .forms import Catalogue
from .packed_rows import INT8, SEPARATOR, PackedRows

KEY_COLUMNS = ("county", "week", "version", "row_no", "unit", "level")
_PER_FILE = ("county", "week", "version")  # one value a file


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


def arrow_rows(files: list[tuple[str, str, int, PackedRows]], catalogue: Catalogue) -> pa.Table:
    """The unit rows of a batch of files, each (county, week, version, its packed rows), in order:
    packed columns are joined buffer by buffer and handed to Arrow as they are."""
    target = schema(catalogue)
    packed = [rows for *_, rows in files]
    at_file = pa.array(np.repeat(np.arange(len(files)), [rows.n for rows in packed]))
    total = len(at_file)
    columns = []
    for i, f in enumerate(target):
        if f.name in _PER_FILE:
            columns.append(pa.array([file[i] for file in files], f.type).take(at_file))
        else:
            columns.append(_column(f.name, f.type, packed, total))
    return pa.Table.from_arrays(columns, schema=target)


def _column(name: str, kind: pa.DataType, packed: list[PackedRows], total: int) -> pa.Array:
    texts = [rows.texts.get(name) for rows in packed if rows.n]
    if texts and None not in texts:  # every file's text joined: split in one call
        return pc.split_pattern(pa.array([SEPARATOR.join(texts)], kind), SEPARATOR).flatten()
    if any(name in rows.lists or name in rows.texts for rows in packed):  # some did not pack
        return pa.array(list(chain.from_iterable(rows.column(name) for rows in packed)), kind)
    parts = [rows.numbers.get(name) for rows in packed]
    if not any(parts):
        return pa.nulls(total, kind)
    dtype = np.dtype(np.int8 if next(p for p in parts if p)[0] == INT8 else np.int32)
    if all(p is not None and p[2] is None for p in parts):  # no blank: the buffers as they are
        values = np.frombuffer(b"".join(p[1] for p in parts), dtype)
        blank = None
    else:  # each file's values where its cells are not blank
        blank = np.frombuffer(
            b"".join(
                b"\1" * rows.n if p is None else p[2] or bytes(rows.n) for p, rows in zip(parts, packed)
            ),
            np.bool_,
        )
        values = np.zeros(total, dtype)
        values[~blank] = np.frombuffer(b"".join(p[1] for p in parts if p is not None), dtype)
    return pa.array(values.astype(np.bool_) if kind == pa.bool_() else values, kind, mask=blank)
