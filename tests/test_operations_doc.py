"""docs/operations.md cannot drift: every error/warning code and every [limits] key the program uses
is documented, and the doc documents no code the program no longer has."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DOC = ROOT / "docs" / "operations.md"
CODE = re.compile(r"""["']([EW]_[A-Z0-9_]+)["']""")


def codes_in_source() -> set[str]:
    found = set()
    for path in (ROOT / "etl").rglob("*.py"):
        found |= set(CODE.findall(path.read_text(encoding="utf-8")))
    return found


def codes_in_doc() -> set[str]:
    return set(re.findall(r"^\| `([EW]_[A-Z0-9_]+)` \|", DOC.read_text(encoding="utf-8"), flags=re.M))


def test_every_code_used_in_etl_is_documented():
    missing = codes_in_source() - codes_in_doc()
    assert not missing, f"add these codes to docs/operations.md: {sorted(missing)}"


def test_the_doc_lists_no_code_the_program_does_not_use():
    stale = codes_in_doc() - codes_in_source()
    assert not stale, f"codes in docs/operations.md that etl/ no longer uses: {sorted(stale)}"


def test_the_source_scan_finds_codes():
    # the scan itself must work, or the two tests above would pass on nothing
    assert {"E_ZIP_BOMB", "E_RELATION", "W_DECREASE"} <= codes_in_source()


def test_every_limit_is_documented():
    limits = tomllib.loads((ROOT / "config.toml").read_text(encoding="utf-8"))["limits"]
    doc = DOC.read_text(encoding="utf-8")
    for key in limits:
        assert f"`{key}`" in doc, key
