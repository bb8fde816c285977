"""The scoring views' SQL, rendered from the catalogue (forms.toml) with Jinja2.

Files in etl/sql/views ending in .sql are plain SQL; those ending in .sql.j2 are templates that loop
over the catalogue's indicators, writing one wide column (or one list item) per indicator, as dbt's
jaffle_shop writes one `sum(case …)` column per payment method. Only checked catalogue text reaches
the SQL: ids match [a-z][a-z0-9_]* and are quoted, levels come from a fixed list, expressions are
re-written node by node (etl.expressions), numbers are Python floats. Labels and other free text go
to the cfg_* tables as bound parameters, never into SQL text.
"""

from __future__ import annotations

from pathlib import Path

import jinja2

from .forms import LEVELS, Catalogue, Column, Indicator

VIEWS_DIR = Path(__file__).parent / "sql" / "views"


def quote(name: str) -> str:
    """An identifier of the catalogue as SQL (checked to be [a-z][a-z0-9_]* already)."""
    return '"' + name.replace('"', '""') + '"'


def _column_sql(columns: dict[str, Column], null_as_zero: bool):
    def render(name: str) -> str:
        if name == "months_started":
            return "r.months"
        c = columns[name]
        sql = f"r.{quote(name)}" + ("::DOUBLE" if c.kind == "flag" else "")
        return f"coalesce({sql}, 0)" if null_as_zero else sql

    return render


def _applies(levels: tuple[str, ...]) -> str:
    if set(levels) == set(LEVELS):
        return "true"
    return "r.level IN (" + ", ".join(f"'{lv}'" for lv in levels) + ")"


def _variant(ind: Indicator, columns: dict[str, Column]) -> dict:
    # a plain column counts NULL as 0 in indicator_value; inside min/max/+ each column must
    achieved = ind.achieved.sql(_column_sql(columns, null_as_zero=not ind.achieved.is_plain_name()))
    return {
        "applies": _applies(ind.levels),
        "achieved": achieved,
        "target": ind.target.sql(_column_sql(columns, null_as_zero=False)),
    }


def indicator_columns(catalogue: Catalogue) -> list[dict]:
    """For each indicator id of every method: its SQL per group of methods that define it alike."""
    columns = catalogue.by_id
    out = []
    for ind in catalogue.indicators:
        variants: dict[tuple, dict] = {}
        for method in catalogue.methods:
            mine = next((i for i in method.indicators if i.id == ind.id), None)
            if mine is None:
                continue
            v = _variant(mine, columns)
            key = (v["applies"], v["achieved"], v["target"])
            variants.setdefault(key, {**v, "methods": []})["methods"].append(method.version)
        listed = list(variants.values())
        single = len(listed) == 1 and len(listed[0]["methods"]) == len(catalogue.methods)
        out.append({"id": quote(ind.id), "name": ind.id, "single": single, "variants": listed})
    return out


_ENV = jinja2.Environment(
    loader=jinja2.FileSystemLoader(VIEWS_DIR),
    undefined=jinja2.StrictUndefined,
    autoescape=False,  # SQL, built only from checked catalogue text (see the module docstring)
    keep_trailing_newline=True,
)


def view_sql(catalogue: Catalogue) -> list[tuple[str, str]]:
    """(file name, SQL) of every view, in file order, templates rendered for this catalogue."""
    context = {
        "indicators": indicator_columns(catalogue),
        "columns": [quote(c.id) for c in catalogue.metrics],
    }
    out = []
    for f in sorted(VIEWS_DIR.iterdir()):
        if f.name.endswith(".sql"):
            out.append((f.name, f.read_text(encoding="utf-8")))
        elif f.name.endswith(".sql.j2"):
            out.append((f.name, _ENV.get_template(f.name).render(context)))
    return out
