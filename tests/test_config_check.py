"""The whole config (config.toml and the catalogue forms.toml) is checked at every start of the CLI and
the app: each mistake is one Chinese line naming the file, the line and the key, what is wrong and an
example; nothing runs on a broken config. `python -m etl forms check|show` for the office."""

from __future__ import annotations

import re

import pytest

from etl.cli import main
from etl.config import ConfigError, default_config

from .form_columns import custom_config


def problems(tmp_path, replace=None, forms=None) -> list[str]:
    with pytest.raises(ConfigError) as err:
        custom_config(tmp_path, replace, forms)
    return err.value.lines


def line_of(tmp_path, name: str, needle: str) -> int:
    lines = (tmp_path / name).read_text(encoding="utf-8").splitlines()
    return next(i + 1 for i, text in enumerate(lines) if needle in text)


def test_the_default_config_is_clean(config):
    assert [f.start for f in config.catalogue.forms] == ["2023-W36", "2023-W47"]
    assert [m.start for m in config.catalogue.methods] == ["2023-W36", "2023-W47"]


def test_a_toml_slip_names_the_file_line_and_text(tmp_path):
    (got,) = problems(tmp_path, {"[scoring.lights]": "[[scoring.lights]"})
    n = line_of(tmp_path, "config.toml", "[[scoring.lights]")
    assert got.startswith(f"config.toml 第 {n} 行，「[[scoring.lights]」：TOML 写法有误")
    assert "正确写法例如" in got


def test_a_word_where_a_number_belongs(tmp_path):
    (got,) = problems(tmp_path, {"red_lag = 30": 'red_lag = "abc"'})
    n = line_of(tmp_path, "config.toml", "red_lag")
    assert got == (
        f"config.toml 第 {n} 行，[scoring.lights] red_lag：应为数字，写的是 'abc'。正确写法例如：red_lag = 30"
    )


def test_weights_that_do_not_sum_to_one_and_a_weight_that_is_text(tmp_path):
    got = problems(
        tmp_path,
        forms={
            "weights = { study = 0.30, research = 0.20": "weights = { study = 0.80, research = 0.20",
            "weights = { study = 0.30, research = 0.25": 'weights = { study = "abc", research = 0.25',
        },
    )
    n1 = line_of(tmp_path, "forms.toml", 'study = "abc"')
    n2 = line_of(tmp_path, "forms.toml", "study = 0.80")
    assert got == [
        f"forms.toml 第 {n1} 行，第1版评分办法 weights.study：权重应为 0 到 1 之间的数（写的是 'abc'）。"
        "正确写法例如：weights = { study = 0.30, research = 0.25, development = 0.25, rectification = 0.20 }",
        f"forms.toml 第 {n2} 行，第2版评分办法 weights：四项权重之和应为 1，现在是 1.5。"
        "正确写法例如：weights = { study = 0.30, research = 0.25, development = 0.25, rectification = 0.20 }",
    ]


@pytest.mark.parametrize(
    "change,needle,says",
    [
        # a duplicate id within a version
        ({'id = "new_sector_members", kind': 'id = "member_count", kind'}, "列 member_count：", "列代码重复"),
        # a relation naming an unknown id
        ({'at_most = "livelihood_projects"': 'at_most = "livelihood_project"'}, "at_most", "「livelihood_project」不是本版表样中的列代码"),
        # an expression naming an unknown id, or using what the language does not have
        ({'target = "4 * org_count"': 'target = "4 * org_cnt"'}, "enough_problems_found target", "「org_cnt」不是"),
        ({'target = "4 * org_count"': 'target = "org_count / 4"'}, "enough_problems_found target", "不能用除法"),
        ({'target = "4 * org_count"': 'target = "__import__(1)"'}, "enough_problems_found target", "不允许的写法"),
        # versions out of order or overlapping
        ({'version = 2\nfrom = "2023-W47"   #': 'version = 2\nfrom = "2023-W36"   #'}, "[[form]] 第 2 个 from", "应晚于上一版的 2023-W36"),
        ({'version = 2\nfrom = "2023-W47"\nnote': 'version = 3\nfrom = "2023-W47"\nnote'}, "[[method]] 第 2 个 version", "版本号应按顺序为 2"),
        # a reworded header colliding with another column
        ({'old = ["目标量化（个）"]': 'old = ["已整改（个）"]'}, "problems_quantified", "是列 problems_rectified 的列名"),
        # one id, two kinds across versions
        ({'en = "Media reports", id = "media_reports", kind = "count"': 'en = "Media reports", id = "board_updated", kind = "count"'}, "board_updated", "列代码重复"),
        # the English name of a column or an indicator: required, in English
        ({' en = "Central media reports",': ''}, "列 media_central en", "缺少英文名称"),
        ({'en = "Reading class"': 'en = "读书班"'}, "指标 reading_class en", "英文名称应为英文"),
    ],
)  # fmt: skip
def test_each_catalogue_mistake_is_one_line(tmp_path, change, needle, says):
    got = problems(tmp_path, forms=change)
    assert any(needle in line and says in line for line in got), got
    assert all(re.match(r"^forms\.toml 第 \d+ 行，", line) for line in got), got


def test_an_indicator_on_a_column_its_weeks_do_not_have(tmp_path):
    got = problems(
        tmp_path,
        forms={
            'target = "3 * org_count", achieved = "problems_found"': 'target = "3 * org_count", achieved = "media_reports"'
        },
    )
    assert any("「media_reports」不是该评分办法施行期间表样中的列代码" in line for line in got), got


def test_the_cli_does_not_start_on_a_broken_config(tmp_path, monkeypatch, capsys):
    cfg_dir = tmp_path / "c"
    cfg_dir.mkdir()
    with pytest.raises(ConfigError):
        custom_config(cfg_dir, {"red_lag = 30": 'red_lag = "abc"'})
    monkeypatch.setenv("DISPATCH_CONFIG", str(cfg_dir / "config.toml"))
    default_config.cache_clear()
    try:
        assert main(["status", "--db", str(tmp_path / "w.duckdb")]) == 2
        err = capsys.readouterr().err
        assert "配置有误（1 处），未执行" in err and "[scoring.lights] red_lag：应为数字" in err
        assert not (tmp_path / "w.duckdb").exists()
        assert main(["forms", "check"]) == 1
        assert "[scoring.lights] red_lag" in capsys.readouterr().err
    finally:
        default_config.cache_clear()


def test_forms_check_and_show(capsys):
    assert main(["forms", "check"]) == 0
    out = capsys.readouterr().out
    assert "第2版表样：自 2023-W47 起" in out and "新增列「理论学习 / 三新组织党员（名）」" in out
    assert main(["forms", "show", "--week", "2023-W46"]) == 0
    out = capsys.readouterr().out
    assert "统计周 2023-W46 施行第1版表样" in out and "中央媒体报道（条）" in out and "三新" not in out
    assert "检查视查摆问题" not in out and "3 × 党组织数" in out
    assert main(["forms", "show", "--week", "2023-W47"]) == 0
    out = capsys.readouterr().out
    assert "已量化整改目标（个）（又作 目标量化（个））" in out and "≤ 检视查摆问题" in out
    assert "4 × 党组织数" in out and "调查研究 0.2" in out
    assert main(["forms", "show", "--week", "2030-W01"]) == 2
