"""Reading and checking the catalogue of forms and methods (forms.toml): read_catalogue() returns
an etl.forms.Catalogue or raises ConfigError with every mistake, one Chinese line each naming the
file, the line and the key, with an example of what is right."""

from __future__ import annotations

from pathlib import Path

from .config_errors import Collector, ConfigError, read_toml
from .forms import (
    GROUPS,
    ID_RE,
    KINDS,
    LEVELS,
    METRIC_KINDS,
    SKELETON,
    Catalogue,
    Column,
    Form,
    header_key,
    split_header,
)
from .method_check import english_name
from .method_check import methods as check_methods


def read_catalogue(path: Path, campaign_weeks: list[str] | None = None) -> Catalogue:
    """The catalogue at path, checked; ConfigError with every mistake, one line each."""
    path = Path(path)
    raw, out = read_toml(
        path,
        f"找不到表样目录文件 {path}（config.toml 的 [paths] catalogue 指向它）",
        '每项写成 名称 = 值，文字加英文双引号，例如 header = "专题党课（次）"',
    )
    forms = _forms(raw, out, campaign_weeks)
    methods = check_methods(raw, out, forms, campaign_weeks, _versions)
    if out.problems:
        raise ConfigError(out.problems)
    return Catalogue(path, tuple(forms), tuple(methods))


def _versions(raw, name: str, out: Collector, weeks: list[str] | None) -> list[tuple[int, dict, int | None]]:
    """The [[name]] tables in order: (index, table, line), with their version and from checked."""
    items = raw.get(name)
    if not isinstance(items, list) or not items:
        out.add(None, f"[[{name}]]", "一个版本也没有", f'[[{name}]] version = 1, from = "2023-W36"')
        return []
    from .weeks import WeekError, parse_week  # etl.weeks imports the config, which imports this module

    result, previous = [], None
    for i, item in enumerate(items):
        line = out.table_line(name, i)
        key = f"[[{name}]] 第 {i + 1} 个"
        version, start = item.get("version"), item.get("from")
        if not isinstance(version, int) or isinstance(version, bool) or version != i + 1:
            out.add(
                out.key_line(name, "version", i),
                f"{key} version",
                f"版本号应按顺序为 {i + 1}（写的是 {version!r}）",
                f"version = {i + 1}",
            )
        try:
            if not isinstance(start, str):
                raise WeekError(f"应为带引号的 ISO 周，写的是 {start!r}")
            start = item["from"] = parse_week(start, within_campaign=False)  # 2023w47 → 2023-W47
        except WeekError as exc:
            out.add(
                out.key_line(name, "from", i), f"{key} from", f"起用周写法不对：{exc}", 'from = "2023-W47"'
            )
            start = None
        if start is None:
            pass
        elif weeks is not None and start not in weeks:
            out.add(
                out.key_line(name, "from", i),
                f"{key} from",
                f"{start} 不在主题教育期间（{weeks[0]} 至 {weeks[-1]}）",
                f'from = "{weeks[0]}"',
            )
        elif previous is not None and start <= previous:
            out.add(
                out.key_line(name, "from", i),
                f"{key} from",
                f"起用周 {start} 应晚于上一版的 {previous}（各版按时间先后排列，不能重叠）",
                f'from = "{previous[:-2]}{int(previous[-2:]) + 1:02d}"' if int(previous[-2:]) < 52 else "",
            )
        else:
            previous = start
        result.append((i, item, line))
    return result


def _forms(raw, out: Collector, weeks) -> list[Form]:
    forms, headers_seen = [], {}
    for i, item, line in _versions(raw, "form", out, weeks):
        columns, ids, texts = [], {}, {}
        entries = out.entries(
            item,
            "columns",
            line,
            f"第{i + 1}版表样 columns",
            "没有列",
            'columns = [ { group = "基本情况", header = "单位名称", id = "unit", kind = "unit" }, … ]',
        )
        if not entries:
            continue
        for entry in entries:
            c = _column(entry, out, line, i)
            if c is None:
                continue
            where = out.line_with(f'"{c.id}"', line or 0)
            if c.id in ids:
                out.add(
                    where,
                    f"第{i + 1}版表样 列 {c.id}",
                    "列代码重复（同一版中每列代码只能出现一次）",
                    'id = "另一个代码"',
                )
                continue
            ids[c.id] = c
            for text in (c.label, *c.old):
                key = (c.group, header_key(text))
                if key in texts and texts[key] != c.id:
                    out.add(
                        where,
                        f"第{i + 1}版表样 列 {c.id}",
                        f"列名「{c.group} / {text}」与本版的列 {texts[key]} 相同，导入时无法区分",
                        "给两列不同的列名",
                    )
                texts[key] = c.id
                other = headers_seen.get(key)
                if other and other[0] != c.id:
                    out.add(
                        where,
                        f"第{i + 1}版表样 列 {c.id}",
                        f"列名「{c.group} / {text}」在第{other[1]}版是列 {other[0]} 的列名，改了名的列不能和别的列重名",
                        "换一个列名，或沿用原来的列代码",
                    )
                headers_seen.setdefault(key, (c.id, i + 1))
            columns.append(c)
        for sk in SKELETON:
            if sk not in ids:
                out.add(
                    line,
                    f"第{i + 1}版表样",
                    f'缺少{KINDS[sk]}列（id = "{sk}"）',
                    f'{{ group = "基本情况", header = "{KINDS[sk]}", id = "{sk}", kind = "{sk}" }}',
                )
        for c in columns:
            if c.at_most and c.at_most not in ids:
                out.add(
                    out.line_with(f'"{c.id}"', line or 0),
                    f"第{i + 1}版表样 列 {c.id} at_most",
                    f"「{c.at_most}」不是本版表样中的列代码",
                    f'at_most = "{next((x.id for x in columns if x.kind == "count" and x.id != c.id), "")}"',
                )
            elif c.at_most and ids[c.at_most].kind != "count":
                out.add(
                    out.line_with(f'"{c.id}"', line or 0),
                    f"第{i + 1}版表样 列 {c.id} at_most",
                    f"「{c.at_most}」不是个数列，不能比大小",
                )
        forms.append(
            Form(item.get("version", i + 1), item.get("from", ""), str(item.get("note", "")), tuple(columns))
        )
    # one id, one kind: the warehouse keeps one column per id across versions
    kinds: dict[str, tuple[str, int]] = {}
    for form in forms:
        for c in form.columns:
            if c.id in kinds and kinds[c.id][0] != c.kind:
                out.add(
                    out.line_with(f'"{c.id}"', out.table_line("form", form.version - 1) or 0),
                    f"第{form.version}版表样 列 {c.id} kind",
                    f"类型 {c.kind} 与第{kinds[c.id][1]}版的 {kinds[c.id][0]} 不同；同一列代码各版类型必须相同",
                    "换一个新的列代码",
                )
            kinds.setdefault(c.id, (c.kind, form.version))
    return forms


def _column(entry, out: Collector, line, i) -> Column | None:
    key = f"第{i + 1}版表样 列"
    if not isinstance(entry, dict):
        out.add(
            line,
            key,
            "每一列应写成 { … } 的形式",
            '{ group = "理论学习", header = "专题党课（次）", id = "new_column", kind = "count" }',
        )
        return None
    cid = entry.get("id")
    where = out.line_with(f'"{cid}"', line or 0) if isinstance(cid, str) else line
    if not isinstance(cid, str) or not ID_RE.match(cid):
        out.add(
            where,
            f"{key} id",
            f"列代码应为英文小写字母、数字和下划线（写的是 {cid!r}）",
            'id = "new_column"',
        )
        return None
    key = f"{key} {cid}"
    bad = False
    unknown = set(entry) - {
        "group",
        "header",
        "en",
        "id",
        "kind",
        "levels",
        "required",
        "at_most",
        "min",
        "old",
    }
    for k in sorted(unknown):
        out.add(
            where,
            f"{key} {k}",
            "不认识这一项",
            "group、header、en、old、id、kind、levels、required、at_most、min",
        )
        bad = True
    bad |= not english_name(entry, out, where, key, "Party organisations")
    group, header, kind = entry.get("group"), entry.get("header"), entry.get("kind")
    if group not in GROUPS:
        out.add(
            where,
            f"{key} group",
            f"分组「{group}」不是表样的分组",
            'group = "理论学习"（可选：' + "、".join(GROUPS) + "）",
        )
        bad = True
    if not isinstance(header, str) or not header_key(header):
        out.add(where, f"{key} header", "缺少列名", 'header = "专题党课（次）"')
        bad = True
    if kind not in KINDS:
        out.add(
            where,
            f"{key} kind",
            f"类型「{kind}」不对",
            'kind = "count"（可选：' + "、".join(f"{k} {v}" for k, v in KINDS.items()) + "）",
        )
        bad = True
    if kind in SKELETON + ("seq",) and cid != kind:
        out.add(where, f"{key} kind", f"{KINDS[kind]}列的代码应为 {kind}", f'id = "{kind}"')
        bad = True
    levels = entry.get("levels", list(LEVELS))
    if (
        not isinstance(levels, list)
        or not levels
        or any(lv not in LEVELS for lv in levels)
        or len(set(levels)) < len(levels)
    ):
        out.add(
            where,
            f"{key} levels",
            f"适用层级写法不对（{levels!r}）",
            'levels = ["市级", "县级"]（可选：市级、县级、乡镇级、村级）',
        )
        bad = True
        levels = list(LEVELS)
    required = entry.get("required", kind not in ("seq", "text"))
    if not isinstance(required, bool):
        out.add(where, f"{key} required", f"应为 true 或 false（写的是 {required!r}）", "required = false")
        bad = True
    at_most, minimum = entry.get("at_most"), entry.get("min")
    if at_most is not None and (not isinstance(at_most, str) or kind != "count"):
        out.add(
            where,
            f"{key} at_most",
            "只有个数列可以写“不能超过”哪一列，且要写列代码",
            'at_most = "另一列的代码"',
        )
        bad = True
    if minimum is not None and (
        not isinstance(minimum, int) or isinstance(minimum, bool) or minimum < 0 or kind != "count"
    ):
        out.add(where, f"{key} min", f"最小值应为非负整数，且只用于个数列（写的是 {minimum!r}）", "min = 1")
        bad = True
    old = entry.get("old", [])
    if not isinstance(old, list) or not all(isinstance(t, str) and header_key(t) for t in old):
        out.add(where, f"{key} old", "以前的列名应写成文字列表", 'old = ["目标量化（个）"]')
        bad = True
    if bad:
        return None
    return Column(
        group, *split_header(header), cid, kind,
        tuple(lv for lv in LEVELS if lv in levels) if kind in METRIC_KINDS else (),
        required, at_most, minimum, tuple(t.strip() for t in old), entry["en"].strip(),
    )  # fmt: skip
