"""`make bench` / `python -m bench.run`: the province-scale benchmark.

  python -m bench.run                       120 counties × 250 units × 26 weeks (≈ 3,100 files, ≈ 780k rows)
  python -m bench.run --counties N --units M --weeks W
  python -m bench.run --quick               a tiny scale in a few seconds (tests/test_bench_smoke.py)

Measures, in one run: the load against the bare calamine read (best of three runs of each, alternating)
and a pandas+openpyxl loop; one city week loaded into an existing demo warehouse; every statement
every page runs (recorded while AppTest renders each page), p50/p95 over 20 runs; every page's
AppTest render, first and warm; `streamlit run` to the first rendered overview in headless Chromium
and the server's RSS; the exports. Prints a table with the targets (the one in docs/performance.md)
and writes bench/results.json (with the machine). Absolute times are this machine's; the targets that matter are the ratios.
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

from . import bulletin as bulletin_mod
from . import corpus as corpus_mod
from .loading import measure_city_week, measure_load
from .proc import PYTHON, json_line, log, machine_info, run_measured
from .table import TARGETS, format_table, header_line, table_rows

BENCH = corpus_mod.BENCH_DIR


# --- queries and pages -------------------------------------------------------------------------


def pick_week_county(db: Path) -> tuple[str, str]:
    from etl.warehouse import connect

    con = connect(db, read_only=True)
    try:
        # the latest week most counties submitted (the last week has one county missing by design)
        week = con.execute(
            "SELECT week FROM current_versions GROUP BY week ORDER BY count(*) DESC, week DESC LIMIT 1"
        ).fetchone()[0]
        county = con.execute(
            "SELECT county FROM cfg_units WHERE is_county ORDER BY sort_order LIMIT 1"
        ).fetchone()[0]
    finally:
        con.close()
    return week, county


def measure_pages(db: Path, env: dict, out_dir: Path) -> dict:
    out = out_dir / "pages_raw.json"
    r = run_measured(
        [PYTHON, "-m", "bench.pages", str(out)], env={**env, "DISPATCH_DB": str(db)}, timeout=3600
    )
    if r.returncode or not out.exists():
        return {"pages": [], "queries": [], "error": (r.stderr or r.stdout)[-3000:]}
    res = json.loads(out.read_text(encoding="utf-8"))
    res["process_seconds"] = r.seconds
    res["process_max_rss_mb"] = r.max_rss_mb
    return res


def measure_queries(db: Path, env: dict, page_log: list[dict], runs: int) -> dict:
    from .queries import scoring_statements, time_statements

    week, county = pick_week_county(db)
    old = {k: os.environ.get(k) for k in env}
    os.environ.update(env)
    try:
        from etl.config import default_config

        default_config.cache_clear()
        log_ = scoring_statements(db, week, county) + page_log
        timed = time_statements(db, log_, runs)
    finally:
        for k, v in old.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v
    return {"week": week, "county": county, "runs": runs, "by_page": timed}


def measure_browser(db: Path, env: dict, rounds: int = 3) -> dict:
    from . import browser

    if browser.chromium_path() is None:
        return {"skipped": "no chromium"}
    try:
        return browser.measure({**env, "DISPATCH_DB": str(db)}, rounds=rounds)
    except Exception as exc:  # noqa: BLE001 — report, do not lose the other measurements
        return {"error": f"{type(exc).__name__}: {exc}"[:2000]}


def measure_reload(c, db_dir: Path, rounds: int = 3, **settings) -> dict:
    from . import browser, reload

    if browser.chromium_path() is None:
        return {"skipped": "no chromium"}
    try:
        return reload.measure(c, db_dir, rounds=rounds, log=log, **settings)
    except Exception as exc:  # noqa: BLE001 — report, do not lose the other measurements
        return {"error": f"{type(exc).__name__}: {exc}"[:2000]}


def measure_exports(db: Path, env: dict, out_dir: Path) -> dict:
    week, _ = pick_week_county(db)
    res = {"week": week}
    for suffix in (".csv", ".xlsx"):
        target = out_dir / f"ranking{suffix}"
        r = run_measured(
            [PYTHON, "-m", "etl", "rankings", "--week", week, "--out", str(target), "--db", str(db)], env=env
        )
        res[f"cli{suffix}"] = {
            "seconds": r.seconds,
            "returncode": r.returncode,
            "bytes": target.stat().st_size if target.exists() else None,
            "stderr": r.stderr[-500:] if r.returncode else "",
        }
    code = (
        "import json, sys, time\n"
        "t0 = time.perf_counter()\n"
        "from etl import export, scoring\n"
        "from etl.warehouse_reader import reader\n"
        "db, week = sys.argv[1], sys.argv[2]\n"
        "out = {}\n"
        "with reader(db) as con:\n"
        "    weeks = scoring.weeks_with_data(con)\n"
        "    for name, fn in (('csv', lambda: export.ranking_csv_bytes(con, week)),\n"
        "                     ('xlsx', lambda: export.ranking_xlsx_bytes(con, week)),\n"
        "                     ('multiweek_xlsx', lambda: export.multiweek_xlsx_bytes(con, weeks[-4:]))):\n"
        "        ts = []\n"
        "        for _ in range(3):\n"
        "            t = time.perf_counter(); b = fn(); ts.append(time.perf_counter() - t)\n"
        "        out[name] = {'seconds': sorted(ts)[1], 'first': ts[0], 'bytes': len(b)}\n"
        "out['weeks_in_workbook'] = weeks[-4:]\n"
        "print(json.dumps(out))\n"
    )
    r = run_measured([PYTHON, "-c", code, str(db), week], env=env)
    res["in_process"] = json_line(r.stdout) if r.returncode == 0 else {"error": r.stderr[-1500:]}
    return res


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(
        prog="python -m bench.run", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    p.add_argument("--counties", type=int, default=corpus_mod.PROVINCE.counties)
    p.add_argument("--units", type=int, default=corpus_mod.PROVINCE.units)
    p.add_argument("--weeks", type=int, default=corpus_mod.PROVINCE.weeks)
    p.add_argument("--seed", type=int, default=corpus_mod.PROVINCE.seed)
    p.add_argument("--quick", action="store_true", help="tiny scale (3 counties × 12 units × 3 weeks)")
    p.add_argument("--runs", type=int, default=20, help="runs per query (p50/p95)")
    p.add_argument(
        "--load-runs",
        type=int,
        default=None,
        help="runs of the load and of the bare read, alternating; the best of each counts "
        "(default 3; --quick: 1)",
    )
    p.add_argument(
        "--pandas-every",
        type=int,
        default=1,
        help="time the pandas loop on every Nth file only and extrapolate (default: all files)",
    )
    p.add_argument("--no-browser", action="store_true", help="skip the Chromium measurement")
    p.add_argument(
        "--rounds", type=int, default=None, help="rounds of page switches in Chromium (default 3; --quick: 1)"
    )
    p.add_argument(
        "--only",
        default="load,city,queries,pages,browser,reload,exports,bulletin",
        help="comma-separated parts to run (default: all)",
    )
    p.add_argument(
        "--db-dir",
        type=Path,
        default=None,
        help="where the warehouses go (default bench/; the smoke test uses a temp folder)",
    )
    p.add_argument(
        "--loader-nice",
        type=int,
        default=10,
        help="reload part: run the loader under `nice -n N`, as docs/operations.md recommends for a "
        "server shared with viewers (default 10; the earlier rounds' nice 0 is always measured too)",
    )
    p.add_argument(
        "--think",
        type=float,
        default=None,
        help="reload part: seconds a viewer reads a page before the next click, on average "
        "(default 5; --quick: 1; 0 = back to back)",
    )
    p.add_argument(
        "--repeats",
        type=int,
        default=None,
        help="reload part: pairs of (reload alone, reload with viewers); the best of each counts "
        "(default 3; --quick: 1)",
    )
    p.add_argument(
        "--page-samples",
        type=int,
        default=None,
        help="reload part: switches of every page, idle and during the reloads, for its p95 "
        "(default 20; --quick: 1)",
    )
    p.add_argument("--regenerate", action="store_true", help="make the corpus again")
    p.add_argument(
        "--out",
        type=Path,
        default=None,
        help="results JSON (default bench/results.json; --quick: bench/corpus/results-quick.json, not kept)",
    )
    p.add_argument(
        "--table-only",
        action="store_true",
        help="print the table of an earlier run's results JSON (--out) without measuring",
    )
    args = p.parse_args(argv)
    if args.table_only:
        res = json.loads((args.out or BENCH / "results.json").read_text(encoding="utf-8"))
        print(header_line(res))
        print()
        print(format_table(table_rows(res)))
        return 0
    scale = (
        corpus_mod.QUICK if args.quick else corpus_mod.Scale(args.counties, args.units, args.weeks, args.seed)
    )
    parts = set(args.only.split(","))
    rounds = args.rounds if args.rounds is not None else (1 if args.quick else 3)
    out_path = args.out or (
        corpus_mod.CORPUS_ROOT / "results-quick.json" if args.quick else BENCH / "results.json"
    )
    work = Path(tempfile.mkdtemp(prefix="bench_"))
    res: dict = {"machine": machine_info(), "scale": scale.__dict__, "targets": TARGETS}
    started = time.perf_counter()
    try:
        log(f"bench: scale {scale.key}")
        c = corpus_mod.get_corpus(scale, regenerate=args.regenerate, log=log)
        res["corpus"] = {k: v for k, v in c.manifest.items() if k != "weeks"}
        db_dir = args.db_dir or BENCH
        db_dir.mkdir(parents=True, exist_ok=True)
        db = db_dir / f"{'quick' if args.quick else scale.key}.duckdb"
        needs_db = parts & {"queries", "pages", "browser", "exports", "bulletin"}
        if "load" in parts or (needs_db and not db.exists()):
            runs = args.load_runs if args.load_runs is not None else (1 if args.quick else 3)
            res["load"] = measure_load(c, db, args.pandas_every, runs)
        if "city" in parts:
            log("bench: city week")
            res["city_week"] = measure_city_week(db_dir, reps=1 if args.quick else 3)
        page_log: list[dict] = []
        if "pages" in parts:
            log("bench: pages (AppTest)")
            res["pages"] = measure_pages(db, c.env, work)
            page_log = res["pages"].pop("queries", [])
        if "queries" in parts:
            log("bench: queries")
            res["queries"] = measure_queries(db, c.env, page_log, 3 if args.quick else args.runs)
        if "browser" in parts and not args.no_browser:
            log("bench: streamlit run + Chromium")
            res["browser"] = measure_browser(db, c.env, rounds)
        if "reload" in parts and not args.no_browser:
            log("bench: a province reload while two dashboards browse")
            res["reload"] = measure_reload(
                c,
                db_dir,
                rounds,
                loader_nice=args.loader_nice,
                think=args.think if args.think is not None else (1.0 if args.quick else 5.0),
                repeats=args.repeats or (1 if args.quick else 3),
                page_samples=args.page_samples or (1 if args.quick else 20),
            )
        if "exports" in parts:
            log("bench: exports")
            res["exports"] = measure_exports(db, c.env, work)
        if "bulletin" in parts:
            log("bench: weekly documents (etl bulletin)")
            res["bulletin"] = bulletin_mod.measure_bulletin(db, pick_week_county(db)[0], c.env, work)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    res["machine"]["load_average_at_end"] = [round(x, 2) for x in os.getloadavg()]
    res["bench_seconds"] = time.perf_counter() - started
    rows = table_rows(res)
    res["table"] = [list(r) for r in rows]
    out_path.write_text(json.dumps(res, ensure_ascii=False, indent=1, default=str), encoding="utf-8")
    print("\n" + header_line(res) + "\n")
    print(format_table(rows))
    print(f"\nresults: {out_path}  ({res['bench_seconds']:.0f} s)")
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(PROJECT_ROOT))
    sys.exit(main())
