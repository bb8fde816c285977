"""The load's measures for `make bench`: the whole `etl load` of the corpus against the bare calamine
read (one process and two) and a pandas+openpyxl loop; one city week loaded into a warehouse that
holds every earlier week."""

from __future__ import annotations

import json
import shutil
import statistics
import tempfile
from pathlib import Path

from etl.config import PROJECT_ROOT

from . import corpus as corpus_mod
from .proc import PYTHON, json_line, log, run_measured, run_measured_together


def fresh_db(path: Path) -> Path:
    for p in (path, path.with_name(path.name + ".wal")):
        p.unlink(missing_ok=True)
    return path


def measure_load(c: corpus_mod.Corpus, db: Path, pandas_every: int, repeat: int = 3) -> dict:
    """The load and the bare read, each `repeat` times, alternating, into a fresh warehouse each time.
    The best run of each is the figure (as timeit takes the minimum: on a shared 2-core machine the
    slower runs measure the neighbours); every run is kept, and the table shows the range."""
    loads, reads, reads2 = [], [], []
    for i in range(repeat):
        fresh_db(db)
        log(f"  load {i + 1}/{repeat}: python -m etl load {c.files.relative_to(PROJECT_ROOT)} --db {db.name}")
        r = run_measured([PYTHON, "-m", "etl", "load", str(c.files), "--db", str(db)], env=c.env)
        if r.returncode not in (0, 1):
            raise RuntimeError(f"etl load failed ({r.returncode}): {r.stderr[-2000:]}")
        loads.append(r)
        log(f"  load {i + 1}/{repeat}: bare calamine read")
        reads.append(run_measured([PYTHON, "-m", "bench.baseline", "calamine", str(c.files)]))
        log(f"  load {i + 1}/{repeat}: bare calamine read in two processes")
        reads2.append(
            run_measured_together(
                [[PYTHON, "-m", "bench.baseline", "calamine", str(c.files), f"{k}/2"] for k in range(2)]
            )
        )
    r, b = min(loads, key=lambda x: x.seconds), min(reads, key=lambda x: x.seconds)
    b2 = min(reads2, key=lambda x: x.seconds)
    from etl import materialise
    from etl.warehouse import connect

    con = connect(db, read_only=True)
    try:
        rows = con.execute("SELECT count(*) FROM unit_rows").fetchone()[0]
        current_rows = con.execute("SELECT sum(rows) FROM submissions WHERE is_current").fetchone()[0]
        outcomes = dict(con.execute("SELECT outcome, count(*) FROM load_log GROUP BY 1").fetchall())
        fresh = materialise.is_fresh(con)
    finally:
        con.close()
    out = {
        "seconds": r.seconds,
        "cpu_seconds": r.cpu_seconds,
        "max_rss_mb": max(x.max_rss_mb for x in loads),
        "returncode": r.returncode,
        "files": c.manifest["files"],
        "unit_rows": rows,
        "current_unit_rows": current_rows,
        "outcomes": outcomes,
        "materialised_by_load": fresh,
        "runs": [
            {"seconds": x.seconds, "cpu_seconds": x.cpu_seconds, "max_rss_mb": x.max_rss_mb} for x in loads
        ],
    }
    if not fresh:  # a loader that left the stored scores stale: refresh by hand, timed on its own
        log("  load: materialising (the load left the stored scores stale)")
        m = run_measured([PYTHON, "-m", "etl.materialise", str(db)], env=c.env)
        out["materialise_seconds"] = m.seconds
        out["materialise_cpu_seconds"] = m.cpu_seconds
        out["materialise_rss_mb"] = m.max_rss_mb
        if m.returncode:
            raise RuntimeError(f"materialise failed: {m.stderr[-2000:]}")
    out["rows_per_second"] = rows / r.seconds
    out["bare_read"] = {
        "seconds": b.seconds,
        "cpu_seconds": b.cpu_seconds,
        "max_rss_mb": b.max_rss_mb,
        **json_line(b.stdout),
        "runs": [{"seconds": x.seconds, "cpu_seconds": x.cpu_seconds} for x in reads],
    }
    out["bare_read_two_processes"] = {
        "seconds": b2.seconds,
        "cpu_seconds": b2.cpu_seconds,
        "max_rss_mb": b2.max_rss_mb,
        "runs": [{"seconds": x.seconds, "cpu_seconds": x.cpu_seconds} for x in reads2],
    }
    log(f"  load: pandas + openpyxl loop{'' if pandas_every == 1 else f' (every {pandas_every}th file)'}")
    args = [PYTHON, "-m", "bench.baseline", "pandas", str(c.files)] + (
        [str(pandas_every)] if pandas_every > 1 else []
    )
    p = run_measured(args)
    pd_res = {
        "seconds": p.seconds,
        "cpu_seconds": p.cpu_seconds,
        "max_rss_mb": p.max_rss_mb,
        **json_line(p.stdout),
        "every": pandas_every,
    }
    if pandas_every > 1:  # scale the loop (not the interpreter start) to all files
        pd_res["seconds_extrapolated"] = (
            p.seconds - pd_res["loop_seconds"] + pd_res["loop_seconds"] * pandas_every
        )
    out["pandas"] = pd_res
    total = out["seconds"] + out.get("materialise_seconds", 0.0)
    out["seconds_with_refresh"] = total
    out["ratio_vs_bare_read"] = total / b.seconds
    out["pandas_vs_load"] = pd_res.get("seconds_extrapolated", p.seconds) / total
    # CPU time too: on a shared machine the wall times move with the other processes' load
    cpu = out["cpu_seconds"] + out.get("materialise_cpu_seconds", 0.0)
    out["cpu_with_refresh"] = cpu
    out["cpu_ratio_vs_bare_read"] = cpu / b.cpu_seconds
    out["ratio_vs_two_process_read"] = total / b2.seconds
    if pandas_every == 1:
        out["cpu_pandas_vs_load"] = p.cpu_seconds / cpu
    return out


def measure_city_week(db_dir: Path, reps: int = 3) -> dict:
    """One week of the configured city (the normal demo): the files of the last demo week loaded, whole
    process, into a warehouse holding every earlier week. A fresh copy of that warehouse each time."""
    folder, earlier, last = corpus_mod.city_week(log=log)
    base = db_dir / "city_base.duckdb"
    stamp = db_dir / "city_base.duckdb.json"  # matches .gitignore's bench/*.duckdb*
    key = {"files": [f.name for f in earlier], "generator": corpus_mod.generator_hash()}
    if not base.exists() or not stamp.exists() or json.loads(stamp.read_text()) != key:
        log("  city week: building the demo warehouse of the earlier weeks")
        fresh_db(base)
        staged = Path(tempfile.mkdtemp(prefix="bench_city_"))
        try:
            for f in earlier:
                shutil.copy(f, staged / f.name)
            r = run_measured([PYTHON, "-m", "etl", "load", str(staged), "--db", str(base)])
            if r.returncode not in (0, 1):
                raise RuntimeError(r.stderr[-2000:])
        finally:
            shutil.rmtree(staged, ignore_errors=True)
        run_measured([PYTHON, "-m", "etl.materialise", str(base)])
        stamp.write_text(json.dumps(key))
    runs = []
    db = db_dir / "city_week.duckdb"
    for _ in range(reps):
        fresh_db(db)
        shutil.copy(base, db)
        r = run_measured([PYTHON, "-m", "etl", "load", *map(str, last), "--db", str(db)])
        if r.returncode not in (0, 1):
            raise RuntimeError(r.stderr[-2000:])
        runs.append({"seconds": r.seconds, "max_rss_mb": r.max_rss_mb})
    secs = [x["seconds"] for x in runs]
    return {
        "files": len(last),
        "runs": runs,
        "median_seconds": statistics.median(secs),
        "max_seconds": max(secs),
    }
