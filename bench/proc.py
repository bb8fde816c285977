"""Whole-process measurements: wall time and peak RSS of one child process, and machine facts."""

from __future__ import annotations

import datetime as dt
import json
import os
import platform
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from etl.config import PROJECT_ROOT

PYTHON = sys.executable


@dataclass
class ProcResult:
    seconds: float
    max_rss_mb: float
    cpu_seconds: float
    returncode: int
    stdout: str
    stderr: str


def run_measured(
    args: list[str], env: dict | None = None, timeout: float = 3600, capture: bool = True
) -> ProcResult:
    """Run a child to completion; its own wall time and peak RSS (wait4's rusage, not the
    RUSAGE_CHILDREN high-water mark, which would mix all children of this process)."""
    full_env = {**os.environ, **(env or {})}
    full_env.setdefault("PYTHONPATH", str(PROJECT_ROOT))
    started = time.perf_counter()
    import tempfile

    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        p = subprocess.Popen(
            args,
            cwd=PROJECT_ROOT,
            env=full_env,
            stdin=subprocess.DEVNULL,
            stdout=out if capture else subprocess.DEVNULL,
            stderr=err if capture else subprocess.DEVNULL,
        )
        deadline = started + timeout
        while True:
            pid, status, usage = os.wait4(p.pid, os.WNOHANG)
            if pid:
                break
            if time.perf_counter() > deadline:
                p.kill()
                pid, status, usage = os.wait4(p.pid, 0)
                break
            time.sleep(0.005)
        seconds = time.perf_counter() - started
        p.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        stdout = out.read().decode("utf-8", "replace")
        stderr = err.read().decode("utf-8", "replace")
    return ProcResult(
        seconds, usage.ru_maxrss / 1024, usage.ru_utime + usage.ru_stime, p.returncode, stdout, stderr
    )


def run_measured_together(
    argss: list[list[str]], env: dict | None = None, timeout: float = 3600
) -> ProcResult:
    """Several children started at once: the wall time until the last ends, their CPU times added,
    the highest peak RSS; stdout of all, in order."""
    full_env = {**os.environ, **(env or {})}
    full_env.setdefault("PYTHONPATH", str(PROJECT_ROOT))
    started = time.perf_counter()
    procs = [
        subprocess.Popen(
            args, cwd=PROJECT_ROOT, env=full_env, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, text=True
        )
        for args in argss
    ]
    outs, cpu, rss, code = [], 0.0, 0.0, 0
    for p in procs:
        out = p.stdout.read()
        _, status, usage = os.wait4(p.pid, 0)
        p.returncode = os.waitstatus_to_exitcode(status)
        outs.append(out)
        cpu += usage.ru_utime + usage.ru_stime
        rss = max(rss, usage.ru_maxrss / 1024)
        code = code or p.returncode
    return ProcResult(time.perf_counter() - started, rss, cpu, code, "".join(outs), "")


def rss_mb(pid: int) -> tuple[float, float]:
    """(current RSS, peak RSS) of a running process in MB, from /proc."""
    vals = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(("VmRSS:", "VmHWM:")):
            k, v = line.split(":", 1)
            vals[k] = int(v.split()[0]) / 1024
    return vals.get("VmRSS", 0.0), vals.get("VmHWM", 0.0)


def machine_info() -> dict:
    import duckdb

    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    ram = 0.0
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                ram = int(line.split()[1]) / 1024 / 1024
    except OSError:
        pass
    try:
        import streamlit

        st_version = streamlit.__version__
    except Exception:  # noqa: BLE001
        st_version = None
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "ram_gib": round(ram, 1),
        "python": platform.python_version(),
        "duckdb": duckdb.__version__,
        "streamlit": st_version,
        "platform": platform.platform(),
        "date": dt.datetime.now().isoformat(timespec="seconds"),
        "load_average_at_start": [round(x, 2) for x in os.getloadavg()],
    }


def log(msg: str) -> None:
    """A progress line of the bench, on stderr (its table goes to stdout)."""
    print(msg, file=sys.stderr, flush=True)


def json_line(text: str) -> dict:
    """The last line of a child's output that is JSON (its result), or {}."""
    for line in reversed(text.strip().splitlines()):
        try:
            return json.loads(line)
        except ValueError:
            continue
    return {}
