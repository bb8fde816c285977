"""The scale bench's warehouses, generated straight into DuckDB (no spreadsheets).

One province (bench.corpus.PROVINCE: 120 counties and 市直单位 × 250 units × 26 weeks) is simulated
with the demo's own generator (etl.demo.plan_demo / simulate: the same paces, profiles, missing
week and resubmission) and written through the loader's own store (etl.store.Batch), with an archived
"file" of random bytes (as incompressible as the zip files it stands for) of the corpus's average
size for every submission. Weeks go in week by week, as a campaign's weekly loads put them.

A warehouse of k provinces copies the province's rows k − 1 times in DuckDB SQL under renamed
counties (a prefecture prefix: 清河市永泽县), with every unit name, file name and hash renamed too;
the 市直单位 stays one. One city week — the last week of the configured city's counties — is held
back from the first copy: bench.scale loads it as the office would, then times the refresh of the
stored scores and the publishing of the snapshot.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import random
import time
from pathlib import Path

from etl.cells import name_key
from etl.config import Config
from etl.demo import demo_config, plan_demo, simulate
from etl.demo_names import SYLLABLES
from etl.packed_rows import pack
from etl.problems import FileReport
from etl.store import Batch
from etl.unit_row_schema import KEY_COLUMNS
from etl.warehouse import open_warehouse

from . import corpus as corpus_mod

ARCHIVE_BYTES = 37_500  # the province corpus's average file (117.9 MB / 3,146 files)
CITY_COUNTIES = 10  # the configured city's counties: the weekly load that is measured
HEADER_ROWS = 6  # the template's rows above the first unit row
# Bump when build_province writes something else: the cached province is made again.
BUILD_VERSION = 1
TABLES = ("file_archive", "load_log", "submission_versions", "current_versions", "unit_rows")


def province_config(scale: corpus_mod.Scale = corpus_mod.PROVINCE) -> tuple[Config, str]:
    config, until = corpus_mod.campaign_for(scale.weeks)
    return demo_config(config, scale.counties, scale.seed), until


def prefixes(n: int) -> list[str]:
    """n prefecture names (清河市 …) for the copies of the province, the same every run."""
    rng = random.Random("prefectures")
    pairs = [a + b for a in SYLLABLES for b in SYLLABLES if a != b]
    rng.shuffle(pairs)
    if n > len(pairs):
        raise ValueError(f"at most {len(pairs)} copies")
    return [p + "市" for p in pairs[:n]]


def scaled_config(base: Config, factor: int) -> tuple[Config, list[tuple[str, int, str]]]:
    """The config of `factor` provinces and the renames: (county, copy, name) for copies 2..factor."""
    renames = [(c, i, p + c) for i, p in enumerate(prefixes(factor)[1:], start=2) for c in base.counties]
    return dataclasses.replace(base, counties=base.counties + tuple(n for _, _, n in renames)), renames


def city_week(config: Config, weeks: list[str]) -> list[tuple[str, str]]:
    return [(c, weeks[-1]) for c in config.counties[:CITY_COUNTIES]]


def submission_rows(plan, county: str, week: str, rows: list[dict]) -> tuple[FileReport, dict]:
    """What the loader would have stored for one file of the demo: its report and its columns (the
    week's form's columns; the store leaves the others NULL)."""
    names = [k for k in rows[0] if k not in KEY_COLUMNS] if rows else []
    table: dict[str, list] = {name: [] for name in ("row_no", "unit", "level", *names, "unit_key")}
    for i, row in enumerate(rows):
        table["row_no"].append(HEADER_ROWS + 1 + i)
        table["unit_key"].append(name_key(row["unit"]))
        for name in ("unit", "level", *names):
            table[name].append(row[name])
    sha = hashlib.sha256(f"{plan.seed}|{county}|{week}|{len(rows)}".encode()).hexdigest()
    report = FileReport(f"{county}_{week}.xlsx", sha, county, week, "loaded")
    return report, table


def _archive_bytes(sha: str) -> bytes:
    return random.Random(sha).randbytes(ARCHIVE_BYTES)


def build_province(path: Path, log=print) -> dict:
    """The one-province warehouse, every week but the held-back city week (`path`, made anew)."""
    config, until = province_config()
    for p in (path, path.with_name(path.name + ".wal")):
        p.unlink(missing_ok=True)
    started = time.perf_counter()
    plan = plan_demo(config, until, corpus_mod.PROVINCE.seed, corpus_mod.PROVINCE.units)
    held = set(city_week(config, plan.weeks))
    weeks: dict[str, list] = {w: [] for w in plan.weeks}
    for county in config.units:
        for week, rows in simulate(plan, county):
            if plan.missing != (county, week) and (county, week) not in held:
                weeks[week].append((county, rows))
    con = open_warehouse(path, config)
    try:
        con.execute("SET checkpoint_threshold = '1GB'")
        n_rows = 0
        for week, subs in weeks.items():
            con.execute("BEGIN TRANSACTION")
            batch = Batch(con, "scale-bench", counties=[c for c, _ in subs], catalogue=config.catalogue)
            for county, rows in subs:
                report, table = submission_rows(plan, county, week, rows)
                batch.add_archive(report.sha256, _archive_bytes(report.sha256))
                batch.add_submission(report, pack(table, config.catalogue, "调度表"))
                batch.add_log(report)
                n_rows += len(rows)
            batch.flush()
            con.execute("COMMIT")
        if plan.resubmission and plan.resubmission not in held:  # the demo's corrected file, v2
            county, week = plan.resubmission
            rows = dict(simulate(plan, county))[week]
            rows[-1]["remarks"] = "更正：补报本行数据"
            con.execute("BEGIN TRANSACTION")
            batch = Batch(con, "scale-bench", counties=[county], catalogue=config.catalogue)
            report, table = submission_rows(plan, county, week, rows)
            report.file_name = f"{county}_{week}（更正）.xlsx"
            batch.add_archive(report.sha256, _archive_bytes(report.sha256))
            batch.add_submission(report, pack(table, config.catalogue, "调度表"))
            batch.add_log(report)
            batch.flush()
            con.execute("COMMIT")
        con.execute("CHECKPOINT")
    finally:
        con.close()
    log(f"  province: {n_rows:,} unit rows in {time.perf_counter() - started:.0f} s")
    return {"seconds": time.perf_counter() - started, "unit_rows": n_rows}


def held_back_week(log=print) -> tuple[list[tuple[FileReport, dict, bytes]], Config]:
    """The city week's files as the loader would store them (report, columns, archived bytes)."""
    config, until = province_config()
    plan = plan_demo(config, until, corpus_mod.PROVINCE.seed, corpus_mod.PROVINCE.units)
    out = []
    for county, week in city_week(config, plan.weeks):
        rows = dict(simulate(plan, county))[week]
        report, table = submission_rows(plan, county, week, rows)
        out.append((report, table, _archive_bytes(report.sha256)))
    return out, config


def province_base(cache: Path, log=print) -> Path:
    """The province warehouse, cached under `cache` while the generator's sources stay the same."""
    path = cache / "scale_province.duckdb"
    stamp = cache / "scale_province.duckdb.json"
    key = {"generator": corpus_mod.generator_hash(), "builder": BUILD_VERSION}
    if path.exists() and stamp.exists() and json.loads(stamp.read_text()) == key:
        return path
    log("  generating the province straight into DuckDB …")
    stamp.unlink(missing_ok=True)
    info = build_province(path, log)
    stamp.write_text(json.dumps({**key}))
    (cache / "scale_province.duckdb.info.json").write_text(json.dumps(info))
    return path


# column lists of the copies: every column as it is, the renamed ones replaced
RENAMED = {
    "file_archive": {"sha256": "sha256(m.name || a.sha256)"},
    "load_log": {
        "county": "m.name",
        "file_name": "replace(a.file_name, m.county, m.name)",
        "sha256": "sha256(m.name || a.sha256)",
    },
    "submission_versions": {
        "county": "m.name",
        "file_name": "replace(a.file_name, m.county, m.name)",
        "sha256": "sha256(m.name || a.sha256)",
    },
    "current_versions": {"county": "m.name"},
    "unit_rows": {
        "county": "m.name",
        "unit": "replace(a.unit, m.stem, m.new_stem)",
        "unit_key": "replace(a.unit_key, m.stem, m.new_stem)",
    },
}


def scale_up(base: Path, target: Path, factor: int, memory_limit: str = "6GB", log=print) -> dict:
    """`target` = a new warehouse holding the province `base` `factor` times under renamed counties
    (the first copy as it is), week by week as weekly loads leave them, with the scaled config's
    tables and views (no stored scores yet)."""
    for p in (target, target.with_name(target.name + ".wal")):
        p.unlink(missing_ok=True)
    province, _ = province_config()
    config, renames = scaled_config(province, factor)
    started = time.perf_counter()
    con = open_warehouse(target, config)
    try:
        con.execute(f"SET memory_limit = '{memory_limit}'")
        con.execute("SET checkpoint_threshold = '1GB'")
        con.execute(f"ATTACH '{str(base).replace(chr(39), chr(39) * 2)}' AS src (READ_ONLY)")
        con.execute(
            "CREATE TEMP TABLE scale_map (county VARCHAR, copy INTEGER, name VARCHAR, stem VARCHAR, "
            "new_stem VARCHAR)"
        )
        identity = [(c, 1, c, c[:-1], c[:-1]) for c in province.units]
        con.executemany(
            "INSERT INTO temp.scale_map VALUES (?, ?, ?, ?, ?)",
            identity + [(c, i, n, c[:-1], n[:-1]) for c, i, n in renames],
        )
        weeks = [
            w for (w,) in con.execute("SELECT DISTINCT week FROM src.unit_rows ORDER BY week").fetchall()
        ]
        for table in TABLES:
            cols = [
                r[0]
                for r in con.execute(
                    "SELECT column_name FROM duckdb_columns() WHERE database_name = 'src' "
                    "AND schema_name = 'main' AND table_name = ? ORDER BY column_index",
                    [table],
                ).fetchall()
            ]
            if table == "load_log":
                cols.remove("id")  # from the new warehouse's sequence
            exprs = ", ".join(RENAMED[table].get(c, f"a.{c}") for c in cols)
            if table == "file_archive":  # archived bytes belong to a county through its versions
                source = (
                    "src.file_archive AS a JOIN (SELECT DISTINCT sha256, county FROM "
                    "src.submission_versions) AS s ON a.sha256 = s.sha256 "
                    "JOIN temp.scale_map AS m ON s.county = m.county"
                )
            else:
                source = f"src.{table} AS a JOIN temp.scale_map AS m ON a.county = m.county"
            if table in ("unit_rows", "load_log", "submission_versions"):  # week by week
                for week in weeks:
                    con.execute(
                        f"INSERT INTO {table} ({', '.join(cols)}) SELECT {exprs} FROM {source} "
                        "WHERE a.week = ? ORDER BY m.copy, a.county",
                        [week],
                    )
            else:
                con.execute(f"INSERT INTO {table} ({', '.join(cols)}) SELECT {exprs} FROM {source}")
            log(f"  ×{factor}: {table} ({time.perf_counter() - started:.0f} s)")
        con.execute("DETACH src")
        con.execute("CHECKPOINT")
        rows = con.execute("SELECT count(*) FROM unit_rows").fetchone()[0]
    finally:
        con.close()
    return {"seconds": time.perf_counter() - started, "unit_rows": rows, "counties": len(config.counties)}


def write_config(config: Config, path: Path) -> Path:
    """config.toml with this config's counties and campaign end (what DISPATCH_CONFIG points at)."""
    base = (corpus_mod.PROJECT_ROOT / "config.toml").read_text(encoding="utf-8")
    path.write_text(corpus_mod.config_toml(base, config), encoding="utf-8")
    return path
