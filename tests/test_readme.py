"""The README is the user's manual: every command it shows must exist and parse."""

from __future__ import annotations

import re
import shlex

import pytest

from etl.cli import build_parser

from .conftest import ROOT

README = (ROOT / "README.md").read_text(encoding="utf-8")
COMMANDS = sorted({m.strip() for m in re.findall(r"python -m etl ([^`\n#]+)", README)})


def test_readme_shows_commands():
    assert len(COMMANDS) >= 5


@pytest.mark.parametrize("command", COMMANDS)
def test_every_readme_command_parses(command):
    args = build_parser().parse_args(shlex.split(command))
    assert callable(args.func)


def test_readme_links_point_to_files():
    for target in re.findall(r"\]\(([^)#]+)\)", README):
        if not target.startswith("http"):
            assert (ROOT / target).exists(), target


def test_make_targets_in_readme_exist():
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    for target in set(re.findall(r"(?:^|`)make (\w+)", README, re.M)):
        assert re.search(rf"^{target}:", makefile, re.M), target
