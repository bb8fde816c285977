"""bench.cpu: the per-process CPU accounting of the reload bench (what it reads from /proc and how it
sorts processes into groups). No timing: the figures are checked for shape and arithmetic only."""

from __future__ import annotations

import os
import subprocess
import sys

from bench import cpu


def test_stat_reads_this_process_and_a_name_with_spaces_and_parentheses(tmp_path):
    ppid, start, seconds = cpu._stat(str(os.getpid()))
    assert ppid == os.getppid() and start > 0 and seconds >= 0
    # a command name holding ") (" must not shift the fields that follow it
    exe = tmp_path / "a b) (c"
    exe.symlink_to(sys.executable)
    child = subprocess.Popen([str(exe), "-c", "import sys; sys.stdin.read()"], stdin=subprocess.PIPE)
    try:
        assert cpu._stat(str(child.pid))[0] == os.getpid()
    finally:
        child.communicate(b"")
    assert cpu._stat("999999999") is None  # gone: no error


def test_classifier_takes_the_nearest_matching_ancestor_and_leaves_others_processes_out(monkeypatch):
    me = os.getpid()
    commands = {
        101: "python -m etl load corpus --db w.duckdb ",
        102: "python -c from multiprocessing.spawn import spawn_main",
        201: "/usr/lib/chromium/chromium --type=renderer",
        301: "python -m streamlit run dashboard.py",
        401: "/usr/lib/chromium/chromium --headless",  # another session's browser
    }
    monkeypatch.setattr(cpu, "_cmdline", lambda pid: commands.get(pid, "python bench"))
    parents = {101: me, 102: 101, 201: me, 301: me, 302: 301, 401: 1, me: 1}
    classify = cpu.ancestry_classifier(
        [
            ("loader", lambda pid, cmd: " -m etl load " in cmd),
            ("dashboards", lambda pid, cmd: pid == 301),
            ("chromium", lambda pid, cmd: "chromium" in cmd),
        ]
    )
    assert classify(102, parents) == "loader"  # a parse worker, through its parent
    assert classify(302, parents) == "dashboards"
    assert classify(201, parents) == "chromium"
    assert classify(me, parents) == "bench"
    assert classify(401, parents) == "other"


def test_sampler_counts_a_childs_cpu_in_its_group_and_the_rest_as_other():
    marker = "import sys; sum(i * i for i in range(3_000_000)); sys.stdin.read()  # bench-cpu-test"
    classify = cpu.ancestry_classifier([("worker", lambda pid, cmd: "bench-cpu-test" in cmd)])
    with cpu.Sampler(classify, interval=0.05) as s:
        child = subprocess.Popen([sys.executable, "-c", marker], stdin=subprocess.PIPE)
        while (cpu._stat(str(child.pid)) or (0, 0, 0.0))[2] == 0:  # until it has used a clock tick
            pass
    child.communicate(b"")
    r = s.result()
    assert r["by_group"]["worker"] > 0
    assert "other" in r["by_group"] and r["wall_s"] > 0 and r["machine_busy_s"] > 0
    assert all(v >= 0 for v in r["by_group"].values())


def test_total_adds_the_phases_of_a_repeated_measure():
    a = {"wall_s": 10.0, "machine_busy_s": 18.0, "by_group": {"loader": 12.0, "other": 1.0}}
    b = {"wall_s": 11.0, "machine_busy_s": 20.0, "by_group": {"loader": 13.0, "chromium": 4.5}}
    t = cpu.total([a, b])
    assert t == {
        "wall_s": 21.0,
        "machine_busy_s": 38.0,
        "by_group": {"chromium": 4.5, "loader": 25.0, "other": 1.0},
        "phases": 2,
    }
