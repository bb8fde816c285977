"""How cells are written, whatever the form: the spellings of 是/否, the marks for "not applicable",
the labels of the total row. The form itself (columns, ids, levels, relations) is data: the catalogue
of form versions (forms.toml, read by etl.forms); nothing here names a column."""

from __future__ import annotations

from .forms import LEVELS

ALL_LEVELS = LEVELS

# 是/否 and the other ways people write them.
FLAG_TRUE = {"是", "√", "✓", "✔", "Y", "YES", "1", "TRUE", "已完成", "已召开", "已更新", "完成"}
FLAG_FALSE = {"否", "×", "✗", "✘", "N", "NO", "0", "FALSE", "未完成", "未召开", "未更新"}

# A cell holding one of these where a metric does not apply means "not applicable" (NULL).
NOT_APPLICABLE = {"/", "／", "—", "-", "－", "–", "——", "无"}

TOTAL_ROW_LABELS = ("合计", "总计", "小计")
LEVEL_SET = frozenset(ALL_LEVELS)
