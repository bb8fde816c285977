"""app.chart_images: charts drawn without a browser, half of them in a second process (ChartHelper),
with the same pictures as when drawn in one process, and every chart drawn even when the helper fails."""

from __future__ import annotations

import json

import altair as alt
import pandas as pd

from app import chart_images


def _jobs() -> dict:
    data = pd.DataFrame({"县": ["北江区", "白石县", "丰源市"], "得分": [76.7, 76.4, 75.4]})
    bars = alt.Chart(data).mark_bar().encode(x="得分:Q", y="县:N")
    dots = alt.Chart(data).mark_point().encode(x="得分:Q", y="县:N")
    return {
        "bars": (lambda: bars, 400),
        "dots": (lambda: dots, 300),
        "again": (lambda: bars, 400),
        "none": (lambda: None, 400),
    }


def _expected(jobs: dict) -> dict:
    return {k: chart_images.chart_png(b(), w) if b() is not None else None for k, (b, w) in jobs.items()}


def test_the_helper_draws_the_same_pictures():
    jobs = _jobs()
    with chart_images.ChartHelper(chart_images.find_cjk_font()) as helper:
        drawn = chart_images.render_many(jobs, helper=helper)
        log = (helper.out / "worker.log").read_text(encoding="utf-8", errors="replace")
        # it ran to the end without a failed chart (which charts it drew depends on timing)
        assert (helper.proc.returncode, log) == (0, "")
    assert drawn == _expected(jobs)
    assert drawn["again"] == drawn["bars"] and drawn["none"] is None


def test_the_helper_draws_what_this_process_does_not_take():
    jobs = _jobs()
    specs = {
        k: json.dumps(chart_images.static_spec(b(), w), sort_keys=True) for k, (b, w) in jobs.items() if b()
    }
    with chart_images.ChartHelper(chart_images.find_cjk_font()) as helper:
        helper.put("c0", specs["bars"], 1.5)
        helper.put("c1", specs["dots"], 1.5)
        helper.finish()
        drawn = helper.collect(["c0", "c1"])  # nothing taken here: the helper drew both
        assert not helper.take("c0")  # and a chart the helper has is not drawn twice
    expected = _expected(jobs)
    assert drawn == {"c0": expected["bars"], "c1": expected["dots"]}


def test_charts_are_drawn_here_when_the_helper_has_died():
    jobs = _jobs()
    with chart_images.ChartHelper(chart_images.find_cjk_font()) as helper:
        helper.proc.kill()
        helper.proc.wait()
        drawn = chart_images.render_many(jobs, helper=helper)
    assert drawn == _expected(jobs)


def test_the_cut_font_draws_the_same_pixels_as_the_whole_font():
    # negative numbers (d3's minus sign), a label cut at its limit (Vega's ellipsis), bold titles
    data = pd.DataFrame({"县": ["北江区", "一个名字很长很长很长的县", "丰源市"], "温差": [-12.5, 3.25, 0.0]})
    chart = (
        alt.Chart(data, title="上热下冷")
        .mark_bar()
        .encode(x=alt.X("温差:Q", title="县级与村级之差"), y=alt.Y("县:N", axis=alt.Axis(labelLimit=60)))
    )
    jobs = {"chart": (lambda: chart, 400)}
    assert chart_images.render_many(jobs) == _expected(jobs)


def test_the_cut_font_is_a_family_of_its_own():
    from app.font_subset import subset_font

    font = chart_images.find_cjk_font()
    folder, family = subset_font(font, "北江区")
    assert family != font.family and all(not w[0].isdigit() for w in family.split())
    assert sorted(p.name for p in folder.iterdir()) == ["Bold.otf", "Regular.otf"]
    assert subset_font(font, "区江北") == (folder, family)  # made once per set of characters
