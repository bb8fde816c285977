"""`python -m bench.views_compare [--counties 120 --units 250 --weeks 26]`: the scoring views rendered
from the catalogue (forms.toml) against the hand-written views they replaced, on the same warehouse.

A province-scale warehouse is filled straight in SQL (random but consistent counts, the sizes of
make bench's corpus), then the indicator layer — unit_indicator_values summed to indicator_scores,
the heavy part of every refresh and of any live read — is timed through each set of views, best of
three, alternating. The hand-written views are read from git (the commit before the catalogue).
"""

from __future__ import annotations

import argparse
import subprocess
import tempfile
import time
from pathlib import Path

from etl.config import PROJECT_ROOT, default_config
from etl.warehouse import open_warehouse

OLD_COMMIT = "0454105"  # the last commit with the hand-written views
OLD_VIEWS = ("20_indicator_defs.sql", "22_unit_indicator_values.sql", "24_indicator_scores.sql")
OLD_TARGETS = {"center_group_per_month": 1, "concentrated_per_month": 1, "lectures_per_org": 1, "cases_per_org": 1, "problems_per_org": 3}  # fmt: skip
QUERY = "SELECT count(*), sum(rate), sum(capped) FROM indicator_scores"


def fill(con, counties: int, units: int, weeks: list[str]) -> int:
    """unit_rows, submission_versions and current_versions of a campaign, in a few statements."""
    cat = default_config().catalogue
    metrics = [c for c in cat.metrics]
    values = []
    for c in metrics:
        if c.kind == "flag":
            values.append(f"random() < 0.6 AS {c.id}")
        else:
            values.append(f"(1 + random() * 40)::INTEGER AS {c.id}")
    con.execute(
        "CREATE TEMP TABLE grid AS SELECT 'C' || c AS county, w.week, u AS row_no, "
        "CASE WHEN u = 1 THEN '县级' WHEN u % 2 = 0 THEN '村级' ELSE '乡镇级' END AS level "
        f"FROM range({counties}) t(c), range(1, {units} + 1) s(u), (SELECT unnest(?::VARCHAR[]) AS week) w",
        [weeks],
    )
    con.execute(
        f"INSERT INTO unit_rows (county, week, version, row_no, unit, level, {', '.join(c.id for c in metrics)}) "
        f"SELECT county, week, 1, row_no, 'U' || row_no, level, {', '.join(values)} FROM grid"
    )
    con.execute(
        "INSERT INTO submission_versions SELECT DISTINCT county, week, 1, 'f.xlsx', 'x', now(), 1, NULL FROM grid"
    )
    con.execute("INSERT INTO current_versions SELECT DISTINCT county, week, 1 FROM grid")
    return con.execute("SELECT count(*) FROM unit_rows").fetchone()[0]


def install_old(con) -> None:
    """The hand-written views in schema old, with the config tables they read."""
    con.execute("CREATE SCHEMA old")
    con.execute("CREATE TABLE old.cfg_params AS SELECT * FROM main.cfg_params")
    con.executemany(
        "INSERT INTO old.cfg_params VALUES (?, ?)", [(f"target_{k}", v) for k, v in OLD_TARGETS.items()]
    )
    con.execute("USE old")
    con.execute("SET search_path = 'old,main'")
    for name in OLD_VIEWS:
        sql = subprocess.run(
            ["git", "show", f"{OLD_COMMIT}:etl/sql/views/{name}"],
            cwd=PROJECT_ROOT, capture_output=True, text=True, check=True,
        ).stdout  # fmt: skip
        con.execute(sql)
    con.execute("USE main")


def timed(con, schema: str) -> float:
    con.execute(f"SET search_path = '{schema},main'" if schema != "main" else "SET search_path = 'main'")
    started = time.perf_counter()
    con.execute(QUERY.replace("indicator_scores", f"{schema}.indicator_scores")).fetchall()
    return time.perf_counter() - started


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m bench.views_compare")
    p.add_argument("--counties", type=int, default=120)
    p.add_argument("--units", type=int, default=250)
    p.add_argument("--weeks", type=int, default=26)
    args = p.parse_args(argv)
    config = default_config()
    weeks = config.weeks[: args.weeks]
    with tempfile.TemporaryDirectory() as tmp:
        con = open_warehouse(Path(tmp) / "w.duckdb", config)
        n = fill(con, args.counties, args.units, weeks)
        install_old(con)
        same = [con.execute(f"SELECT sum(capped) FROM {s}.indicator_scores WHERE week < '2023-W47'").fetchone()[0] for s in ("main", "old")]  # fmt: skip
        runs = {"old": [], "main": []}
        for _ in range(3):
            for schema in ("old", "main"):
                runs[schema].append(timed(con, schema))
        con.close()
    old, new = min(runs["old"]), min(runs["main"])
    print(f"{n:,} unit rows, {len(weeks)} weeks ({weeks[0]}–{weeks[-1]})")
    print(f"hand-written views : best {old:.2f} s  (runs {', '.join(f'{x:.2f}' for x in runs['old'])})")
    print(f"catalogue-rendered : best {new:.2f} s  (runs {', '.join(f'{x:.2f}' for x in runs['main'])})")
    print(f"ratio rendered/hand-written: {new / old:.2f}")
    print(f"same sums under form 1 (before 2023-W47): {abs(same[0] - same[1]) < 1e-6 * max(1, same[1])}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
