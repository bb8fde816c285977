"""app.chart_images: charts drawn without a browser, shared with helper processes (ChartHelper), with
the same pictures as when drawn in one process in the whole font, and every chart drawn even when the
helpers fail."""

from __future__ import annotations

import json
import shutil

import altair as alt
import pandas as pd
import pytest

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


@pytest.mark.parametrize("processes", [1, 2])
def test_the_helpers_draw_the_same_pictures(processes):
    jobs = _jobs()
    with chart_images.ChartHelper(chart_images.find_cjk_font(), processes) as helper:
        drawn = chart_images.render_many(jobs, helper=helper)
        log = (helper.out / "worker.log").read_text(encoding="utf-8", errors="replace")
        # they ran to the end without a failed chart (which charts each drew depends on timing)
        assert ([p.returncode for p in helper.procs], log) == ([0] * processes, "")
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


@pytest.mark.parametrize("processes", [1, 2])
def test_charts_are_drawn_here_when_the_helpers_have_died(processes):
    jobs = _jobs()
    with chart_images.ChartHelper(chart_images.find_cjk_font(), processes) as helper:
        for proc in helper.procs:
            proc.kill()
            proc.wait()
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


def test_the_cut_font_is_a_family_of_its_own_kept_in_the_cache(tmp_path, monkeypatch):
    from app import font_subset

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    font = chart_images.find_cjk_font()
    folder, family = font_subset.subset_font(font, "北江区")
    assert family != font.family and all(not w[0].isdigit() for w in family.split())
    assert folder.parent == tmp_path / "dispatch-dashboard" / "cjk-fonts"
    assert sorted(p.name for p in folder.iterdir()) == ["Bold.otf", "Regular.otf"]

    def no_cutting(*args):
        raise AssertionError("cut again")

    with monkeypatch.context() as m:
        m.setattr(font_subset, "_cut", no_cutting)
        assert font_subset.subset_font(font, "区江北") == (folder, family)  # the same characters
    shutil.rmtree(folder)  # a cache folder deleted: made again, under the same name
    assert font_subset.subset_font(font, "北江区") == (folder, family) and folder.is_dir()


def test_pictures_asked_for_while_the_helpers_draw():
    # each picture is the helpers' file, or drawn here when still queued: the same PNG either way
    jobs = _jobs()
    with chart_images.ChartHelper(chart_images.find_cjk_font(), 2) as helper:
        drawing = chart_images.queue_charts(jobs, helper=helper)
        assert drawing.picture("none") is None
        got = {k: chart_images.png_of(drawing.picture(k)) for k in reversed(list(jobs))}
    assert got == _expected(jobs)
