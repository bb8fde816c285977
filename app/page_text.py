"""Page texts in the sidebar switch's language, and data made safe inside markdown."""

from __future__ import annotations

import re

import streamlit as st

from app.labels import EN, label, week_name
from app.labels import form_name as _form_name
from app.labels import form_names as _form_names


def english() -> bool:
    return bool(st.session_state.get("en", False))


def t(zh: str, **values) -> str:
    """A page text (formatted with `values`), with its English when the sidebar switch is on."""
    return label(zh, english(), **values)


def form_name(zh: str) -> str:
    """An indicator's or column's name, with its English from forms.toml when the switch is on."""
    return _form_name(zh, english())


def form_names(text: str) -> str:
    return _form_names(text, english())


def week_text(week: str) -> str:
    """A week's name in the switch's language."""
    return week_name(week, english())


def week_short(week: str) -> str:
    """A week's name that fits the sidebar's box: '2023-W46（11/13—11/19）'."""
    return week_name(week, english(), short=True)


def header(zh: str, help: str | None = None) -> dict:
    """A column header for a wide table (a grid cannot wrap one): Chinese; with the switch on its
    English alone, the Chinese in the hover help (a "中文 English" header on each of a dozen columns
    would be cut or push the table sideways)."""
    en = EN.get(zh) if english() else None
    help = t(help) if help else None
    if en is None:
        return {"label": zh, "help": help}
    return {"label": en, "help": " · ".join(x for x in (zh, help) if x)}


def language_switch() -> None:
    """The sidebar switch; bound to ?en=true so a shared link keeps the language."""
    st.sidebar.toggle(label("显示英文", True), key="en", bind="query-params")


# --- markdown safety ------------------------------------------------------------------------------

_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$:=])")


def md(text) -> str:
    """Data shown inside st.markdown/st.caption as plain text: markdown, HTML, LaTeX and Streamlit's
    :colour[...] directives all escaped."""
    return _MD_SPECIAL.sub(r"\\\1", str(text))
