"""Cell values as people type them: counts, 是/否 flags, reporting weeks, names.

Each parser returns the clean value or raises CellError with a Chinese message; the caller knows
the cell and turns it into a Problem."""

from __future__ import annotations

import datetime as dt
import functools
import re
import unicodedata

from .columns import FLAG_FALSE, FLAG_TRUE, NOT_APPLICABLE
from .weeks import week_of


class CellError(ValueError):
    def __init__(self, code: str, message: str, hint: str = ""):
        super().__init__(message)
        self.code, self.message, self.hint = code, message, hint


class CellFault(str):
    """A cell whose value the file does not hold: an Excel error value (#DIV/0!, #N/A …) or a formula
    saved without its computed value (its text starts with '='). Its text is what the file holds, so
    messages can show it; it is never taken for a value."""

    __slots__ = ()

    @property
    def is_formula(self) -> bool:
        return self.startswith("=")


# What Excel, WPS and LibreOffice show for an error; a CSV saved from them holds the same text.
EXCEL_ERRORS = frozenset(
    "#DIV/0! #N/A #NAME? #NULL! #NUM! #REF! #VALUE! #SPILL! #CALC! #FIELD! #BLOCKED! #CONNECT! "
    "#UNKNOWN! #BUSY! #GETTING_DATA Err:502 Err:504 Err:508 Err:522".split()
)


def text_of(value) -> str:
    """A cell as text, whatever its type; integral floats lose their '.0'."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def shown(value) -> str:
    """A cell as Excel (Chinese locale, default formats) shows it: 1900/1/12 for a date cell, TRUE
    for a logical value, #DIV/0! for an error. For messages: the user must recognise the cell."""
    kind = value.__class__
    if kind is dt.datetime:
        clock = f"{value.hour}:{value.minute:02d}" + (f":{value.second:02d}" if value.second else "")
        return f"{value.year}/{value.month}/{value.day} {clock}"
    if kind is dt.date:
        return f"{value.year}/{value.month}/{value.day}"
    if kind is dt.time:
        return f"{value.hour}:{value.minute:02d}:{value.second:02d}"
    if kind is dt.timedelta:
        hours, rest = divmod(int(value.total_seconds()), 3600)
        return f"{hours}:{rest // 60:02d}:{rest % 60:02d}"
    if kind is bool:
        return "TRUE" if value else "FALSE"
    return text_of(value)


_SPACE = re.compile(r"\s+")


def squeeze(value) -> str:
    """NFKC (full-width → half-width) and no whitespace at all: for labels and keys."""
    if value is None or value == "":
        return ""  # most cells of a sheet: skip the normalisation
    return _squeeze_text(value if value.__class__ is str else text_of(value))


def squeeze_texts(texts) -> list[str]:
    """squeeze of each of many str cells, by C-level calls (the cache below)."""
    return list(map(_squeeze_text, texts))


# Unit names and labels come back every week (and in every file of a county): remember them.
@functools.lru_cache(maxsize=1 << 16)
def _squeeze_text(text: str) -> str:
    if unicodedata.is_normalized("NFKC", text) and not _SPACE.search(text):
        return text
    return _SPACE.sub("", unicodedata.normalize("NFKC", text))


def clean_name(value) -> str:
    """A name as written, with runs of whitespace (full-width too) made one space and trimmed."""
    if value.__class__ is str and not _SPACE.search(value):
        return value
    return _SPACE.sub(" ", text_of(value)).strip()


def name_key(value) -> str:
    """Unit names match across weeks after normalising full-width characters and whitespace."""
    return squeeze(value)


def is_blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def is_not_applicable(value) -> bool:
    return isinstance(value, str) and value.strip() in NOT_APPLICABLE


COUNT_UNITS = "个名次篇项件条人户场期"  # '3次', '12个': a count may carry its unit
_UNIT_SUFFIX = re.compile(rf"\s*([{COUNT_UNITS}])\s*$")
_NUMBER = re.compile(r"^[+-]?\d+(\.\d+)?$")
# Thousands separators are taken only where they can mean nothing else: groups of three digits
# after a first group of one to three ('1,234', '12 345'); the same separator throughout.
_GROUPED = re.compile(r"^[+-]?\d{1,3}(?:(,)\d{3}(?:,\d{3})*|( )\d{3}(?: \d{3})*)(\.0+)?$")
_DECIMAL_COMMA = re.compile(r"^[+-]?\d+,\d+$")  # '12,5', '1,5': a decimal comma, not a thousand
_DOT_THOUSAND = re.compile(r"^[+-]?\d{1,3}\.\d{3}$")  # '1.000': one, or a thousand written the European way
_NOT_A_NUMBER_HINT = "请填写阿拉伯数字（可带单位，如 3 或 3次），不要写“约”“若干”等文字"
_DATE_HINT = (
    "该单元格被设成了日期/时间格式（Excel 会把 3-4、3/4 或数字显示成日期）："
    "请把单元格格式改为“常规”或“数值”后重新填写数字"
)


def fault_error(value, what: str = "数字") -> CellError | None:
    """Why a cell that is not text, a number or a logical value cannot be read as one; None for the
    ordinary types (the parser then judges the value itself)."""
    if isinstance(value, CellFault):
        if value.is_formula:
            return CellError(
                "E_FORMULA_NO_VALUE",
                f"公式「{value}」没有保存计算结果，无法得知单元格的值",
                "请在 Excel/WPS 中打开文件、确认计算结果后保存（或复制后“选择性粘贴为数值”）再发送",
            )
        return CellError(
            "E_CELL_ERROR",
            f"单元格是错误值「{value}」，不是{what}（也不是未填写）",
            "请改正该单元格的公式或直接填写数值",
        )
    if isinstance(value, str) and value.strip() in EXCEL_ERRORS:  # a CSV saved with an error value
        return CellError(
            "E_CELL_ERROR",
            f"单元格是错误值「{value.strip()}」，不是{what}（也不是未填写）",
            "请改正该单元格的公式或直接填写数值",
        )
    if isinstance(value, (dt.date, dt.time)):  # datetime is a date
        kind = "时间" if isinstance(value, dt.time) else "日期"
        return CellError("E_DATE_CELL", f"单元格显示为{kind}「{shown(value)}」，不是{what}", _DATE_HINT)
    if isinstance(value, dt.timedelta):
        return CellError("E_DATE_CELL", f"单元格显示为时长「{shown(value)}」，不是{what}", _DATE_HINT)
    return None


def parse_count(value) -> int:
    """A non-negative whole number, from a number cell or text like '１２', '1,234', '3次', '3.0'.

    Every other type of cell (a date, a time, a logical value, an error) raises CellError: its
    meaning as a count is not certain."""
    kind = value.__class__
    if kind is float or kind is int:
        number = float(value)
    elif kind is str and value.isdecimal():  # '12' or '１２': most text counts, no normalising needed
        return parse_count(int(value))
    elif kind is str:
        if value.strip() in EXCEL_ERRORS:
            raise fault_error(value)
        number = _text_number(value)
    elif kind is bool:
        raise CellError("E_NOT_A_NUMBER", f"「{shown(value)}」是逻辑值，不是数字", "请填写整数")
    else:
        raise fault_error(value) or CellError("E_NOT_A_NUMBER", f"「{shown(value)}」不是数字", "请填写整数")
    if number != number or number in (float("inf"), float("-inf")):
        raise CellError("E_NOT_A_NUMBER", f"「{value}」不是数字", "请填写整数")
    if number < 0:
        raise CellError("E_NEGATIVE", f"数量不能为负数（{text_of(value)}）", "累计数应为 0 或正整数")
    if not number.is_integer():
        raise CellError("E_FRACTION", f"数量应为整数，不能是小数（{text_of(value)}）", "请填写整数")
    if number > 2_147_483_647:
        raise CellError("E_TOO_LARGE", f"数值过大（{text_of(value)}）", "请核对是否多输入了数字")
    return int(number)


def _text_number(value: str) -> float:
    """The number a text cell means, when it means exactly one: '3次', ' 12 ', '1,234', '12 345'."""
    text = _UNIT_SUFFIX.sub("", unicodedata.normalize("NFKC", value).strip()).strip()
    if _DECIMAL_COMMA.match(text) and not _GROUPED.match(text):
        raise CellError(
            "E_DECIMAL_COMMA",
            f"「{value}」中的逗号像是小数点（即 {text.replace(',', '.')}），数量应为整数",
            "请填写整数；千位分隔符只接受 1,234 这样每三位一个逗号的写法",
        )
    if _DOT_THOUSAND.match(text):
        raise CellError(
            "E_AMBIGUOUS_NUMBER",
            f"「{value}」既可能是 {text.split('.')[0]}，也可能是以点作千位分隔的 {text.replace('.', '')}",
            "请直接填写整数，不要加点或千位分隔符",
        )
    if _GROUPED.match(text):
        text = text.replace(",", "").replace(" ", "")
    if not _NUMBER.match(text):
        raise CellError("E_NOT_A_NUMBER", f"「{value}」不是数字", _NOT_A_NUMBER_HINT)
    return float(text)


def parse_flag(value) -> bool:
    """是/否 and the ways people write it: √ ×, Y N, 1 0, 已完成 未完成, 已召开 未召开."""
    if isinstance(value, bool):
        return value
    if value.__class__ in (int, float) and value in (0, 1):
        return bool(value)
    fault = fault_error(value, "是/否值")
    if fault is not None:
        raise fault
    text = unicodedata.normalize("NFKC", text_of(value)).strip().upper()
    if text in FLAG_TRUE:
        return True
    if text in FLAG_FALSE:
        return False
    raise CellError(
        "E_BAD_FLAG",
        f"「{shown(value)}」不是有效的是/否值",
        "请填写“是”或“否”（也接受 √/×、Y/N、1/0、已完成/未完成）",
    )


_YMD = r"(\d{4})\s*[-./年]\s*(\d{1,2})\s*[-./月]\s*(\d{1,2})\s*日?"
_MD = r"(?:(\d{4})\s*[-./年]\s*)?(\d{1,2})\s*[-./月]\s*(\d{1,2})\s*日?"
_ISO_WEEK = re.compile(r"^(\d{4})\s*-?\s*W\s*(\d{1,2})$", re.I)
_CN_WEEK = re.compile(r"^(\d{4})\s*年\s*第\s*(\d{1,2})\s*周$")
_DATE = re.compile(rf"^{_YMD}$")
_RANGE = re.compile(rf"^{_YMD}\s*(?:-|—|–|~|～|至|到|－|——)+\s*{_MD}$")


def _date(y, m, d, raw) -> dt.date:
    try:
        return dt.date(int(y), int(m), int(d))
    except ValueError:
        raise CellError(
            "E_WEEK_UNPARSEABLE", f"统计周「{raw}」中的日期不存在", "请按 2023-W45 或 2023-11-08 填写"
        ) from None


def parse_week(value) -> str:
    """Any way of naming a reporting week → ISO 'YYYY-Www'."""
    if isinstance(value, CellFault) or isinstance(value, (dt.time, dt.timedelta)):
        raise fault_error(value, "统计周")
    if isinstance(value, dt.datetime):
        return week_of(value.date())
    if isinstance(value, dt.date):
        return week_of(value)
    if isinstance(value, (int, float)) and not isinstance(value, bool) and 36526 <= value < 73051:
        # an Excel date serial in a cell that lost its date format (1 = 1900-01-01, with Excel's leap bug)
        return week_of(dt.date(1899, 12, 30) + dt.timedelta(days=int(value)))
    raw = shown(value).strip()
    text = unicodedata.normalize("NFKC", raw).strip()
    if m := (_ISO_WEEK.match(text) or _CN_WEEK.match(text)):
        year, week = int(m.group(1)), int(m.group(2))
        try:
            return week_of(dt.date.fromisocalendar(year, week, 1))
        except ValueError:
            raise CellError(
                "E_WEEK_UNPARSEABLE", f"统计周「{raw}」不存在", "周次应为 1–52（或 53）"
            ) from None
    if m := _DATE.match(text):
        return week_of(_date(*m.groups(), raw))
    if m := _RANGE.match(text):
        y1, m1, d1, y2, m2, d2 = m.groups()
        first = _date(y1, m1, d1, raw)
        last = _date(y2 or y1, m2, d2, raw)
        if last < first:  # a range across new year written without the second year
            last = _date(int(y2 or y1) + 1, m2, d2, raw)
        if week_of(first) != week_of(last):
            raise CellError(
                "E_WEEK_RANGE",
                f"统计周「{raw}」跨越了两个周次（{week_of(first)} 与 {week_of(last)}）",
                "统计周应为周一至周日的一周",
            )
        return week_of(first)
    raise CellError(
        "E_WEEK_UNPARSEABLE",
        f"无法识别统计周「{raw}」",
        "请按 2023-W45、2023-11-08 或 2023年11月6日—11月12日 的格式填写",
    )
