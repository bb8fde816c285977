"""The dashboard's Streamlit settings (.streamlit/config.toml), as Streamlit itself reads them."""

from __future__ import annotations

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_no_full_garbage_collection_after_every_rerun(monkeypatch):
    from streamlit import config

    monkeypatch.chdir(ROOT)  # `streamlit run` reads .streamlit/config.toml from the working folder
    monkeypatch.setattr(os.path, "expanduser", lambda p: str(ROOT / "no-home" / Path(p).name))
    config.get_config_options(force_reparse=True)
    try:
        assert config.get_option("runner.postScriptGC") is False
        assert config.get_option("client.showSidebarNavigation") is False
    finally:
        monkeypatch.undo()
        config.get_config_options(force_reparse=True)
