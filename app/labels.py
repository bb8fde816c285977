"""The dashboard's texts in Chinese and their English for the sidebar switch (no Streamlit here, so
the chart builders, the notes and the tests use the same words).

The English lives in a gettext catalogue, app/locale/en/LC_MESSAGES/messages.po (msgid = the Chinese
text as written in the code, msgstr = its English), read once with Babel. With the switch on:

- a short label is glossed: `label("综合得分", True)` gives "综合得分 Composite", so a reader can
  match the screen with a Chinese printout;
- a sentence (punctuation, or longer than a label) is replaced by its English, which would otherwise
  double every paragraph.

Texts with values use str.format placeholders in both languages:
`label("本周共退回报表 {n} 份", True, n=2)`. A text defined away from its call (a constant, a dict)
is marked with `N_("…")` so that extraction finds it. README "Adding a page text" says how to add
one; tests/test_i18n.py fails when a marked text has no English.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from functools import cache
from pathlib import Path

from babel.messages.pofile import read_po

from etl.weeks import week_label, week_monday, week_sunday

CATALOGUE = Path(__file__).resolve().parent / "locale" / "en" / "LC_MESSAGES" / "messages.po"

_SENTENCE = re.compile(r"[。，；！？]|\{")
LABEL_MAX = 16  # longer texts are sentences: English alone when the switch is on


@cache
def catalogue() -> dict[str, str]:
    """msgid → English, for every translated entry of the .po file."""
    with CATALOGUE.open("rb") as f:
        cat = read_po(f, locale="en")
    return {m.id: m.string for m in cat if m.id and isinstance(m.id, str) and m.string}


class _English(Mapping):
    """Read-only view of the catalogue (the old EN dict's interface)."""

    def __getitem__(self, zh: str) -> str:
        return catalogue()[zh]

    def __iter__(self):
        return iter(catalogue())

    def __len__(self) -> int:
        return len(catalogue())


EN: Mapping[str, str] = _English()


def N_(zh: str) -> str:
    """Mark a text for the catalogue where it is defined; it is translated where it is shown."""
    return zh


def is_label(zh: str) -> bool:
    return len(zh) <= LABEL_MAX and not _SENTENCE.search(zh)


def label(zh: str, english: bool = False, **values) -> str:
    """The Chinese text (formatted with `values`); with the switch on, glossed or replaced by its
    English (a text without English stays Chinese, and tests/test_i18n.py reports it)."""
    en = catalogue().get(zh) if english else None
    if en is None:
        text = zh
    elif is_label(zh):
        text = f"{zh} {en}"
    else:
        text = en
    return text.format(**values) if values else text


def term(zh: str, english: bool = False) -> str:
    """A label inside a sentence: its English alone when the switch is on (no gloss)."""
    return catalogue().get(zh, zh) if english else zh


Labeler = Callable[..., str]


def labeler(english: bool) -> Labeler:
    return lambda zh, **values: label(zh, english, **values)


_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def month_day(day, english: bool = False) -> str:
    """'11月30日' or '30 Nov'."""
    return f"{day.day} {_MONTHS[day.month - 1]}" if english else f"{day.month}月{day.day}日"


def week_name(week: str, english: bool = False, short: bool = False) -> str:
    """'2023-W45（11月6日—11月12日）', or '2023-W45 (6 Nov – 12 Nov)' with the switch on; short:
    '2023-W45（11/6—11/12）' or '2023-W45 (6/11–12/11)'."""
    mon, sun = week_monday(week), week_sunday(week)
    if short:
        if english:
            return f"{week} ({mon.day}/{mon.month}–{sun.day}/{sun.month})"
        return f"{week}（{mon.month}/{mon.day}—{sun.month}/{sun.day}）"
    if not english:
        return week_label(week)
    return f"{week} ({mon.day} {_MONTHS[mon.month - 1]} – {sun.day} {_MONTHS[sun.month - 1]})"


@cache
def _form_english() -> dict[str, str]:
    """Indicator and column names of the form catalogue (forms.toml) → their `en`."""
    from etl.config import default_config

    catalogue = default_config().catalogue
    out = {c.label: c.en for f in catalogue.forms for c in f.columns if c.en}
    out |= {c.header: c.en for f in catalogue.forms for c in f.columns if c.en}
    out |= {i.label: i.en for m in catalogue.methods for i in m.indicators if i.en}
    return out


def form_name(zh: str, english: bool = False) -> str:
    """An indicator's or a column's name, glossed with its English from forms.toml when the switch
    is on: 「专题党课 Special lectures」."""
    en = _form_english().get(zh) if english else None
    return f"{zh} {en}" if en else zh


def form_names(text: str, english: bool = False) -> str:
    """Every indicator or column name inside a text (「读书班 12.0%、集中学习 20.0%」) glossed."""
    if not english or not text:
        return text
    names = sorted(_form_english(), key=len, reverse=True)
    pattern = re.compile("|".join(re.escape(n) for n in names))
    return pattern.sub(lambda m: form_name(m.group(0), True), text)


def deadline_name(deadline, english: bool = False) -> str:
    """'12月11日（周一）12:00', or '11 Dec (Mon) 12:00' with the switch on."""
    from etl.deadline import deadline_text

    if not english or deadline is None:
        return deadline_text(deadline)
    return f"{month_day(deadline, True)} ({deadline:%a}) {deadline:%H:%M}"
