"""The blank template the office hands out, and the form (forms.toml) in force for a week."""

from __future__ import annotations

import datetime as dt
import tempfile
from pathlib import Path

from etl.catalogue_text import form_changes
from etl.config import Config, default_config
from etl.template import write_template


def template_bytes(unit: str = "", week: str | None = None, config: Config | None = None) -> bytes:
    """The blank weekly dispatch template (etl.template), with 填报单位 and 统计周 filled in."""
    with tempfile.TemporaryDirectory(prefix="dispatch-template-") as tmp:
        path = write_template(Path(tmp) / "template.xlsx", unit, week, config=config or default_config())
        return path.read_bytes()


def form_in_force(week: str, config: Config | None = None, english: bool = False) -> dict:
    """The form of the catalogue (forms.toml) in force for a week, in words for the page (in
    English with the switch on)."""
    config = config or default_config()
    cat = config.catalogue
    form = cat.form_for(week)
    if english:
        title = f"form {form.version}"
        since = (
            "in force from the campaign's start" if form is cat.forms[0] else f"in force from {form.start}"
        )
    else:
        title = form.title
        since = "主题教育开始起施行" if form is cat.forms[0] else f"自 {form.start} 起施行"
    return {"title": title, "since": since, "columns": len(form.columns), "start": form.start}


def form_versions(config: Config | None = None, english: bool = False) -> list[dict]:
    """Every form version with what changed from the one before (in English with the switch on:
    the columns by their `en` of forms.toml, the header as the template writes it beside)."""
    config = config or default_config()
    cat = config.catalogue
    out = []
    for i, form in enumerate(cat.forms):
        info = form_in_force(form.start if i else config.weeks[0], config, english)
        if not english:
            out.append({**info, "changes": form_changes(cat, form), "note": form.note})
            continue
        before = cat.forms[i - 1] if i else None
        changes = []
        for c in form.columns if before else ():
            old = before.by_id.get(c.id)
            if old is None:
                changes.append(f"new column {c.en} ({c.group} / {c.label})")
            elif old.label != c.label:
                changes.append(f"{c.en}: header {old.label} now {c.label} (both accepted)")
        changes += (
            [
                f"column dropped: {c.en} ({c.group} / {c.label})"
                for c in before.columns
                if c.id not in form.by_id
            ]
            if before
            else []
        )
        out.append({**info, "changes": changes, "note": "the form at the campaign's start"})
    return out


def template_file_name(unit: str = "", week: str | None = None) -> str:
    return "_".join(x for x in ("周调度表", unit, week) if x) + ".xlsx"


def default_template_week(
    latest: str | None, config: Config | None = None, today: dt.date | None = None
) -> str:
    """The week a blank template is most likely wanted for: this week during the campaign, else the
    week after the latest one with data, else the campaign's first week."""
    from etl.weeks import campaign_weeks, week_of

    config = config or default_config()
    weeks = campaign_weeks(config.start, config.end)
    this = week_of(today or dt.date.today())
    if this in weeks:
        return this
    if latest in weeks and weeks.index(latest) + 1 < len(weeks):
        return weeks[weeks.index(latest) + 1]
    return weeks[0]
