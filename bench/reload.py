"""A province reload while viewers browse, part `reload` of `make bench`.

A warehouse holding the corpus's first week is the starting point; two dashboard processes
(`streamlit run`, as behind a reverse proxy) serve its published snapshot to one Chromium tab each,
as they serve the last published snapshot while the office reloads. Every reload (`python -m etl
load` of the whole corpus: every other week) writes a fresh copy of that warehouse, so the repeats
start alike and the dashboards' caches stay warm.

What the bench models (docs/performance.md, "Viewers during a reload"):
- the loader runs under `nice -n loader_nice` (10 by default), as docs/operations.md "Priorities"
  recommends for a server shared with viewers;
- the viewers read a page before the next click (`think` seconds on average, bench.viewers);
- `repeats` pairs of (the reload alone, the reload with viewers): the ratio is best ÷ best, each
  pair's own ratio is kept;
- the switch times during the reload are pooled over every viewed reload with that loader; when a
  page has fewer than `page_samples` of them, further reloads follow with the viewers clicking back
  to back until it has (at most `topup_limit` reloads). The idle reference: `page_samples` switches
  of every page, in rounds spread between the pairs.
- for continuity with the earlier rounds, one more pair as they were measured: the loader at normal
  priority and the viewers clicking back to back.

The CPU time of each process group (the loader with its parse workers, the two dashboard servers,
Chromium, Playwright's driver, the rest of the machine) is sampled from /proc in every phase
(bench.cpu): on this 2-core machine the bench's Chromium runs on the server's cores, which a real
viewer's browser does not, so the servers-only figure is derived beside the measured one.
"""

from __future__ import annotations

import math
import os
import shutil
import threading
import time
from pathlib import Path

from etl import snapshot

from . import browser, cpu, viewers
from .proc import PYTHON, run_measured


def _fresh(path: Path) -> Path:
    for p in (path, path.with_name(path.name + ".wal")):
        p.unlink(missing_ok=True)
    for _, snap in snapshot.published(path):
        snap.unlink(missing_ok=True)
    return path


def _load(files, db: Path, env: dict, nice: int = 0):
    prefix = ["nice", "-n", str(nice)] if nice else []
    r = run_measured([*prefix, PYTHON, "-m", "etl", "load", *map(str, files), "--db", str(db)], env=env)
    if r.returncode not in (0, 1):
        raise RuntimeError(f"etl load failed ({r.returncode}): {r.stderr[-2000:]}")
    return r


def _load_average() -> dict:
    return {"load_average": round(os.getloadavg()[0], 2)}


def _classifier(server_pids) -> object:
    """Groups for the CPU sampler: the loader (etl load and its parse workers), the dashboard
    servers, Chromium (every process of the headless browser), Playwright's driver."""
    servers = set(server_pids)
    return cpu.ancestry_classifier(
        [
            ("loader", lambda pid, cmd: " -m etl load " in cmd),
            ("dashboards", lambda pid, cmd: pid in servers),
            ("chromium", lambda pid, cmd: "chromium" in cmd),
            ("playwright", lambda pid, cmd: "playwright" in cmd),
        ]
    )


class _Bench:
    """The reloads and the viewers' tabs of one measurement."""

    def __init__(self, corpus, base: Path, target: Path, tabs, classify, log):
        self.corpus, self.base, self.target, self.tabs = corpus, base, target, tabs
        self.classify, self.log = classify, log
        self.pages = [browser.page_key(h) for h in tabs[0][1]]
        self.exceptions = 0
        self.first_content: dict[str, list[float]] = {}  # the switches' first content (browser.py)

    def _copy(self) -> Path:
        shutil.copyfile(self.base, _fresh(self.target))
        return self.target

    def alone(self, nice: int) -> dict:
        db = self._copy()
        with cpu.Sampler(self.classify) as s:
            r = _load([self.corpus.files], db, self.corpus.env, nice)
        return {"seconds": r.seconds, "cpu_seconds": r.cpu_seconds, "cpu": s.result(), **_load_average()}

    def _switch(self, viewer: int, page: str) -> float | None:
        tab, hrefs = self.tabs[viewer]
        sw = browser.switch_pages(tab, [hrefs[self.pages.index(page)]], 1)
        self.exceptions += sw["exceptions"]
        self.first_content = viewers.merge(self.first_content, sw["first_content_by_page"])
        times = [x for xs in sw["by_page"].values() for x in xs]
        return times[0] if times else None

    def idle_round(self) -> tuple[dict[str, list[float]], dict[str, list[float]]]:
        """Every tab through every page once, back to back (the idle reference): the switches'
        times until finished and until their first content."""
        out: dict[str, list[float]] = {}
        first: dict[str, list[float]] = {}
        for tab, hrefs in self.tabs:
            sw = browser.switch_pages(tab, hrefs, 1)
            self.exceptions += sw["exceptions"]
            out = viewers.merge(out, sw["by_page"])
            first = viewers.merge(first, sw["first_content_by_page"])
        return out, first

    def viewed(self, schedule: viewers.Schedule, nice: int) -> dict:
        db = self._copy()
        result: dict = {}
        self.first_content = {}
        loader = threading.Thread(
            target=lambda: result.setdefault("r", _load([self.corpus.files], db, self.corpus.env, nice))
        )
        with cpu.Sampler(self.classify) as s:
            loader.start()
            switches = viewers.browse(
                schedule, self._switch, loader.is_alive, lambda t: loader.join(t), time.perf_counter
            )
            loader.join()
        if "r" not in result:
            raise RuntimeError("etl load failed during the viewed reload")
        r = result["r"]
        return {
            "seconds": r.seconds,
            "cpu_seconds": r.cpu_seconds,
            "cpu": s.result(),
            **_load_average(),
            "switches": len(switches),
            "second_process_switches": sum(1 for x in switches if x.viewer == 1),
            "times": viewers.by_page(switches),
            "first_content": self.first_content,
        }


def _first_content(idle: dict, during: dict) -> dict:
    """The switches timed to their first content, as rounds 1–4 timed them (bench.browser)."""
    out = {"idle": viewers.stats(idle), "during": viewers.stats(during)}
    out["page_p95_ratio_by_page"] = viewers.p95_ratios(out["idle"], out["during"])
    out["worst_page"], out["worst_page_p95_ratio"] = viewers.worst(out["page_p95_ratio_by_page"])
    return out


def _pair_summary(alone: list[dict], viewed: list[dict]) -> dict:
    best_alone, best_viewed = min(x["seconds"] for x in alone), min(x["seconds"] for x in viewed)
    cpu_alone, cpu_viewed = cpu.total([x["cpu"] for x in alone]), cpu.total([x["cpu"] for x in viewed])
    la, gv = cpu_alone["by_group"].get("loader", 0.0), cpu_viewed["by_group"]
    servers = gv.get("loader", 0.0) + gv.get("dashboards", 0.0)
    return {
        "alone": {
            "seconds": best_alone,
            "runs": [{k: x[k] for k in ("seconds", "cpu_seconds", "load_average")} for x in alone],
        },
        "with_viewers": {
            "seconds": best_viewed,
            "runs": [
                {k: x[k] for k in ("seconds", "cpu_seconds", "load_average", "switches")} for x in viewed
            ],
        },
        "load_ratio": best_viewed / best_alone,
        "pair_ratios": [v["seconds"] / a["seconds"] for a, v in zip(alone, viewed)],
        # the servers only (loader + dashboards, as if the browsers ran elsewhere), from CPU time:
        # a reload keeps both cores busy, so its wall time follows the CPU it has to share them with
        "servers_only_ratio": servers / la if la else math.nan,
        "cpu_ratio_measured": (sum(gv.get(k, 0.0) for k in gv if k != "other") / la) if la else math.nan,
        "cpu_alone": cpu_alone,
        "cpu_during": cpu_viewed,
        "switches_per_reload": sum(x["switches"] for x in viewed) / len(viewed),
    }


def measure(
    corpus,
    db_dir: Path,
    rounds: int = 3,
    log=print,
    timeout: float = 120.0,
    loader_nice: int = 10,
    think: float = 5.0,
    repeats: int = 3,
    page_samples: int = 20,
    topup_limit: int = 8,
) -> dict:
    from playwright.sync_api import sync_playwright

    env = corpus.env
    first_week = corpus.manifest["weeks"][0]
    base = _fresh(db_dir / "reload_base.duckdb")
    log(f"  reload: a warehouse holding {first_week}")
    _load(corpus.week_files(first_week), base, env)
    served = _fresh(db_dir / "reload_served.duckdb")
    shutil.copyfile(base, served)
    run_measured(  # the snapshot the dashboards serve throughout
        [
            PYTHON,
            "-c",
            "import sys; from etl.warehouse_reader import publish_now; publish_now(sys.argv[1])",
            str(served),
        ],
        env=env,
    )
    target = db_dir / "reload_target.duckdb"
    out: dict = {
        "first_week": first_week,
        "loader_nice": loader_nice,
        "think_s": think,
        "repeats": repeats,
        "page_samples": page_samples,
    }
    server_env = {**env, "DISPATCH_DB": str(served)}
    ports = [browser.free_port(), browser.free_port()]
    servers = [browser.start_server(server_env, port) for port in ports]
    try:
        started = time.perf_counter()
        for server, port in zip(servers, ports):
            browser.wait_port(server, port, started, timeout)
        with sync_playwright() as pw:
            chromium = pw.chromium.launch(
                executable_path=browser.chromium_path(), args=browser.CHROMIUM_ARGS, headless=True
            )
            try:
                tabs = [_open_tab(chromium, port, timeout) for port in ports]
                b = _Bench(corpus, base, target, tabs, _classifier([s.pid for s in servers]), log)
                out.update(_run(b, rounds, loader_nice, think, repeats, page_samples, topup_limit, log))
            finally:
                chromium.close()
    finally:
        for server in servers:
            browser.stop_server(server)
    for p in (base, served, target):
        _fresh(p)
    return out


def _open_tab(chromium, port: int, timeout: float):
    tab = chromium.new_page(viewport={"width": 1600, "height": 1000})
    tab.goto(f"http://127.0.0.1:{port}/", wait_until="domcontentloaded", timeout=timeout * 1000)
    tab.locator(browser.RENDERED).first.wait_for(state="visible", timeout=timeout * 1000)
    return tab, browser.nav_hrefs(tab)


def _run(b: _Bench, rounds, nice, think, repeats, page_samples, topup_limit, log) -> dict:
    out: dict = {}
    log("  reload: every page once on both dashboards (warming their caches)")
    b.idle_round()
    # idle rounds: each gives every page two switches (one per tab), spread between the pairs
    idle_rounds = max(rounds, math.ceil(page_samples / len(b.tabs)))
    per_pair = [idle_rounds // repeats + (1 if k < idle_rounds % repeats else 0) for k in range(repeats)]
    idle: dict[str, list[float]] = {}
    idle_first: dict[str, list[float]] = {}
    cpu_idle: list[dict] = []
    alone, viewed = [], []
    schedule = viewers.Schedule(b.pages, len(b.tabs), think)
    for k in range(repeats):
        log(f"  reload {k + 1}/{repeats}: {per_pair[k]} idle rounds of page switches")
        with cpu.Sampler(b.classify) as s:
            for _ in range(per_pair[k]):
                times, first = b.idle_round()
                idle, idle_first = viewers.merge(idle, times), viewers.merge(idle_first, first)
        cpu_idle.append(s.result())
        log(f"  reload {k + 1}/{repeats}: the load alone (nice {nice})")
        alone.append(b.alone(nice))
        log(f"  reload {k + 1}/{repeats}: the load while the viewers browse (think {think} s)")
        viewed.append(b.viewed(schedule, nice))
    out.update(_pair_summary(alone, viewed))
    out["cpu_idle_switches"] = cpu.total(cpu_idle)
    during = viewers.merge(*(v["times"] for v in viewed))
    during_first = viewers.merge(*(v["first_content"] for v in viewed))
    topup: list[dict] = []
    back_to_back = viewers.Schedule(b.pages, len(b.tabs), 0.0)
    while viewers.short_pages(during, b.pages, page_samples) and len(topup) < topup_limit:
        short = viewers.short_pages(during, b.pages, page_samples)
        log(f"  reload: {len(short)} pages under {page_samples} switches: a reload with back-to-back clicks")
        topup.append(b.viewed(back_to_back, nice))
        during = viewers.merge(during, topup[-1]["times"])
        during_first = viewers.merge(during_first, topup[-1]["first_content"])
    out["topup"] = {
        "reloads": len(topup),
        "switches": sum(x["switches"] for x in topup),
        "runs": [{k: x[k] for k in ("seconds", "cpu_seconds", "load_average", "switches")} for x in topup],
    }
    if topup:
        out["cpu_topup"] = cpu.total([x["cpu"] for x in topup])
    out["idle"] = viewers.stats(idle)
    out["during"] = viewers.stats(during)
    out["page_p95_ratio_by_page"] = viewers.p95_ratios(out["idle"], out["during"])
    out["worst_page"], out["worst_page_p95_ratio"] = viewers.worst(out["page_p95_ratio_by_page"])
    out["first_content"] = _first_content(idle_first, during_first)
    out["second_process_switches"] = sum(v["second_process_switches"] for v in viewed + topup)
    log("  reload: as the earlier rounds measured it (loader at normal priority, back-to-back clicks)")
    old_alone = b.alone(0)
    old_viewed = b.viewed(viewers.Schedule(b.pages, len(b.tabs), 0.0), 0)
    cont = _pair_summary([old_alone], [old_viewed])
    cont["during"] = viewers.stats(old_viewed["times"])
    cont["page_p95_ratio_by_page"] = viewers.p95_ratios(out["idle"], cont["during"])
    cont["worst_page"], cont["worst_page_p95_ratio"] = viewers.worst(cont["page_p95_ratio_by_page"])
    cont["first_content"] = _first_content(idle_first, old_viewed["first_content"])
    out["continuity"] = cont
    out["exceptions"] = b.exceptions
    return out
