"""The benchmark's inputs, made once with the demo generator and cached under bench/corpus/.

A corpus is a folder named after its parameters (counties, units, weeks, seed) holding
  files/            every first submission (.xlsx and .csv in the demo's mix of layouts)
  files/resubmitted the demo's corrected resubmission (loaded after the first files)
  config.toml       config.toml with the generated counties and, if needed, a later campaign end
  manifest.json     written last: a folder without it is incomplete and is made again
The loader only accepts configured counties, so every process that reads this corpus or its
warehouse gets DISPATCH_CONFIG=<corpus>/config.toml.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import json
import os
import re
import shutil
import sys
import time
from pathlib import Path

from etl.config import PROJECT_ROOT, default_config
from etl.demo import DEFAULT_SEED, DEFAULT_UNTIL, demo_config, plan_demo, write_demo_files
from etl.weeks import campaign_weeks, week_monday, week_sunday

BENCH_DIR = Path(__file__).resolve().parent
CORPUS_ROOT = BENCH_DIR / "corpus"
# the demo generator and everything it derives from (a change regenerates the corpus)
GENERATOR_SOURCES = (
    "etl/demo.py",
    "etl/demo_figures.py",
    "etl/demo_names.py",
    "etl/template.py",
    "forms.toml",
)


@dataclasses.dataclass(frozen=True)
class Scale:
    counties: int
    units: int
    weeks: int
    seed: int = DEFAULT_SEED

    @property
    def key(self) -> str:
        return f"c{self.counties}_u{self.units}_w{self.weeks}_s{self.seed}"


PROVINCE = Scale(counties=120, units=250, weeks=26)
QUICK = Scale(counties=3, units=12, weeks=3)


def generator_hash() -> str:
    h = hashlib.sha256()
    for rel in GENERATOR_SOURCES:
        h.update((PROJECT_ROOT / rel).read_bytes())
    return h.hexdigest()[:16]


def campaign_for(weeks: int, config=None):
    """The config's campaign if it has `weeks` weeks, else the same start with a later end (the Sunday
    of week `weeks`). Returns (config, until_week)."""
    config = config or default_config()
    all_weeks = campaign_weeks(config.start, config.end)
    if weeks > len(all_weeks):
        first = week_monday(all_weeks[0])
        end = week_sunday(_week_after(first, weeks - 1))
        config = dataclasses.replace(config, end=end)
        all_weeks = campaign_weeks(config.start, config.end)
    return config, all_weeks[weeks - 1]


def _week_after(monday: dt.date, n: int) -> str:
    from etl.weeks import week_of

    return week_of(monday + dt.timedelta(days=7 * n))


def config_toml(base_text: str, config) -> str:
    """config.toml's text with this config's counties and campaign end (nothing else changes)."""
    counties = ", ".join(json.dumps(c, ensure_ascii=False) for c in config.counties)
    text, n1 = re.subn(r"(?m)^counties\s*=.*$", f"counties = [{counties}]", base_text)
    text, n2 = re.subn(r"(?m)^end\s*=.*$", f"end = {config.end.isoformat()}", text)
    if n1 != 1 or n2 != 1:
        raise RuntimeError("config.toml has no single `counties =` / `end =` line to replace")
    return text


@dataclasses.dataclass
class Corpus:
    scale: Scale
    path: Path
    manifest: dict

    @property
    def files(self) -> Path:
        return self.path / "files"

    @property
    def config_path(self) -> Path:
        return self.path / "config.toml"

    @property
    def env(self) -> dict:
        return {"DISPATCH_CONFIG": str(self.config_path)}

    def all_files(self) -> list[Path]:
        from etl.load import iter_files

        return iter_files([self.files])

    def week_files(self, week: str) -> list[Path]:
        return [f for f in self.all_files() if f"_{week}" in f.name]


def get_corpus(scale: Scale, regenerate: bool = False, log=print) -> Corpus:
    """The cached corpus for this scale, made when missing, incomplete or made with other parameters."""
    path = CORPUS_ROOT / scale.key
    manifest_path = path / "manifest.json"
    if manifest_path.exists() and not regenerate:
        manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
        if manifest.get("scale") == dataclasses.asdict(scale):
            if manifest.get("generator") != generator_hash():
                log(
                    f"  note: the demo generator changed since {scale.key} was made; "
                    "pass --regenerate to make the corpus again"
                )
            _refresh_config(scale, path)
            return Corpus(scale, path, manifest)
    return _generate(scale, path, log)


def _config_text(scale: Scale) -> str:
    config, _ = campaign_for(scale.weeks)
    base = (PROJECT_ROOT / "config.toml").read_text(encoding="utf-8")
    return config_toml(base, demo_config(config, scale.counties, scale.seed))


def _refresh_config(scale: Scale, path: Path) -> None:
    """A corpus kept from an earlier version gets today's config.toml (same counties and end), so
    that a change of the config's layout does not make every process reading it refuse to start."""
    text = _config_text(scale)
    if (path / "config.toml").read_text(encoding="utf-8") != text:
        (path / "config.toml").write_text(text, encoding="utf-8")


def _generate(scale: Scale, path: Path, log) -> Corpus:
    config, until = campaign_for(scale.weeks)
    config = demo_config(config, scale.counties, scale.seed)
    tmp = path.with_name(f"{path.name}.tmp{os.getpid()}")  # two runs at once each make their own
    shutil.rmtree(tmp, ignore_errors=True)
    (tmp / "files").mkdir(parents=True)
    log(f"  generating corpus {scale.key} ({len(config.units)} units × {scale.weeks} weeks) …")
    started = time.perf_counter()
    plan = plan_demo(config, until, scale.seed, scale.units)
    firsts, corrections = write_demo_files(plan, tmp / "files", progress=sys.stderr.isatty())
    if corrections:  # a folder's own files load before its subfolders': the correction comes second
        (tmp / "files" / "resubmitted").mkdir()
        corrections = [c.rename(tmp / "files" / "resubmitted" / c.name) for c in corrections]
    (tmp / "config.toml").write_text(_config_text(scale), encoding="utf-8")
    rows = sum(len(us) for c, us in plan.units.items()) * len(plan.weeks)
    manifest = {
        "scale": dataclasses.asdict(scale),
        "generator": generator_hash(),
        "weeks": plan.weeks,
        "campaign_end": config.end.isoformat(),
        "files": len(firsts) + len(corrections),
        "first_files": len(firsts),
        "resubmissions": len(corrections),
        "bytes": sum(f.stat().st_size for f in firsts + corrections),
        "unit_rows_planned": rows,
        "missing": list(plan.missing) if plan.missing else None,
        "generate_seconds": round(time.perf_counter() - started, 1),
        "made_at": dt.datetime.now().isoformat(timespec="seconds"),
    }
    (tmp / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=1), encoding="utf-8")
    _publish(tmp, path)
    log(f"  corpus ready: {manifest['files']} files in {manifest['generate_seconds']} s")
    return Corpus(scale, path, manifest)


def _publish(tmp: Path, path: Path) -> None:
    """Move a finished folder into place; if another run got there first with a complete one, keep it."""
    if (path / "manifest.json").exists():
        old = path.with_name(f"{path.name}.old{os.getpid()}")
        path.rename(old)
        shutil.rmtree(old, ignore_errors=True)
    else:
        shutil.rmtree(path, ignore_errors=True)
    try:
        tmp.rename(path)
    except OSError:  # another run published meanwhile
        shutil.rmtree(tmp, ignore_errors=True)


def city_week(regenerate: bool = False, log=print) -> tuple[Path, list[Path], list[Path]]:
    """The normal demo (the configured city, default weeks) for the weekly-load measurement:
    (folder, files of every week before the last, files of the last week incl. the resubmission)."""
    config = default_config()
    path = CORPUS_ROOT / f"city_{DEFAULT_UNTIL}_s{DEFAULT_SEED}"
    marker = path / "manifest.json"
    if (
        regenerate
        or not marker.exists()
        or json.loads(marker.read_text()).get("generator") != generator_hash()
    ):
        tmp = path.with_name(f"{path.name}.tmp{os.getpid()}")
        shutil.rmtree(tmp, ignore_errors=True)
        plan = plan_demo(config, DEFAULT_UNTIL, DEFAULT_SEED)
        firsts, corrections = write_demo_files(plan, tmp, progress=False)
        marker_tmp = tmp / "manifest.json"
        marker_tmp.write_text(
            json.dumps(
                {
                    "generator": generator_hash(),
                    "last_week": plan.weeks[-1],
                    "corrections": [c.name for c in corrections],
                },
                ensure_ascii=False,
            )
        )
        _publish(tmp, path)
    meta = json.loads(marker.read_text())
    from etl.load import iter_files

    files = iter_files([path])
    last = [f for f in files if f"_{meta['last_week']}" in f.name]
    # the corrected file after the first one, as the demo loads them
    last.sort(key=lambda f: (f.name in meta["corrections"], f.name))
    earlier = [f for f in files if f not in last]
    return path, earlier, last
