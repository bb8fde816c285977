"""Where a real `etl load` spends its time, workers included: `python -m bench.spy_load [--top N]`.

bench.profile_load checks the files in its own process (cProfile cannot follow the sandbox's
workers); this samples the whole `python -m etl load` of the province corpus with py-spy
(requirements-dev.txt), the writing process and every parse worker, and prints for each side the
frames that were running, by their own samples. A worker waiting for its next batch, and the
parent's threads waiting for answers, sit in a pipe read: those samples are counted apart as
waiting, not as work.
"""

from __future__ import annotations

import argparse
import collections
import re
import shutil
import sys
import tempfile
from pathlib import Path

from . import corpus as corpus_mod
from .proc import PYTHON, run_measured

WAITING = ("_read_exactly", "write_frame", "wait (threading", "get (queue", "select (")
_PATH = re.compile(r" \(/[^)]*?/(etl|bench|site-packages)/")


def spy_binary() -> str:
    found = shutil.which("py-spy") or str(Path(PYTHON).with_name("py-spy"))
    if not Path(found).exists():
        raise SystemExit("py-spy is not installed: pip install -r requirements-dev.txt")
    return found


def summarise(raw: str, top: int) -> dict:
    """py-spy's raw lines ("frame;frame;… count") → for the parent and the workers: samples at
    work, samples waiting, and the leaf frames with the most samples at work."""
    sides = {side: {"work": 0, "waiting": 0, "own": collections.Counter()} for side in ("parent", "workers")}
    for line in raw.splitlines():
        stack, _, count = line.rpartition(" ")
        frames = stack.split(";")
        side = sides["workers" if len(frames) > 1 and frames[1].startswith("process ") else "parent"]
        leaf = _PATH.sub(r" (\1/", frames[-1])
        if any(w in leaf for w in WAITING):
            side["waiting"] += int(count)
            continue
        side["work"] += int(count)
        side["own"][leaf] += int(count)
    return {k: {**v, "own": v["own"].most_common(top)} for k, v in sides.items()}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m bench.spy_load", description=__doc__)
    ap.add_argument("--top", type=int, default=25)
    ap.add_argument("--rate", type=int, default=200, help="samples a second")
    args = ap.parse_args(argv)
    c = corpus_mod.get_corpus(corpus_mod.PROVINCE, log=print)
    work = Path(tempfile.mkdtemp(prefix="bench_spy_"))
    try:
        raw = work / "load.txt"
        cmd = [spy_binary(), "record", "--subprocesses", "--nonblocking", "-r", str(args.rate), "-f", "raw"]
        cmd += [
            "-o",
            str(raw),
            "--",
            PYTHON,
            "-m",
            "etl",
            "load",
            str(c.files),
            "--db",
            str(work / "w.duckdb"),
        ]
        r = run_measured(cmd, env=c.env)
        if r.returncode not in (0, 1) or not raw.exists():
            raise SystemExit(f"py-spy failed ({r.returncode}): {r.stderr[-1500:]}")
        result = summarise(raw.read_text(encoding="utf-8"), args.top)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    # wall only: the load runs slower under sampling, and py-spy does not count its child's CPU
    print(f"etl load under py-spy: {r.seconds:.1f} s")
    for side, s in result.items():
        print(f"\n{side}: {s['work']} samples at work, {s['waiting']} waiting")
        for leaf, n in s["own"]:
            print(f"  {100 * n / max(s['work'], 1):5.1f} %  {leaf}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
