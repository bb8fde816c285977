"""docs/trust.md cannot drift: its table of numbers written as text is what parse_count does, and
every code it names is one the program uses."""

from __future__ import annotations

import re

import pytest

from etl.cells import CellError, parse_count

from .conftest import ROOT
from .test_operations_doc import codes_in_source

DOC = (ROOT / "docs" / "trust.md").read_text(encoding="utf-8")
ROWS = re.findall(r"^\| `([^`]+)` \| (\d+|rejected \(([EW]_[A-Z_]+)\)) \|$", DOC, flags=re.M)


def test_the_table_is_found():
    assert len(ROWS) >= 10


@pytest.mark.parametrize("written, read_as, code", ROWS)
def test_numbers_as_the_doc_says(written, read_as, code):
    if code:
        with pytest.raises(CellError) as e:
            parse_count(written)
        assert e.value.code == code
    else:
        assert parse_count(written) == int(read_as)


def test_every_code_named_exists():
    named = set(re.findall(r"\b([EW]_[A-Z_]{3,})\b", DOC))
    assert named and named <= codes_in_source()
