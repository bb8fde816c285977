"""The demo: plausible, cumulative, consistent figures; every county and week on file; the story
(上热下冷, one county behind, one missing week, one resubmission, late units) visible in the
warehouse the real loader and scoring views build from it."""

from __future__ import annotations

import duckdb
import pytest

from etl.cli import main
from etl.demo import DEFAULT_UNTIL, demo_config, plan_demo, run_demo, simulate, write_demo_files
from etl.weeks import campaign_weeks, expected_progress

from .form_columns import CATALOGUE
from .readback import read_dispatch


@pytest.fixture(scope="module")
def plan(config):
    return plan_demo(config)


@pytest.fixture(scope="module")
def figures(plan):
    """{county: {week: rows}} as simulated."""
    return {c: dict(simulate(plan, c)) for c in plan.config.units}


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    """`python -m etl demo` into a fresh warehouse, as `make run` does."""
    tmp = tmp_path_factory.mktemp("demo")
    db, out = tmp / "warehouse.duckdb", tmp / "files"
    assert main(["demo", "--db", str(db), "--out", str(out)]) == 0
    return db, out


def test_plan_tells_the_story(plan, config):
    assert plan.weeks == campaign_weeks(config.start, config.end)[: plan.weeks.index(DEFAULT_UNTIL) + 1]
    assert plan.weeks[0] == "2023-W36" and plan.weeks[-1] == "2023-W49"
    assert len(plan.counties_by("hot_top")) >= 2 and len(plan.counties_by("behind")) == 1
    assert len(plan.counties_by("even")) >= 3 and plan.counties_by("city") == [config.city_direct]
    assert plan.missing[1] == plan.resubmission[1] == plan.weeks[-1]
    assert plan.missing[0] != plan.resubmission[0]
    assert plan.missing[0] not in plan.counties_by("behind")  # its red light must stay visible
    assert set(plan.late) == {"reading_class_done", "exchange_meeting_held"}  # the [deadlines] flags
    assert all(len(units) == 2 for units in plan.late.values())


def test_units_are_realistic(plan, config):
    for county, units in plan.units.items():
        names = [u.name for u in units]
        assert len(names) == len(set(names)), county
        levels = {u.level for u in units}
        if county == config.city_direct:
            assert levels == {"市级"} and len(units) >= 6
            continue
        assert units[0].name == f"{county}委常委会" and units[0].level == "县级"
        assert levels == {"县级", "乡镇级", "村级"} and 12 <= len(units) <= 30
        assert f"{county[:-1]}两新组织党组织" in names
        towns = [u.name.removesuffix("党委") for u in units if u.level == "乡镇级"]
        assert all(f"{t}村（社区）党组织" in names for t in towns)


def test_deterministic_for_a_seed(config, figures):
    again = plan_demo(config)
    assert {c: dict(simulate(again, c)) for c in again.config.units} == figures
    other = plan_demo(config, seed=7)
    assert dict(simulate(other, config.counties[0])) != figures[config.counties[0]]


def test_counts_cumulative_relations_and_levels(figures):
    """Each week on its own form (form 2 from 2023-W47): its columns only, NULL exactly where a
    metric does not apply, no part above its whole, counts never falling where both weeks have them."""
    for county, weeks in figures.items():
        previous = {}
        for week, rows in weeks.items():
            form = CATALOGUE.form_for(week)
            for r in rows:
                assert set(r) == {c.id for c in form.columns if c.id != "seq"}, (week, set(r))
                for c in form.metrics:  # NULL exactly where the metric does not apply
                    assert (r[c.id] is None) == (r["level"] not in c.levels), (county, week, r["unit"], c.id)
                for small, large in form.relations:
                    if r[small] is not None:
                        assert r[small] <= r[large], (county, week, r["unit"], small, large)
                assert r["org_count"] >= 1
                before = previous.get(r["unit"])
                for c in form.metrics:
                    if c.kind == "count" and before and r[c.id] is not None and before.get(c.id) is not None:
                        assert r[c.id] >= before[c.id], (county, week, r["unit"], c.id)
                previous[r["unit"]] = r


def test_progress_rises_with_expected_progress(plan, figures, config):
    """Cumulative work grows over the weeks, roughly as 序时进度 does."""
    first, last = plan.weeks[0], plan.weeks[-1]
    for county, weeks in figures.items():
        done = {
            w: sum(r["problems_rectified"] + r["livelihood_done"] for r in rows) for w, rows in weeks.items()
        }
        assert done[last] > 3 * max(1, done[first]), county
    assert expected_progress(last, config.start, config.end) > 60


def test_late_units_miss_the_deadline(plan, figures):
    deadline_week = "2023-W48"  # the week of 2023-11-30
    for flag, late in plan.late.items():
        for county, units in plan.units.items():
            rows = {r["unit"]: r for r in figures[county][deadline_week]}
            for u in units:
                if rows[u.name][flag] is None:
                    continue
                assert rows[u.name][flag] == ((county, u.name) not in late), (flag, county, u.name)


def test_files_cover_every_county_and_week(plan, figures, tmp_path):
    firsts, corrections = write_demo_files(plan, tmp_path, progress=False)
    names = {p.name.rsplit(".", 1)[0] for p in firsts}
    for county in plan.config.units:
        for week in plan.weeks:
            assert (f"{county}_{week}" in names) == ((county, week) != plan.missing), (county, week)
    assert [p.name.rsplit(".", 1)[0] for p in corrections] == ["{}_{}（更正）".format(*plan.resubmission)]
    assert {p.suffix for p in firsts} == {".xlsx", ".csv"}
    # Spot check: the files mean the simulated figures, whatever layout they use.
    county, week = plan.resubmission
    for path in [*corrections, *(p for p in firsts if p.name.startswith(plan.config.counties[1]))]:
        got = read_dispatch(path)
        c, w = path.stem.split("_")[0], path.stem.split("_")[1][:8]
        want = [{k: int(v) if isinstance(v, bool) else v for k, v in r.items()} for r in figures[c][w]]
        if path in corrections:
            assert got["rows"][:-1] == [dict(r, remarks=None) for r in want[:-1]]
            assert got["rows"][-1]["remarks"] == "更正：补报本行数据"
        else:
            assert got["rows"] == want, path.name
        assert got["week"] == w


def test_a_rerun_into_its_own_folder_replaces_the_files_and_a_foreign_folder_is_left_alone(config, tmp_path):
    long, short = plan_demo(config, "2023-W38"), plan_demo(config, "2023-W37")
    own = tmp_path / "files"
    write_demo_files(long, own, progress=False)
    firsts, corrections = write_demo_files(short, own, progress=False)
    assert {p for p in own.iterdir() if not p.name.startswith(".")} == {*firsts, *corrections}
    foreign = tmp_path / "mine"
    foreign.mkdir()
    (foreign / "我的表.xlsx").write_bytes(b"x")
    write_demo_files(short, foreign, progress=False)
    assert (foreign / "我的表.xlsx").exists() and not (foreign / ".dispatch-demo").exists()


def test_demo_config_generates_counties(config):
    big = demo_config(config, 25, seed=1)
    assert big.counties[:10] == config.counties and len(big.counties) == 25
    assert len(set(big.units)) == 26 and all(c[-1] in "县区市" and len(c) == 3 for c in big.counties)
    assert len({c[:2] for c in big.units}) == 26  # 青河 short forms stay unambiguous
    assert demo_config(config, 3).counties == config.counties[:3]
    assert demo_config(config) is config


def test_scale_options_load_with_generated_counties(tmp_path, config):
    plan, reports = run_demo(
        tmp_path / "w.duckdb",
        tmp_path / "files",
        config=config,
        until_week="2023-W37",
        counties=12,
        units=30,
        progress=False,
    )
    assert len(plan.config.counties) == 12
    assert all(len(us) == 30 for c, us in plan.units.items() if c != plan.config.city_direct)
    assert [r.outcome for r in reports].count("rejected") == 0, [r.errors for r in reports if r.errors]
    with duckdb.connect(str(tmp_path / "w.duckdb"), read_only=True) as con:
        counties = {c for (c,) in con.execute("SELECT DISTINCT county FROM unit_reports").fetchall()}
        assert set(plan.config.counties[10:]) <= counties
        assert (
            con.execute(
                "SELECT count(*) FROM unit_reports WHERE county = ? AND week = '2023-W36'",
                [plan.config.counties[11]],
            ).fetchone()[0]
            == 30
        )


def test_demo_usage_errors(tmp_path):
    base = ["demo", "--db", str(tmp_path / "w.duckdb"), "--out", str(tmp_path)]
    assert main([*base, "--until-week", "2025-W01"]) == 2
    assert main([*base, "--units", "2"]) == 2
    assert not (tmp_path / "w.duckdb").exists()


# ---- through the real loader and scoring views ---------------------------------------------


def test_demo_warehouse_submissions(demo, plan, config):
    db, _ = demo
    with duckdb.connect(str(db), read_only=True) as con:
        total = con.execute("SELECT count(*) FROM submissions").fetchone()[0]
        assert total == len(config.units) * len(plan.weeks) - 1 + 1  # one missing, one extra version
        twice = con.execute(
            "SELECT county, week, count(*), max(version), count(*) FILTER (WHERE is_current) "
            "FROM submissions GROUP BY ALL HAVING count(*) > 1"
        ).fetchall()
        assert twice == [(*plan.resubmission, 2, 2, 1)]
        current = con.execute(
            "SELECT file_name, rows FROM submissions WHERE county = ? AND week = ? AND is_current",
            list(plan.resubmission),
        ).fetchone()
        assert "更正" in current[0] and current[1] == len(plan.units[plan.resubmission[0]])
        last = plan.weeks[-1]
        submitted = {
            c for (c,) in con.execute("SELECT county FROM submissions WHERE week = ?", [last]).fetchall()
        }
        assert set(config.units) - submitted == {plan.missing[0]}
        assert con.execute("SELECT count(DISTINCT week) FROM submissions").fetchone()[0] == len(plan.weeks)


def test_demo_rerun_is_a_no_op(demo):
    db, out = demo
    with duckdb.connect(str(db), read_only=True) as con:
        before = con.execute("SELECT count(*) FROM submissions").fetchone()[0]
    assert main(["demo", "--db", str(db), "--out", str(out)]) == 0
    with duckdb.connect(str(db), read_only=True) as con:
        assert con.execute("SELECT count(*) FROM submissions").fetchone()[0] == before


def test_demo_shows_the_pattern(demo, plan, config):
    """The dashboard's story, computed by the real scoring views."""
    db, _ = demo
    last, recent = plan.weeks[-1], plan.weeks[-3:]
    with duckdb.connect(str(db), read_only=True) as con:
        gradient = dict(
            con.execute("SELECT county, gradient FROM rankings WHERE week = ?", [last]).fetchall()
        )
        for county in plan.counties_by("hot_top"):
            assert gradient[county] >= 15, (county, gradient[county])
        evens = [c for c in plan.counties_by("even") if c in gradient]
        assert sum(abs(gradient[c]) < 15 for c in evens) >= len(evens) - 1, gradient
        behind = plan.counties_by("behind")[0]
        for week in recent:
            score, expected = con.execute(
                "SELECT s.score, w.expected_progress FROM county_scores s JOIN cfg_weeks w USING (week) "
                "WHERE s.county = ? AND s.week = ? AND s.dimension = 'composite'",
                [behind, week],
            ).fetchone()
            assert expected - score >= 30, (week, score, expected)
        ranks = dict(con.execute("SELECT county, rank FROM rankings WHERE week = ?", [last]).fetchall())
        assert ranks[behind] == max(ranks.values())
        assert plan.missing[0] not in ranks
        late = con.execute(
            "SELECT county, unit FROM unit_reports WHERE week = '2023-W48' AND NOT reading_class_done"
        ).fetchall()
        assert sorted(late) == sorted(plan.late["reading_class_done"])
        late = con.execute(
            "SELECT county, unit FROM unit_reports WHERE week = '2023-W48' AND NOT exchange_meeting_held"
        ).fetchall()
        assert sorted(late) == sorted(plan.late["exchange_meeting_held"])
