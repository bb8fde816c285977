"""The CJK font cut down to the characters a batch of charts draws, for vl-convert.

vl-convert reads the font file again for every glyph it measures or draws, and a whole Noto Sans CJK
collection (ten faces, 65,000 glyphs each) makes every one of those reads costly. The same regular
and bold faces cut to the few hundred characters of one week's charts draw the same pixels in far
less time (docs/performance.md). The cut faces get a family name of their own, so that nothing asking
for the full font can land on a cut one.
"""

from __future__ import annotations

import atexit
import hashlib
import shutil
import tempfile
from pathlib import Path

from app.chart_images import CJKFont

# printable ASCII, d3-format's minus sign and the ellipsis Vega puts on a label cut at its limit:
# characters Vega may draw that are not in the spec
EXTRA = "".join(map(chr, range(0x20, 0x7F))) + "\u2212\u2026"

_made: dict[tuple[CJKFont, str], tuple[Path, str]] = {}
_home: list[Path] = []


def _folder() -> Path:
    """Where this process keeps its cut fonts: vl-convert reads them until the process ends."""
    if not _home:
        _home.append(Path(tempfile.mkdtemp(prefix="cjk_subsets_")))
        atexit.register(shutil.rmtree, _home[0], True)
    return _home[0]


def _cut(path: Path, index: int, chars: str, family: str, old_family: str):
    from fontTools import subset
    from fontTools.ttLib import TTFont

    font = TTFont(path, fontNumber=index, lazy=True, recalcBBoxes=False)
    options = subset.Options()
    options.name_IDs = ["*"]
    options.name_languages = ["*"]
    options.notdef_outline = True
    options.recalc_bounds = False
    cutter = subset.Subsetter(options)
    cutter.populate(text=chars)
    cutter.subset(font)
    for record in font["name"].names:
        text = record.toUnicode()
        if old_family in text:
            record.string = text.replace(old_family, family)
        elif old_family.replace(" ", "") in text:  # the PostScript name
            record.string = text.replace(old_family.replace(" ", ""), family.replace(" ", ""))
    return font


def subset_font(font: CJKFont, text: str) -> tuple[Path, str]:
    """(folder, family): the regular and bold faces of `font` holding only the characters of `text`
    (and EXTRA), in a folder to register with vl-convert. Made once per process and set of characters."""
    chars = "".join(sorted(set(text) | set(EXTRA)))
    key = (font, chars)
    if key not in _made:
        digest = hashlib.sha1(f"{font}\n{chars}".encode()).hexdigest()[:10]
        family = f"{font.family} Cut{digest}"  # a CSS identifier: no word may start with a digit
        folder = _folder() / digest
        part = folder.with_suffix(".part")
        part.mkdir()
        for face, path in (("Regular", font.regular), ("Bold", font.bold)):
            if path is not None:
                _cut(path, font.index, chars, family, font.family).save(part / f"{face}.otf")
        part.rename(folder)
        _made[key] = (folder, family)
    return _made[key]
