"""CPU time per process group while something runs, read from /proc (no psutil).

A sampler thread reads every process's utime + stime (/proc/<pid>/stat) a few times a second and
sorts each process, when first seen, into a group by a classifier over its ancestry (the loader, the
dashboard servers, Chromium, this bench, the rest of the machine). A process's CPU time is its last
reading minus its reading when sampling began (0 for a process started meanwhile), so a process that
ends between two readings loses at most one interval. The machine's total busy time comes from
/proc/stat: `other` is what processes outside this bench used (other sessions on a shared machine).
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable
from pathlib import Path

TICK = os.sysconf("SC_CLK_TCK")


def _stat(pid: str) -> tuple[int, int, float] | None:
    """(ppid, start time, CPU seconds) of one process, or None when it is gone."""
    try:
        raw = Path(f"/proc/{pid}/stat").read_bytes().decode("utf-8", "replace")
    except OSError:
        return None
    fields = raw[raw.rfind(")") + 2 :].split()  # after "(comm)", which may hold spaces
    # fields[0] is state (field 3): ppid is field 4, utime 14, stime 15, starttime 22
    return int(fields[1]), int(fields[19]), (int(fields[11]) + int(fields[12])) / TICK


def _cmdline(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode("utf-8", "replace")
    except OSError:
        return ""


def _machine_busy() -> float:
    """CPU seconds the whole machine spent busy since boot (every core)."""
    parts = Path("/proc/stat").read_text().splitlines()[0].split()[1:]
    user, nice, system, idle, iowait, irq, softirq, steal = (int(x) for x in parts[:8])
    del idle, iowait
    return (user + nice + system + irq + softirq + steal) / TICK


def ancestry_classifier(rules: list[tuple[str, Callable[[int, str], bool]]]) -> Callable:
    """A classifier of this process's descendants: the first rule that matches the process or one
    of its ancestors (nearest first), else `bench`; a process outside this tree is `other`."""
    me = os.getpid()

    def classify(pid: int, parents: dict[int, int]) -> str:
        chain, p = [], pid
        while p and p not in chain and len(chain) < 64:
            chain.append(p)
            p = parents.get(p, 0)
        if me not in chain:  # another session's process, whatever its command
            return "other"
        for p in chain:
            cmd = _cmdline(p)
            for name, match in rules:
                if match(p, cmd):
                    return name
            if p == me:
                return "bench"
        return "other"

    return classify


class Sampler:
    """with Sampler(classify) as s: …; s.result() = {"wall_s", "machine_busy_s", "by_group": {…}}."""

    def __init__(self, classify: Callable, interval: float = 0.2):
        self.classify, self.interval = classify, interval
        self._stop = threading.Event()
        self._base: dict[tuple[int, int], float] = {}
        self._last: dict[tuple[int, int], float] = {}
        self._group: dict[tuple[int, int], str] = {}
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _sample(self, first: bool) -> None:
        seen = {}
        for name in os.listdir("/proc"):
            if name.isdigit():
                s = _stat(name)
                if s is not None:
                    seen[int(name)] = s
        parents = {pid: s[0] for pid, s in seen.items()}
        for pid, (_, start, cpu) in seen.items():
            key = (pid, start)
            if key not in self._group:
                self._group[key] = self.classify(pid, parents)
                self._base[key] = cpu if first else 0.0
            elif self._group[key] == "bench":  # seen between fork and exec: look again
                self._group[key] = self.classify(pid, parents)
            self._last[key] = cpu

    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            self._sample(first=False)

    def __enter__(self):
        self._sample(first=True)
        self._busy0, self._t0 = _machine_busy(), time.perf_counter()
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()
        self._sample(first=False)
        self._busy1, self._t1 = _machine_busy(), time.perf_counter()
        return False

    def result(self) -> dict:
        by_group: dict[str, float] = {}
        for key, group in self._group.items():
            by_group[group] = by_group.get(group, 0.0) + self._last[key] - self._base[key]
        ours = sum(v for k, v in by_group.items() if k != "other")
        busy = self._busy1 - self._busy0
        by_group["other"] = max(0.0, busy - ours)  # /proc/stat's view: includes what ended unseen
        return {
            "wall_s": self._t1 - self._t0,
            "machine_busy_s": busy,
            "by_group": {k: round(v, 2) for k, v in sorted(by_group.items())},
        }


def total(results: list[dict]) -> dict:
    """Several Sampler results (the same phase repeated) added together."""
    by_group: dict[str, float] = {}
    for r in results:
        for k, v in r["by_group"].items():
            by_group[k] = by_group.get(k, 0.0) + v
    return {
        "wall_s": sum(r["wall_s"] for r in results),
        "machine_busy_s": sum(r["machine_busy_s"] for r in results),
        "by_group": {k: round(v, 2) for k, v in sorted(by_group.items())},
        "phases": len(results),
    }
