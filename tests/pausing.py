"""A `python -m etl load` in a child process that stops at named points (etl/pause_points.py), so
that tests kill it or look at the warehouse at a known moment instead of sleeping and hoping."""

from __future__ import annotations

import json
import os
import select
import signal
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HANG_GUARD = 300  # seconds: only a broken loader ever waits this long


class PausedLoad:
    def __init__(
        self, folder: Path, db: Path, points: list[str], fifo_dir: Path, *, code: str | None = None, args=()
    ):
        fifo_dir.mkdir(parents=True, exist_ok=True)
        for name in ("arrived", "resume"):
            if not (fifo_dir / name).exists():
                os.mkfifo(fifo_dir / name)
        env = {**os.environ, "DISPATCH_PAUSE_AT": ";".join(points), "DISPATCH_PAUSE_FIFO": str(fifo_dir)}
        # opened before the loader: its open of the write end never blocks, and a loader that dies
        # before any point shows as the end of this pipe
        self._arrived = os.open(fifo_dir / "arrived", os.O_RDONLY | os.O_NONBLOCK)
        self._fifo_dir, self._resume, self._buffer = fifo_dir, None, b""
        command = ["-m", "etl", "load", str(folder), "--db", str(db)] if code is None else ["-c", code, *args]
        self.proc = subprocess.Popen(
            [sys.executable, *command],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            start_new_session=True,
        )

    def next_pause(self) -> dict | None:
        """The next point the loader stopped at, or None if it ended without stopping again."""
        started = time.monotonic()
        while b"\n" not in self._buffer:
            select.select([self._arrived], [], [], 0.05)
            chunk = self._read()
            if chunk:
                self._buffer += chunk
                continue
            if self.proc.poll() is not None:
                chunk = self._read()  # what it wrote before it ended is already in the pipe
                if not chunk:
                    return None
                self._buffer += chunk
            assert time.monotonic() - started < HANG_GUARD, "the loader neither paused nor ended"
        line, self._buffer = self._buffer.split(b"\n", 1)
        return json.loads(line)

    def _read(self) -> bytes:
        try:
            return os.read(self._arrived, 4096)
        except BlockingIOError:
            return b""

    def resume(self) -> None:
        if self._resume is None:
            self._resume = open(self._fifo_dir / "resume", "w")  # the loader is opening the other end
        self._resume.write("go\n")
        self._resume.flush()

    def kill(self) -> None:
        """SIGKILL the loader alone (its workers must go by themselves)."""
        try:
            os.kill(self.proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        self.proc.wait(timeout=HANG_GUARD)
        self.close()

    def finish(self) -> tuple[int, str, str]:
        out, err = self.proc.communicate(timeout=HANG_GUARD)
        self.close()
        return self.proc.returncode, out, err

    def close(self) -> None:
        if self.proc.stdout and not self.proc.stdout.closed:
            self.proc.communicate(timeout=HANG_GUARD)
        if self._resume is not None:
            try:
                self._resume.close()
            except BrokenPipeError:
                pass
            self._resume = None
        if self._arrived is not None:
            os.close(self._arrived)
            self._arrived = None
