"""The default catalogue's form 1 (forms.toml), under the names the tests have always used: the
older samples (weeks 2023-W37/W38) and most fixtures are on form 1."""

from etl.columns import ALL_LEVELS, FLAG_FALSE, FLAG_TRUE, NOT_APPLICABLE, TOTAL_ROW_LABELS
from etl.config import load_config
from etl.forms import GROUPS

CATALOGUE = load_config().catalogue
ROOT_FORMS = CATALOGUE.path  # the project's forms.toml
FORM1, FORM2 = CATALOGUE.forms[0], CATALOGUE.forms[1]
COLUMNS = FORM1.columns
BY_ID = FORM1.by_id
METRICS = FORM1.metrics
METRIC_IDS = tuple(c.id for c in METRICS)
RELATIONS = FORM1.relations

__all__ = [
    "ALL_LEVELS",
    "BY_ID",
    "CATALOGUE",
    "COLUMNS",
    "FLAG_FALSE",
    "FLAG_TRUE",
    "FORM1",
    "FORM2",
    "GROUPS",
    "METRICS",
    "METRIC_IDS",
    "NOT_APPLICABLE",
    "RELATIONS",
    "ROOT_FORMS",
    "TOTAL_ROW_LABELS",
]


def custom_config(tmp_path, replace: dict[str, str] | None = None, forms: dict[str, str] | None = None):
    """config.toml and forms.toml with some text replaced (each text must be there), written to
    tmp_path, the config naming that catalogue; returns the loaded config."""
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent
    texts = {}
    for name, changes in (("config.toml", replace or {}), ("forms.toml", forms or {})):
        text = (root / name).read_text(encoding="utf-8")
        for old, new in changes.items():
            assert old in text, old
            text = text.replace(old, new)
        texts[name] = text
    (tmp_path / "forms.toml").write_text(texts["forms.toml"], encoding="utf-8")
    text = texts["config.toml"].replace(
        'catalogue = "forms.toml"', f'catalogue = "{(tmp_path / "forms.toml").as_posix()}"'
    )
    path = tmp_path / "config.toml"
    path.write_text(text, encoding="utf-8")
    return load_config(path)
