"""The CLI and the app on one warehouse at the same time (interfaces.md): a `python -m etl load` while
the app has read data succeeds, and the app shows the new data at its next rerun, no restart."""

from __future__ import annotations

import subprocess
import sys

from streamlit.testing.v1 import AppTest

from app import office

from .conftest import ROOT, require_samples
from .office_fixtures import CLERK, load_week, sign_in, users_file  # noqa: F401


def cli_load(db_path, *paths):
    return subprocess.run(
        [sys.executable, "-m", "etl", "load", *map(str, paths), "--db", str(db_path), "--by", "cli-test"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )


def board_week(at):
    return next(s for s in at.selectbox if s.key and s.key.startswith("board_week_"))


def test_cli_load_while_the_app_is_open_shows_at_the_next_rerun(db_path, users_file):
    load_week(db_path, "2023-W37")
    app = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=60)
    app.session_state["user"] = sign_in(CLERK)
    app.run()
    app.switch_page("pages/submissions.py").run()
    assert not app.exception
    assert board_week(app).options == ["2023-W37"]

    ranks = AppTest.from_file(str(ROOT / "pages" / "rankings.py"), default_timeout=60).run()
    assert ranks.selectbox(key="rank_week").options == ["2023-W37"]

    # the app has read the warehouse and is still "open": the CLI loads a new week meanwhile
    week38 = sorted(p for p in (require_samples() / "dispatch").iterdir() if "2023-W38" in p.name)
    done = cli_load(db_path, *week38)
    assert done.returncode == 0, done.stdout + done.stderr
    assert f"导入 {len(week38)}" in done.stdout

    app.run()  # the next rerun, same session
    assert not app.exception
    assert board_week(app).options == ["2023-W37", "2023-W38"]
    assert board_week(app).value == "2023-W38"  # a new week: the board jumps to it
    board = next(d.value for d in app.dataframe if d.value.index.name == "单位")
    assert list(board.columns) == ["2023-W37", "2023-W38"] and board.loc["西山区", "2023-W38"] == "已报送"
    assert any("松岭县（未报送）" in w.value for w in app.warning)  # the one county missing W38
    history = next(
        d.value for d in app.dataframe if "操作人" in d.value.columns and "结果" in d.value.columns
    )
    assert "cli-test" in set(history["操作人"])

    ranks.run()
    assert ranks.selectbox(key="rank_week").options == ["2023-W37", "2023-W38"]
    assert "西山区" in set(ranks.dataframe[0].value["县（市、区）"])


def test_app_upload_and_cli_load_interleave(db_path, users_file):
    """An upload from the page and a CLI load one after the other, each on a short connection."""
    samples = require_samples() / "dispatch"
    reports = office.upload_files(
        sign_in(CLERK), [(p.name, p.read_bytes()) for p in sorted(samples.glob("*_2023-W37.xlsx"))], db_path
    )
    assert all(r.outcome == "loaded" for r in reports)
    done = cli_load(db_path, *sorted(samples.glob("*_2023-W37.csv")))
    assert done.returncode == 0, done.stdout + done.stderr
    reports = office.upload_files(
        sign_in(CLERK), [(p.name, p.read_bytes()) for p in sorted(samples.glob("*_2023-W38.xlsx"))], db_path
    )
    assert all(r.outcome == "loaded" for r in reports)
    board = office.load_history(db_path)
    assert set(board["loaded_by"]) == {CLERK, "cli-test"}
