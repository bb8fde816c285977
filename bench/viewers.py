"""The viewers of the reload bench: who clicks next, which page, and when.

The bench models people at a meeting or at their desks: each viewer reads a page before clicking the
next one. After a page has settled, a viewer thinks for `think` seconds on average (uniform between
half and one and a half times that, from a seeded generator, so that two viewers drift apart and a
run can be repeated), then clicks. Each viewer goes round every page in the navigation's order,
starting from its own offset, so the viewers look at different pages and every page gets its share
of switches; the order carries on from one reload to the next. `think` 0 is the earlier rounds'
bench: the viewers take turns, clicking back to back.

Playwright's sync API drives every tab from one thread, so two viewers' clicks never overlap: a
viewer whose time has come while the other one's page is still loading clicks as soon as it has
settled. `browse` takes the clock, the wait and the click as functions, so that the schedule is
tested without a browser or a real clock (tests/test_bench_viewers.py).
"""

from __future__ import annotations

import math
import random
from collections.abc import Callable
from dataclasses import dataclass

from .queries import percentile

SEED = 17


@dataclass(frozen=True)
class Click:
    viewer: int
    page: str
    at: float  # when the viewer means to click (perf_counter time); may have passed


@dataclass(frozen=True)
class Switch:
    viewer: int
    page: str
    seconds: float


class Schedule:
    """Which viewer clicks next, on which page, and when. Every viewer starts on `pages[0]` (where a
    dashboard opens)."""

    def __init__(self, pages: list[str], viewers: int, think: float, seed: int = SEED):
        if len(pages) < 2 or viewers < 1 or think < 0:
            raise ValueError("a schedule needs two pages, a viewer and a think time ≥ 0")
        self.pages, self.viewers, self.think = list(pages), viewers, think
        self._rng = random.Random(seed)
        n = len(pages)
        self._on = [0] * viewers  # the page each viewer looks at
        self._next = [(1 + i * n // viewers) % n or 1 for i in range(viewers)]
        self._due = [0.0] * viewers

    def think_time(self) -> float:
        return self.think * self._rng.uniform(0.5, 1.5) if self.think else 0.0

    def start(self, now: float) -> None:
        """A new reload begins: the viewers' first clicks, spread over one think time (all at once,
        in turn, when the viewers do not think)."""
        self._due = [now + i * self.think / self.viewers for i in range(self.viewers)]

    def next(self) -> Click:
        """The viewer whose click is due first (the lower number on a tie) and its next page."""
        i = min(range(self.viewers), key=lambda v: (self._due[v], v))
        return Click(i, self.pages[self._next[i]], self._due[i])

    def done(self, click: Click, now: float) -> None:
        """The viewer's page has settled at `now`: it reads it, then moves on to the page after it."""
        i, n = click.viewer, len(self.pages)
        self._on[i] = self.pages.index(click.page)
        self._next[i] = (self._on[i] + 1) % n
        self._due[i] = now + self.think_time()


def browse(
    schedule: Schedule,
    switch: Callable[[int, str], float | None],
    busy: Callable[[], bool],
    wait: Callable[[float], None],
    clock: Callable[[], float],
) -> list[Switch]:
    """The viewers click as the schedule says while `busy()` (the reload runs). `switch(viewer, page)`
    clicks and returns the seconds until the page settled (None: no switch made); `wait(seconds)`
    may return early (when the reload ends). A click is never started once `busy()` is false."""
    done: list[Switch] = []
    schedule.start(clock())
    while busy():
        click = schedule.next()
        delay = click.at - clock()
        if delay > 0:
            wait(delay)
            continue
        seconds = switch(click.viewer, click.page)
        schedule.done(click, clock())
        if seconds is not None:
            done.append(Switch(click.viewer, click.page, seconds))
    return done


def by_page(switches: list[Switch]) -> dict[str, list[float]]:
    out: dict[str, list[float]] = {}
    for s in switches:
        out.setdefault(s.page, []).append(s.seconds)
    return out


def short_pages(times: dict[str, list[float]], pages: list[str], samples: int) -> list[str]:
    """The pages with fewer than `samples` switches so far."""
    return [p for p in pages if len(times.get(p, ())) < samples]


def stats(times: dict[str, list[float]]) -> dict:
    """p50/p95 over every switch, and each page's p95 with its number of switches."""
    every = [x for xs in times.values() for x in xs]
    return {
        "n": len(every),
        "p50_s": percentile(every, 0.5),
        "p95_s": percentile(every, 0.95),
        "by_page_p95_s": {k: percentile(v, 0.95) for k, v in times.items() if v},
        "by_page_n": {k: len(v) for k, v in times.items() if v},
    }


def p95_ratios(idle: dict, during: dict) -> dict[str, float]:
    """Each page's switch p95 during the reload ÷ its idle p95 (pages measured in both)."""
    return {
        k: during["by_page_p95_s"][k] / v
        for k, v in idle["by_page_p95_s"].items()
        if k in during["by_page_p95_s"] and v > 0
    }


def merge(*times: dict[str, list[float]]) -> dict[str, list[float]]:
    out: dict[str, list[float]] = {}
    for t in times:
        for k, xs in t.items():
            out.setdefault(k, []).extend(xs)
    return out


def worst(ratios: dict[str, float]) -> tuple[str | None, float]:
    if not ratios:
        return None, math.nan
    k = max(ratios, key=ratios.get)
    return k, ratios[k]
