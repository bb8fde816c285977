"""The column-at-once checks (etl/metric_columns.py) agree with the cell-by-cell path they shortcut."""

from hypothesis import given, settings
from hypothesis import strategies as st

from etl.cells import is_blank, is_not_applicable
from etl.metric_columns import CountMatrix, judge_column, level_rows
from etl.unit_rows import Found, _cell_by_cell

from .form_columns import ALL_LEVELS, BY_ID, FORM1

CELLS = st.one_of(
    st.none(),
    st.just(""),
    st.just(" "),
    st.just("/"),
    st.just("无"),
    st.just("是"),
    st.just("否"),
    st.just("√"),
    st.integers(-3, 3).map(float),
    st.floats(-2, 5),
    st.just(float("nan")),
    st.just(float("inf")),
    st.integers(0, 2**31 + 5),
    st.integers(0, 12).map(str),
    st.just("１２"),
    st.just("99999999999"),
    st.just("3次"),
    st.just("12个"),
    st.just("个"),
    st.just("３次"),
    st.just("Y"),
    st.just("y"),
    st.just("已完成"),
    st.just("未完成"),
    st.just("1"),
    st.just("1,234"),
    st.just("若干"),
    st.booleans(),
)
COLUMNS = [
    BY_ID[i]
    for i in (
        "org_count",
        "reading_class_done",
        "research_topics",
        "concentrated_study_sessions",
        "board_updated",
        "lead_cases",
    )
]


@st.composite
def columns_of_cells(draw):
    """A few kinds of cell mixed in one column (real columns are nearly uniform), on random levels."""
    palette = draw(st.lists(CELLS, min_size=1, max_size=3))
    return draw(st.lists(st.tuples(st.sampled_from(ALL_LEVELS), st.sampled_from(palette)), max_size=8))


@settings(max_examples=600, deadline=None)
@given(st.sampled_from(COLUMNS), columns_of_cells())
def test_a_column_taken_whole_means_what_its_cells_mean_and_has_nothing_to_report(column, cells):
    levels = [lv for lv, _ in cells]
    values = tuple(v for _, v in cells)
    body = list(range(5, 5 + len(cells)))
    quick = _quick(column, values, level_rows(levels, FORM1).get(column.levels))
    found = Found("调度表")
    slow = _cell_by_cell(column, values, levels, body, 3, 2, found)
    if quick is not None:
        assert quick == slow and all(type(a) is type(b) for a, b in zip(quick, slow))
        assert found.items == []


def _quick(column, values, rows):
    judged = judge_column(column, values, rows)
    return None if judged is None else judged[0]


def test_plain_columns_take_the_quick_path():
    levels = ["县级", "村级", "村级"]
    applies = level_rows(levels, FORM1)
    topics = BY_ID["research_topics"]  # not for villages
    assert _quick(topics, ("3", "", "/"), applies[topics.levels]) == [3, None, None]
    assert _quick(BY_ID["org_count"], (1.0, 12.0, 3.0), applies[BY_ID["org_count"].levels]) == [1, 12, 3]
    assert _quick(BY_ID["board_updated"], ("是", "否", "是"), applies[BY_ID["board_updated"].levels]) == [
        True,
        False,
        True,
    ]
    assert _quick(BY_ID["board_updated"], ("√", "N", "已更新"), applies[BY_ID["board_updated"].levels]) == [
        True,
        False,
        True,
    ]
    assert _quick(BY_ID["org_count"], ("1个", "12个", "３个"), applies[BY_ID["org_count"].levels]) == [
        1,
        12,
        3,
    ]
    # a value where the metric does not apply, a blank where it does: cell by cell, to say so
    assert _quick(topics, ("3", "2", ""), applies[topics.levels]) is None
    assert _quick(BY_ID["org_count"], (1.0, None, 3.0), applies[BY_ID["org_count"].levels]) is None
    assert level_rows(["县级", None], FORM1) == {}  # an unknown level: every column cell by cell


def test_levels_as_written_are_recognised_and_the_rest_named():
    from etl.unit_rows import _levels

    found = Found("调度表")
    raw = ("村级", " 乡镇级 ", "县 级", "省级", None, "")
    assert _levels(raw, list(range(4, 10)), 2, found) == ["村级", "乡镇级", "县级", None, None, None]
    assert [(r, p.code, p.message) for r, p in found.in_sheet_order()] == [
        (7, "E_UNKNOWN_LEVEL", "层级「省级」无法识别"),
        (8, "E_UNKNOWN_LEVEL", "层级为空"),
        (9, "E_UNKNOWN_LEVEL", "层级为空"),
    ]


@st.composite
def count_columns(draw):
    """Two count columns on random levels, each taken whole or walked cell by cell."""
    cells = draw(st.lists(st.tuples(st.sampled_from(ALL_LEVELS), CELLS, CELLS), max_size=8))
    return [lv for lv, _, _ in cells], [tuple(c[k] for c in cells) for k in (1, 2)]


@settings(max_examples=400, deadline=None)
@given(count_columns(), st.integers(0, 3))
def test_the_count_matrix_sums_compares_and_bounds_as_the_plain_lists_do(columns, minimum):
    levels, raws = columns
    part, whole = BY_ID["research_done"], BY_ID["org_count"]  # one not for villages, one everywhere
    rows = level_rows(levels, FORM1)
    counts, lists = CountMatrix(len(levels)), []
    for column, raw in zip((part, whole), raws):
        judged = judge_column(column, raw, rows.get(column.levels))
        if judged is None:
            values, numbers = (
                _cell_by_cell(column, raw, levels, list(range(len(levels))), 3, 2, Found("")),
                None,
            )
        else:
            values, numbers = judged
        counts.add(column.id, values, numbers, rows.get(column.levels), raw)
        lists.append(values)
        if any(v is None and not (is_blank(r) or is_not_applicable(r)) for v, r in zip(values, raw)):
            assert counts.total(column.id) is None  # a cell that could not be read: no known sum
        else:
            assert counts.total(column.id) == sum(v for v in values if v is not None)
    a, b = lists
    assert counts.below(part.id, minimum) == [i for i, v in enumerate(a) if v is not None and v < minimum]
    assert counts.larger([(part.id, whole.id)]) == [
        [i for i, (x, y) in enumerate(zip(a, b)) if x is not None and y is not None and x > y]
    ]
