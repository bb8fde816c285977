"""The weekly documents at province scale: `python -m etl bulletin` (the 通报 .docx, the meeting pack
.pdf and the XLSX ranking of one week) as a whole process, best of three, plus where the time goes
inside one process (reading, charts, Word, PDF, Excel)."""

from __future__ import annotations

import json
from pathlib import Path

from .proc import PYTHON, run_measured

TARGET_S = 5.0  # all three files for one week, whole process

# One process: week_files three times, the stage timings of the fastest.
STAGES = """
import json, resource, sys, time
def children_cpu():
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime
t0 = time.perf_counter()
from app import bulletin, chart_images
imported = time.perf_counter() - t0
runs = []
for _ in range(3):
    marks = []
    helper_cpu = children_cpu()
    t = time.perf_counter()
    # two helpers, as the command starts them (here after the imports)
    with chart_images.ChartHelper(chart_images.find_cjk_font(), processes=2) as helper:
        files = bulletin.week_files(
            sys.argv[1], sys.argv[2], helper=helper,
            step=lambda name: marks.append((name, time.perf_counter(), time.process_time())),
        )
    end, cpu_end = time.perf_counter(), time.process_time()
    nxt = marks[1:] + [("", end, cpu_end)]
    runs.append({
        "seconds": end - t,
        "stages": {n: round(b - a, 4) for (n, a, _), (_, b, _) in zip(marks, nxt)},
        # this process's CPU per stage, and the chart helpers': on a busy machine the critical path
        "cpu_stages": {n: round(b - a, 4) for (n, _, a), (_, _, b) in zip(marks, nxt)},
        "helper_cpu": round(children_cpu() - helper_cpu, 4),
        "bytes": {k: len(v) for k, v in files.items()},
    })
best = min(runs, key=lambda r: r["seconds"])
print(json.dumps({"import_seconds": imported, "first": runs[0]["seconds"], **best}, ensure_ascii=False))
"""


def measure_bulletin(db: Path, week: str, env: dict, out_dir: Path, runs: int = 3) -> dict:
    # the state after a load: the materialised scores current (a warehouse made by an older version
    # of the views is read live until its next load, which is not what the office sees)
    run_measured([PYTHON, "-m", "etl.materialise", str(db)], env=env)
    out = out_dir / "bulletin"
    cli = []
    for _ in range(runs):
        r = run_measured(
            [PYTHON, "-m", "etl", "bulletin", "--week", week, "--out", str(out), "--db", str(db)], env=env
        )
        if r.returncode:
            return {"week": week, "error": r.stderr[-1500:]}
        cli.append((r.seconds, r.cpu_seconds))
    res = {
        "week": week,
        "cli_seconds": min(w for w, _ in cli),
        "cli_runs": [w for w, _ in cli],
        # CPU (user + system, every thread) tells the work apart from waiting on a busy shared machine
        "cli_cpu_seconds": min(c for _, c in cli),
        "files": {p.name: p.stat().st_size for p in sorted(out.iterdir())},
    }
    r = run_measured([PYTHON, "-c", STAGES, str(db), week], env=env)
    res["in_process"] = (
        json.loads(r.stdout.strip().splitlines()[-1]) if r.returncode == 0 else {"error": r.stderr[-1500:]}
    )
    return res


def table_rows(b: dict, verdict) -> list[tuple[str, str, str, str]]:
    if "error" in b:
        return [("weekly documents (etl bulletin)", b["error"][-150:], f"≤ {TARGET_S:.0f} s", "FAIL")]
    ip = b.get("in_process", {})
    stages = ", ".join(f"{k} {v:.2f}" for k, v in ip.get("stages", {}).items())
    cpu = ", ".join(f"{k} {v:.2f}" for k, v in ip.get("cpu_stages", {}).items())
    return [
        (
            "weekly documents: 通报 .docx + meeting pack .pdf + XLSX (etl bulletin, whole process)",
            f"{b['cli_seconds']:.2f} s (runs {', '.join(f'{s:.2f}' for s in b['cli_runs'])}); "
            f"CPU {b['cli_cpu_seconds']:.2f} s",
            f"≤ {TARGET_S:.0f} s",
            verdict(b["cli_seconds"] <= TARGET_S),
        ),
        (
            "  in one process (after imports)",
            f"{ip['seconds']:.2f} s: {stages}" if "seconds" in ip else ip.get("error", "")[-150:],
            "",
            "",
        ),
        (
            "  CPU of this process / of the chart helpers",
            f"{cpu}; helper {ip['helper_cpu']:.2f}" if "cpu_stages" in ip else "",
            "",
            "",
        ),
    ]
