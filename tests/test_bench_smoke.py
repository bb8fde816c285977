"""The benchmark cannot rot: `python -m bench.run --quick` (a tiny corpus) runs every part and writes
its results. CI does not run the full province benchmark (`make bench`)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.slow
def test_bench_quick_runs_every_part(tmp_path):
    from bench.browser import chromium_path

    out = tmp_path / "results.json"
    args = [
        sys.executable,
        "-m",
        "bench.run",
        "--quick",
        "--load-runs",
        "2",
        "--out",
        str(out),
        "--db-dir",
        str(tmp_path),
    ]
    if chromium_path() is None and not os.environ.get("CI"):
        args.append("--no-browser")  # CI installs chromium (.ci/run); a bare dev machine may not have it
    r = subprocess.run(
        args,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    assert r.returncode == 0, r.stderr[-3000:]
    res = json.loads(out.read_text(encoding="utf-8"))
    assert res["machine"]["cores"] and res["machine"]["duckdb"]
    load = res["load"]
    assert load["unit_rows"] > 0 and load["outcomes"].get("rejected", 0) == 0
    assert load["bare_read"]["files"] == load["files"] and load["pandas"]["files"] == load["files"]
    # the best of the repeated runs is the figure, and the table shows their range
    assert len(load["runs"]) == len(load["bare_read"]["runs"]) == 2
    assert load["seconds"] == min(run["seconds"] for run in load["runs"])
    assert "best of 2:" in r.stdout
    assert res["city_week"]["files"] == 11
    by_page = res["queries"]["by_page"]
    assert "etl.scoring.ranking" in by_page and by_page["etl.scoring.ranking"]["count"] > 0
    assert not [
        s
        for p in by_page.values()
        if isinstance(p, dict) and "statements" in p
        for s in p["statements"]
        if s["error"] and "SELECT" in s["sql"][:20].upper()
    ]
    pages = res["pages"]
    assert "error" not in pages, pages.get("error")
    for p in pages["pages"]:
        assert not p["errors"], (p["path"], p["errors"])
        assert f"{p['path']}" in by_page or p["statements"] == 0
    assert len(load["bare_read_two_processes"]["runs"]) == 2 and load["ratio_vs_two_process_read"] > 0
    if "--no-browser" not in args:
        assert "first_render_seconds" in res["browser"], res["browser"]
        switch = res["browser"]["switch"]
        assert switch["n"] >= len(pages["pages"]) - 1 and switch["exceptions"] == 0
        assert 0 < switch["first_content_p95_s"] and "to the first content" in r.stdout
        reload = res["reload"]
        assert "error" not in reload, reload.get("error")
        assert reload["alone"]["seconds"] > 0 and reload["with_viewers"]["seconds"] > 0
        assert "second_process_switches" in reload and reload["exceptions"] == 0
        assert reload["loader_nice"] == 10 and reload["think_s"] > 0
        assert reload["continuity"]["load_ratio"] > 0 and "earlier rounds' setting" in r.stdout
        assert reload["first_content"]["during"]["n"] == reload["during"]["n"]
    assert res["exports"]["in_process"]["xlsx"]["bytes"] > 0
    bulletin = res["bulletin"]
    assert "error" not in bulletin, bulletin.get("error")
    assert sorted(n.rsplit(".", 1)[-1] for n in bulletin["files"]) == ["docx", "pdf", "xlsx"]
    assert bulletin["in_process"]["seconds"] > 0 and "weekly documents" in r.stdout
    assert res["table"] and all(len(row) == 4 for row in res["table"])
    assert "load ÷ bare read" in r.stdout


def test_page_list_follows_the_dashboard_navigation(tmp_path):
    from bench.pages import page_list

    dash = tmp_path / "dashboard.py"
    dash.write_text(
        'PAGES = [("a", "pages/overview.py", "总览", "x"), ("b", "pages/nope.py", "无", "y")]\n'
        'st.Page("pages/rankings.py", title="排名")\n',
        encoding="utf-8",
    )
    got = page_list(dash)
    paths = [p["path"] for p in got]
    # files that exist, in source order; a listed page without its file is skipped
    expected = [p for p in ("pages/overview.py", "pages/rankings.py") if (ROOT / p).exists()]
    assert paths == expected
    if expected and expected[0] == "pages/overview.py":
        assert got[0]["title"] == "总览"
