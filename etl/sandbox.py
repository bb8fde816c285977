"""Parsing in a sandbox: every file is read and checked in a worker process (etl/parse_worker.py)
under an address-space limit and a per-file time limit ([limits] parse_memory_mb and
parse_timeout_seconds in config.toml).

A worker that crashes, aborts, runs out of memory or overruns its time costs only the file it was
reading: that file is rejected with a stable code (E_PARSER_CRASHED, E_PARSE_MEMORY,
E_PARSE_TIMEOUT), a fresh worker takes its place and the rest of the load goes on. Nothing is written
by the workers, so nothing already loaded can change.

One warm pool serves the process (shared_pool): the dashboard and the CLI start it once. The workers
are plain subprocesses talking over pipes, not multiprocessing: no resource tracker, no re-run of the
parent's __main__, and a worker dies with its parent (see etl/parse_worker.py)."""

from __future__ import annotations

import atexit
import fcntl
import os
import pickle
import queue
import signal
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import Future
from pathlib import Path

from .config import Config
from .parse_worker import EXIT_MEMORY, read_frame, write_frame
from .problems import FileReport, Problem

ROOT = Path(__file__).resolve().parent.parent
# Test hook: {file name: "abort" | "memory" | "hang"} as "name=kind;name=kind", read at each submit,
# so a test (or a child `python -m etl load`) can make a worker fail at a known file.
FAULTS_ENV = "DISPATCH_PARSE_FAULTS"
DEFAULT_MEMORY_MB = 1024
DEFAULT_TIMEOUT_SECONDS = 60.0

F_SETPIPE_SZ = getattr(fcntl, "F_SETPIPE_SZ", 1031)

HINT = "请用 Excel/WPS 打开确认无误后另存为 .xlsx 再发送；如反复出现请把文件交给管理员"


def _death_problem(kind: str, limits: dict) -> Problem:
    if kind == "timeout":
        seconds = limits.get("parse_timeout_seconds", DEFAULT_TIMEOUT_SECONDS)
        return Problem("E_PARSE_TIMEOUT", f"读取文件超过 {seconds:g} 秒仍未完成，已停止读取", HINT)
    if kind == "memory":
        mb = limits.get("parse_memory_mb", DEFAULT_MEMORY_MB)
        return Problem("E_PARSE_MEMORY", f"读取文件所需内存超过上限（{mb} MB），疑似异常文件", HINT)
    return Problem("E_PARSER_CRASHED", "读取文件时读取程序异常退出，文件结构可能已损坏或异常", HINT)


def parse_faults() -> dict:
    spec = os.environ.get(FAULTS_ENV, "")
    return dict(item.rsplit("=", 1) for item in spec.split(";") if "=" in item)


class _Worker:
    """One worker process and its pipes, owned by one thread of the pool."""

    def __init__(self, address_space: int):
        self.address_space = address_space
        read_life, self.lifeline = os.pipe()  # the worker watches read_life; we never write
        self.errors = tempfile.TemporaryFile()  # what it says on dying (a Rust abort says why)
        main_thread = threading.current_thread() is threading.main_thread()
        try:
            self.proc = subprocess.Popen(
                [
                    sys.executable,
                    "-c",
                    "from etl.parse_worker import main; main()",
                    str(ROOT),
                    str(read_life),
                    str(address_space),
                    # the kernel's parent-death signal follows the starting thread, so it is only
                    # asked for by a main thread (a Streamlit script thread ends after each run)
                    "1" if main_thread else "0",
                    str(os.getpid()),
                ],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=self.errors,
                pass_fds=(read_life,),
                cwd=ROOT,
                bufsize=0,
            )
        finally:
            os.close(read_life)
        # room for a whole answer: a worker then never waits for this process (busy writing, and
        # holding the GIL) to read one before it goes on to the next file
        try:
            fcntl.fcntl(self.proc.stdout.fileno(), F_SETPIPE_SZ, 1 << 20)
        except (AttributeError, OSError):  # not Linux, or over the system's pipe-max-size
            pass
        self.ready = self.timed_out = False
        self.config: Config | None = None  # the config it was last sent: not sent again with each batch

    @property
    def pid(self) -> int:
        return self.proc.pid

    def send(self, payload: bytes) -> None:
        write_frame(self.proc.stdin.fileno(), payload)

    def receive(self, deadline: float | None) -> bytes | None:
        """The next answer; None if the worker died or the deadline passed."""
        try:
            return read_frame(self.proc.stdout.fileno(), deadline)
        except TimeoutError:
            self.timed_out = True
            return None

    def death(self) -> str:
        """Kill the worker if it still runs; what ended it: "timeout", "memory" or "crash"."""
        timed_out = self.timed_out
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL)
        self.proc.wait()
        self.errors.seek(0, os.SEEK_END)
        self.errors.seek(max(0, self.errors.tell() - 4096))
        said = self.errors.read()
        self.stop()
        if timed_out:
            return "timeout"
        if self.proc.returncode == EXIT_MEMORY or b"memory allocation of" in said:
            return "memory"
        # for whoever runs the load: what the worker said last (a traceback, a Rust panic)
        print(f"读取进程 {self.pid} 异常退出（{self.proc.returncode}）：", file=sys.stderr)
        print(said.decode("utf-8", "replace")[-1500:], file=sys.stderr)
        return "crash"

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL)
        self.proc.wait()
        for f in (self.proc.stdin, self.proc.stdout, self.errors):
            f.close()
        if self.lifeline is not None:
            os.close(self.lifeline)
            self.lifeline = None


class ParsePool:
    """Worker processes that read and check batches of files; submit() returns a Future of
    [(packed unit rows or None, report)] in the batch's order, whatever happened to the workers meanwhile. One thread
    per worker serves the batches; an idle worker waits for the next batch, warm."""

    def __init__(self, size: int):
        self.size = size
        self.owner = os.getpid()
        self._jobs: queue.SimpleQueue = queue.SimpleQueue()
        self._idle: queue.SimpleQueue = queue.SimpleQueue()
        self._live: set[_Worker] = set()
        self._lock = threading.Lock()
        self._threads = [
            threading.Thread(target=self._serve, daemon=True, name=f"parse-{i}") for i in range(size)
        ]
        self._closed = False
        for t in self._threads:
            t.start()

    def start(self, n: int, config: Config) -> None:
        """Start up to n workers now (they import while the caller opens the warehouse)."""
        with self._lock:
            missing = min(n, self.size) - len(self._live)
        for _ in range(missing):
            self._idle.put(self._spawn(config.limits))

    def pids(self) -> list[int]:
        with self._lock:
            return sorted(w.pid for w in self._live)

    def submit(self, files: list[tuple[str, bytes, str]], config: Config) -> Future:
        future: Future = Future()
        if not files:
            future.set_result([])
        else:
            self._jobs.put((future, files, config, parse_faults()))
        return future

    def check(self, files: list[tuple[str, bytes, str]], config: Config) -> list[tuple]:
        return self.submit(files, config).result()

    def close(self) -> None:
        if self._closed:
            return
        self._closed = True
        for _ in self._threads:
            self._jobs.put(None)
        for t in self._threads:
            t.join(timeout=10)
        with self._lock:
            workers, self._live = self._live, set()
        for w in workers:
            w.stop()

    def _serve(self) -> None:
        while (job := self._jobs.get()) is not None:
            future, files, config, faults = job
            if not future.set_running_or_notify_cancel():
                continue
            try:
                future.set_result(self._run(files, config, faults))
            except BaseException as exc:  # a bug here must reach the loader, not vanish in a thread
                future.set_exception(exc)

    def _spawn(self, limits: dict) -> _Worker:
        worker = _Worker(int(limits.get("parse_memory_mb", DEFAULT_MEMORY_MB)) << 20)
        with self._lock:
            self._live.add(worker)
        return worker

    def _checkout(self, limits: dict) -> _Worker:
        """An idle worker with these limits, or a new one (each thread holds at most one)."""
        address_space = int(limits.get("parse_memory_mb", DEFAULT_MEMORY_MB)) << 20
        try:
            worker = self._idle.get_nowait()
        except queue.Empty:
            worker = self._spawn(limits)
        if worker.address_space != address_space:  # the config changed since it started
            self._retire(worker)
            worker = self._spawn(limits)
        if not worker.ready:
            # the imports are not the file's time: wait for them without a deadline
            if worker.receive(None) is None:
                raise RuntimeError(f"读取进程无法启动：{self._retire(worker)}")
            worker.ready = True
        return worker

    def _retire(self, worker: _Worker) -> str:
        with self._lock:
            self._live.discard(worker)
        return worker.death()

    def _run(self, files: list, config: Config, faults: dict) -> list[tuple]:
        timeout = float(config.limits.get("parse_timeout_seconds", DEFAULT_TIMEOUT_SECONDS))
        results: list[tuple] = []
        worker = None
        try:
            while len(results) < len(files):
                todo = files[len(results) :]
                worker = self._checkout(config.limits)
                try:
                    sent = None if worker.config is config else config
                    worker.send(pickle.dumps((sent, todo, faults), pickle.HIGHEST_PROTOCOL))
                    worker.config = config
                except BrokenPipeError:  # it died while idle (killed from outside): another one
                    self._retire(worker)
                    worker = None
                    continue
                for name, _, sha in todo:
                    answer = worker.receive(time.monotonic() + timeout)
                    if answer is None:  # it died on this file, or overran: the file is rejected
                        report = FileReport(file_name=name, sha256=sha)
                        report.errors.append(_death_problem(self._retire(worker), config.limits))
                        results.append((None, report))
                        worker = None
                        break
                    results.append(pickle.loads(answer))
        except BaseException:
            if worker is not None:  # its answers may be half read: never reuse it
                self._retire(worker)
            raise
        if worker is not None:
            self._idle.put(worker)
        return results


_shared: ParsePool | None = None
_shared_lock = threading.Lock()


def pool_size() -> int:
    return max(1, min(os.cpu_count() or 1, 4))


def shared_pool() -> ParsePool:
    """The process's warm pool, started on first use and stopped at exit."""
    global _shared
    with _shared_lock:
        if _shared is None or _shared.owner != os.getpid():
            _shared = ParsePool(pool_size())
            atexit.register(_shared.close)
        return _shared


def warm(config: Config) -> None:
    """Start one worker of the shared pool now if none runs (it imports in the background), so that
    the first upload of a page does not wait for it; a no-op once the pool has a worker."""
    shared_pool().start(1, config)


def check_in_sandbox(files: list[tuple[str, bytes, str]], config: Config) -> list[tuple]:
    """check_packed of each (name, bytes, sha256), each in a worker: [(PackedRows or None, report)]
    (etl/check.py)."""
    return shared_pool().check(files, config)
