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


def _tree_modules() -> set[str]:
    """The modules the README's tree names, as paths (etl/load.py …)."""
    block = README.split("## Where things are", 1)[1].split("```text", 1)[1].split("```", 1)[0]
    found, folder = set(), ""
    for line in block.splitlines():
        if re.match(r"^\S+/$", line.split()[0] if line.split() else ""):
            folder = line.split()[0]
            continue
        if not line.startswith("  "):
            folder = ""
        names = re.findall(r"(?<![\w/.`])([\w]+\.py)\b", line.split("   ")[0] if "   " in line else line)
        found |= {folder + name for name in names}
    return found


def test_readme_tree_has_one_line_per_module():
    """Every module of etl/, app/, pages/ and bench/ has its line in the README's tree, and every
    module the tree names exists: a new module gets its line when it lands."""
    listed = _tree_modules()
    actual = {
        str(p.relative_to(ROOT))
        for folder in ("etl", "app", "pages", "bench")
        for p in (ROOT / folder).glob("*.py")
        if p.name != "__init__.py" or folder == "pages"
    } | {"dashboard.py"}
    assert not listed - actual, (
        f"the README's tree names modules that do not exist: {sorted(listed - actual)}"
    )
    assert not actual - listed, f"add a line for each to the README's tree: {sorted(actual - listed)}"
