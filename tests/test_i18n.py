"""The English switch's catalogue (app/locale/en/LC_MESSAGES/messages.po, read by app/labels.py):
every text the code hands to t()/label()/N_()/header() has its English, with the same placeholders."""

from __future__ import annotations

import re
import string

from babel.messages.pofile import read_po

from app.labels import CATALOGUE, catalogue, label, labeler, week_name
from app.messages import marked_texts

CJK = re.compile(r"[\u4e00-\u9fff]")


def _fields(text: str) -> set[str]:
    return {f for _, f, _, _ in string.Formatter().parse(text) if f}


def test_every_marked_text_has_english():
    found = marked_texts()
    assert len(found) > 50
    missing = sorted(f"{where}: {zh}" for zh, where in found.items() if zh not in catalogue())
    assert not missing, "\n".join(missing)


def test_catalogue_is_well_formed():
    with CATALOGUE.open("rb") as f:
        cat = read_po(f, locale="en")
    ids = [m.id for m in cat if m.id]
    assert len(ids) == len(set(ids))
    for m in cat:
        if not m.id:
            continue
        assert m.string, f"no English for {m.id!r}"
        assert not CJK.search(m.string), f"English of {m.id!r} has Chinese: {m.string!r}"
        assert _fields(m.id) == _fields(m.string), f"placeholders differ: {m.id!r} / {m.string!r}"


def test_labels_are_glossed_and_sentences_replaced():
    assert label("综合得分") == "综合得分"
    assert label("综合得分", True) == "综合得分 Composite"
    t = labeler(True)
    assert t("理论学习") == "理论学习 Study"
    zh = "本周退回、尚未重新报送的报表 {n} 份（{units}）"
    assert label(zh, False, n=1, units="青河县") == "本周退回、尚未重新报送的报表 1 份（青河县）"
    assert label(zh, True, n=1, units="青河县") == catalogue()[zh].format(n=1, units="青河县")
    assert label("没有这条的英文", True) == "没有这条的英文"


def test_week_names():
    assert week_name("2023-W49") == "2023-W49（12月4日—12月10日）"
    assert week_name("2023-W49", True) == "2023-W49 (4 Dec – 10 Dec)"
