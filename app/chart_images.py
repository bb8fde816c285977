"""The dashboard's Altair charts as PNG, without a browser (vl-convert, Altair's own export path), and
the CJK font both the charts and the meeting pack's PDF use.

vl-convert draws text with the fonts it has been told about; a chart whose font family is missing
would come out as boxes. So the font is found first, its folder registered with vl-convert, and
every chart's font set to that exact family. No font → CJKFontMissing with what to install.
"""

from __future__ import annotations

import functools
import json
import os
import struct
from dataclasses import dataclass
from pathlib import Path

FONT_DIRS = (
    Path("/usr/share/fonts/opentype/noto"),
    Path("/usr/share/fonts/opentype"),
    Path("/usr/share/fonts"),
    Path("/usr/local/share/fonts"),
    Path.home() / ".local/share/fonts",
    Path.home() / ".fonts",
)
# (file, index of Simplified Chinese in the collection, family name)
CANDIDATES = (
    ("NotoSansCJK-Regular.ttc", 2, "Noto Sans CJK SC"),
    ("NotoSansCJKsc-Regular.otf", 0, "Noto Sans CJK SC"),
    ("SourceHanSansSC-Regular.otf", 0, "Source Han Sans SC"),
)
FIX = "请安装中文字体后重试：apt-get install fonts-noto-cjk（或把字体文件所在目录设为环境变量 DISPATCH_CJK_FONT_DIR）。"


class CJKFontMissing(RuntimeError):
    """No CJK font to draw Chinese with; the message (Chinese) says how to install one."""


@dataclass(frozen=True)
class CJKFont:
    regular: Path
    index: int  # font number in a .ttc collection
    family: str

    @property
    def directory(self) -> Path:
        return self.regular.parent


def _search_dirs() -> list[Path]:
    extra = os.environ.get("DISPATCH_CJK_FONT_DIR")
    return ([Path(extra)] if extra else []) + list(FONT_DIRS)


@functools.cache
def find_cjk_font() -> CJKFont:
    """The first Noto Sans CJK / Source Han Sans found in the usual font folders."""
    for d in _search_dirs():
        if not d.is_dir():
            continue
        for regular, index, family in CANDIDATES:
            hits = [d / regular] if (d / regular).is_file() else sorted(d.rglob(regular))
            if hits:
                return CJKFont(hits[0], index, family)
    raise CJKFontMissing("找不到中文字体（Noto Sans CJK 或思源黑体），图表和 PDF 中的中文无法显示。" + FIX)


@functools.cache
def _registered(directory: str) -> None:
    import vl_convert

    vl_convert.register_font_directory(directory)


def _static(node, width: int):
    """A copy of a spec with every width="container" (the page's width) made a number."""
    if isinstance(node, dict):
        return {
            k: (width if k == "width" and v == "container" else _static(v, width)) for k, v in node.items()
        }
    if isinstance(node, list):
        return [_static(v, width) for v in node]
    return node


def static_spec(chart, width: int = 900) -> dict:
    """The chart's Vega-Lite spec, `width` CSS pixels wide where it follows the page, in the CJK font."""
    font = find_cjk_font()
    _registered(str(font.directory))
    spec = _static(chart.to_dict(), width)
    spec.setdefault("config", {})["font"] = font.family
    return spec


def chart_png(chart, width: int = 900, scale: float = 1.5) -> bytes:
    """One Altair chart (from app.charts) as PNG, drawn at `scale` for print (1.5: 225 dpi at the
    width the documents give a 900-pixel chart)."""
    import vl_convert

    return vl_convert.vegalite_to_png(static_spec(chart, width), scale=scale)


def render_many(jobs: dict, scale: float = 1.5) -> dict:
    """{key: (chart or None, width)} → {key: PNG or None}. A spec that several keys share is drawn
    once. One after another: vl-convert has one JavaScript runtime per process, so threads draw no
    faster (docs/performance.md)."""
    import vl_convert

    specs = {k: json.dumps(static_spec(c, w), sort_keys=True) for k, (c, w) in jobs.items() if c is not None}
    pngs = {s: vl_convert.vegalite_to_png(json.loads(s), scale=scale) for s in dict.fromkeys(specs.values())}
    return {k: pngs[specs[k]] if k in specs else None for k in jobs}


def png_size(png: bytes) -> tuple[int, int]:
    """(width, height) in pixels from the PNG header."""
    return struct.unpack(">II", png[16:24])
