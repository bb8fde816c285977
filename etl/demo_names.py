"""Names for the demo: departments, townships, villages and generated county names that read like
a real city's (etl.demo)."""

from __future__ import annotations

import random

DEPARTMENTS = (
    "公安局党委",
    "财政局党组",
    "教育局党组",
    "卫健局党组",
    "民政局党组",
    "住建局党组",
    "农业农村局党组",
    "人社局党组",
    "应急管理局党组",
    "市场监管局党组",
    "交通运输局党组",
    "自然资源局党组",
    "发展改革局党组",
    "水利局党组",
    "生态环境分局党组",
    "司法局党组",
    "统计局党组",
    "文化旅游局党组",
    "商务局党组",
    "审计局党组",
    "退役军人事务局党组",
    "医疗保障局党组",
    "林业局党组",
    "城管局党组",
)
CITY_DEPARTMENTS = (
    "市委办公室党支部",
    "市发展改革委党组",
    "市教育局党组",
    "市财政局党组",
    "市民政局党组",
    "市住建局党组",
    "市卫健委党组",
    "市国资委党委",
    "市交通运输局党组",
    "市农业农村局党组",
    "市人社局党组",
    "市生态环境局党组",
    "市市场监管局党组",
    "市自然资源局党组",
    "市水利局党组",
    "市商务局党组",
    "市审计局党组",
    "市统计局党组",
    "市司法局党组",
    "市文化旅游局党组",
)
TOWNS = (
    "城关",
    "白马",
    "石桥",
    "黄庄",
    "柳林",
    "东坝",
    "双河",
    "松江",
    "高桥",
    "清溪",
    "兴隆",
    "长岭",
    "河口",
    "新市",
    "桃园",
    "龙泉",
    "杨柳",
    "三里",
    "马鞍",
    "凤凰",
)
TOWN_SUFFIXES = ("镇", "镇", "乡", "街道")
SYLLABLES = (
    "清",
    "河",
    "安",
    "宁",
    "平",
    "阳",
    "丰",
    "泽",
    "临",
    "川",
    "永",
    "兴",
    "长",
    "乐",
    "福",
    "昌",
    "云",
    "溪",
    "江",
    "山",
    "湖",
    "源",
    "石",
    "松",
    "岭",
    "明",
    "嘉",
    "和",
    "华",
    "新",
    "泉",
    "桥",
)
COUNTY_SUFFIXES = ("县", "县", "县", "区", "市")


def generated_county_names(n: int, taken: tuple[str, ...], seed: int = 0) -> list[str]:
    """n county names like 永泽县 that are not taken and whose first two characters are unique."""
    rng = random.Random(f"counties|{seed}")
    names, stems = [], {t[:2] for t in taken}
    pairs = [a + b for a in SYLLABLES for b in SYLLABLES if a != b]
    rng.shuffle(pairs)
    for stem in pairs:
        if len(names) == n:
            break
        if stem not in stems:
            stems.add(stem)
            names.append(stem + rng.choice(COUNTY_SUFFIXES))
    if len(names) < n:
        raise ValueError(f"最多可生成 {len(names)} 个县名")
    return names


def unit_names(rng: random.Random, county: str, n_units: int | None) -> list[tuple[str, str]]:
    """(name, level) rows: the leadership team, departments, townships each with its villages, 两新."""
    stem = county[:-1]
    if n_units is None:
        n_dept, n_town = rng.randint(3, 7), rng.randint(4, 8)
    else:
        n_dept = max(1, min(len(DEPARTMENTS), round(n_units * 0.25)))
        n_town = max(1, (n_units - 2 - n_dept) // 2)
        n_dept = max(1, min(len(DEPARTMENTS), n_units - 2 - 2 * n_town))
    bases = list(TOWNS)
    rng.shuffle(bases)
    if n_town > len(bases):  # a province-scale county: two-syllable names beyond the common ones
        extra = [a + b for a in SYLLABLES for b in SYLLABLES if a != b and a + b not in bases]
        rng.shuffle(extra)
        bases += extra[: n_town - len(bases)]
    rows = [(f"{county}委常委会", "县级")]
    rows += [(stem + d, "县级") for d in rng.sample(DEPARTMENTS, n_dept)]
    for base in bases[:n_town]:
        town = base + rng.choice(TOWN_SUFFIXES)
        rows += [(f"{town}党委", "乡镇级"), (f"{town}村（社区）党组织", "村级")]
    rows.append((f"{stem}两新组织党组织", "村级"))
    return rows
