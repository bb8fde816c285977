"""The metric columns of the unit rows judged whole, and the count columns as one matrix.

Checking a sheet cell by cell in Python cost more than calamine's whole read (docs/performance.md),
so each metric column is first judged whole by C-level passes (map, set, tuple gathers, NumPy):
whole numbers where the metric applies, 是/否 for a flag, blanks (or "/") where it does not. Only a
column that fails that check is walked cell by cell (unit_rows.py), which names each fault.

The checks across columns (each form's minimums, no part larger than its whole, the 合计 row's
sums) then read the count columns as one NumPy matrix instead of walking the rows."""

from __future__ import annotations

from functools import lru_cache
from itertools import compress, filterfalse, repeat
from operator import is_, is_not, itemgetter

import numpy as np

from .cells import COUNT_UNITS, is_blank, is_not_applicable, parse_flag
from .columns import FLAG_FALSE, FLAG_TRUE, NOT_APPLICABLE
from .forms import LEVELS, Form

COUNT_MAX = 2_147_483_647
# Every spelling of a flag as people type it (√ ×, Y N, 1 0, 已完成 …), with what parse_flag makes of it.
FLAG_SPELLINGS = {text: parse_flag(text) for word in FLAG_TRUE | FLAG_FALSE for text in (word, word.lower())}
# Blank or 不涉及 exactly as typed: where a metric does not apply these need no remark (anything
# else there is warned about). Every cell is hashable (a str, number, date, time or None).
QUIET_BLANKS = frozenset({None, "", *NOT_APPLICABLE})
_LEVEL_CODE = {level: i for i, level in enumerate(LEVELS)}


def _gather(positions: list[int]):
    """seq → the tuple of seq[p] for each position, in one C-level call (also for one or none)."""
    if len(positions) > 1:
        return itemgetter(*positions)
    if positions:
        (p,) = positions
        return lambda seq: (seq[p],)
    return lambda seq: ()


class LevelRows:
    """The unit rows a set of levels applies to, worked out once for every metric of that set."""

    def __init__(self, codes: np.ndarray, applies_to: tuple[str, ...]):
        self.applies = np.array([level in applies_to for level in LEVELS])[codes]
        self.applies.flags.writeable = False  # shared by every file with the same levels (below)
        where = np.flatnonzero(self.applies)
        self.everywhere = len(where) == len(codes)
        if not self.everywhere:
            self.used = _gather(where.tolist())
            self.unused = _gather(np.flatnonzero(~self.applies).tolist())
            # each row's place in (the values of the rows the metric applies to ..., None)
            self.spread = _gather(np.where(self.applies, np.cumsum(self.applies) - 1, len(where)).tolist())


def level_rows(levels: list, form: Form) -> dict:
    """For each metric's set of levels, the rows it applies to; {} when a row's level is unknown
    (those rows are checked cell by cell)."""
    if None in levels:
        return {}
    codes = bytes(map(_LEVEL_CODE.__getitem__, levels))
    return {lv: _level_rows(codes, lv) for lv in {m.levels for m in form.metrics}}


# A county sends the same units on the same levels every week: their rows are worked out once.
@lru_cache(maxsize=1024)
def _level_rows(codes: bytes, applies_to: tuple[str, ...]) -> LevelRows:
    return LevelRows(np.frombuffer(codes, np.uint8), applies_to)


def judge_column(column, values: tuple, rows: LevelRows | None) -> tuple[list, np.ndarray | None] | None:
    """(the column's values, a count column's values where it applies as an array) when every
    cell is plainly right, else None: look cell by cell."""
    if rows is None:
        return None
    if rows.everywhere:
        used = values
    else:
        used, unused = rows.used(values), rows.unused(values)
        if unused.count("") != len(unused) and not QUIET_BLANKS.issuperset(unused):
            return None  # a value where the metric does not apply gets a warning
    if column.kind == "count":
        numbers = whole_numbers(used)
        if numbers is None:
            return None
        clean = numbers.tolist()
    else:
        numbers, clean = None, _plain_flags(used)
        if clean is None:
            return None
    if not rows.everywhere:
        clean.append(None)
        clean = list(rows.spread(clean))
    return clean, numbers


def whole_numbers(values) -> np.ndarray | None:
    """The counts, when every cell is plainly one: a whole float, a decimal text ('12', '１２',
    '3次' all the way down) or an int, from 0 to COUNT_MAX."""
    # float.is_integer and str.isdecimal raise TypeError on anything else: they check the type too
    if not values:
        return np.zeros(0, np.int64)
    kind = values[0].__class__
    try:
        if kind is float and all(map(float.is_integer, values)):  # every cell a whole float
            numbers = np.fromiter(values, np.float64, len(values))
            if np.minimum.reduce(numbers) >= 0 and np.maximum.reduce(numbers) <= COUNT_MAX:
                return numbers.astype(np.int64)
        if kind is str:
            unit = values[0][-1:]
            if unit and unit in COUNT_UNITS and all(map(str.endswith, values, repeat(unit))):
                values = list(map(str.removesuffix, values, repeat(unit)))  # '3次' all the way down
            numbers = _text_counts(values)
            if numbers is not None:
                return np.array(numbers, np.int64)
        elif kind is int and set(map(type, values)) == {int}:
            if min(values) >= 0 and max(values) <= COUNT_MAX:
                return np.array(values, np.int64)
    except (TypeError, AttributeError):  # a cell of another type: look cell by cell
        pass
    return None


# the usual counts written as text: the same few strings in every file
_TEXT_COUNTS = {str(i): i for i in range(1000)}


def _text_counts(values) -> list | None:
    try:
        return list(map(_TEXT_COUNTS.__getitem__, values))
    except KeyError:
        pass
    if all(map(str.isdecimal, values)) and max(map(len, values)) < 10:  # '12', '１２'
        return list(map(int, values))
    return None


def _plain_flags(values) -> list | None:
    if FLAG_SPELLINGS.keys() >= set(values):
        return list(map(FLAG_SPELLINGS.__getitem__, values))
    return None


def unread(values: list, raws) -> bool:
    """Whether a cell that is not blank (nor 不涉及) has no value: it could not be read. The blank
    cells are passed over by C-level calls (most unit rows of a metric that does not apply)."""
    empty = filterfalse(QUIET_BLANKS.__contains__, compress(raws, map(is_, values, repeat(None))))
    return any(not (is_blank(raw) or is_not_applicable(raw)) for raw in empty)


class CountMatrix:
    """Count columns of the unit rows as one matrix, a row per column: `numbers` holds the values
    (0 where a cell has none), `present` says where there is one."""

    def __init__(self, n_rows: int):
        self.row: dict[str, int] = {}  # column id → its row in the matrix
        self.unread: set[str] = set()  # columns with a cell that could not be read
        self._n, self._present, self._numbers = n_rows, [], []
        self._made: tuple | None = None

    def add(self, cid: str, values: list, judged: np.ndarray | None, rows: LevelRows | None, raws) -> None:
        """A column: judged whole (its numbers where the metric applies), or cell by cell."""
        self.row[cid] = len(self.row)
        if judged is not None:
            self._present.append(rows.applies)
            self._numbers.append(judged)
            return
        present = np.fromiter(map(is_not, values, repeat(None)), bool, self._n)
        self._present.append(present)
        self._numbers.append(np.array(list(compress(values, present)), np.int64))
        if not present.all() and unread(values, raws):
            self.unread.add(cid)

    def _matrix(self) -> tuple[np.ndarray, np.ndarray, list[int]]:
        """(present, numbers, each row's sum), made once for the columns added so far."""
        if self._made is None or self._made[0] != len(self.row):
            present = np.array(self._present, bool).reshape(len(self.row), self._n)
            numbers = np.zeros(present.shape, np.int64)
            if self._numbers:
                numbers[present] = np.concatenate(self._numbers)  # row by row, as the mask runs
            self._made = (len(self.row), present, numbers, numbers.sum(axis=1).tolist())
        return self._made[1:]

    def total(self, cid: str) -> int | None:
        """The sum of a column's values; None when a cell of it could not be read."""
        return None if cid in self.unread else self._matrix()[2][self.row[cid]]

    def below(self, cid: str, minimum: int) -> list[int]:
        """The rows (0-based, of the unit rows) whose value is less than the minimum."""
        i = self.row[cid]
        present, numbers, _ = self._matrix()
        return np.flatnonzero(present[i] & (numbers[i] < minimum)).tolist()

    def larger(self, pairs: list[tuple[str, str]]) -> list[list[int]]:
        """For each (part, whole) pair of columns, the rows where both have a value and the part
        is larger."""
        if not pairs:
            return []
        small = [self.row[a] for a, _ in pairs]
        large = [self.row[b] for _, b in pairs]
        present, numbers, _ = self._matrix()
        bad = present[small] & present[large] & (numbers[small] > numbers[large])
        if not bad.any():
            return [[] for _ in pairs]
        return [np.flatnonzero(row).tolist() for row in bad]
