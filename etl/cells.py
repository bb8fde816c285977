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


def text_of(value) -> str:
    """A cell as text, whatever its type; integral floats lose their '.0'."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


_SPACE = re.compile(r"\s+")


def squeeze(value) -> str:
    """NFKC (full-width → half-width) and no whitespace at all: for labels and keys."""
    if value is None or value == "":
        return ""  # most cells of a sheet: skip the normalisation
    return _squeeze_text(value if value.__class__ is str else text_of(value))


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


def parse_count(value) -> int:
    """A non-negative whole number, from a number cell or text like '１２', '1,234', '3次', '3.0'."""
    if isinstance(value, bool):
        raise CellError("E_NOT_A_NUMBER", f"「{value}」不是数字", "请填写整数")
    if isinstance(value, (int, float)):
        number = float(value)
    elif value.isdecimal():  # '12' or '１２': most text counts, no normalising needed
        return parse_count(int(value))
    else:
        text = unicodedata.normalize("NFKC", str(value)).strip()
        text = _UNIT_SUFFIX.sub("", text).replace(",", "").replace(" ", "")
        if not _NUMBER.match(text):
            raise CellError(
                "E_NOT_A_NUMBER",
                f"「{value}」不是数字",
                "请填写阿拉伯数字（可带单位，如 3 或 3次），不要写“约”“若干”等文字",
            )
        number = float(text)
    if number != number or number in (float("inf"), float("-inf")):
        raise CellError("E_NOT_A_NUMBER", f"「{value}」不是数字", "请填写整数")
    if number < 0:
        raise CellError("E_NEGATIVE", f"数量不能为负数（{text_of(value)}）", "累计数应为 0 或正整数")
    if not number.is_integer():
        raise CellError("E_FRACTION", f"数量应为整数，不能是小数（{text_of(value)}）", "请填写整数")
    if number > 2_147_483_647:
        raise CellError("E_TOO_LARGE", f"数值过大（{text_of(value)}）", "请核对是否多输入了数字")
    return int(number)


def parse_flag(value) -> bool:
    """是/否 and the ways people write it: √ ×, Y N, 1 0, 已完成 未完成, 已召开 未召开."""
    if isinstance(value, bool):
        return value
    if isinstance(value, (int, float)) and value in (0, 1):
        return bool(value)
    text = unicodedata.normalize("NFKC", text_of(value)).strip().upper()
    if text in FLAG_TRUE:
        return True
    if text in FLAG_FALSE:
        return False
    raise CellError(
        "E_BAD_FLAG",
        f"「{text_of(value)}」不是有效的是/否值",
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
    if isinstance(value, dt.datetime):
        return week_of(value.date())
    if isinstance(value, dt.date):
        return week_of(value)
    if isinstance(value, (int, float)) and not isinstance(value, bool) and 36526 <= value < 73051:
        # an Excel date serial in a cell that lost its date format (1 = 1900-01-01, with Excel's leap bug)
        return week_of(dt.date(1899, 12, 30) + dt.timedelta(days=int(value)))
    raw = text_of(value).strip()
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
