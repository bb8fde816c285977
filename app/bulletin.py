"""One week's 通报 (.docx), meeting pack (.pdf) and XLSX ranking, from the same data bundles the
dashboard's pages read (app.page_data over etl.scoring's views) and the dashboard's own charts
(app.charts, drawn by app.chart_images). `python -m etl bulletin` (app/bulletin_cli.py) and the
排名导出 page make the three files through week_files().
"""

from __future__ import annotations

import contextlib
import io
from dataclasses import dataclass

import pandas as pd

from app import bulletin_docx, chart_images, meeting_pack, notes, page_data
from app.bulletin_charts import render_charts
from app.bulletin_text import Bulletin, build_bulletin, numeral
from app.meeting_pack import AreaPage, Chart, Pack
from etl import export, materialise, scoring
from etl.config import DIMENSION_LABELS, DIMENSIONS, LEVELS, Config, default_config
from etl.warehouse_reader import reader
from etl.weeks import week_label
from etl.write_session import write_session

# the PDF first: its first pages need no picture, so the chart helpers draw meanwhile
STEPS = ("读取数据", "绘制图表", "生成会议材料（PDF）", "生成通报（Word）", "生成排名表（Excel）")


class NoData(ValueError):
    """The week has nothing to report; the message is Chinese and names the weeks that have data."""


@dataclass
class WeekData:
    week: str
    overview: dict
    city_dims: dict
    areas: dict
    status: dict


def read_week(con, week: str, config: Config) -> WeekData:
    weeks = scoring.weeks_with_data(con)
    if not weeks:
        raise NoData("数据库中还没有任何报送数据。请先导入各县（市、区）的周调度表（python -m etl load）。")
    if week not in weeks:
        raise NoData(f"{week} 没有任何报送数据，无法生成通报。有数据的统计周：{weeks[0]} 至 {weeks[-1]}。")
    city = page_data.city_scores(con)
    now = city[city["week"] == week]
    return WeekData(
        week=week,
        overview=page_data.overview_data(con, week, config),
        city_dims={r.dimension: float(r.shown) for r in now.itertuples() if pd.notna(r.shown)},
        areas={d: page_data.dimension_data(con, week, d, config) for d in DIMENSIONS},
        status=page_data.data_status(con),
    )


# --- the two documents -----------------------------------------------------------------------------


def bulletin_of(wd: WeekData, config: Config) -> Bulletin:
    return build_bulletin(wd.overview, wd.city_dims, config)


def docx_bytes(wd: WeekData, images: dict, config: Config) -> bytes:
    b = bulletin_of(wd, config)
    for s in b.sections:
        for block in s.blocks:
            if getattr(block, "key", None) == "ranking" and images.get("ranking_note"):
                block.caption += f"（{images['ranking_note'].rstrip('。')}）"
            if getattr(block, "key", None) == "heatmap":
                block.caption += images.get("heatmap_note", "")
    method = export.method_note(config)
    pictures = {k: chart_images.png_of(images[k]) for k in ("ranking", "heatmap")}
    return bulletin_docx.bulletin_docx(b, wd.overview["ranking"], pictures, method)


def _kpis(ov: dict) -> list[tuple[str, str, str]]:
    ranking, prev = ov["ranking"], ov.get("prev_ranking")

    def change(now, before, digits=1):
        if before is None or now is None:
            return "较上周 —"
        d = round(now - before, digits)
        return f"较上周 {d:+.{digits}f}" if digits else f"较上周 {int(d):+d}"

    n_sub = int(ranking["submitted"].sum())
    cold = int(ranking["cold_bottom"].sum())
    return [
        (
            "全市综合得分",
            "—" if ov["city_composite"] is None else f"{ov['city_composite']:.1f}",
            change(ov["city_composite"], ov["city_composite_prev"]),
        ),
        ("序时进度", f"{ov['expected_progress']:.1f}%", ""),
        (
            "已报送县（市、区）",
            f"{n_sub} / {ov['n_counties']}",
            change(n_sub, int(prev["submitted"].sum()) if prev is not None else None, 0),
        ),
        (
            "上热下冷",
            f"{cold}",
            change(cold, int(prev["cold_bottom"].sum()) if prev is not None else None, 0),
        ),
        ("红灯", f"{ov['red_lights']}", change(ov["red_lights"], ov["red_lights_prev"], 0)),
    ]


def _ranking_rows(ranking: pd.DataFrame) -> list[list]:
    rows = []
    for r in ranking.itertuples(index=False):
        rows.append(
            [
                export.fmt_int(r.rank),
                r.county,
                *((export.fmt_score(getattr(r, d)), getattr(r, f"light_{d}")) for d in export.SCORE_COLUMNS),
                export.fmt_score(r.gradient),
                export.arrow(r.rank_change),
                (r.light if isinstance(r.light, str) else "", r.light),
                ("上热下冷" if r.cold_bottom else r.status),
            ]
        )
    return rows


def _flagged(ov: dict, config: Config) -> tuple[list[list[str]], str]:
    ranking, matrix = ov["ranking"], ov["matrix"]
    red = set(ov.get("red_counties") or [])
    rows = []
    for r in ranking.itertuples(index=False):
        reasons = (["上热下冷"] if r.cold_bottom else []) + (["红灯"] if r.county in red else [])
        reasons += ["未报送"] if not r.submitted else []
        if not reasons:
            continue
        lv = [
            matrix.at[r.county, x] if r.county in matrix.index and x in matrix.columns else None
            for x in LEVELS[1:]
        ]
        reds = [DIMENSION_LABELS[d] for d in DIMENSIONS if getattr(r, f"light_{d}") == "红"]
        detail = "；".join(
            x
            for x in (
                f"红灯：{'、'.join(reds)}" if reds else "",
                f"村级较弱：{ov['village_weakest'][r.county]}"
                if r.cold_bottom and r.county in ov["village_weakest"]
                else "",
                "本周未报送调度表" if not r.submitted else "",
            )
            if x
        )
        rows.append(
            [
                "、".join(reasons),
                r.county,
                *(export.fmt_score(v) for v in lv),
                export.fmt_score(r.gradient),
                detail,
            ]
        )
    flag, lag = config.temperature["gradient_flag"], config.lights["red_lag"]
    text = (
        f"上热下冷：县级与村级综合得分之差 ≥ {flag:g} 分；红灯：某方面得分落后序时进度 {lag:g} 分及以上；"
        f"未报送：本周没有调度表。本周共 {len(rows)} 个县（市、区）需关注。"
        if rows
        else "本周没有上热下冷、亮红灯或未报送的县（市、区）。"
    )
    return rows, text


def pack_of(wd: WeekData, images: dict, config: Config) -> Pack:
    ov = wd.overview
    b = bulletin_of(wd, config)
    last = wd.status.get("last_load")
    when = f"{last:%Y-%m-%d %H:%M}" if last is not None and not pd.isna(last) else "—"
    flagged_rows, flagged_text = _flagged(ov, config)
    areas = []
    for d in DIMENSIONS:
        data, img = wd.areas[d], images["areas"][d]
        ranked = data["ranking"][data["ranking"]["score"].notna()]
        name = DIMENSION_LABELS[d]
        summary = (f"{name}：全市 {wd.city_dims[d]:.1f} 分，" if d in wd.city_dims else f"{name}：") + (
            f"得分最高的是{ranked.iloc[0]['county']}（{ranked.iloc[0]['score']:.1f} 分），最低的是"
            f"{ranked.iloc[-1]['county']}（{ranked.iloc[-1]['score']:.1f} 分）；序时进度 {data['expected_progress']:.1f}%，"
            f"{int((ranked['light'] == '红').sum())} 个县（市、区）亮红灯。"
            if len(ranked)
            else "本周没有可计算的得分。"
        )
        page = AreaPage(
            name,
            summary + img["note"],
            [Chart(img["bars"], "各县（市、区）得分；虚线为序时进度，圆点为进度预警。")],
        )
        page.charts += [Chart(png, "各层级得分（蓝色为冷）") for png in img["levels"]]
        areas.append(page)
    return Pack(
        title=f"{config.city}{config.campaign_name}第{numeral(b.week_number)}周调度情况",
        week_text=week_label(wd.week),
        as_of=f"数据截至：{when} 导入（最新统计周 {wd.status['weeks'][-1]}）",
        issuer=b.issuer,
        kpis=_kpis(ov),
        notes=notes.meeting_notes(ov, config),
        ranking_header=export.TABLE_HEADER,
        ranking_rows=_ranking_rows(ov["ranking"]),
        temperature=[
            Chart(png, "县（市、区）× 层级综合得分：红为热，黄橙为温，蓝为冷")
            for png in images["pack_heatmaps"]
        ]
        + [
            Chart(png, "县级→乡镇级→村级综合得分；红线为上热下冷" + images["heatmap_note"])
            for png in images["slopes"]
            if png
        ],
        temperature_text=f"自上而下为市级、县级、乡镇级、村级；“{config.city}”列把市直单位和各县（市、区）各层级合并计算。"
        + (
            f"图中为{images['temperature_note'].strip('（）')}，各县（市、区）温差见排名表。"
            if images["temperature_note"]
            else ""
        ),
        areas=areas,
        flagged_header=["关注原因", "县（市、区）", *LEVELS[1:], "温差", "说明"],
        flagged_rows=flagged_rows,
        flagged_text=flagged_text,
    )


def file_names(week: str, config: Config | None = None) -> dict[str, str]:
    config = config or default_config()
    return {
        "docx": f"通报_{week}.docx",
        "pdf": f"会议材料_{week}.pdf",
        "xlsx": f"排名通报_{week}.xlsx",
    }


def store_scores(db_path, config: Config) -> bool:
    """After an upgrade of the views the stored scores are stale until the next load, and every read
    falls back to the live views (seconds a query at province scale): store them once, here, where
    the command may write. Returns True when it did."""
    with reader(db_path) as con:
        if materialise.is_fresh(con):
            return False
    with write_session(db_path, config):  # leaving it stores the scores and publishes
        pass
    return True


def week_files(
    db_path,
    week: str,
    config: Config | None = None,
    step=None,
    helper: chart_images.ChartHelper | None = None,
) -> dict[str, bytes]:
    """The three files of one week as bytes, keyed docx / pdf / xlsx. `step(name)` is called before
    each stage (the progress bar). `helper`: a chart helper the caller has started already (else one
    starts here). Raises NoData, NoWarehouse, chart_images.CJKFontMissing."""
    config = config or default_config()
    step = step or (lambda name: None)
    font = chart_images.find_cjk_font()  # before any work: no font, no documents
    # a helper started here warms up while the data is read
    with contextlib.nullcontext(helper) if helper else chart_images.ChartHelper(font) as helper:
        step(STEPS[0])
        with reader(db_path) as con:
            wd = read_week(con, week, config)
        step(STEPS[1])
        images = render_charts(wd, config, helper)  # queued: drawn while the documents are written
        step(STEPS[2])
        pdf = meeting_pack.pack_pdf(pack_of(wd, images, config), font)
        step(STEPS[3])
        docx = docx_bytes(wd, images, config)
    step(STEPS[4])
    buf = io.BytesIO()
    export.write_ranking_xlsx_df(wd.overview["ranking"], week, buf, "composite", config)
    return {"docx": docx, "pdf": pdf, "xlsx": buf.getvalue()}
