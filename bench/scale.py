"""`make bench-scale` / `python -m bench.scale`: the cost curve from one province to thirty.

  python -m bench.scale                    1×, 10× and 30× a province (≈ 0.8 M, 8 M, 24 M unit rows)
  python -m bench.scale --factors 1,3      other sizes
  python -m bench.scale --table-only       the table of the last run again (and the plot)

For each size, a warehouse generated straight into DuckDB (bench.scale_build), then:
- the full refresh of the stored scores and the first published snapshot;
- one city week (the 10 counties of the configured city) written as the loader writes a load, the
  refresh of the stored scores after it, and the snapshot published after it (by file copy after
  CHECKPOINT, and by ATTACH + COPY FROM DATABASE, for comparison);
- every page's statements (recorded while AppTest renders each page) timed on the newest snapshot,
  p50/p95 over --runs runs;
- `streamlit run` in headless Chromium: the cold start to the rendered overview, page-to-page
  switches, and the server's RSS after every page;
- the sizes of the warehouse and the snapshot.
Each warehouse is removed after its size is measured (--keep keeps them). Writes
bench/scale-results.json and docs/scale.svg (time against unit rows, log-log).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

from etl.config import PROJECT_ROOT

from . import scale_build as sb
from .proc import PYTHON, machine_info, run_measured

BENCH = Path(__file__).resolve().parent
WORK = BENCH / "corpus" / "scale"
RESULTS = BENCH / "scale-results.json"
PLOT = PROJECT_ROOT / "docs" / "scale.svg"
TARGETS = {  # factor → every page statement's p95 (ms); refresh and publish (s)
    "query_p95_ms": {10: 100.0, 30: 300.0},
    "refresh_s": {10: 2.0},
    "publish_s": {1: 2.0},
}


def log(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


def _uptime() -> list[float]:
    return [round(x, 2) for x in os.getloadavg()]


def measure_writes(db: Path, factor: int, attach: bool = True) -> dict:
    """Full refresh + first snapshot, then the city week: write, refresh, publish (two ways)."""
    from etl import materialise, snapshot
    from etl.packed_rows import pack
    from etl.store import Batch
    from etl.warehouse import open_warehouse

    config, _ = sb.scaled_config(sb.province_config()[0], factor)
    out: dict = {"load_average_before": _uptime()}
    con = open_warehouse(db, config)
    try:
        t = time.perf_counter()
        assert materialise.refresh(con, force=True)
        out["full_refresh_s"] = time.perf_counter() - t
        _, out["first_publish_s"] = snapshot.timed_publish(con, db)
        files, _ = sb.held_back_week()
        t = time.perf_counter()
        con.execute("BEGIN TRANSACTION")
        batch = Batch(
            con, "scale-bench", counties=[r.county for r, _, _ in files], catalogue=config.catalogue
        )
        for report, table, data in files:
            batch.add_archive(report.sha256, data)
            batch.add_submission(report, pack(table, config.catalogue, "调度表"))
            batch.add_log(report)
        batch.flush()
        con.execute("COMMIT")
        out["city_week_write_s"] = time.perf_counter() - t
        out["city_week_files"] = len(files)
        t = time.perf_counter()
        assert materialise.refresh(con)
        out["refresh_s"] = time.perf_counter() - t
        wal = db.with_name(db.name + ".wal")
        out["wal_bytes_before_publish"] = wal.stat().st_size if wal.exists() else 0
        # the ATTACH copy first, the file copy last: the newest snapshot is the file copy
        if attach:
            path, out["publish_attach_s"] = snapshot.timed_publish(con, db, "attach")
            out["snapshot_attach_bytes"] = path.stat().st_size
        path, out["publish_s"] = snapshot.timed_publish(con, db, "copy")
        out["snapshot_bytes"] = path.stat().st_size
    finally:
        con.close()
    out["warehouse_bytes"] = db.stat().st_size
    out["archive_bytes"] = archive_bytes(snapshot.latest(db))
    out["load_average_after"] = _uptime()
    return out


def archive_bytes(path: Path) -> int:
    """The bytes of original files (file_archive) a snapshot carries."""
    import duckdb

    from etl.warehouse import DUCKDB_SETTINGS

    con = duckdb.connect(str(path), read_only=True, config=dict(DUCKDB_SETTINGS))
    try:
        return con.execute("SELECT coalesce(sum(size), 0) FROM file_archive").fetchone()[0]
    finally:
        con.close()


def measure_reader(db: Path, runs: int) -> dict:
    """etl.warehouse_reader.reader() opened and closed as a page does: the first open of the newest
    snapshot (the database opened and kept, the stored scores checked) and the next ones."""
    from etl.warehouse_reader import close_kept, reader

    from .queries import percentile

    close_kept()
    times = []
    for _ in range(runs + 1):
        t = time.perf_counter()
        with reader(db):
            pass
        times.append(time.perf_counter() - t)
    close_kept()
    return {"first_ms": 1e3 * times[0], "next_p50_ms": 1e3 * percentile(times[1:], 0.5)}


def record_pages(db: Path, env: dict, work: Path) -> dict:
    """Every page rendered under AppTest (bench.pages), with the statements each ran."""
    raw = work / "pages_raw.json"
    r = run_measured(
        [PYTHON, "-m", "bench.pages", str(raw)], env={**env, "DISPATCH_DB": str(db)}, timeout=7200
    )
    if r.returncode or not raw.exists():
        return {"error": (r.stderr or r.stdout)[-3000:]}
    rendered = json.loads(raw.read_text(encoding="utf-8"))
    rendered["apptest_max_rss_mb"] = r.max_rss_mb
    return rendered


def measure_queries(db: Path, statements: list[dict], runs: int) -> dict:
    """The pages' statements timed on the newest snapshot of db."""
    from etl import snapshot

    from .queries import time_statements

    timed = time_statements(snapshot.latest(db), statements, runs, slow_s=1.0)
    connect = timed.pop("_connect")
    return {
        "connect": connect,
        "by_page": {
            page: {k: v[k] for k in ("count", "max_p95_ms", "total_p50_ms", "total_p95_ms")}
            | {"slowest": max(v["statements"], key=lambda s: s["p95_ms"] or 0)["sql"][:300]}
            for page, v in timed.items()
        },
    }


def measure_browser(db: Path, env: dict, rounds: int) -> dict:
    from . import browser

    if browser.chromium_path() is None:
        return {"skipped": "no chromium"}
    try:
        return browser.measure({**env, "DISPATCH_DB": str(db)}, rounds=rounds)
    except Exception as exc:  # noqa: BLE001 — report, keep the other measurements
        return {"error": f"{type(exc).__name__}: {exc}"[:2000]}


def run_factor(factor: int, base: Path, args, statements: list[dict] | None) -> tuple[dict, list | None]:
    work = WORK / f"x{factor}"
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    db = work / "warehouse.duckdb"
    config, _ = sb.scaled_config(sb.province_config()[0], factor)
    env = {"DISPATCH_CONFIG": str(sb.write_config(config, work / "config.toml"))}
    res: dict = {"factor": factor, "counties": len(config.counties)}
    try:
        log(f"scale ×{factor}: building")
        res["build"] = sb.scale_up(base, db, factor, log=log)
        res["unit_rows"] = res["build"]["unit_rows"]
        log(f"scale ×{factor}: refresh, city week, publish")
        res["writes"] = measure_writes(db, factor, attach=factor <= args.attach_max)
        if statements is None or not statements:
            # the pages render under AppTest at the first size; their statements (the same weeks and
            # counties exist at every size) are timed again at the larger ones
            log(f"scale ×{factor}: pages under AppTest")
            with tempfile.TemporaryDirectory(prefix="bench_scale_") as tmp:
                rendered = record_pages(db, env, Path(tmp))
            if "error" in rendered:
                res["pages"] = rendered
            else:
                statements = rendered.pop("queries")
                res["pages"] = rendered
        if statements:
            log(f"scale ×{factor}: queries")
            res["queries"] = measure_queries(db, statements, args.runs)
            res["reader"] = measure_reader(db, args.runs)
        if not args.no_browser and factor <= args.browser_max:
            log(f"scale ×{factor}: Chromium")
            res["browser"] = measure_browser(db, env, args.rounds)
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
    return res, statements


# --- the table and the plot ------------------------------------------------------------------------


def _ms(x) -> str:
    return "—" if x is None else f"{x:.0f}" if x >= 10 else f"{x:.1f}"


def table(res: dict) -> str:
    """One column per size."""
    runs = sorted(res["runs"], key=lambda r: r["factor"])
    head = ["measure"] + [f"×{r['factor']} ({r['unit_rows'] / 1e6:.1f} M rows)" for r in runs]
    rows: list[list[str]] = []

    def add(name, fn):
        cells = []
        for r in runs:
            try:
                cells.append(fn(r))
            except (KeyError, TypeError, ValueError):
                cells.append("—")
        rows.append([name, *cells])

    add("counties", lambda r: f"{r['counties']:,}")
    add("warehouse file", lambda r: f"{r['writes']['warehouse_bytes'] / 2**20:,.0f} MB")
    add(
        "snapshot (file copy / COPY FROM DATABASE)",
        lambda r: (
            f"{r['writes']['snapshot_bytes'] / 2**20:,.0f} / {r['writes']['snapshot_attach_bytes'] / 2**20:,.0f} MB"
        ),
    )
    add(
        "of which original files (file_archive)",
        lambda r: f"{r['writes']['archive_bytes'] / 2**20:,.0f} MB",
    )
    add("full refresh of the stored scores", lambda r: f"{r['writes']['full_refresh_s']:.1f} s")
    add("city week: write 10 files", lambda r: f"{r['writes']['city_week_write_s']:.2f} s")
    add("city week: refresh after it", lambda r: f"{r['writes']['refresh_s']:.2f} s")
    add("publish: CHECKPOINT + file copy", lambda r: f"{r['writes']['publish_s']:.2f} s")
    add("publish: ATTACH + COPY FROM DATABASE", lambda r: f"{r['writes']['publish_attach_s']:.2f} s")
    pages = sorted(
        {p for r in runs for p in r.get("queries", {}).get("by_page", {}) if p.startswith("pages/")}
    )
    for page in pages:
        add(
            f"{page} worst statement p95 (page total p50/p95)",
            lambda r, page=page: (
                f"{_ms(r['queries']['by_page'][page]['max_p95_ms'])} ms "
                f"({_ms(r['queries']['by_page'][page]['total_p50_ms'])}/"
                f"{_ms(r['queries']['by_page'][page]['total_p95_ms'])})"
            ),
        )
    add("read-only connect to the snapshot p50", lambda r: f"{_ms(r['queries']['connect']['p50_ms'])} ms")
    add(
        "reader(): first open (checks) / next p50",
        lambda r: f"{_ms(r['reader']['first_ms'])} / {_ms(r['reader']['next_p50_ms'])} ms",
    )
    add("Chromium: cold start → rendered overview", lambda r: f"{r['browser']['first_render_seconds']:.2f} s")
    add(
        "Chromium: page switch p50 / p95",
        lambda r: f"{r['browser']['switch']['p50_s']:.2f} / {r['browser']['switch']['p95_s']:.2f} s",
    )
    add("dashboard server RSS after every page", lambda r: f"{r['browser']['server_rss_mb']:.0f} MB")
    add(
        "load average before / after the writes",
        lambda r: f"{r['writes']['load_average_before'][0]:.1f} / {r['writes']['load_average_after'][0]:.1f}",
    )
    widths = [max(len(row[i]) for row in [head, *rows]) for i in range(len(head))]
    lines = ["| " + " | ".join(c.ljust(w) for c, w in zip(head, widths)) + " |"]
    lines.append("|" + "|".join("-" * (w + 2) for w in widths) + "|")
    lines += ["| " + " | ".join(c.ljust(w) for c, w in zip(row, widths)) + " |" for row in rows]
    return "\n".join(lines)


def verdicts(res: dict) -> list[tuple[str, str, bool]]:
    """(target, measured, met) for every target that this run measured."""
    out = []
    for r in res["runs"]:
        f = r["factor"]
        if f in TARGETS["query_p95_ms"] and "by_page" in r.get("queries", {}):
            worst_page, worst = max(
                ((p, v["max_p95_ms"]) for p, v in r["queries"]["by_page"].items()), key=lambda x: x[1]
            )
            limit = TARGETS["query_p95_ms"][f]
            out.append(
                (
                    f"×{f}: every page statement p95 ≤ {limit:.0f} ms",
                    f"{worst:.0f} ms ({worst_page})",
                    worst <= limit,
                )
            )
        for key, what in (("refresh_s", "refresh after a city week"), ("publish_s", "snapshot publish")):
            if f in TARGETS[key] and "writes" in r:
                limit, seconds = TARGETS[key][f], r["writes"][key]
                out.append((f"×{f}: {what} ≤ {limit:.0f} s", f"{seconds:.2f} s", seconds <= limit))
    return out


def plot(res: dict, path: Path = PLOT) -> Path:
    """Time against unit rows, both axes logarithmic (Altair, rendered to SVG by vl-convert)."""
    import altair as alt
    import pandas as pd
    import vl_convert as vlc

    series = {
        "full refresh": lambda r: r["writes"]["full_refresh_s"],
        "refresh after a city week": lambda r: r["writes"]["refresh_s"],
        "publish (file copy)": lambda r: r["writes"]["publish_s"],
        "publish (COPY FROM DATABASE)": lambda r: r["writes"]["publish_attach_s"],
        "slowest page statement p95": lambda r: (
            max(v["max_p95_ms"] for v in r["queries"]["by_page"].values()) / 1e3
        ),
        "Chromium page switch p95": lambda r: r["browser"]["switch"]["p95_s"],
    }
    points = []
    for r in res["runs"]:
        for name, fn in series.items():
            try:
                points.append({"unit rows": r["unit_rows"], "seconds": fn(r), "measure": name})
            except (KeyError, TypeError, ValueError):
                pass
    chart = (
        alt.Chart(pd.DataFrame(points), title="Cost against warehouse size (log-log)")
        .mark_line(point=True)
        .encode(
            x=alt.X("unit rows:Q", scale=alt.Scale(type="log"), title="unit rows"),
            y=alt.Y("seconds:Q", scale=alt.Scale(type="log"), title="seconds"),
            color=alt.Color("measure:N", title=None),
        )
        .properties(width=520, height=320)
    )
    path.write_text(vlc.vegalite_to_svg(chart.to_dict()), encoding="utf-8")
    return path


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(
        prog="python -m bench.scale",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("--factors", default="1,10,30", help="sizes in provinces (default 1,10,30)")
    p.add_argument("--runs", type=int, default=20, help="runs per statement (p50/p95)")
    p.add_argument("--rounds", type=int, default=3, help="rounds of page switches in Chromium")
    p.add_argument("--no-browser", action="store_true")
    p.add_argument("--keep", action="store_true", help="keep the generated warehouses")
    p.add_argument(
        "--attach-max", type=int, default=1, help="the COPY FROM DATABASE publish up to this size only"
    )
    p.add_argument("--browser-max", type=int, default=30, help="Chromium up to this size only")
    p.add_argument("--out", type=Path, default=RESULTS)
    p.add_argument("--table-only", action="store_true")
    args = p.parse_args(argv)
    if args.table_only:
        res = json.loads(args.out.read_text(encoding="utf-8"))
    else:
        res = {"machine": machine_info(), "runs": []}
        started = time.perf_counter()
        base = sb.province_base(BENCH, log=log)
        statements = None
        for factor in [int(f) for f in args.factors.split(",")]:
            run, statements = run_factor(factor, base, args, statements)
            res["runs"].append(run)
            args.out.write_text(json.dumps(res, ensure_ascii=False, indent=1, default=str), encoding="utf-8")
        res["machine"]["load_average_at_end"] = _uptime()
        res["bench_seconds"] = time.perf_counter() - started
        res["verdicts"] = verdicts(res)
        args.out.write_text(json.dumps(res, ensure_ascii=False, indent=1, default=str), encoding="utf-8")
    print(table(res))
    print()
    for target, measured, ok in verdicts(res):
        print(f"{'pass' if ok else 'FAIL'}  {target}: {measured}")
    if all("writes" in r for r in res["runs"]):
        print(f"\nplot: {plot(res, PLOT)}")
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(PROJECT_ROOT))
    sys.exit(main())
