"""Test hook: stop the loader at a named point so that a test can kill it or look at the warehouse
there, instead of sleeping and hoping (tests/test_crash_safety.py, tests/test_concurrency.py).

$DISPATCH_PAUSE_AT names the points, separated by ";": "opened", "before-commit:<file name>",
"written:<file name>" (or "written:*" for every batch), "refreshing", "publishing". $DISPATCH_PAUSE_FIFO is a
directory holding two FIFOs the test made: at a point the loader writes one JSON line to "arrived"
({"point", "file", "pid", "workers"}) and waits for a line on "resume". Unset, this costs one
dictionary lookup per call."""

from __future__ import annotations

import json
import os

PAUSE_ENV = "DISPATCH_PAUSE_AT"
FIFO_ENV = "DISPATCH_PAUSE_FIFO"
_pipes: list = []  # arrived (write end), resume (read end), opened at the first pause


def pause(point: str, file_names=()) -> None:
    spec = os.environ.get(PAUSE_ENV)
    if not spec:
        return
    wanted = spec.split(";")
    hit = point if point in wanted else None
    for name in file_names:
        if hit is None and (f"{point}:{name}" in wanted or f"{point}:*" in wanted):
            hit = name
    if hit is None:
        return
    from .sandbox import shared_pool

    folder = os.environ[FIFO_ENV]
    if not _pipes:
        _pipes.append(open(os.path.join(folder, "arrived"), "w", encoding="utf-8"))
    message = {"point": point, "file": hit, "pid": os.getpid(), "workers": shared_pool().pids()}
    _pipes[0].write(json.dumps(message, ensure_ascii=False) + "\n")
    _pipes[0].flush()
    if len(_pipes) == 1:
        _pipes.append(open(os.path.join(folder, "resume"), encoding="utf-8"))
    _pipes[1].readline()  # the test writes a line to go on, or kills this process
