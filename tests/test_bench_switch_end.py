"""bench.browser: when a page switch counts as finished. A fake page plays back what the browser shows
at each moment, on a fake clock: no browser, no timing."""

from __future__ import annotations

import pytest

from bench import browser


class FakePage:
    """A switch from 总览 to 理论学习 as Streamlit shows it: `states` are (from time, title, running
    indicator shown, stale element, script state); each poll's wait moves the clock on."""

    def __init__(self, clock: list[float], states):
        self.clock, self.states, self.painted = clock, states, 0

    def _now(self):
        return [s for s in self.states if s[0] <= self.clock[0]][-1][1:]

    def evaluate(self, js):
        if js == browser.PAINTED_JS:  # a frame is drawn 16 ms later
            self.painted += 1
            self.clock[0] += 0.016
            return True
        assert js == browser.STATE_JS
        return list(self._now())

    def wait_for_timeout(self, ms):
        self.clock[0] += ms / 1000


@pytest.fixture
def clock(monkeypatch):
    now = [0.0]
    monkeypatch.setattr(browser.time, "perf_counter", lambda: now[0])
    return now


# (from time, title, running indicator, stale element, script state) as a switch from 总览 shows them
QUICK_TITLE = [  # the title at once, no indicator (it waits before showing), the script until 0.40 s
    (0.0, "总览", False, True, "rerunRequested"),
    (0.05, "理论学习", False, False, "running"),
    (0.40, "理论学习", False, False, "notRunning"),
]
STALE = [  # the script is done at 0.10 s but the old page's elements stay stale until 0.70 s
    (0.0, "总览", False, False, "running"),
    (0.10, "理论学习", False, True, "notRunning"),
    (0.70, "理论学习", False, False, "notRunning"),
]
RERUN = [  # it seems done at 0.10 s, then runs again (a rerun the page asked for) until 0.90 s
    (0.0, "总览", False, False, "running"),
    (0.10, "理论学习", False, False, "notRunning"),
    (0.20, "理论学习", True, False, "running"),
    (0.90, "理论学习", False, False, "notRunning"),
]
FRAME = 0.016  # the fake page draws a frame 16 ms after it is asked


@pytest.mark.parametrize(
    "states, first, finished",
    [
        (QUICK_TITLE, 0.05, 0.40 + FRAME),  # rounds 1–4 counted 0.05 s
        (STALE, 0.70, 0.70 + FRAME),
        (RERUN, 0.90, 0.90 + FRAME),
    ],
    ids=["title-before-the-script-ends", "stale-elements", "a-second-run"],
)
def test_a_switch_ends_when_the_script_has_finished_and_a_frame_is_drawn(clock, states, first, finished):
    page = FakePage(clock, states)
    got_finished, got_first = browser._settled_at(page, "总览", timeout=10)
    assert got_first == pytest.approx(first, abs=FRAME)
    assert got_finished == pytest.approx(finished, abs=FRAME)
    assert page.painted >= 1


def test_a_page_that_never_finishes_is_an_error_not_a_time(clock):
    page = FakePage(clock, [(0.0, "理论学习", False, False, "running")])
    with pytest.raises(TimeoutError):
        browser._settled_at(page, "总览", timeout=2)
