"""The form and the method are data: no column or indicator id of the catalogue (forms.toml) appears in
the code of etl/, etl/sql/, app/ or pages/. The template, the loader, the warehouse columns, the scoring
views, the demo, the pages and the bulletins all take them from the catalogue. (The skeleton every
form has — 序号, 单位名称, 层级, 备注: ids seq, unit, level, remarks — is the sheet's structure, named
by its kind, not a column of the form.)"""

from __future__ import annotations

import re
from pathlib import Path

from etl.forms import SKELETON

from .form_columns import CATALOGUE

ROOT = Path(__file__).resolve().parent.parent
SCOPE = ("etl", "app", "pages")
STRUCTURE = {*SKELETON, "seq", "remarks"}


def test_no_column_or_indicator_id_outside_the_catalogue():
    ids = {c.id for f in CATALOGUE.forms for c in f.columns} | {i.id for i in CATALOGUE.indicators}
    ids -= STRUCTURE
    assert len(ids) > 40
    pattern = re.compile(
        r"(?<![A-Za-z0-9_])(" + "|".join(sorted(ids, key=len, reverse=True)) + r")(?![A-Za-z0-9_])"
    )
    hits = []
    files = [ROOT / "dashboard.py", *(p for d in SCOPE for p in (ROOT / d).rglob("*") if p.is_file())]
    for path in files:
        if "__pycache__" in path.parts:
            continue
        text = path.read_text(encoding="utf-8")
        for n, line in enumerate(text.splitlines(), 1):
            for m in pattern.finditer(line):
                hits.append(f"{path.relative_to(ROOT)}:{n}: {m.group(1)}")
    assert hits == []
