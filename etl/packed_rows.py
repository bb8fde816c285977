"""The unit rows of one checked file, column by column, in the compact form a parse worker sends to
the writing process (etl/parse_worker.py → etl/sandbox.py → etl/store.py).

The judging (etl/validate.py) gives a dict of lists, one Python value a cell. Sent as it is, the
writing process would unpickle every value and convert it again for Arrow: the most of its work.
Packed, a number column is one buffer of int32 (counts, sheet rows) or int8 (是/否 flags) and, when
some cells are blank, a byte a row saying which; a column with no value at all is left out.
The writer joins a batch's buffers and hands them to Arrow as they are (etl/unit_row_schema.py).
A text column (unit, unit_key, level, remarks) is one str, its values joined by a separator that
no value holds: Arrow splits a batch's in one call. A column that packs neither way (a value of
another type; a blank among the texts; the separator in a text) is sent as its list, and the writer
converts it as before.

Only the standard library: the workers import no Arrow."""

from __future__ import annotations

import array
from dataclasses import dataclass, field
from itertools import compress, repeat
from operator import is_

from .forms import Catalogue

TEXT_COLUMNS = ("unit", "unit_key", "level", "remarks")
SEPARATOR = "\x1f"  # the ASCII unit separator: no cell of an .xlsx can hold it
INT32 = next(code for code in "ilh" if array.array(code).itemsize == 4)
INT8 = "b"


def number_codes(catalogue: Catalogue) -> dict[str, str]:
    """Each number column of unit_rows → its array type code (kept on the catalogue: built once)."""
    found = catalogue.__dict__.get("_number_codes")
    if found is None:
        found = {"row_no": INT32}
        found.update((c.id, INT8 if c.kind == "flag" else INT32) for c in catalogue.metrics)
        catalogue.__dict__["_number_codes"] = found
    return found


@dataclass(slots=True)
class PackedRows:
    n: int  # unit rows
    sheet: str | None = None  # the sheet they were read from, for the writer's warnings
    # column → (its type code in number_codes, the bytes of its values, and None when no cell is
    # blank, else a byte a row, 1 = blank, with the values of the other rows only)
    numbers: dict[str, tuple[str, bytes, bytes | None]] = field(default_factory=dict)
    texts: dict[str, str] = field(default_factory=dict)  # text column → its values joined by SEPARATOR
    lists: dict[str, list] = field(default_factory=dict)  # a column that did not pack

    def column(self, name: str) -> list:
        """One column as Python values (None for a blank), as the judging gave it."""
        if name in self.lists:
            return self.lists[name]
        if name in self.texts:
            return self.texts[name].split(SEPARATOR)
        packed = self.numbers.get(name)
        if packed is None:
            return [None] * self.n
        code, data, blank = packed
        values = array.array(code, data).tolist()
        if code == INT8:  # a flag
            values = [bool(v) for v in values]
        if blank is None:
            return values
        present = iter(values)
        return [None if b else next(present) for b in blank]


def pack(table: dict[str, list], catalogue: Catalogue, sheet: str | None = None) -> PackedRows:
    """The columns of unit_rows in a file's table (as etl/validate.py gives it), packed."""
    n = len(table["unit"])
    packed = PackedRows(n, sheet)
    for name in TEXT_COLUMNS:
        values = table.get(name)
        if values is None or values.count(None) == n:
            continue
        try:
            joined = SEPARATOR.join(values)  # TypeError for a blank (None) or a value not a str
        except TypeError:
            joined = None
        if joined is not None and joined.count(SEPARATOR) == n - 1:
            packed.texts[name] = joined
        else:
            packed.lists[name] = values
    for name, code in number_codes(catalogue).items():
        values = table.get(name)
        if values is None:
            continue
        # C-level passes only: the type check is array's own (a None, a str or a float raises
        # TypeError, at once for a column of blanks)
        try:
            packed.numbers[name] = (code, array.array(code, values).tobytes(), None)
            continue
        except (TypeError, OverflowError):
            pass
        blanks = values.count(None)
        if blanks == n:
            continue
        if blanks:
            blank = bytes(map(is_, values, repeat(None)))
            try:
                present = array.array(code, compress(values, blank.translate(_FLIP)))
                packed.numbers[name] = (code, present.tobytes(), blank)
                continue
            except (TypeError, OverflowError):
                pass
        packed.lists[name] = values  # another type, or out of range: the writer converts it as before
    return packed


_FLIP = bytes.maketrans(b"\0\1", b"\1\0")
