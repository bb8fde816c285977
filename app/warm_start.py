"""What the first visitor's first page needs, made at server start (app.serve) while the browser is
still loading Streamlit's frontend: the overview's reads and its heat map's spec at the page's
defaults (the newest snapshot, the latest week, no search, no county highlighted, Chinese), and
the English catalogue the sidebar's switch reads. They go into the same caches, under the same keys,
as pages/overview.py's own calls, so its first run finds them there (tests/test_warm_start.py)."""

from __future__ import annotations

import logging
from pathlib import Path

from app import ui
from app.labels import label
from etl.config import warehouse_path
from etl.county_window import Window

log = logging.getLogger(__name__)


def overview() -> None:
    """pages/overview.py's cached reads at its defaults; nothing when there is nothing to show."""
    db = str(warehouse_path())
    if not Path(db).exists():
        return
    version = ui.newest_version(db)
    if ui._prepare(db, version):  # the schema was upgraded: a newer snapshot, read at the first visit
        return
    status = ui.fetch_at(db, version, "data_status")
    if not status["weeks"]:
        return
    data = ui.fetch_at(db, version, "overview_data", status["weeks"][-1], window=Window.of())
    ui.chart_spec("county_level_heatmap", data["levels"], data["city_profile"], "composite", highlight=None)


def warm() -> None:
    """Everything above; a failure is only logged (the page then reads for itself and shows it)."""
    label("显示英文", True)
    try:
        overview()
    except Exception:  # noqa: BLE001 — never stop the server over a head start
        log.warning("warm start: the overview's reads failed", exc_info=True)
