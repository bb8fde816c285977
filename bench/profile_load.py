"""Where the loader's time goes: `python -m bench.profile_load [--files N] [--profile]`.

Loads the first N files of a corpus (default: the province corpus, 300 files) with etl.load.load_paths
into a fresh warehouse, in this process, with thin timers around the loader's phases (module globals
patched for the run; the loader's code is not changed):

  read      reader.read_sheets: zip guard, calamine open + to_python, cell-length guard, CSV decode
  validate  validate.parse_sheets: header/layout search, metadata, every cell parsed and checked
  write     store.Batch: known_file, add_submission / add_archive / add_log, flush (the decrease check and the bulk
            inserts), plus COMMIT (the rest of load_many's transaction)
  open      the write session opening (connect + migrate check), once a load
  other     wall − the above: file reads, hashing, reports, tqdm, the loop

--profile adds a cProfile of the same run: the top functions by own time (cProfile slows Python code
more than the Rust/C parts, so use the timers for the split and the profile for the hot spots).
Also times `python -c "import etl.load"` as a process (the fixed cost of every `etl load`).
"""

from __future__ import annotations

import argparse
import cProfile
import io
import json
import pstats
import shutil
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

from . import corpus as corpus_mod
from .proc import PYTHON, run_measured


class Timers:
    def __init__(self):
        self.total = defaultdict(float)
        self.calls = defaultdict(int)
        self._undo = []

    def wrap(self, owner, name: str, label: str):
        orig = getattr(owner, name)
        timers = self

        def timed(*a, **kw):
            t = time.perf_counter()
            try:
                return orig(*a, **kw)
            finally:
                timers.total[label] += time.perf_counter() - t
                timers.calls[label] += 1

        timed.__wrapped__ = orig
        setattr(owner, name, timed)
        self._undo.append((owner, name, orig))

    def undo(self):
        for owner, name, orig in reversed(self._undo):
            setattr(owner, name, orig)
        self._undo.clear()


class InProcessPool:
    """Stands in for the sandbox's pool (etl/sandbox.py) during a profile: the files are checked in
    this process, where the timers are (trusted corpus files, so no isolation is needed)."""

    size = 1

    def __init__(self):
        import os

        self.owner = os.getpid()

    def submit(self, files, config):
        from concurrent.futures import Future

        from etl.check import check_packed

        future = Future()
        future.set_result([check_packed(name, data, config, sha) for name, data, sha in files])
        return future

    def check(self, files, config):
        return self.submit(files, config).result()

    def start(self, n, config):  # nothing to start: the files are checked in this process
        pass

    def pids(self):
        return []


def install(t: Timers) -> None:
    from etl import check, layout, load, store, validate, write_session
    from etl import spreadsheet as reader

    # read
    t.wrap(check, "read_sheets", "read")
    t.wrap(reader, "_check_zip", "read.zip_guard")
    t.wrap(reader, "_read_calamine", "read.calamine")  # includes _check_cells for workbooks
    t.wrap(reader, "_check_cells", "read.cell_guard")
    t.wrap(reader, "_read_csv", "read.csv")
    # validate
    t.wrap(check, "parse_sheets", "validate")
    t.wrap(validate, "find_layout", "validate.find_layout")
    t.wrap(validate, "find_metadata", "validate.metadata")
    del layout
    # write
    for name in ("known_file", "add_submission", "add_archive", "add_log", "flush"):
        if hasattr(store.Batch, name):
            t.wrap(store.Batch, name, f"write.{name}")
    t.wrap(load, "_write_batch", "transaction")
    t.wrap(write_session, "connect", "open")
    t.wrap(write_session, "migrate", "open")


def profile_load(files: list[Path], config_path: Path, cprofile: bool) -> dict:
    import os

    os.environ["DISPATCH_CONFIG"] = str(config_path)
    from etl.config import default_config

    default_config.cache_clear()
    from etl import load, sandbox

    staged = Path(tempfile.mkdtemp(prefix="bench_prof_"))
    try:
        for f in files:
            shutil.copy(f, staged / f.name)
        db = staged / "profile.duckdb"
        t = Timers()
        install(t)
        saved_pool, sandbox._shared = sandbox._shared, InProcessPool()  # check here, where the timers are
        started = time.perf_counter()
        try:
            reports = load.load_paths([staged], db)
        finally:
            wall = time.perf_counter() - started
            t.undo()
            sandbox._shared = saved_pool
        rows = sum(r.rows or 0 for r in reports)
        tot = dict(t.total)
        write = sum(v for k, v in tot.items() if k.startswith("write."))
        # files are checked before their batch's transaction, which wraps the writes: the rest is BEGIN/COMMIT
        commit = tot.get("transaction", 0.0) - write
        phases = {
            "read": tot.get("read", 0.0),
            "validate": tot.get("validate", 0.0),
            "write": write,
            "commit": commit,
            "open": tot.get("open", 0.0),
        }
        phases["other"] = wall - sum(phases.values())
        out = {
            "files": len(files),
            "rows": rows,
            "wall_seconds": wall,
            "ms_per_file": {k: 1e3 * v / len(files) for k, v in phases.items()},
            "share": {k: v / wall for k, v in phases.items()},
            "detail_seconds": {k: v for k, v in sorted(tot.items())},
            "calls": dict(t.calls),
            "outcomes": {
                o: sum(r.outcome == o for r in reports) for o in ("loaded", "unchanged", "rejected")
            },
        }
        if cprofile:
            fresh = staged / "profile2.duckdb"
            pr = cProfile.Profile()
            pr.enable()
            load.load_paths([staged], fresh)
            pr.disable()
            buf = io.StringIO()
            pstats.Stats(pr, stream=buf).sort_stats("tottime").print_stats(25)
            out["cprofile_top"] = _trim(buf.getvalue())
    finally:
        shutil.rmtree(staged, ignore_errors=True)
    return out


def _trim(text: str) -> list[str]:
    lines = [ln.rstrip() for ln in text.splitlines() if ln.strip()]
    start = next((i for i, ln in enumerate(lines) if ln.lstrip().startswith("ncalls")), 0)
    root = str(Path(__file__).resolve().parent.parent) + "/"
    return [ln.replace(root, "") for ln in lines[start:]]


def import_cost() -> dict:
    r = [run_measured([PYTHON, "-c", "import etl.load"]) for _ in range(3)]
    bare = [run_measured([PYTHON, "-c", "pass"]) for _ in range(3)]
    return {
        "import_etl_load_seconds": sorted(x.seconds for x in r)[1],
        "python_start_seconds": sorted(x.seconds for x in bare)[1],
    }


def format_profile(p: dict) -> str:
    lines = [
        f"loader profile: {p['files']} files, {p['rows']:,} rows, {p['wall_seconds']:.1f} s in process "
        f"({1e3 * p['wall_seconds'] / p['files']:.1f} ms/file)"
    ]
    for k, v in p["ms_per_file"].items():
        lines.append(f"  {k:9s} {v:7.1f} ms/file  {100 * p['share'][k]:5.1f} %")
    d = p["detail_seconds"]
    lines.append(
        "  detail (ms/file): "
        + ", ".join(f"{k} {1e3 * v / p['files']:.1f}" for k, v in d.items() if "." in k)
    )
    if "import_etl_load_seconds" in p:
        lines.append(
            f"  process start: python {p['python_start_seconds']:.2f} s, "
            f"+ import etl.load {p['import_etl_load_seconds']:.2f} s"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(
        prog="python -m bench.profile_load",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    ap.add_argument("--files", type=int, default=300)
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--profile", action="store_true", help="also a cProfile of the same files")
    ap.add_argument("--json", type=Path, help="write the result here too")
    args = ap.parse_args(argv)
    c = corpus_mod.get_corpus(corpus_mod.QUICK if args.quick else corpus_mod.PROVINCE, log=print)
    files = c.all_files()[: args.files]
    res = profile_load(files, c.config_path, args.profile)
    res.update(import_cost())
    print(format_profile(res))
    if args.profile:
        print("\n".join(res["cprofile_top"]))
    if args.json:
        args.json.write_text(json.dumps(res, ensure_ascii=False, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
