"""The demo's weekly figures, derived from the catalogue: whatever the form and the method of a week,
each column gets plausible, cumulative, consistent values without naming a single column here.

A column's role follows from the catalogue:
- a count with a minimum (党组织数 ≥ 1) is the unit's organisations, sized by its level;
- a count that an indicator scores (its achieved, or inside min(…, cap)) is work done: the unit's
  completed share of that indicator's target (or cap), which grows with its pace × 序时进度;
- a count that is the whole of a count which is itself a size (党员数 of 流动党员) is a population;
- a count that may not exceed another and is not scored is a part of that whole (流动党员);
- a count that only serves as a target (调研课题) is a fixed size; any other count (媒体报道) grows
  with 序时进度 alone;
- a 是/否 column with a [deadlines] date is done by the deadline, earlier by faster units, except the
  plan's late units; another 是/否 column is a weekly yes with a unit's pace.
"""

from __future__ import annotations

import ast
import datetime as dt
import random
from dataclasses import dataclass, field

from .expressions import Expression
from .forms import Form, Method
from .weeks import week_of

ORGS, WORK, POPULATION, PART, FIXED, GROWING, FLAG = (
    "orgs",
    "work",
    "population",
    "part",
    "fixed",
    "growing",
    "flag",
)


@dataclass
class Unit:
    """One row of a county's sheet, with what stays fixed over the weeks."""

    name: str
    level: str
    pace: float
    county: str
    seed: int
    orgs: int
    late: set[str] = field(default_factory=set)  # deadline flags it has not done by the deadline
    lead: bool = True  # False: a county whose leaders take no cases (the "behind" county)

    def rng(self, column: str) -> random.Random:
        """The unit's own dice for one column: a new column of a later form gets its figures too."""
        return random.Random(f"{self.seed}|{self.county}|{self.name}|{column}")

    @property
    def upper(self) -> bool:
        return self.level in ("市级", "县级")


def _caps(method: Method) -> dict[str, Expression]:
    """column id → the target (or min cap) its work counts against, from the method's indicators."""
    out: dict[str, Expression] = {}
    for ind in method.indicators:
        if ind.achieved.is_plain_name():
            out.setdefault(ind.achieved.tree.id, ind.target)
            continue
        for node in ast.walk(ind.achieved.tree):
            if isinstance(node, ast.Call) and node.func.id == "min" and isinstance(node.args[0], ast.Name):
                out.setdefault(node.args[0].id, Expression(ast.unparse(node.args[1]), node.args[1]))
    return out


def roles(form: Form, method: Method) -> dict[str, tuple[str, Expression | None]]:
    """Each metric of the form: (role, the expression its work is measured against)."""
    caps = _caps(method)
    targets = {n for ind in method.indicators for n in ind.target.names}
    sized = {c.at_most for c in form.metrics if c.at_most and c.id not in caps}  # wholes of sizes
    out = {}
    for c in form.metrics:
        if c.kind == "flag":
            out[c.id] = (FLAG, None)
        elif c.min:
            out[c.id] = (ORGS, None)
        elif c.id in caps:
            out[c.id] = (WORK, caps[c.id])
        elif c.id in sized:
            out[c.id] = (POPULATION, None)
        elif c.at_most:
            out[c.id] = (PART, None)
        elif c.id in targets:
            out[c.id] = (FIXED, None)
        else:
            out[c.id] = (GROWING, None)
    return out


def _order(form: Form, rl: dict) -> list:
    """The form's metrics so that every column comes after the ones it is measured against."""
    done, order, todo = set(), [], list(form.metrics)
    while todo:
        left = []
        for c in todo:
            role, cap = rl[c.id]
            needs = set(cap.names if cap is not None else ()) | ({c.at_most} if c.at_most else set())
            needs &= form.by_id.keys()
            if needs <= done:
                done.add(c.id)
                order.append(c)
            else:
                left.append(c)
        if len(left) == len(todo):  # a cycle cannot pass `forms check`; keep going regardless
            order += left
            break
        todo = left
    return order


def _share(target: float, done: float, offset: float) -> int:
    """Done of target as a whole number; the unit's fixed offset (0–1) decides when a small target
    (one lecture, two topics) ticks over, so it does not stay at 0 until done reaches 100 %."""
    return min(int(target), int(target * min(1.0, max(0.0, done)) + offset))


def size(u: Unit, role: str, column: str, whole: int | None) -> int:
    rng = u.rng(column)
    if role == ORGS:
        return u.orgs
    if role == POPULATION:
        return u.orgs * rng.randint(12, 28) if u.level == "村级" else rng.randint(20, 80)
    if role == PART:
        return int((whole or 0) * rng.uniform(0.02, 0.12))
    if role == FIXED:
        return max(1, int(u.orgs * rng.uniform(0.6, 2.5))) if u.level == "村级" else rng.randint(1, 5)
    return rng.randint(2, 8) if u.upper else rng.randint(0, 3)  # GROWING: by the campaign's end


def flag_week(u: Unit, column: str, deadline: dt.date, weeks: list[str]) -> str | None:
    """The week a unit's deadline work is done: a week or more before the deadline, the faster the
    earlier; None for a late unit."""
    if column in u.late:
        return None
    due = week_of(deadline)
    last = weeks.index(due) - 1 if due in weeks else len(weeks) - 1
    early = min(5, int(max(0.0, u.pace - 0.25) * 4) + u.rng(column).randint(0, 1))
    return weeks[max(0, last - early)]


@dataclass
class WeekInput:
    week: str
    form: Form
    method: Method
    months: int
    progress: float  # 序时进度, 0–1
    weeks: list[str]
    deadlines: dict


def row_figures(u: Unit, share: float, wk: WeekInput, before: dict, rng: random.Random) -> dict:
    """One unit's row for a week: share is its completed share (pace × 序时进度, never going back);
    before holds its counts of the previous week (cumulative counts never fall)."""
    rl = roles(wk.form, wk.method)
    row: dict = {"unit": u.name, "level": u.level}
    values = {"months_started": wk.months}
    for c in _order(wk.form, rl):
        role, cap = rl[c.id]
        if u.level not in c.levels:
            row[c.id] = None
            continue
        if role == FLAG:
            deadline = wk.deadlines.get(c.id)
            if isinstance(deadline, dt.date):
                done = flag_week(u, c.id, deadline, wk.weeks)
                row[c.id] = done is not None and wk.week >= done
            else:
                row[c.id] = rng.random() < min(0.95, 0.35 + 0.45 * u.pace)
            continue
        d = u.rng(c.id)
        factor, offset = d.uniform(0.85, 1.12), d.random()
        if role == WORK:
            scale = cap.value(values)
            if scale is None:
                value = None
            elif not u.lead and not any(n in values for n in cap.names) and scale <= 1:
                value = 0  # a fixed cap of one (a leader's case): the behind county's leaders have none
            else:
                value = _share(max(scale, 1.0), share * factor, offset)
        elif role == GROWING:
            value = _share(size(u, role, c.id, None), 1.5 * wk.progress * factor, offset)
        else:
            value = size(u, role, c.id, values.get(c.at_most))
        if value is not None:
            if c.at_most and values.get(c.at_most) is not None:
                value = min(value, int(values[c.at_most]))
            value = max(value, before.get(c.id) or 0) if role in (WORK, GROWING) else value
            if c.at_most and values.get(c.at_most) is not None:
                value = min(value, int(values[c.at_most]))
        row[c.id] = value
        values[c.id] = value
    row["remarks"] = None
    return row
