"""The dashboard's pages: which exist, what SQL each runs, how long each takes to render.

Pages are found in dashboard.py's navigation list (st.Page("pages/x.py", ...) calls, read with ast),
so pages added later are measured without touching the benchmark. Every DuckDB connection opened
while a page renders is wrapped (duckdb.connect is patched for the duration) and each execute()
recorded with its parameters; bench.queries then times those statements on their own.

Run as `python -m bench.pages DB OUT.json` in its own process (with DISPATCH_DB / DISPATCH_CONFIG
set by the caller), so the AppTest process does not carry the benchmark's other state.
"""

from __future__ import annotations

import ast
import json
import os
import sys
import threading
import time
from pathlib import Path

from etl.config import PROJECT_ROOT

DASHBOARD = PROJECT_ROOT / "dashboard.py"


def page_list(dashboard: Path = DASHBOARD) -> list[dict]:
    """[{path, title}] in navigation order: every "pages/….py" string of dashboard.py (its PAGES list
    of (section, file, title, icon) tuples, or st.Page("pages/x.py", title=…) calls), in source order,
    keeping those whose file exists; without dashboard.py, the files of pages/ in name order."""
    found: list[dict] = []
    if dashboard.exists():
        tree = ast.parse(dashboard.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, (ast.Tuple, ast.List)):
                items = node.elts
                for i, el in enumerate(items):
                    if _is_page_path(el):
                        nxt = items[i + 1] if i + 1 < len(items) else None
                        title = (
                            nxt.value
                            if isinstance(nxt, ast.Constant) and isinstance(nxt.value, str)
                            else None
                        )
                        found.append({"path": el.value, "title": title, "pos": (el.lineno, el.col_offset)})
            elif isinstance(node, ast.Call) and node.args and _is_page_path(node.args[0]):
                title = next(
                    (
                        k.value.value
                        for k in node.keywords
                        if k.arg == "title" and isinstance(k.value, ast.Constant)
                    ),
                    None,
                )
                found.append(
                    {
                        "path": node.args[0].value,
                        "title": title,
                        "pos": (node.args[0].lineno, node.args[0].col_offset),
                    }
                )
        found.sort(key=lambda p: p.pop("pos"))
    if not found:
        found = [
            {"path": f"pages/{p.name}", "title": p.stem}
            for p in sorted((PROJECT_ROOT / "pages").glob("*.py"))
            if not p.name.startswith("_")
        ]
    seen, out = set(), []
    for p in found:
        if p["path"] not in seen and (PROJECT_ROOT / p["path"]).exists():
            seen.add(p["path"])
            out.append({"path": p["path"], "title": p["title"] or Path(p["path"]).stem})
    return out


def _is_page_path(node) -> bool:
    return (
        isinstance(node, ast.Constant)
        and isinstance(node.value, str)
        and node.value.startswith("pages/")
        and node.value.endswith(".py")
    )


# --- recording every statement ----------------------------------------------------------------


class Recorder:
    """Patches duckdb.connect so that every connection's execute()/sql() is logged while active."""

    def __init__(self):
        self.log: list[dict] = []
        self.page: str | None = None
        self._lock = threading.Lock()
        self._orig = None

    def install(self):
        import duckdb

        self._orig = duckdb.connect
        rec = self

        def connect(*args, **kw):
            t = time.perf_counter()
            con = rec._orig(*args, **kw)
            rec.add("-- connect", [kw.get("read_only", False)], time.perf_counter() - t)
            return _RecordingConnection(con, rec)

        duckdb.connect = connect

    def uninstall(self):
        import duckdb

        if self._orig is not None:
            duckdb.connect = self._orig

    def add(self, sql, params, seconds):
        if self.page is None or not isinstance(sql, str):
            return
        with self._lock:
            self.log.append({"page": self.page, "sql": sql, "params": _jsonable(params), "seconds": seconds})


class _RecordingConnection:
    def __init__(self, con, rec: Recorder):
        self._con, self._rec = con, rec

    def execute(self, sql, parameters=None, *a, **kw):
        t = time.perf_counter()
        out = (
            self._con.execute(sql, parameters, *a, **kw) if parameters is not None else self._con.execute(sql)
        )
        self._rec.add(sql, parameters, time.perf_counter() - t)
        return out

    def sql(self, query, *a, **kw):
        t = time.perf_counter()
        out = self._con.sql(query, *a, **kw)
        self._rec.add(query, kw.get("params"), time.perf_counter() - t)
        return out

    query = sql

    def __getattr__(self, name):
        return getattr(self._con, name)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self._con.close()
        return False


def _jsonable(params):
    if params is None:
        return []
    if isinstance(params, dict):
        return {k: _jsonable_value(v) for k, v in params.items()}
    return [_jsonable_value(v) for v in params]


def _jsonable_value(v):
    if isinstance(v, (str, int, float, bool)) or v is None:
        return v
    if isinstance(v, (list, tuple)):
        return [_jsonable_value(x) for x in v]
    return str(v)


# --- rendering with AppTest -------------------------------------------------------------------


def _clear_caches():
    import streamlit as st

    st.cache_data.clear()
    st.cache_resource.clear()


def _errors(at) -> list[str]:
    out = [str(getattr(e, "message", e))[:300] for e in at.exception]
    out += [str(getattr(e, "value", e))[:300] for e in at.error]
    return out


def render_pages(timeout: float = 300.0, warm_runs: int = 3) -> dict:
    """Every page: first render (fresh AppTest, Streamlit caches cleared) and warm renders (reruns of
    the same session), with the statements the first render executed."""
    from streamlit.testing.v1 import AppTest

    pages = page_list()
    rec = Recorder()
    rec.install()
    results = []
    try:
        if not DASHBOARD.exists():
            return {"pages": [], "queries": [], "note": "dashboard.py does not exist yet"}
        for p in pages:
            _clear_caches()
            at = AppTest.from_file(str(DASHBOARD), default_timeout=timeout)
            t = time.perf_counter()
            at.run()
            boot = time.perf_counter() - t
            _clear_caches()
            rec.page = p["path"]
            t = time.perf_counter()
            at.switch_page(p["path"]).run()
            first = time.perf_counter() - t
            rec.page = None
            errors = _errors(at)
            warm = []
            for _ in range(warm_runs):
                t = time.perf_counter()
                at.run()
                warm.append(time.perf_counter() - t)
            results.append(
                {
                    **p,
                    "boot_seconds": boot,
                    "first_seconds": first,
                    "warm_seconds": warm,
                    "warm_median": sorted(warm)[len(warm) // 2],
                    "errors": errors,
                    "statements": sum(1 for q in rec.log if q["page"] == p["path"]),
                }
            )
    finally:
        rec.uninstall()
    return {"pages": results, "queries": rec.log}


def main(argv: list[str]) -> int:
    out = Path(argv[0])
    os.chdir(PROJECT_ROOT)
    result = render_pages()
    out.write_text(json.dumps(result, ensure_ascii=False, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(PROJECT_ROOT))
    sys.exit(main(sys.argv[1:]))
