"""The loader's messages in English, for the dashboard's English switch (the CLI and the county's list
of fixes stay Chinese). Problems carry their text in Chinese (etl/problems.py); beside it,
etl/problems_english_texts.py holds the English of every code and of every message and hint
template: a Chinese text is matched against the templates ({name} stands for a value such as a
cell, a unit or a column label, kept as it is) and rebuilt in English. A text no template matches
falls back on its code's English with the Chinese beside it, so nothing reaches the page
Chinese-only; tests/test_problems_english.py loads good and bad files and fails on a message
without its own template."""

from __future__ import annotations

import re
from functools import cache

from .problems import Problem
from .problems_english_texts import CODES, FRAGMENTS, TEMPLATES, WORDS

# a value is one name, without 「」 (so that 「a」「b」 is never one value), but for lists and messages
_ONE = "[^「」]+?"
_ANY = dict.fromkeys(("msg", "names", "others", "units"), ".+?")


@cache
def _patterns() -> list[tuple[re.Pattern, str]]:
    """Each template as a regular expression, the most specific (most fixed text) first."""
    out = []
    for zh, en in TEMPLATES.items():
        parts = re.split(r"\{(\w+)\}", zh)
        fixed = "".join(parts[0::2])
        rx = "".join(
            re.escape(p) if i % 2 == 0 else f"(?P<{p}>{_ANY.get(p, _ONE)})" for i, p in enumerate(parts)
        )
        out.append((len(fixed), re.compile(rx, re.S), en))
    return [(rx, en) for _, rx, en in sorted(out, key=lambda x: -x[0])]


def _match(text: str) -> tuple[str, dict[str, str]] | None:
    for rx, en in _patterns():
        m = rx.fullmatch(text)
        if m and all(v in WORDS or _match(v) for k, v in m.groupdict().items() if k == "msg"):
            return en, m.groupdict()
    return None


def _value(v: str) -> str:
    if v in WORDS:
        return WORDS[v]
    inner = english(v)
    if inner is not None:
        return inner
    for zh, en in FRAGMENTS.items():
        v = re.sub(re.escape(zh).replace(r"\{n\}", r"(?P<n>\d+)"), en.replace("{n}", r"\g<n>"), v)
    return v


def english(text: str) -> str | None:
    """The English of a loader text, or None when no template matches it."""
    if not text:
        return text
    found = _match(text)
    if found is None:
        return None
    en, values = found
    return en.format(**{k: _value(v) for k, v in values.items()})


def values(text: str) -> list[str]:
    """The values a text quotes (units, columns, cells: kept as they are in the English)."""
    found = _match(text) if text else None
    if found is None:
        return []
    out = []
    for v in found[1].values():
        out += [v] if v not in WORDS and _match(v) is None else values(v)
    return out


def message(p: Problem) -> str:
    """What is wrong, in English (the code's English and the Chinese when no template matches)."""
    en = english(p.message)
    return en if en is not None else f"{CODES.get(p.code, p.code)}: {p.message}"


def hint(p: Problem) -> str:
    en = english(p.hint or "")
    return en if en is not None else f"See the Chinese: {p.hint}"


def place(p: Problem) -> str:
    """The cell (F12), else the row, else the whole file."""
    return p.cell or (f"row {p.row}" if p.row else "whole file")


def where(p: Problem) -> str:
    return p.where(english=True)


def text(p: Problem) -> str:
    """Problem.text() in English: '[CODE] where: message (hint)'."""
    w = where(p)
    tail = f" ({hint(p)})" if p.hint else ""
    return f"[{p.code}] {w + ': ' if w else ''}{message(p)}{tail}"
