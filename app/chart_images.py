"""The dashboard's Altair charts as PNG, without a browser (vl-convert, Altair's own export path), and
the CJK font both the charts and the meeting pack's PDF use.

vl-convert draws text with the fonts it has been told about; a chart whose font family is missing
would come out as boxes. So the font is found first, its folder registered with vl-convert, and
every chart's font set to that exact family. No font → CJKFontMissing with what to install.
"""

from __future__ import annotations

import contextlib
import functools
import json
import os
import shutil
import struct
import subprocess
import sys
import tempfile
import time
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

    @property
    def bold(self) -> Path | None:
        """The bold face beside the regular one (Vega draws titles bold), if installed."""
        path = self.regular.with_name(self.regular.name.replace("-Regular", "-Bold"))
        return path if path != self.regular and path.is_file() else None


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
    spec = _static(
        chart.to_dict(validate=False), width
    )  # app.charts' builders are validated where the pages draw them
    spec.setdefault("config", {})["font"] = font.family
    return spec


def chart_png(chart, width: int = 900, scale: float = 1.5) -> bytes:
    """One Altair chart (from app.charts) as PNG, drawn at `scale` for print (1.5: 225 dpi at the
    width the documents give a 900-pixel chart)."""
    import vl_convert

    return vl_convert.vegalite_to_png(static_spec(chart, width), scale=scale)


class ChartHelper:
    """Processes drawing charts beside this one (app/chart_worker.py, `processes` of them). Start it
    before reading the data, so that their runtimes are warm when the first chart is ready; use as a
    context manager.

    The charts form a queue of files: each process takes the next one by renaming its file (only one
    rename can succeed), the helpers from the front as soon as a chart is queued, this process from
    the back (with one helper: both stay busy to the end whatever each chart costs; with two, this
    process leaves them the drawing, which would first cost it a runtime of its own). If a helper
    fails, this process draws what it left: the helpers only ever save time."""

    def __init__(self, font: CJKFont, processes: int = 1):
        self.out = Path(tempfile.mkdtemp(prefix="charts_"))
        self.log = (self.out / "worker.log").open("wb")
        worker = Path(__file__).with_name("chart_worker.py")
        self.procs = [
            subprocess.Popen(
                [sys.executable, "-I", str(worker), str(font.directory), font.family, str(self.out)],
                stdin=subprocess.PIPE,
                stdout=subprocess.DEVNULL,
                stderr=self.log,
            )
            for _ in range(processes)
        ]

    def put(self, name: str, spec: str, scale: float) -> None:
        """A chart (its spec as JSON) into the queue; the helpers are told on their pipes."""
        (self.out / f"{name}.json").write_text(spec, encoding="utf-8")  # a file: the pipe never fills
        for proc in self.procs:
            try:
                proc.stdin.write(f"{name} {scale}\n".encode())
                proc.stdin.flush()
            except OSError:  # that helper is gone: the others (or this process) take its charts
                pass

    def use_font(self, folder: Path, family: str) -> None:
        """Draw the charts put after this in this font family, registered from `folder`."""
        part = self.out / "font.part"
        part.write_text(f"{folder}\n{family}\n", encoding="utf-8")
        part.rename(self.out / "font")  # whole files only

    def finish(self) -> None:
        """No more charts: the helpers end once the queue is empty."""
        for proc in self.procs:
            with contextlib.suppress(OSError):
                proc.stdin.close()

    def take(self, name: str) -> bool:
        """Claim a queued chart for this process; False when a helper has it."""
        try:
            os.rename(self.out / f"{name}.json", self.out / f"{name}.here")
        except FileNotFoundError:
            return False
        return True

    def running(self) -> bool:
        return any(proc.poll() is None for proc in self.procs)

    def stop(self) -> None:
        for proc in self.procs:
            if proc.poll() is None:
                proc.kill()
                proc.wait()

    def wait(self) -> None:
        """Until the helpers have ended (they end once the queue is empty after finish())."""
        for proc in self.procs:
            try:
                proc.wait(timeout=120)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()

    def collect(self, names: list[str]) -> dict[str, bytes]:
        """The PNGs the helpers drew, once they have finished."""
        self.wait()
        return {n: (self.out / f"{n}.png").read_bytes() for n in names if (self.out / f"{n}.png").is_file()}

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        for proc in self.procs:
            if proc.poll() is None:
                proc.kill()
                proc.wait()
            if proc.stdin and not proc.stdin.closed:
                proc.stdin.close()
        self.log.close()
        shutil.rmtree(self.out, ignore_errors=True)


class Drawing:
    """The charts of one queue_charts call: each chart's PNG on first asking (`png(key)`), the
    helpers' file once they have drawn it, else drawn here (still queued with one helper, or left by
    helpers that died), so that this process writes whatever needs no picture while they draw."""

    def __init__(self, specs: dict, names: dict, draw, helper: ChartHelper | None):
        self.specs, self.names, self.draw, self.helper = specs, names, draw, helper
        self.pngs: dict[str, bytes] = {}

    def png(self, key: str) -> bytes | None:
        spec = self.specs.get(key)
        if spec is None:
            return None
        if spec not in self.pngs:
            self.pngs[spec] = self._wait(spec) if self.helper else self.draw(spec)
        return self.pngs[spec]

    def picture(self, key: str):
        """png(key) for later, or None when the chart has nothing to draw."""
        return functools.partial(self.png, key) if key in self.specs else None

    def _wait(self, spec: str) -> bytes:
        name = self.names[spec]
        done = self.helper.out / f"{name}.png"
        deadline = time.monotonic() + 120
        alone = len(self.helper.procs) == 1  # one helper: this process draws too (see ChartHelper)
        while not done.is_file():
            if alone and self.helper.take(name):  # not started yet: drawn here
                return self.draw(spec)
            if not self.helper.running() or time.monotonic() > deadline:
                self.helper.stop()
                return done.read_bytes() if done.is_file() else self.draw(spec)
            time.sleep(0.005)
        return done.read_bytes()

    def all(self) -> dict:
        """Every PNG by key: with one helper this process draws from the back of the queue while
        it draws from the front; with two it leaves them the drawing (see ChartHelper)."""
        if self.helper is not None and len(self.helper.procs) == 1:
            for spec, name in reversed(self.names.items()):
                if spec not in self.pngs and self.helper.take(name):
                    self.pngs[spec] = self.draw(spec)
        pngs = {k: self.png(k) for k in self.specs}
        if self.helper is not None:
            self.helper.wait()
        return pngs


def queue_charts(jobs: dict, scale: float = 1.5, helper: ChartHelper | None = None) -> Drawing:
    """{key: (build, width)} → a Drawing, `build()` making the chart (or None). A spec that several
    keys share is drawn once. Every chart is drawn in the CJK font cut to the characters of them all
    (app.font_subset): the same pixels, drawn faster. The helpers start drawing at once."""
    import vl_convert

    from app.font_subset import subset_font

    specs: dict[str, str] = {}
    names: dict[str, str] = {}  # each distinct spec → its name in the queue
    text = []
    for key, (build, width) in jobs.items():
        chart = build()
        if chart is None:
            continue
        spec = static_spec(chart, width)
        specs[key] = json.dumps(spec, sort_keys=True)
        if specs[key] not in names:
            names[specs[key]] = f"c{len(names)}"
            text.append(json.dumps(spec, ensure_ascii=False))
    folder, family = subset_font(find_cjk_font(), "".join(text))
    _registered(str(folder))

    def draw(spec: str) -> bytes:
        vl_spec = json.loads(spec)
        vl_spec["config"]["font"] = family
        return vl_convert.vegalite_to_png(vl_spec, scale=scale)

    if helper is not None:
        helper.use_font(folder, family)
        for spec, name in names.items():
            helper.put(name, spec, scale)
        helper.finish()
    return Drawing(specs, names, draw, helper)


def render_many(jobs: dict, scale: float = 1.5, helper: ChartHelper | None = None) -> dict:
    """{key: (build, width)} → {key: PNG or None}: every chart of queue_charts, drawn."""
    pngs = queue_charts(jobs, scale, helper).all()
    return {k: pngs.get(k) for k in jobs}


def png_of(picture) -> bytes | None:
    """A PNG, or a Drawing's picture (drawn or waited for now), as bytes."""
    return picture() if callable(picture) else picture


def png_size(png: bytes) -> tuple[int, int]:
    """(width, height) in pixels from the PNG header."""
    return struct.unpack(">II", png[16:24])
