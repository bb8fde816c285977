"""The two reference readers the loader is compared against, each run as its own process:

  python -m bench.baseline calamine DIR   the parse limit: python-calamine (the loader's reader) opens
                                          every file and to_python()s every sheet; .csv through the
                                          csv module, as the loader reads them. Nothing else.
  python -m bench.baseline pandas DIR     what an office analyst would write: pd.read_excel(engine=
                                          "openpyxl") for every workbook (every sheet), pd.read_csv
                                          for the .csv files.

`calamine DIR K/N` reads every N-th file from the K-th: N such processes at once are the bare read
spread over N cores (the real limit of this machine).

Both print one JSON line: files, cells (calamine) or frames (pandas), seconds inside the loop.
Only the standard library is imported before the reader itself, so the process time is honest.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

SUFFIXES = (".xlsx", ".xls", ".ods", ".csv")


def files_under(root: str) -> list[Path]:
    return sorted(p for p in Path(root).rglob("*") if p.is_file() and p.suffix.lower() in SUFFIXES)


def _csv_text(data: bytes) -> str:
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("gb18030")


def calamine_loop(files: list[Path]) -> dict:
    import csv
    import io

    import python_calamine as calamine

    cells = 0
    started = time.perf_counter()
    for f in files:
        if f.suffix.lower() == ".csv":
            rows = list(csv.reader(io.StringIO(_csv_text(f.read_bytes()), newline="")))
            cells += sum(map(len, rows))
            continue
        wb = calamine.CalamineWorkbook.from_path(str(f))
        for name in wb.sheet_names:
            rows = wb.get_sheet_by_name(name).to_python(skip_empty_area=False)
            cells += sum(map(len, rows))
    return {"files": len(files), "cells": cells, "loop_seconds": time.perf_counter() - started}


def pandas_loop(files: list[Path]) -> dict:
    import pandas as pd

    frames = 0
    started = time.perf_counter()
    for f in files:
        if f.suffix.lower() == ".csv":
            try:
                pd.read_csv(f, header=None, encoding="utf-8-sig")
            except UnicodeDecodeError:
                pd.read_csv(f, header=None, encoding="gb18030")
            frames += 1
        else:
            frames += len(pd.read_excel(f, engine="openpyxl", sheet_name=None, header=None))
    return {"files": len(files), "frames": frames, "loop_seconds": time.perf_counter() - started}


def main(argv: list[str]) -> int:
    kind, root = argv[0], argv[1]
    files = files_under(root)
    if len(argv) > 2 and "/" in argv[2]:  # K/N: the K-th of N processes reads every N-th file
        k, n = map(int, argv[2].split("/"))
        files = files[k::n]
    elif len(argv) > 2:  # --every N: a deterministic sample (every Nth file), for a quick look
        files = files[:: int(argv[2])]
    result = {"calamine": calamine_loop, "pandas": pandas_loop}[kind](files)
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
