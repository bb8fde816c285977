"""bench.viewers: the reload bench's viewers (who clicks next, which page, when) and the per-page
statistics its verdict is taken from. A fake clock drives the schedule: no browser, no timing."""

from __future__ import annotations

import pytest

from bench import viewers

PAGES = ["overview", "study", "research", "development", "rectification", "temperature"]


class FakeRun:
    """A reload that ends at `ends`, where every page switch takes `switch_s` seconds."""

    def __init__(self, ends: float, switch_s: float = 1.0, now: float = 100.0):
        self.now, self.ends, self.switch_s, self.clicks = now, ends, switch_s, []

    def clock(self) -> float:
        return self.now

    def busy(self) -> bool:
        return self.now < self.ends

    def wait(self, seconds: float) -> None:  # returns early when the reload ends, like Thread.join
        self.now = min(self.now + seconds, max(self.ends, self.now))

    def switch(self, viewer: int, page: str) -> float:
        self.clicks.append((self.now, viewer, page))
        self.now += self.switch_s
        return self.switch_s


def test_back_to_back_viewers_take_turns_and_stop_when_the_reload_ends():
    run = FakeRun(ends=110.0)
    got = viewers.browse(viewers.Schedule(PAGES, 2, 0.0), run.switch, run.busy, run.wait, run.clock)
    assert [v for _, v, _ in run.clicks] == [0, 1] * 5
    assert len(got) == 10 and all(s.seconds == 1.0 for s in got)
    assert all(t < run.ends for t, _, _ in run.clicks)  # no click started after the end
    # each viewer goes round the pages in order, from its own offset, never onto the page it is on
    assert [p for _, v, p in run.clicks if v == 0] == PAGES[1:6]
    # the second viewer starts half-way round (page 1 + 6 // 2)
    assert [p for _, v, p in run.clicks if v == 1] == PAGES[4:] + PAGES[:3]


def test_a_viewer_reads_each_page_before_the_next_click():
    think = 5.0
    schedule = viewers.Schedule(PAGES, 2, think)
    run = FakeRun(ends=100.0 + 120.0)
    viewers.browse(schedule, run.switch, run.busy, run.wait, run.clock)
    for v in (0, 1):
        times = [t for t, who, _ in run.clicks if who == v]
        gaps = [b - a - run.switch_s for a, b in zip(times, times[1:])]
        assert gaps and all(think * 0.5 - 1e-9 <= g <= think * 1.5 + 1.0 + 1e-9 for g in gaps)
    # the two viewers start half a think time apart, not in step
    assert run.clicks[0][:2] == (100.0, 0) and run.clicks[1][:2] == (102.5, 1)
    # about one click per viewer per (think + switch) seconds
    assert 2 * 120 / (think * 1.5 + 1) <= len(run.clicks) <= 2 * 120 / (think * 0.5 + 1) + 2


def test_the_schedule_is_the_same_every_run_and_carries_on_between_reloads():
    def clicks(schedule, start):
        run = FakeRun(ends=start + 60.0, now=start)
        viewers.browse(schedule, run.switch, run.busy, run.wait, run.clock)
        return [(round(t - start, 6), v, p) for t, v, p in run.clicks]

    assert clicks(viewers.Schedule(PAGES, 2, 5.0), 0.0) == clicks(viewers.Schedule(PAGES, 2, 5.0), 0.0)
    assert clicks(viewers.Schedule(PAGES, 2, 5.0), 0.0) != clicks(
        viewers.Schedule(PAGES, 2, 5.0, seed=3), 0.0
    )
    s = viewers.Schedule(PAGES, 2, 0.0)
    first, second = clicks(s, 0.0), clicks(s, 1000.0)
    last_page_of_viewer0 = [p for _, v, p in first if v == 0][-1]
    following = PAGES[(PAGES.index(last_page_of_viewer0) + 1) % len(PAGES)]
    assert [p for _, v, p in second if v == 0][0] == following


def test_every_page_gets_its_share_of_switches():
    run = FakeRun(ends=100.0 + 600.0)
    got = viewers.browse(viewers.Schedule(PAGES, 2, 5.0), run.switch, run.busy, run.wait, run.clock)
    counts = [len(xs) for xs in viewers.by_page(got).values()]
    assert len(counts) == len(PAGES) and max(counts) - min(counts) <= 2


def test_a_switch_not_made_is_not_counted_and_the_viewer_moves_on():
    run = FakeRun(ends=104.0)
    got = viewers.browse(
        viewers.Schedule(PAGES, 1, 0.0),
        lambda v, p: None if p == "study" else run.switch(v, p),
        run.busy,
        run.wait,
        run.clock,
    )
    assert [s.page for s in got] == ["research", "development", "rectification", "temperature"]


def test_a_reload_shorter_than_the_think_time_gets_the_first_click_only():
    run = FakeRun(ends=101.0)
    got = viewers.browse(viewers.Schedule(PAGES, 2, 30.0), run.switch, run.busy, run.wait, run.clock)
    assert [(s.viewer, s.page) for s in got] == [(0, "study")]


def test_schedule_refuses_what_it_cannot_do():
    for pages, n, think in ((["overview"], 2, 1.0), (PAGES, 0, 1.0), (PAGES, 2, -1.0)):
        with pytest.raises(ValueError):
            viewers.Schedule(pages, n, think)


def test_per_page_statistics_pooling_and_the_pages_still_short_of_samples():
    idle = {"study": [1.0] * 19 + [3.0], "research": [0.5] * 20}
    during = viewers.merge({"study": [1.2] * 10}, {"study": [1.2] * 10, "research": [0.6, 0.6]})
    assert viewers.short_pages(during, ["study", "research", "rankings"], 20) == ["research", "rankings"]
    i, d = viewers.stats(idle), viewers.stats(during)
    assert i["by_page_n"] == {"study": 20, "research": 20} and d["n"] == 22
    # p95 of 20 switches interpolates between the two largest: one slow switch counts 5 %
    assert i["by_page_p95_s"]["study"] == pytest.approx(1.0 + 0.05 * 2.0)
    ratios = viewers.p95_ratios(i, d)
    assert ratios == {"study": pytest.approx(1.2 / 1.1), "research": pytest.approx(1.2)}
    assert viewers.worst(ratios) == ("research", pytest.approx(1.2))
    assert viewers.worst({})[0] is None


def _cpu(**groups):
    return {"wall_s": 10.0, "machine_busy_s": 20.0, "by_group": groups}


def test_the_table_says_what_was_modelled_and_keeps_the_earlier_setting_beside_it():
    from bench import reload_table

    stats = viewers.stats({"study": [1.0] * 20})
    during = viewers.stats({"study": [1.2] * 20})
    first_content = {
        "idle": viewers.stats({"study": [0.1] * 20}),
        "during": viewers.stats({"study": [0.3] * 20}),
        "worst_page": "study",
        "worst_page_p95_ratio": 3.0,
    }
    runs = [{"seconds": 12.0, "cpu_seconds": 24.0, "load_average": 0.5, "switches": 4}]
    rl = {
        "loader_nice": 10,
        "think_s": 5.0,
        "alone": {"seconds": 12.0, "runs": runs},
        "with_viewers": {"seconds": 13.0, "runs": runs},
        "load_ratio": 13 / 12,
        "pair_ratios": [13 / 12],
        "servers_only_ratio": 1.05,
        "cpu_ratio_measured": 1.3,
        "switches_per_reload": 4.0,
        "cpu_alone": _cpu(loader=24.0),
        "cpu_during": _cpu(loader=24.0, dashboards=0.8, chromium=4.0),
        "topup": {"reloads": 2, "switches": 50, "runs": runs},
        "idle": stats,
        "during": during,
        "worst_page": "study",
        "worst_page_p95_ratio": 1.2,
        "first_content": first_content,
        "second_process_switches": 20,
        "exceptions": 0,
        "continuity": {
            "alone": {"seconds": 12.0},
            "with_viewers": {"seconds": 26.0},
            "load_ratio": 26 / 12,
            "servers_only_ratio": 1.2,
            "during": during,
            "worst_page": "study",
            "worst_page_p95_ratio": 1.2,
            "cpu_during": _cpu(loader=24.0, chromium=25.0),
            "first_content": first_content,
        },
    }
    rows = reload_table.rows(rl, {"reload_with_viewers": 1.2, "page_p95_during_reload": 1.5}, str)
    text = "\n".join(" | ".join(r) for r in rows)
    assert "loader nice 10, viewers think 5 s" in text and "load avg 0.5" in text
    assert "servers only" in text and "1.05×" in text
    assert "pooled over 1 viewed reloads + 2 with back-to-back clicks" in text
    assert "during ≥ 20" in text  # the samples behind each page's p95
    assert "per switch: dashboards 0.20, Chromium 1.00" in text  # 4 switches
    assert "earlier rounds' setting" in text and "2.17×" in text
    # the earlier end of a switch (its first content) is printed beside, for the new setting and the old
    first = [r for r in rows if "timed to the first content" in r[0]]
    assert len(first) == 2 and all("worst page study 3.00×" in r[1] and not r[3] for r in first)
    assert reload_table.rows({"error": "boom"}, {}, str)[0][1] == "boom"
