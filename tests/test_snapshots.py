"""Published snapshots (etl/snapshot.py): readers never open the warehouse, so they never wait for a
load and never see part of one.

- a load that changed data publishes a new read-only snapshot; a load whose files were all rejected
  or unchanged publishes none;
- a reader keeps its snapshot while a newer one is published, and the old one is removed only
  when no reader holds it;
- two dashboard processes and a loader at once: at every step of the load (a batch committed, the
  new snapshot about to be renamed into place, the load done) both dashboards render without error
  and show the data before the load or the data after it, never a part of it. The steps are driven
  by hooks in the loader's process, so nothing depends on timing.
"""

from __future__ import annotations

import json
import os
import select
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from etl import snapshot
from etl.load import load_paths
from etl.warehouse_reader import reader

from .conftest import ROOT, require_samples
from .dispatch_builder import grid, write_xlsx


def week_files(week: str) -> list[Path]:
    folder = require_samples() / "dispatch"
    return sorted(p for p in folder.iterdir() if p.suffix != ".json" and week in p.name)


def weeks_in(con) -> list[str]:
    return [w for (w,) in con.execute("SELECT DISTINCT week FROM submissions ORDER BY week").fetchall()]


def test_a_load_publishes_a_snapshot_and_an_unchanged_load_does_not(tmp_path):
    db = tmp_path / "w.duckdb"
    [good] = load_paths([write_xlsx(tmp_path / "good.xlsx", grid())], db)
    assert good.outcome == "loaded"
    [(n, first)] = snapshot.published(db)
    assert first.parent == tmp_path / "snapshots" and n == 1
    assert not os.stat(first).st_mode & (stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH)  # read-only
    with reader(db) as con:
        assert con.execute("SELECT count(*) FROM submissions").fetchone()[0] == 1

    # the same bytes again, under their own and another name: nothing readers see changed
    shutil.copyfile(tmp_path / "good.xlsx", tmp_path / "copy.xlsx")
    unchanged = load_paths([tmp_path / "good.xlsx", tmp_path / "copy.xlsx"], db)
    assert [r.outcome for r in unchanged] == ["unchanged", "unchanged"]
    assert snapshot.published(db) == [(1, first)], "a load that changed nothing published a snapshot"
    live = duckdb.connect(str(db), read_only=True)  # the warehouse has the log lines all the same
    try:
        assert live.execute("SELECT count(*) FROM load_log").fetchone()[0] == 3
    finally:
        live.close()

    # a rejected file changes no data, but its log line and audit row are shown at once
    bad = tmp_path / "bad.csv"
    bad.write_text("这不是调度表\n", encoding="utf-8")
    [rejected] = load_paths([bad], db)
    assert rejected.outcome == "rejected"
    assert [n for n, _ in snapshot.published(db)] == [2]  # the old one, held by nobody, is gone
    with reader(db) as con:
        assert con.execute("SELECT count(*) FROM submissions").fetchone()[0] == 1
        assert con.execute("SELECT count(*) FROM load_log").fetchone()[0] == 4
        assert con.execute("SELECT count(*) FROM load_log WHERE file_name = 'bad.csv'").fetchone()[0] == 1

    [second] = load_paths([write_xlsx(tmp_path / "other.xlsx", grid(unit="松岭县"))], db)
    assert second.outcome == "loaded"
    assert [n for n, _ in snapshot.published(db)] == [3]
    with reader(db) as con:
        assert con.execute("SELECT count(*) FROM submissions").fetchone()[0] == 2
        assert con.execute("SELECT count(*) FROM load_log").fetchone()[0] == 5


def test_a_reader_keeps_its_snapshot_while_a_new_one_is_published(db_path, monkeypatch):
    load_paths(week_files("2023-W37"), db_path)
    during: list[list[str]] = []

    def read_while_publishing(tmp):  # the new copy is complete but not yet in place
        with reader(db_path) as con:
            during.append(weeks_in(con))

    monkeypatch.setattr(snapshot, "before_rename", read_while_publishing)
    with reader(db_path) as old:
        assert weeks_in(old) == ["2023-W37"]
        load_paths(week_files("2023-W38"), db_path)  # publishes snapshot 2 while `old` reads 1
        assert during == [["2023-W37"]]
        assert [n for n, _ in snapshot.published(db_path)] == [1, 2], "a held snapshot was removed"
        assert weeks_in(old) == ["2023-W37"]  # the old reader goes on, unchanged
        assert old.execute("SELECT count(*) FROM rankings").fetchone()[0] > 0
        with reader(db_path) as new:
            assert weeks_in(new) == ["2023-W37", "2023-W38"]
    assert [n for n, _ in snapshot.published(db_path)] == [1, 2]
    assert [p.name for p in snapshot.cleanup(db_path)] == ["warehouse.1.duckdb"]
    assert [n for n, _ in snapshot.published(db_path)] == [2]


def test_a_reader_whose_snapshot_is_removed_meanwhile_opens_the_newest(db_path):
    load_paths(week_files("2023-W37"), db_path)
    old = snapshot.latest(db_path)
    load_paths(week_files("2023-W38"), db_path)  # nobody held snapshot 1: it is gone
    assert not old.exists()
    with reader(db_path, old) as con:  # a page that pinned snapshot 1 before its rerun
        assert weeks_in(con) == ["2023-W37", "2023-W38"]


# --- two dashboard processes and a loader -----------------------------------------------------------

# A dashboard process: the app as `streamlit run dashboard.py` runs it (AppTest), on the overview,
# rendering the latest week at every line it is sent.
DASHBOARD = """
import json, sys
from streamlit.testing.v1 import AppTest
at = AppTest.from_file("dashboard.py", default_timeout=120)
for line in sys.stdin:
    at.run()
    at.selectbox(key="week").select_index(0).run()  # the latest week
    print(json.dumps({
        "exceptions": [str(e.message)[:300] for e in at.exception],
        "errors": [str(e.value)[:300] for e in at.error],
        "week": at.selectbox(key="week").value,
        "weeks": len(at.selectbox(key="week").options),
        "submitted": next(m.value for m in at.metric if m.label == "已报送县（市、区）"),
    }, ensure_ascii=False), flush=True)
"""

# The loader of `python -m etl load`, one file a batch, stopping at two points until told to go on:
# after its first batch is committed, and when the new snapshot is complete but not yet in place.
LOADER = """
import sys
from etl import load, snapshot
write = load.load_many
def pause(what):
    print(what, flush=True)
    assert sys.stdin.readline().strip() == "go"
def first_batch_then_pause(*a, _done=[], **k):
    out = write(*a, **k)
    if not _done:
        _done.append(1)
        pause("batch committed")
    return out
load.load_many = first_batch_then_pause
snapshot.before_rename = lambda tmp: pause("publishing")
reports = load.load_paths(sys.argv[2:], sys.argv[1], options=load.LoadOptions(batch_files=1))
print("done " + ",".join(r.outcome for r in reports), flush=True)
"""


class Child:
    """A Python child process spoken to by lines on stdin / stdout."""

    def __init__(self, code: str, *args: str, env: dict):
        self.proc = subprocess.Popen(
            [sys.executable, "-c", code, *args],
            cwd=ROOT,
            env={**os.environ, **env},
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )

    def say(self, line: str) -> None:
        self.proc.stdin.write(line + "\n")
        self.proc.stdin.flush()

    def hear(self, timeout: float = 180.0) -> str:
        """The child's next line. The timeout only ends a test whose child died or hung."""
        ready, _, _ = select.select([self.proc.stdout], [], [], timeout)
        line = self.proc.stdout.readline() if ready else ""
        if not line:
            self.proc.kill()
            raise AssertionError("child gave no answer:\n" + self.proc.stderr.read()[-3000:])
        return line.strip()

    def close(self) -> None:
        if self.proc.poll() is None:
            self.proc.stdin.close()
            try:
                self.proc.wait(timeout=60)
            except subprocess.TimeoutExpired:
                self.proc.kill()


@pytest.mark.slow
def test_two_dashboard_processes_and_a_loader_at_once(db_path, config):
    before_files, new_files = week_files("2023-W37"), week_files("2023-W38")
    load_paths(before_files, db_path)
    n = len(config.counties)
    before = {"week": "2023-W37", "weeks": 1, "submitted": f"{len(before_files) - 1} / {n}"}
    # every county that sent W38 (市直单位 is not a county)
    after = {"week": "2023-W38", "weeks": 2, "submitted": f"{len(new_files) - 1} / {n}"}
    env = {"DISPATCH_DB": str(db_path)}
    dashboards = [Child(DASHBOARD, env=env), Child(DASHBOARD, env=env)]
    loader = None
    try:

        def render_both() -> list[dict]:
            for d in dashboards:
                d.say("rerun")
            seen = [json.loads(d.hear()) for d in dashboards]
            for s in seen:
                assert s.pop("exceptions") == [] and s.pop("errors") == [], s
            return seen

        assert render_both() == [before, before]  # both dashboards hold snapshot 1

        loader = Child(LOADER, str(db_path), *map(str, new_files), env=env)
        assert loader.hear() == "batch committed"  # one W38 file is in the warehouse
        assert render_both() == [before, before], "a dashboard saw part of a load"
        loader.say("go")
        assert loader.hear() == "publishing"  # every file in, the snapshot not yet in place
        assert render_both() == [before, before], "a dashboard saw part of a load"
        loader.say("go")
        assert loader.hear() == "done " + ",".join(["loaded"] * len(new_files))
        assert loader.proc.wait(timeout=60) == 0
        assert [n for n, _ in snapshot.published(db_path)] == [1, 2], "the dashboards' snapshot went"

        assert render_both() == [after, after]  # the next rerun shows the whole load
        # both dashboards moved to snapshot 2 and let go of 1
        assert [p.name for p in snapshot.cleanup(db_path)] == ["warehouse.1.duckdb"]
    finally:
        for child in [*dashboards, loader]:
            if child is not None:
                child.close()


def test_the_deployment_doc_and_its_proxy_config_agree():
    """docs/operations.md's N dashboards behind nginx: the example config has what Streamlit needs
    (websocket upgrade, sticky sessions, the upload size) and the processes the doc starts."""
    import re

    ops = (ROOT / "docs" / "operations.md").read_text(encoding="utf-8")
    conf = (ROOT / "docs" / "nginx.conf").read_text(encoding="utf-8")
    assert "(nginx.conf)" in ops and "cookieSecret" in ops
    assert "proxy_set_header Upgrade $http_upgrade;" in conf
    assert "proxy_set_header Connection $connection_upgrade;" in conf
    assert re.search(r"upstream dashboard \{\s*hash \$dashboard_route consistent;", conf)
    assert 'Set-Cookie "dashboard_route=$dashboard_route' in conf
    started = re.search(r"for port in ([\d ]+); do", ops).group(1).split()
    assert re.findall(r"server 127\.0\.0\.1:(\d+);", conf) == started
    limit = int(re.search(r"client_max_body_size (\d+)m;", conf).group(1)) * 1_000_000
    from etl.config import load_config

    assert limit > load_config().limits["max_file_bytes"]
