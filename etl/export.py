"""`python -m etl rankings`: the weekly ranking as CSV (for other tools) or as the formatted Excel
bulletin (通报) people print; plus the multi-week workbook of the office's monthly bulletin.

The numbers come from etl.scoring.ranking (the SQL views); this module only lays them out.
Text cells are written so that a name starting with = + - @ can never become a formula:
CSV cells get a leading single quote (OWASP), XLSX cells are written with write_string.
"""

from __future__ import annotations

import csv
import io
import sys
from pathlib import Path

import pandas as pd
import xlsxwriter

from etl.warehouse_reader import NoWarehouse, ensure_schema, reader

from . import scoring
from .catalogue_text import new_method_note
from .cli import UsageError, week_option, week_output_command
from .config import DIMENSION_LABELS, DIMENSIONS, Config, default_config, warehouse_path
from .weeks import week_label

SCORE_COLUMNS = ("composite",) + DIMENSIONS
BY_LABELS = {"composite": "综合得分", **{d: DIMENSION_LABELS[d] for d in DIMENSIONS}}
# the columns every ranking shares; the CSV adds 状态, the XLSX and the documents 进度预警 and 状态
RANKING_HEADER = ["排名", "县（市、区）", *BY_LABELS.values(), "温差", "排名变化"]
CSV_HEADER = [*RANKING_HEADER, "状态"]
TABLE_HEADER = [*RANKING_HEADER, "进度预警", "状态"]  # the 通报's 附件 and the meeting pack
HEADER_FILL = "#D9D9D9"  # the header row of every ranking table (XLSX, 通报, meeting pack)
# The bulletin's columns: header, width.
XLSX_COLUMNS = list(zip([*TABLE_HEADER, "备注"], [6, 13, 10, 10, 10, 10, 10, 8, 9, 9, 8, 12]))
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


# --- text safety and formatting ----------------------------------------------------------------


def safe_csv_text(value) -> str:
    """A text cell for CSV: prefixed with ' when a spreadsheet would read it as a formula."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_PREFIXES) else text


def fmt_score(value) -> str:
    """One decimal, or empty. The value is already rounded by DuckDB (scoring.ranking)."""
    return "" if value is None or pd.isna(value) else f"{float(value):.1f}"


def fmt_int(value) -> str:
    return "" if value is None or pd.isna(value) else str(int(value))


def arrow(change) -> str:
    """Rank change for the bulletin: ↑2 (moved up two), ↓1, – (no change); empty when unknown."""
    if change is None or pd.isna(change):
        return ""
    change = int(change)
    return f"↑{change}" if change > 0 else f"↓{-change}" if change < 0 else "–"


def method_note(config: Config | None = None, week: str | None = None) -> list[str]:
    """The method of the week in a few lines for the bulletin's footnote (docs/method.md has the
    full text); in the first week under a new method, a line says that it changed and how."""
    c = config or default_config()
    method = c.catalogue.method_for(week) if week else c.catalogue.methods[-1]
    w = "、".join(f"{DIMENSION_LABELS[d]} {method.weights[d]:g}" for d in DIMENSIONS)
    t, li = c.temperature, c.lights
    changed = new_method_note(c.catalogue, week) if week else None
    return [
        "说明：1. 各项指标完成率 = 已完成数（不超过目标数）÷ 目标数，按层级汇总；某层级某方面得分 = 该方面各项指标完成率的平均 × 100；"
        "县（市、区）某方面得分 = 各层级该方面得分的平均（各层级同等权重）。",
        f"2. 综合得分 = 各方面得分加权平均（权重：{w}，缺项时按现有方面折算）；按综合得分（保留一位小数）从高到低排名，"
        "得分相同名次并列。市直单位不参加排名。",
        f"3. 排名变化为与上周名次相比（↑上升，↓下降，–持平）。进度预警：序时进度减得分不足 {li['yellow_lag']:g} 分为绿，"
        f"{li['yellow_lag']:g}～{li['red_lag']:g} 分为黄，{li['red_lag']:g} 分及以上为红。",
        f"4. 温差 = 县级综合得分 − 村级综合得分，达到 {t['gradient_flag']:g} 分标注“上热下冷”。"
        f"得分 {t['hot']:g} 分及以上为热、{t['warm']:g} 分及以上为温、以下为冷。未报送单位列于表末，不参加排名。",
    ] + ([f"5. {changed}"] if changed else [])


# --- CSV ---------------------------------------------------------------------------------------


def ranking_rows(df: pd.DataFrame) -> list[list[str]]:
    """The CSV rows (without header) of a scoring.ranking frame, as text."""
    rows = []
    for r in df.itertuples(index=False):
        rows.append(
            [
                fmt_int(r.rank),
                safe_csv_text(r.county),
                *(fmt_score(getattr(r, d)) for d in SCORE_COLUMNS),
                fmt_score(r.gradient),
                fmt_int(r.rank_change),
                safe_csv_text(r.status),
            ]
        )
    return rows


def ranking_csv_bytes(con, week: str, by: str = "composite", config: Config | None = None) -> bytes:
    """The ranking as UTF-8 CSV with BOM, the columns other tools rely on."""
    return csv_bytes(scoring.ranking(con, week, by=by))


def csv_bytes(df: pd.DataFrame) -> bytes:
    """A scoring.ranking frame as UTF-8 CSV with BOM."""
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerow(CSV_HEADER)
    w.writerows(ranking_rows(df))
    return buf.getvalue().encode("utf-8-sig")


# --- XLSX --------------------------------------------------------------------------------------


class _Formats:
    def __init__(self, wb):
        base = {"font_name": "宋体", "font_size": 11, "valign": "vcenter", "border": 1}
        self.title = wb.add_format(
            {"font_name": "黑体", "font_size": 16, "bold": True, "align": "center", "valign": "vcenter"}
        )
        self.subtitle = wb.add_format({"font_name": "宋体", "font_size": 11, "align": "center"})
        self.header = wb.add_format(
            {**base, "bold": True, "align": "center", "text_wrap": True, "bg_color": HEADER_FILL}
        )
        self.text = wb.add_format({**base, "align": "center"})
        self.rank = wb.add_format({**base, "align": "center", "num_format": "0"})
        self.score = wb.add_format({**base, "num_format": "0.0"})
        self.missing = wb.add_format({**base, "align": "center", "font_color": "#7F7F7F"})
        self.note = wb.add_format({"font_name": "宋体", "font_size": 9, "text_wrap": True, "valign": "top"})
        self.lights = {
            k: wb.add_format(
                {**base, "num_format": "0.0", "bg_color": v, "font_color": scoring.LIGHT_FONT_COLORS[k]}
            )
            for k, v in scoring.LIGHT_COLORS.items()
        }
        self.light_text = {
            k: wb.add_format(
                {**base, "align": "center", "bg_color": v, "font_color": scoring.LIGHT_FONT_COLORS[k]}
            )
            for k, v in scoring.LIGHT_COLORS.items()
        }
        self.flag = wb.add_format({**base, "align": "center", "font_color": "#C00000", "bold": True})
        self.trend_header = self.header
        self.week_cell = wb.add_format({**base, "num_format": "0.0"})


def _merged_text(ws, row: int, last_col: int, text: str, fmt) -> None:
    """A merged row of text; written with write_string so that no text can turn into a formula."""
    ws.merge_range(row, 0, row, last_col, "", fmt)
    ws.write_string(row, 0, text, fmt)


def _title(config: Config, week: str) -> str:
    # one pair of brackets: 「…排名（2023-W46，11月13日—11月19日）」
    return f"{config.city}{config.campaign_name}推进情况排名（{week_label(week).replace('（', '，').rstrip('）')}）"


def _write_ranking_sheet(ws, fm: _Formats, df: pd.DataFrame, week: str, by: str, config: Config) -> None:
    last_col = len(XLSX_COLUMNS) - 1
    progress = scoring.expected_progress(week, config)
    _merged_text(ws, 0, last_col, _title(config, week), fm.title)
    ws.set_row(0, 30)
    ranked = int(df["rank"].notna().sum())
    missing = df.loc[~df["submitted"], "county"].tolist()
    sub = (
        f"统计周：{week_label(week)}　序时进度：{progress:.1f}%　排名依据：{BY_LABELS[by]}　"
        f"已报送 {int(df['submitted'].sum())} 个，未报送 {len(missing)} 个"
    )
    _merged_text(ws, 1, last_col, sub, fm.subtitle)
    header_row = 3
    for col, (name, width) in enumerate(XLSX_COLUMNS):
        ws.write_string(header_row, col, name, fm.header)
        ws.set_column(col, col, width)
    ws.set_row(header_row, 22)
    row = header_row + 1
    for r in df.itertuples(index=False):
        ws.set_row(row, 20)
        if not r.submitted:
            ws.write_blank(row, 0, None, fm.missing)
            ws.write_string(row, 1, r.county, fm.missing)
            for col in range(2, last_col + 1):
                ws.write_blank(row, col, None, fm.missing)
            ws.write_string(row, 10, r.status, fm.missing)
            row += 1
            continue
        if pd.notna(r.rank):
            ws.write_number(row, 0, int(r.rank), fm.rank)
        else:
            ws.write_blank(row, 0, None, fm.rank)
        ws.write_string(row, 1, r.county, fm.text)
        for i, dim in enumerate(SCORE_COLUMNS):
            value, light = getattr(r, dim), getattr(r, f"light_{dim}")
            if pd.isna(value):
                ws.write_blank(row, 2 + i, None, fm.score)
            else:
                ws.write_number(row, 2 + i, float(value), fm.lights.get(light, fm.score))
        if pd.notna(r.gradient):
            ws.write_number(row, 7, float(r.gradient), fm.score)
        else:
            ws.write_blank(row, 7, None, fm.score)
        ws.write_string(row, 8, arrow(r.rank_change), fm.text)
        if isinstance(r.light, str):
            ws.write_string(row, 9, r.light, fm.light_text.get(r.light, fm.text))
        else:
            ws.write_blank(row, 9, None, fm.text)
        ws.write_string(row, 10, r.status, fm.text)
        if r.cold_bottom:
            ws.write_string(row, 11, "上热下冷", fm.flag)
        else:
            ws.write_blank(row, 11, None, fm.text)
        row += 1
    if not ranked:
        _merged_text(ws, row, last_col, f"{week} 尚无县（市、区）报送，全部列为未报送。", fm.subtitle)
        row += 1
    row += 1
    for line in method_note(config, week):
        _merged_text(ws, row, last_col, line, fm.note)
        ws.set_row(row, 28)
        row += 1
    ws.freeze_panes(header_row + 1, 0)
    ws.repeat_rows(header_row)
    ws.set_paper(9)  # A4
    ws.set_landscape()
    ws.fit_to_pages(1, 0)  # one page wide, as many tall as needed
    ws.center_horizontally()
    ws.set_margins(left=0.5, right=0.5, top=0.6, bottom=0.6)
    ws.set_footer("&C第 &P 页，共 &N 页")


def write_ranking_xlsx(con, week: str, out, by: str = "composite", config: Config | None = None) -> None:
    """The one-week bulletin to `out` (a path or a binary file object)."""
    config = config or default_config()
    write_ranking_xlsx_df(scoring.ranking(con, week, by=by), week, out, by, config)


def write_ranking_xlsx_df(
    df: pd.DataFrame, week: str, out, by: str = "composite", config: Config | None = None
) -> None:
    """The bulletin of an already computed scoring.ranking frame."""
    config = config or default_config()
    wb = xlsxwriter.Workbook(out, {"in_memory": True})
    try:
        ws = wb.add_worksheet(week)
        _write_ranking_sheet(ws, _Formats(wb), df, week, by, config)
    finally:
        wb.close()


def ranking_xlsx_bytes(con, week: str, by: str = "composite", config: Config | None = None) -> bytes:
    buf = io.BytesIO()
    write_ranking_xlsx(con, week, buf, by=by, config=config)
    return buf.getvalue()


def write_multiweek_xlsx(
    con, weeks: list[str], out, by: str = "composite", config: Config | None = None
) -> None:
    """The monthly bulletin: a 趋势 (trend) sheet of scores over the weeks, then one ranking sheet per
    week (the same layout as the weekly bulletin)."""
    config = config or default_config()
    weeks = sorted(set(weeks))
    wb = xlsxwriter.Workbook(out, {"in_memory": True})
    try:
        fm = _Formats(wb)
        trend_ws = wb.add_worksheet("趋势")
        _write_trend_sheet(trend_ws, fm, con, weeks, by, config)
        for week in weeks:
            _write_ranking_sheet(
                wb.add_worksheet(week), fm, scoring.ranking(con, week, by=by), week, by, config
            )
    finally:
        wb.close()


def multiweek_xlsx_bytes(con, weeks: list[str], by: str = "composite", config: Config | None = None) -> bytes:
    buf = io.BytesIO()
    write_multiweek_xlsx(con, weeks, buf, by=by, config=config)
    return buf.getvalue()


def _write_trend_sheet(ws, fm: _Formats, con, weeks: list[str], by: str, config: Config) -> None:
    """Scores, then ranks, county by week."""
    last_col = max(len(weeks), 8)
    span = f"{weeks[0]} 至 {weeks[-1]}" if weeks else ""
    _merged_text(
        ws, 0, last_col, f"{config.city}{config.campaign_name}{BY_LABELS[by]}走势（{span}）", fm.title
    )
    ws.set_row(0, 30)
    ws.set_column(0, 0, 18)
    ws.set_column(1, max(len(weeks), 1), 10)
    row = 2
    for value, caption in (("score", BY_LABELS[by]), ("rank", "名次")):
        table = scoring.trend(con, by=by, weeks=weeks, value=value)
        ws.write_string(row, 0, f"县（市、区）{caption}", fm.header)
        for j, week in enumerate(weeks):
            ws.write_string(row, 1 + j, week, fm.header)
        for county in table.index:
            row += 1
            ws.write_string(row, 0, county, fm.text)
            for j, week in enumerate(weeks):
                cell = table.at[county, week]
                if pd.isna(cell):
                    ws.write_string(row, 1 + j, "未报送", fm.missing)
                elif value == "score":
                    ws.write_number(row, 1 + j, float(cell), fm.week_cell)
                else:
                    ws.write_number(row, 1 + j, int(cell), fm.rank)
        row += 2
    _merged_text(
        ws,
        row,
        last_col,
        f"各周{BY_LABELS[by]}保留一位小数，名次按该得分排列；“未报送”为该周未报送"
        "（或没有该项得分）。计算方法见各周工作表的说明。",
        fm.note,
    )
    ws.set_row(row, 28)
    ws.freeze_panes(3, 1)
    ws.set_paper(9)
    ws.set_landscape()
    ws.fit_to_pages(1, 0)


# --- command line ------------------------------------------------------------------------------

HELP = "导出某周排名（CSV 或 Excel 通报）"
DESCRIPTION = (
    "导出某一统计周各县（市、区）的排名：.csv 为 UTF-8（带 BOM）数据表，.xlsx 为可直接打印的通报表。"
)


def add_parser(sub) -> None:
    p = week_output_command(
        sub, "rankings", run, help=HELP, description=DESCRIPTION, out="输出文件，.csv 或 .xlsx"
    )
    p.add_argument(
        "--by",
        default="composite",
        choices=scoring.BY_CHOICES,
        help="排名依据：composite 综合得分（默认）、study 理论学习、research 调查研究、"
        "development 推动发展、rectification 整改整治",
    )


def run(args) -> int:
    config = default_config()
    week = week_option(args.week, config)
    out = Path(args.out)
    suffix = out.suffix.lower()
    if suffix not in (".csv", ".xlsx"):
        raise UsageError(f"输出文件须以 .csv 或 .xlsx 结尾：{out}")
    db = warehouse_path(args.db)
    try:
        ensure_schema(db, config)
        with reader(db) as con:
            df = scoring.ranking(con, week, by=args.by)
        if suffix == ".csv":
            data = csv_bytes(df)
        else:
            buf = io.BytesIO()
            write_ranking_xlsx_df(df, week, buf, args.by, config)
            data = buf.getvalue()
    except NoWarehouse:
        print(f"还没有数据库：{db}（先运行 python -m etl load 或 python -m etl demo）", file=sys.stderr)
        return 2
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(data)
    missing = df.loc[~df["submitted"], "county"].tolist()
    if not df["submitted"].any():
        print(f"注意：{week} 尚无任何县（市、区）报送，{len(missing)} 个县（市、区）全部列为未报送。")
    print(
        f"已导出 {week_label(week)} 按{BY_LABELS[args.by]}排名：已报送 {int(df['submitted'].sum())} 个，"
        f"未报送 {len(missing)} 个" + (f"（{'、'.join(missing)}）" if missing else "") + f" → {out}"
    )
    return 0
