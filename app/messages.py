"""Keep the English catalogue in step with the code: `python -m app.messages` (make messages) adds
every Chinese text the code hands to t()/label()/N_()/header() and the catalogue lacks, with an empty
English to fill in, and keeps the file sorted by msgid (fewer merge conflicts when several people add
texts at once). tests/test_i18n.py uses the same collection to fail on a text without English."""

from __future__ import annotations

import ast
import re
import sys
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po, write_po

from app.labels import CATALOGUE

ROOT = Path(__file__).resolve().parent.parent
CJK = re.compile(r"[\u4e00-\u9fff]")
# the translating calls, the marker, and helpers whose text arguments are translated inside
CALLS = {"t", "label", "N_", "header", "say", "term", "needs_role_notice"}


def _name(func: ast.expr) -> str | None:
    if isinstance(func, ast.Name):
        return func.id
    return func.attr if isinstance(func, ast.Attribute) else None


def source_files(root: Path = ROOT) -> list[Path]:
    return [
        root / "dashboard.py",
        *sorted((root / "app").glob("*.py")),
        *sorted((root / "pages").glob("*.py")),
    ]


def marked_texts(files: list[Path] | None = None) -> dict[str, str]:
    """Chinese string literals passed to the translating calls → where the first one is."""
    found: dict[str, str] = {}
    for f in files or source_files():
        for node in ast.walk(ast.parse(f.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and _name(node.func) in CALLS:
                for a in [*node.args, *(k.value for k in node.keywords)]:
                    if isinstance(a, ast.Constant) and isinstance(a.value, str) and CJK.search(a.value):
                        found.setdefault(a.value, f"{f.relative_to(ROOT)}:{a.lineno}")
    return found


def read() -> Catalog:
    with CATALOGUE.open("rb") as f:
        return read_po(f, locale="en")


def update() -> list[str]:
    """Add the missing texts (empty English), sort, write; the added msgids."""
    old = read()
    new = Catalog(locale="en", project="dispatch-dashboard", charset="utf-8")
    added = [zh for zh in marked_texts() if zh not in old]
    entries = {m.id: m.string for m in old if m.id} | dict.fromkeys(added, "")
    for zh in sorted(entries):
        new.add(zh, entries[zh])
    head = [line for line in CATALOGUE.read_text(encoding="utf-8").splitlines() if line.startswith("# ")]
    with CATALOGUE.open("wb") as f:
        f.write(("\n".join(head) + "\n").encode())
        write_po(f, new, width=0, no_location=True, omit_header=True)
    return added


if __name__ == "__main__":
    for zh in update():
        print(f"added (fill in its English): {zh}")
    sys.exit(0)
