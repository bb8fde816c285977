"""The parse worker: a process that reads and checks files one at a time for etl/sandbox.py.

It runs under an address-space limit, so a file that makes the spreadsheet library ask for more
memory ends this process, not the load. It dies with its parent: the kernel kills it when the thread
that started it ends (PR_SET_PDEATHSIG, when that thread is a main thread), and a watcher thread ends
it when the lifeline pipe from its parent closes (whatever thread started it).

Protocol (pickles framed by an 8-byte length): the parent sends (config, files, faults) with files a
list of (name, bytes, sha256), and config None when it is the one it sent this worker last; the worker answers each file with check_packed's (packed unit rows or
None, report), in order. Started as `python -c "…main()" ROOT LIFELINE_FD ADDRESS_SPACE PDEATHSIG`.
"""

from __future__ import annotations

import os
import pickle
import select
import struct
import sys
import threading
import time

FRAME = struct.Struct("<Q")
# exit statuses the parent turns into a code (etl/sandbox.py: _death_problem)
EXIT_MEMORY = 3
EXIT_PARENT_GONE = 4
PR_SET_PDEATHSIG = 1


def read_frame(fd: int, deadline: float | None = None) -> bytes | None:
    """One message, or None when the other end is closed. With a deadline (time.monotonic()),
    TimeoutError if it has not come by then."""
    head = _read_exactly(fd, FRAME.size, deadline)
    if head is None:
        return None
    return _read_exactly(fd, FRAME.unpack(head)[0], deadline)


def _read_exactly(fd: int, n: int, deadline: float | None) -> bytes | None:
    parts = []
    while n:
        if deadline is not None:
            wait = deadline - time.monotonic()
            if wait <= 0 or not select.select([fd], [], [], wait)[0]:
                raise TimeoutError
        chunk = os.read(fd, min(n, 1 << 20))
        if not chunk:
            return None
        parts.append(chunk)
        n -= len(chunk)
    return b"".join(parts)


def write_frame(fd: int, payload: bytes) -> None:
    view = memoryview(FRAME.pack(len(payload)) + payload)
    while view:
        view = view[os.write(fd, view) :]


def _die_with_parent(parent: int, lifeline: int, pdeathsig: bool) -> None:
    if pdeathsig and sys.platform.startswith("linux"):
        import ctypes
        import signal

        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    if os.getppid() != parent:  # the parent died before the line above
        os._exit(EXIT_PARENT_GONE)

    def watch():
        while os.read(lifeline, 1):  # the parent never writes: this returns b"" when it is gone
            pass
        os._exit(EXIT_PARENT_GONE)

    threading.Thread(target=watch, daemon=True, name="lifeline").start()


def _fault(faults: dict, name: str) -> None:
    """Test hook ($DISPATCH_PARSE_FAULTS, read by the parent): make this worker fail on a named file
    the way a hostile file would, so tests can drive every failure at a known file."""
    kind = faults.get(name)
    if kind == "abort":
        os.abort()
    elif kind == "memory":
        bytearray(1 << 40)  # more than any address-space limit: MemoryError
    elif kind == "hang":
        threading.Event().wait()


def main() -> None:
    root, lifeline, address_space, pdeathsig, parent = sys.argv[1:6]
    _die_with_parent(int(parent), int(lifeline), pdeathsig == "1")
    sys.path.insert(0, root)
    from etl.check import check_packed  # imported before the limit: it is the same for every file

    if int(address_space):
        import resource

        resource.setrlimit(resource.RLIMIT_AS, (int(address_space), int(address_space)))
    requests, answers = sys.stdin.fileno(), sys.stdout.fileno()
    sys.stdout = sys.stderr  # nothing printed may get into the answers
    write_frame(answers, b"")  # ready
    config = None
    while (message := read_frame(requests)) is not None:
        new_config, files, faults = pickle.loads(message)
        config = new_config or config
        for name, data, sha in files:
            try:
                if faults:
                    _fault(faults, name)
                answer = pickle.dumps(check_packed(name, data, config, sha), pickle.HIGHEST_PROTOCOL)
            except MemoryError:
                os._exit(EXIT_MEMORY)  # the parent rejects the file and starts a fresh worker
            write_frame(answers, answer)
