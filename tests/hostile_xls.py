"""Hostile .xls files: xlwt workbooks with bytes patched, or Workbook streams written record by record
and wrapped in a compound file (tests/hostile.ole). Each once made calamine abort the process, grow
memory without end, panic, or build GBs; tests/test_hostile_files.py loads them through the sandbox."""

from __future__ import annotations

import io
import struct

import olefile
import xlwt

from .dispatch_builder import grid
from .hostile import biff_record as rec
from .hostile import ole

SHEET, CHART = 0x0010, 0x0020
EOF = rec(0x000A, b"")
FREESECT = 0xFFFFFFFF


def bof(kind: int = SHEET) -> bytes:
    return rec(0x0809, struct.pack("<HHHHII", 0x0600, kind, 0, 0, 0, 0))


def number(row: int, col: int) -> bytes:
    return rec(0x0203, struct.pack("<HHHd", row, col, 0, 1.0))


def label_sst(row: int, col: int, index: int) -> bytes:
    return rec(0x00FD, struct.pack("<HHHI", row, col, 0, index))


def dimensions(rw_first: int, rw_last: int, col_first: int, col_last: int) -> bytes:
    return rec(0x0200, struct.pack("<IIHHH", rw_first, rw_last, col_first, col_last, 0))


def sst(*texts: str, unique: int | None = None) -> bytes:
    body = struct.pack("<II", len(texts), len(texts) if unique is None else unique)
    for t in texts:
        body += struct.pack("<HB", len(t), 1) + t.encode("utf-16-le")
    return rec(0x00FC, body)


def boundsheet(pos: int, name: str) -> bytes:
    return rec(0x0085, struct.pack("<IBBBB", pos, 0, 0, len(name), 0) + name.encode("latin-1"))


def workbook(*sheets: bytes, extra: bytes = b"", offsets=None, names=None) -> bytes:
    """A Workbook stream: globals (a BoundSheet8 per sheet, then extra), then the sheets one after
    another; offsets(natural offsets, end of the globals) may point the BoundSheet8 records elsewhere."""
    names = names or [f"S{i + 1}" for i in range(len(sheets))]
    end = len(bof(0x0005)) + sum(len(boundsheet(0, n)) for n in names) + len(extra) + len(EOF)
    natural = [end + sum(map(len, sheets[:i])) for i in range(len(sheets))]
    pos = offsets(natural, end) if offsets else natural
    return bof(0x0005) + b"".join(map(boundsheet, pos, names)) + extra + EOF + b"".join(sheets)


def xls(stream: bytes) -> bytes:
    return ole({"Workbook": stream})


def xlwt_file(cells=(((0, 0), "x"),)) -> bytes:
    wb = xlwt.Workbook()
    ws = wb.add_sheet("调度表", cell_overwrite_ok=True)
    for (r, c), v in cells:
        ws.write(r, c, v)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def grid_cells() -> list:
    return [((r, c), v) for r, row in enumerate(grid()) for c, v in enumerate(row) if v not in ("", None)]


FAR = (((0, 0), "x"), ((65535, 255), 1))  # calamine fills 65536 × 256 cells: 1 GB


def patched_dimensions(rw_first: int, rw_last: int, col_first: int, col_last: int) -> bytes:
    data = bytearray(xlwt_file((((0, 0), "x"), ((1, 1), 2))))
    at = data.find(struct.pack("<HHII", 0x0200, 14, 0, 2))
    assert at > 0
    struct.pack_into("<IIHH", data, at + 4, rw_first, rw_last, col_first, col_last)
    return bytes(data)


def directory_entry(data: bytearray, name: str) -> int:
    start = (struct.unpack_from("<I", data, 0x30)[0] + 1) * 512
    return next(
        e
        for e in range(start, start + 512, 128)
        if data[e : e + 64].decode("utf-16-le").split("\0")[0] == name
    )


def fat_entry(data: bytes, sid: int) -> int:
    fat_sector = struct.unpack_from("<109I", data, 0x4C)[sid // 128]
    return (fat_sector + 1) * 512 + (sid % 128) * 4


def name_length_lies(data: bytearray) -> None:
    struct.pack_into("<H", data, directory_entry(data, "Workbook") + 0x40, 10)  # "Work"


def name_behind_a_bom(data: bytearray) -> None:
    e = directory_entry(data, "Workbook")
    data[e : e + 64] = b"\xef\xbb\xbfWorkbook".ljust(64, b"\0")  # encoding_rs reads it as UTF-8


def entry_typed_as_a_storage(data: bytearray) -> None:
    data[directory_entry(data, "Workbook") + 0x42] = 1


def with_embedded(records: bytes) -> bytes:
    """A dispatch sheet written by xlwt with records inserted right after the sheet's own BOF."""
    with olefile.OleFileIO(io.BytesIO(xlwt_file(grid_cells()))) as f:
        book, at = f.openstream("Workbook").read(), 0
    while struct.unpack_from("<H", book, at)[0] != 0x0085:  # to the BoundSheet8 record
        at += 4 + struct.unpack_from("<H", book, at + 2)[0]
    pos = struct.unpack_from("<I", book, at + 4)[0]
    at = pos + 4 + struct.unpack_from("<H", book, pos + 2)[0]
    return xls(book[:at] + records + book[at:])
