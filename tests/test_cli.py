"""`python -m etl`: help everywhere, exit codes as interfaces.md specifies, --json reports."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from etl.cli import COMMANDS, main

from .conftest import ROOT, require_samples, run_etl
from .dispatch_builder import grid, write_xlsx


def etl(*args, db=None):
    return run_etl(*args, env={"DISPATCH_DB": str(db)} if db else None)


def test_top_level_help_lists_the_commands():
    out = etl("--help")
    assert out.returncode == 0
    for name in ("template", "load", "demo", "status", "rankings"):
        assert name in out.stdout


@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_every_command_has_help(command, capsys):
    with pytest.raises(SystemExit) as exit:
        main([command, "--help"])
    assert exit.value.code == 0
    assert "usage" in capsys.readouterr().out


def test_a_command_imports_only_its_own_module():
    # `etl load` runs every week and in the benchmark: it must not pay for pandas (the exports' import)
    code = (
        "import sys; from etl.cli import main\ntry: main(['load', '--help'])\nexcept SystemExit: pass\n"
        "print('pandas' in sys.modules, 'etl.export' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert out.stdout.split()[-2:] == ["False", "False"], out.stderr


def test_usage_errors_exit_2(capsys):
    with pytest.raises(SystemExit) as exit:
        main(["load"])
    assert exit.value.code == 2
    assert main([]) == 2
    with pytest.raises(SystemExit) as exit:
        main(["no-such-command"])
    assert exit.value.code == 2


def test_load_of_a_missing_path_is_a_usage_error(tmp_path, db_path):
    assert main(["load", str(tmp_path / "nope.xlsx"), "--db", str(db_path)]) == 2


def test_load_exits_1_when_any_file_is_rejected_and_still_loads_the_rest(tmp_path, db_path):
    write_xlsx(tmp_path / "good.xlsx", grid())
    write_xlsx(tmp_path / "bad.xlsx", grid(unit="红星县", week="2023-W46"))
    out = etl("load", tmp_path, "--db", db_path)
    assert out.returncode == 1, out.stderr
    assert "已导入  good.xlsx：青河县 2023-W45，3 行，版本 v1" in out.stdout
    assert "已退回  bad.xlsx" in out.stdout and "[E_UNIT_UNKNOWN] 工作表「调度表」 单元格 A2" in out.stdout
    assert "共 2 个文件：导入 1，未变化 0，退回 1" in out.stdout
    again = etl("load", tmp_path / "good.xlsx", "--db", db_path)
    assert again.returncode == 0 and "未变化  good.xlsx" in again.stdout


def test_load_json_report(db_path):
    samples = require_samples() / "dispatch"
    out = etl(
        "load",
        samples / "东湖区_2023-W37.xlsx",
        samples / "resubmitted" / "西山区_2023-W37_修改_negative.xlsx",
        "--db",
        db_path,
        "--json",
    )
    assert out.returncode == 1
    loaded, rejected = json.loads(out.stdout)
    assert (loaded["outcome"], loaded["county"], loaded["week"], loaded["rows"], loaded["version"]) == (
        "loaded",
        "东湖区",
        "2023-W37",
        21,
        1,
    )
    assert rejected["outcome"] == "rejected"
    assert rejected["errors"][0]["code"] == "E_NEGATIVE" and rejected["errors"][0]["cell"] == "I7"


def test_status_matrix(tmp_path, db_path):
    assert etl("status", "--db", db_path).returncode == 2  # no warehouse yet
    load = etl("load", require_samples() / "dispatch", "--db", db_path)
    assert load.returncode == 1  # the resubmitted/ files are rejected
    out = etl("status", "--db", db_path)
    assert out.returncode == 0
    assert "松岭县" in out.stdout and "W37" in out.stdout and "W38" in out.stdout
    week = etl("status", "--week", "2023-W38", "--db", db_path)
    assert "松岭县" in week.stdout and "未报送" in week.stdout
    assert etl("status", "--week", "45", "--db", db_path).returncode == 2
