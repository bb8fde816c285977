"""The CJK font cut down to the characters a batch of charts draws, for vl-convert.

vl-convert reads the font file again for every glyph it measures or draws, and a whole Noto Sans CJK
collection (ten faces, 65,000 glyphs each) makes every one of those reads costly. The same regular
and bold faces cut to the few hundred characters of one week's charts draw the same pixels in far
less time (docs/performance.md). The cut faces get a family name of their own, so that nothing asking
for the full font can land on a cut one.

Cutting costs about as much as drawing three charts, and a week's charts use the same characters
as last week's (the counties, the labels, ASCII for the figures), so the cut faces are kept in the
user's cache folder ($XDG_CACHE_HOME or ~/.cache, then dispatch-dashboard/cjk-fonts), one folder
per source font and set of characters (≈ 100 KB). The folder may be deleted at any time: a missing
cut is made again.
"""

from __future__ import annotations

import atexit
import hashlib
import os
import shutil
import tempfile
from pathlib import Path

from app.chart_images import CJKFont

# printable ASCII, d3-format's minus sign and the ellipsis Vega puts on a label cut at its limit:
# characters Vega may draw that are not in the spec
EXTRA = "".join(map(chr, range(0x20, 0x7F))) + "\u2212\u2026"

_private: list[Path] = []


def cache_dir() -> Path:
    """The user's cache of cut fonts, or a folder of this process's own where that cannot be made."""
    home = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    folder = Path(home) / "dispatch-dashboard" / "cjk-fonts"
    try:
        folder.mkdir(parents=True, exist_ok=True)
        return folder
    except OSError:
        if not _private:  # vl-convert reads the fonts until the process ends
            _private.append(Path(tempfile.mkdtemp(prefix="cjk_fonts_")))
            atexit.register(shutil.rmtree, _private[0], True)
        return _private[0]


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
    (and EXTRA), in a folder to register with vl-convert; made when the cache does not hold it."""
    chars = "".join(sorted(set(text) | set(EXTRA)))
    faces = {"Regular": font.regular, "Bold": font.bold}
    source = [(str(p), p.stat().st_size, p.stat().st_mtime_ns) for p in faces.values() if p is not None]
    digest = hashlib.sha1(f"{source}\n{font.index}\n{chars}".encode()).hexdigest()[:12]
    family = f"{font.family} Cut{digest}"  # a CSS identifier: no word may start with a digit
    folder = cache_dir() / digest
    if not folder.is_dir():
        part = Path(tempfile.mkdtemp(prefix=f"{digest}.", suffix=".part", dir=folder.parent))
        for face, path in faces.items():
            if path is not None:
                _cut(path, font.index, chars, family, font.family).save(part / f"{face}.otf")
        try:
            part.rename(folder)  # whole folders only
        except OSError:  # another process made it first: the same faces
            shutil.rmtree(part, ignore_errors=True)
    return folder, family
