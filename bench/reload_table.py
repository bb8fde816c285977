"""The rows of the `reload` part in `make bench`'s table (bench.reload's results)."""

from __future__ import annotations


def _runs(m: dict) -> str:
    """' (best of 3: 11.3–12.4 s, load avg 0.5–2.1)'."""
    runs = [r["seconds"] for r in m.get("runs", [])]
    la = [r["load_average"] for r in m.get("runs", []) if "load_average" in r]
    spread = f"best of {len(runs)}: {min(runs):.1f}–{max(runs):.1f} s, " if len(runs) > 1 else ""
    return f" ({spread}load avg {min(la):.1f}–{max(la):.1f})" if la else ""


def _cpu(c: dict, switches: int) -> str:
    parts = ", ".join(f"{k} {v:.1f}" for k, v in c["by_group"].items())
    per = ""
    if switches:
        g = c["by_group"]
        per = (
            f"; per switch: dashboards {g.get('dashboards', 0) / switches:.2f}, "
            f"Chromium {g.get('chromium', 0) / switches:.2f}"
        )
    return f"CPU-s over {c['wall_s']:.1f} s wall: {parts}{per}"


def _pages(d: dict, idle: dict, worst: str | None, ratio: float) -> str:
    few = min(d["by_page_n"].values(), default=0)
    return (
        f"idle p95 {idle['p95_s']:.2f} s, during {d['p95_s']:.2f} s (all pages together "
        f"{d['p95_s'] / idle['p95_s']:.2f}×); worst page {worst} {ratio:.2f}×; switches per page: "
        f"idle ≥ {min(idle['by_page_n'].values(), default=0)}, during ≥ {few}"
    )


def _first_content_row(what: str, m: dict) -> list[tuple[str, str, str, str]]:
    """A switch timed to its first content, as rounds 1–4 timed it (bench.browser._settled_at)."""
    fc = m.get("first_content")
    if not fc:
        return []
    return [
        (
            f"{what}, timed to the first content (rounds 1–4's end of a switch; the page's script "
            "may still run)",
            _pages(fc["during"], fc["idle"], fc["worst_page"], fc["worst_page_p95_ratio"]),
            "",
            "",
        )
    ]


def rows(rl: dict, targets: dict, verdict) -> list[tuple[str, str, str, str]]:
    if "with_viewers" not in rl:
        return [("reload with viewers", rl.get("skipped") or rl.get("error", "")[:150], "", "FAIL")]
    nice, think = rl["loader_nice"], rl["think_s"]
    setting = f"loader nice {nice}, viewers think {think:g} s"
    out = [
        (
            f"province reload alone / with two viewers ({setting})",
            f"{rl['alone']['seconds']:.1f} s{_runs(rl['alone'])} / {rl['with_viewers']['seconds']:.1f} s"
            f"{_runs(rl['with_viewers'])}, {rl['switches_per_reload']:.1f} switches a reload",
            "",
            "",
        ),
        (
            "reload with viewers ÷ reload alone (measured, browsers on the server's 2 cores)",
            f"{rl['load_ratio']:.2f}× (pairs: {', '.join(f'{x:.2f}' for x in rl['pair_ratios'])})",
            f"≤ {targets['reload_with_viewers']}×",
            verdict(rl["load_ratio"] <= targets["reload_with_viewers"]),
        ),
        (
            "the same, servers only (derived: loader + dashboards CPU ÷ loader CPU alone)",
            f"{rl['servers_only_ratio']:.2f}× (every group of the bench: {rl['cpu_ratio_measured']:.2f}×)",
            "",
            "",
        ),
    ]
    tp = rl["topup"]
    pooled = f"{len(rl['pair_ratios'])} viewed reloads" + (
        f" + {tp['reloads']} with back-to-back clicks" if tp["reloads"] else ""
    )
    out.append(
        (
            f"page switch p95 during the reload ÷ idle (loader nice {nice}; pooled over {pooled})",
            _pages(rl["during"], rl["idle"], rl["worst_page"], rl["worst_page_p95_ratio"])
            + f"; second dashboard process served {rl['second_process_switches']} switches during "
            f"the loads, {rl['exceptions']} errors",
            f"each ≤ {targets['page_p95_during_reload']}×",
            verdict(rl["worst_page_p95_ratio"] <= targets["page_p95_during_reload"] and not rl["exceptions"]),
        )
    )
    out += _first_content_row("the same switches", rl)
    phases = [
        ("cpu_alone", "CPU during the reloads alone", 0),
        (
            "cpu_during",
            "CPU during the reloads with viewers",
            rl["switches_per_reload"] * len(rl["pair_ratios"]),
        ),
        ("cpu_idle_switches", "CPU during the idle switches", rl["idle"]["n"]),
        ("cpu_topup", "CPU during the back-to-back reloads", tp["switches"]),
    ]
    for key, what, n in phases:
        if rl.get(key):
            out.append((f"{what} ({setting})", _cpu(rl[key], round(n)), "", ""))
    c = rl.get("continuity")
    if c:
        out += [
            (
                "earlier rounds' setting: loader nice 0, back-to-back clicks: reload alone / with viewers",
                f"{c['alone']['seconds']:.1f} s / {c['with_viewers']['seconds']:.1f} s = {c['load_ratio']:.2f}× "
                f"(servers only, derived: {c['servers_only_ratio']:.2f}×)",
                "",
                "",
            ),
            (
                "earlier rounds' setting: page switch p95 during the reload ÷ idle",
                _pages(c["during"], rl["idle"], c["worst_page"], c["worst_page_p95_ratio"]),
                "",
                "",
            ),
            *_first_content_row("earlier rounds' setting", c),
            (
                "earlier rounds' setting: CPU during the reload with viewers",
                _cpu(c["cpu_during"], c["during"]["n"]),
                "",
                "",
            ),
        ]
    return out
