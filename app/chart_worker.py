"""A second process that draws charts: vl-convert has one JavaScript runtime per process, so two
processes draw two charts at once on two cores (app.chart_images.ChartHelper starts and feeds it).

Run as `python -I chart_worker.py FONT_DIR FAMILY OUT_DIR`. It starts its runtime and loads the CJK
font while the caller is still reading the week's data, then reads lines "NAME SCALE" from stdin,
one per chart as the caller queues it, and draws OUT_DIR/NAME.json to OUT_DIR/NAME.png unless the
caller has taken it first (whoever renames NAME.json has it); it ends at EOF. Before it queues the
charts the caller writes OUT_DIR/font (a folder and a family: the CJK font cut to the charts'
characters, app/font_subset.py), and they are drawn in that. Only the standard library and
vl_convert: it runs isolated (-I), without the project on its path.
"""

from __future__ import annotations

import json
import os
import sys
import traceback
from pathlib import Path

# a title in the CJK font: the first chart loads the font and builds the runtime; do that early
WARM_UP = {
    "title": "图",
    "mark": "point",
    "data": {"values": [{"x": 1}]},
    "encoding": {"x": {"field": "x", "type": "quantitative"}},
}


def main(argv: list[str]) -> int:
    import vl_convert

    font_dir, family, out = argv[1], argv[2], Path(argv[3])
    vl_convert.register_font_directory(font_dir)
    vl_convert.vegalite_to_svg({**WARM_UP, "config": {"font": family}})
    while line := sys.stdin.readline():
        if family == argv[2] and (out / "font").is_file():  # the cut font, written before the charts
            cut_dir, family = (out / "font").read_text(encoding="utf-8").splitlines()
            vl_convert.register_font_directory(cut_dir)
        name, scale = line.split()
        mine = out / f"{name}.helper"
        try:
            os.rename(out / f"{name}.json", mine)
        except FileNotFoundError:  # the caller took it
            continue
        try:
            spec = json.loads(mine.read_text(encoding="utf-8"))
            spec["config"]["font"] = family
            part = out / f"{name}.part"
            part.write_bytes(vl_convert.vegalite_to_png(spec, scale=float(scale)))
            part.rename(out / f"{name}.png")  # whole files only: the caller takes what is there
        except Exception:  # noqa: BLE001 — one chart failing leaves it to the caller, not the rest
            traceback.print_exc()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
