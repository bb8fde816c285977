"""The weekly dispatch sheet (周调度表) as a spreadsheet: the blank template counties fill in, and
filled sheets in the layouts counties really send back (dispatch-format.md, "What the loader must
tolerate"), used by the demo, the tests and the benchmark.

A sheet is first built as a plain grid of rows (etl/dispatch_grid.py, one function per layout
choice), then rendered to .xlsx with the official formatting, or to .csv (etl/dispatch_render.py).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from .cli import UsageError, add_week_option, command, week_option
from .config import Config, default_config
from .dispatch_grid import TEMPLATE_BLANK_ROWS, VARIANTS, Variant, build_grid, column_label, form_of
from .dispatch_render import write_csv, write_xlsx
from .forms import Form
from .weeks import week_sunday

# re-exported for the demo and the tests, which write filled sheets through this module
__all__ = ["VARIANTS", "Variant", "column_label", "write_dispatch", "write_template"]


def _variant(variant: str | Variant) -> Variant:
    if isinstance(variant, Variant):
        return variant
    try:
        return VARIANTS[variant]
    except KeyError:
        raise ValueError(f"未知的表格样式：{variant}（可选：{'、'.join(VARIANTS)}）") from None


def write_dispatch(
    path,
    unit: str,
    week: str,
    rows: list[dict],
    variant: str | Variant = "template",
    *,
    config: Config | None = None,
    reporter: str = "李明",
    phone: str = "0000-1234567",
    form: Form | None = None,
) -> Path:
    """Write one filled dispatch sheet: rows are dicts keyed by column id (of the catalogue, forms.toml),
    counts as int, flags as bool (or 1/0), None where a metric is missing or does not apply.

    The file type follows the path's suffix (.xlsx or .csv); variant names a layout of VARIANTS. The
    columns are those of the form in force for the week, unless another form is given.
    """
    path, v = Path(path), _variant(variant)
    g = build_grid(unit, week, rows, v, config or default_config(), reporter=reporter, phone=phone, form=form)
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.suffix.lower() == ".csv":
        write_csv(path, g, v)
    else:
        write_xlsx(path, g, v, validations=True, created=week_sunday(week))
    return path


def write_template(
    path,
    unit: str = "",
    week: str | None = None,
    *,
    config: Config | None = None,
    blank_rows: int = TEMPLATE_BLANK_ROWS,
) -> Path:
    """The blank template of dispatch-format.md, optionally with 填报单位 and 统计周 filled in: the
    form in force for that week (etl.forms)."""
    path = Path(path)
    g = build_grid(unit, week, [], VARIANTS["template"], config or default_config(), blank_rows=blank_rows)
    path.parent.mkdir(parents=True, exist_ok=True)
    write_xlsx(path, g, VARIANTS["template"], validations=True, created=dt.date.today())
    return path


# ---------------------------------------------------------------- command line
def resolve_unit(text: str, config: Config) -> str | None:
    """A configured unit by its name or a unique short form (青河 → 青河县)."""
    text = text.strip()
    if text in config.units:
        return text
    hits = [u for u in config.units if u.startswith(text)]
    return hits[0] if len(hits) == 1 else None


def add_parser(subparsers) -> None:
    p = command(
        subparsers,
        "template",
        run,
        help="生成空白周调度表模板（.xlsx）",
        description="生成空白周调度表模板（.xlsx），可预先填好填报单位和统计周。",
    )
    p.add_argument("--out", required=True, help="输出文件，如 调度表模板.xlsx")
    p.add_argument("--unit", help="填报单位，如 青河县（须为配置中的县（市、区）或市直单位）")
    add_week_option(p, help="统计周，ISO 周，如 2023-W45")


def run(args) -> int:
    config = default_config()
    out = Path(args.out)
    if out.suffix.lower() != ".xlsx":
        raise UsageError(f"--out 须为 .xlsx 文件：{out}")
    unit = ""
    if args.unit:
        unit = resolve_unit(args.unit, config)
        if not unit:
            raise UsageError(f"填报单位「{args.unit}」不在配置中（可选：{'、'.join(config.units)}）")
    week = None
    if args.week:
        week = week_option(args.week, config)
    write_template(out, unit, week, config=config)
    form = form_of(week, config)
    print(
        f"已生成空白调度表模板：{out}（{form.title}"
        + (f"，填报单位：{unit}" if unit else "")
        + (f"，统计周：{week}" if week else "")
        + "）"
    )
    return 0
