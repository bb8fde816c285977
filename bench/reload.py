"""A province reload while viewers browse (issue 17), part `reload` of `make bench`.

A warehouse holding the corpus's first week is the starting point. The reload (`python -m etl load`
of the whole corpus: every other week) is timed twice from a copy of it: alone, and while two
dashboard processes (`streamlit run`, as behind a reverse proxy) serve one Chromium tab each, both
clicking through every page until the load ends. Before the load, the same tabs click through
every page `rounds` times: the idle switch times each page is compared with.

The CPU time of each process group (the loader with its parse workers, the two dashboard servers,
Chromium, Playwright's driver, the rest of the machine) is sampled from /proc during the load alone,
the idle switches and the load with viewers (bench.cpu): on this 2-core machine the viewers' browser
tabs run on the same cores as the server, which a real viewer's browser does not.
`loader_nice` runs the loader under `nice -n N` (a deployment choice, docs/operations.md).
"""

from __future__ import annotations

import shutil
import threading
import time
from pathlib import Path

from etl import snapshot

from . import browser, cpu
from .proc import PYTHON, run_measured
from .queries import percentile


def _fresh(path: Path) -> Path:
    for p in (path, path.with_name(path.name + ".wal")):
        p.unlink(missing_ok=True)
    return path


def _load(files, db: Path, env: dict, nice: int = 0):
    prefix = ["nice", "-n", str(nice)] if nice else []
    r = run_measured([*prefix, PYTHON, "-m", "etl", "load", *map(str, files), "--db", str(db)], env=env)
    if r.returncode not in (0, 1):
        raise RuntimeError(f"etl load failed ({r.returncode}): {r.stderr[-2000:]}")
    return r


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


def _stats(times: dict[str, list[float]]) -> dict:
    every = [x for xs in times.values() for x in xs]
    return {
        "n": len(every),
        "p50_s": percentile(every, 0.5),
        "p95_s": percentile(every, 0.95),
        "by_page_p95_s": {k: percentile(v, 0.95) for k, v in times.items() if v},
    }


def measure(
    corpus, db_dir: Path, rounds: int = 3, log=print, timeout: float = 120.0, loader_nice: int = 0
) -> dict:
    from playwright.sync_api import sync_playwright

    env = corpus.env
    first_week = corpus.manifest["weeks"][0]
    base = _fresh(db_dir / "reload_base.duckdb")
    log(f"  reload: a warehouse holding {first_week}")
    _load(corpus.week_files(first_week), base, env)
    out: dict = {"first_week": first_week, "loader_nice": loader_nice}

    alone = _fresh(db_dir / "reload_alone.duckdb")
    shutil.copyfile(base, alone)
    log("  reload: the load alone")
    with cpu.Sampler(_classifier(())) as cpu_alone:
        r = _load([corpus.files], alone, env, loader_nice)
    out["cpu_alone"] = cpu_alone.result()
    out["alone"] = {"seconds": r.seconds, "cpu_seconds": r.cpu_seconds}

    viewed = _fresh(db_dir / "reload_viewed.duckdb")
    shutil.copyfile(base, viewed)
    # its first snapshot, as the load into `base` left one (a snapshot is made per warehouse file)
    run_measured(
        [
            PYTHON,
            "-c",
            "import sys; from etl.warehouse_reader import publish_now; publish_now(sys.argv[1])",
            str(viewed),
        ],
        env=env,
    )
    server_env = {**env, "DISPATCH_DB": str(viewed)}
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
                tabs = []
                for port in ports:
                    tab = chromium.new_page(viewport={"width": 1600, "height": 1000})
                    tab.goto(
                        f"http://127.0.0.1:{port}/", wait_until="domcontentloaded", timeout=timeout * 1000
                    )
                    tab.locator(browser.RENDERED).first.wait_for(state="visible", timeout=timeout * 1000)
                    hrefs = []
                    for a in tab.locator(browser.NAV_LINKS).all():
                        h = a.get_attribute("href")
                        if h and h not in hrefs:
                            hrefs.append(h)
                    tabs.append((tab, hrefs))
                log("  reload: idle page switches on both dashboards")
                idle: dict[str, list[float]] = {}
                classify = _classifier([s.pid for s in servers])
                with cpu.Sampler(classify) as cpu_idle:
                    for _ in range(rounds):
                        for tab, hrefs in tabs:
                            for k, xs in browser.switch_pages(tab, hrefs, 1)["by_page"].items():
                                idle.setdefault(k, []).extend(xs)
                out["cpu_idle_switches"] = cpu_idle.result()
                log("  reload: the load while both dashboards switch pages")
                result: dict = {}
                loader = threading.Thread(
                    target=lambda: result.setdefault("r", _load([corpus.files], viewed, env, loader_nice))
                )
                during: list[dict[str, list[float]]] = [{}, {}]
                exceptions = 0
                with cpu.Sampler(classify) as cpu_during:
                    loader.start()
                    step = 0
                    while loader.is_alive():  # the two tabs take turns, one page switch each
                        for i, (tab, hrefs) in enumerate(tabs):
                            sw = browser.switch_pages(tab, [hrefs[step % len(hrefs)]], 1)
                            exceptions += sw["exceptions"]
                            for k, xs in sw["by_page"].items():
                                during[i].setdefault(k, []).extend(xs)
                        step += 1
                    loader.join()
                out["cpu_during"] = cpu_during.result()
            finally:
                chromium.close()
    finally:
        for server in servers:
            browser.stop_server(server)
    r = result["r"]
    out["with_viewers"] = {"seconds": r.seconds, "cpu_seconds": r.cpu_seconds}
    out["load_ratio"] = r.seconds / out["alone"]["seconds"]
    both: dict[str, list[float]] = {}
    for d in during:
        for k, xs in d.items():
            both.setdefault(k, []).extend(xs)
    out["idle"] = _stats(idle)
    out["during"] = _stats(both)
    out["second_process_switches"] = sum(len(xs) for xs in during[1].values())
    out["exceptions"] = exceptions
    ratios = {
        k: out["during"]["by_page_p95_s"][k] / v
        for k, v in out["idle"]["by_page_p95_s"].items()
        if k in out["during"]["by_page_p95_s"] and v > 0
    }
    out["page_p95_ratio_by_page"] = ratios
    out["worst_page_p95_ratio"] = max(ratios.values(), default=float("nan"))
    for p in (base, alone, viewed):
        _fresh(p)
        for _, snap in snapshot.published(p):
            snap.unlink(missing_ok=True)
    return out
