"""The .xls pre-scan reads a file the way calamine reads it (etl/prescan.py: _Cfb, scan_xls). Each
hostile file here got past the guard's earlier reading and made calamine abort the process, grow
memory without end, panic, or build GBs; those are loaded in a child process (tests/test_hostile_files.py)
so that a regression kills the child, not the test run. The files are xlwt workbooks with bytes
patched, or Workbook streams written record by record and wrapped by tests/hostile.ole."""

from __future__ import annotations

import io
import random
import struct

import pytest
import xlwt

from etl import prescan
from etl.config import default_config
from etl.load import load_paths

from .dispatch_builder import grid
from .hostile import biff_record as rec
from .hostile import ole
from .test_hostile_files import load_in_child, rejected

LIMITS = default_config().limits
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


def scan_code(data: bytes | None = None, stream: bytes | None = None) -> str | None:
    """The code scan_xls refuses a file (or a bare Workbook stream) with, or None."""
    try:
        prescan.scan_xls(data or b"", LIMITS, {"Workbook": stream} if stream is not None else None)
        return None
    except prescan.PrescanError as e:
        return e.code


FAR = (((0, 0), "x"), ((65535, 255), 1))  # calamine fills 65536 × 256 cells: 1 GB


# --- DIMENSIONS: calamine reserves rows × cols cells from it before reading a cell ----------------


def _patched_dimensions(rw_first: int, rw_last: int, col_first: int, col_last: int) -> bytes:
    data = bytearray(xlwt_file((((0, 0), "x"), ((1, 1), 2))))
    at = data.find(struct.pack("<HHII", 0x0200, 14, 0, 2))
    assert at > 0
    struct.pack_into("<IIHH", data, at + 4, rw_first, rw_last, col_first, col_last)
    return bytes(data)


@pytest.mark.parametrize(
    "claim",
    [
        (0, 4_000_000_000, 0, 65535),  # "memory allocation of 10485600000000000 bytes failed"
        (5, 1, 0, 1),  # rwMic > rwMac: u32 arithmetic wraps to 4294967292 rows (171 GB)
        (0, 2, 0, 1000),  # more columns than an .xls can have
    ],
    ids=["4e9 rows", "rows wrap", "1000 columns"],
)
def test_a_dimensions_claim_no_xls_can_make(tmp_path, claim):
    err = rejected(tmp_path, "dims.xls", _patched_dimensions(*claim), "E_NOT_A_SPREADSHEET")
    assert "超出 .xls 格式的上限" in err["message"]


def test_a_dimensions_claim_within_the_format_is_judged_by_the_cells(tmp_path, db_path):
    """Excel and xlwt count formatted empty cells in DIMENSIONS: borders drawn down to row 10000 claim
    10000 × 230 for a dispatch table. calamine only reserves address space for it; the file loads."""
    wb = xlwt.Workbook()
    ws = wb.add_sheet("调度表", cell_overwrite_ok=True)
    border = xlwt.easyxf("borders: left thin, right thin, top thin, bottom thin")
    for r in range(20, 10000):
        ws.write(r, 0, None, border)
    ws.write(20, 229, None, border)
    for (r, c), v in grid_cells():
        ws.write(r, c, v)
    buf = io.BytesIO()
    wb.save(buf)
    assert struct.pack("<HHIIHH", 0x0200, 14, 0, 10000, 0, 230) in buf.getvalue()
    assert scan_code(buf.getvalue()) is None
    (tmp_path / "bordered.xls").write_bytes(buf.getvalue())
    [report] = load_paths([tmp_path / "bordered.xls"], db_path)
    assert report.outcome == "loaded", report.errors


# --- where calamine reads each sheet: at its BoundSheet8 offset, to its own EOF -------------------


def test_a_sheet_hidden_inside_another_records_body(tmp_path):
    """The guard walked the records one after another; calamine jumps to the BoundSheet8 offset."""
    hidden = bof() + number(0, 0) + number(65535, 255) + EOF
    wrapper = rec(0x1234, hidden)  # a record type nobody reads, holding a whole sheet
    stream = workbook(wrapper, offsets=lambda natural, end: [end + 4])
    rejected(tmp_path, "hidden.xls", xls(stream), "E_TOO_MANY_ROWS")


def test_a_dimensions_claim_in_a_hidden_sheet(tmp_path):
    hidden = bof() + dimensions(0, 4_000_000_000, 0, 65535) + number(0, 0) + EOF
    stream = workbook(rec(0x1234, hidden), offsets=lambda natural, end: [end + 4])
    rejected(tmp_path, "hidden_dims.xls", xls(stream), "E_NOT_A_SPREADSHEET")


def test_a_sheet_offset_past_the_stream(tmp_path):
    """calamine slices the stream at the offset and panics, which no except Exception catches."""
    stream = workbook(bof() + number(0, 0) + EOF, offsets=lambda natural, end: [1_000_000])
    err = rejected(tmp_path, "past.xls", xls(stream), "E_NOT_A_SPREADSHEET")
    assert "位置超出文件" in err["message"]


def test_many_sheets_at_one_offset(tmp_path):
    """200 BoundSheet8 records at one legal sheet of 5000 × 200 cells: calamine builds it 200 times
    (GBs from 3 KB); the guard counted it once."""
    sheet = bof() + number(0, 0) + number(4999, 199) + EOF
    stream = workbook(sheet, *[b""] * 199, offsets=lambda natural, end: [end] * 200)
    err = rejected(tmp_path, "same.xls", xls(stream), "E_NOT_A_SPREADSHEET")
    assert "重叠" in err["message"]


def test_a_chart_sheet_is_read_like_a_worksheet(tmp_path):
    """calamine reads the cell records of every BoundSheet8, chart sheets too; the guard skipped them."""
    stream = workbook(bof(CHART) + number(0, 0) + number(65535, 255) + EOF)
    rejected(tmp_path, "chart.xls", xls(stream), "E_TOO_MANY_ROWS")


def test_the_sheet_goes_on_after_an_embedded_chart(tmp_path):
    """calamine skips an embedded substream (BOF … EOF) and reads the sheet after it; the guard
    stopped measuring the sheet at the chart's BOF."""
    stream = workbook(bof() + number(0, 0) + bof(CHART) + EOF + number(65535, 255) + EOF)
    rejected(tmp_path, "after_chart.xls", xls(stream), "E_TOO_MANY_ROWS")


def _with_embedded(records: bytes) -> bytes:
    """A dispatch sheet written by xlwt with records inserted right after the sheet's own BOF."""
    book, at = prescan.ole_streams(xlwt_file(grid_cells()))["Workbook"], 0
    while struct.unpack_from("<H", book, at)[0] != 0x0085:  # to the BoundSheet8 record
        at += 4 + struct.unpack_from("<H", book, at + 2)[0]
    pos = struct.unpack_from("<I", book, at + 4)[0]
    at = pos + 4 + struct.unpack_from("<H", book, pos + 2)[0]
    return xls(book[:at] + records + book[at:])


def test_an_embedded_charts_data_cache_is_skipped_as_calamine_skips_it(tmp_path, db_path):
    """An embedded chart's SERIESDATA holds DIMENSIONS and cell records, which calamine 0.37 skips:
    a chart of 1000 points must not count as 1000 columns. Loaded in a child: were calamine to read
    the substream again, this claim would abort it."""
    chart = bof(CHART) + dimensions(0, 4_000_000_000, 0, 65535) + number(0, 999) + EOF
    (tmp_path / "chart_cache.xls").write_bytes(_with_embedded(chart))
    out = load_in_child(tmp_path / "chart_cache.xls", db_path)
    assert out["report"]["outcome"] == "loaded", out["report"]["errors"]


# --- the shared strings: calamine keeps the globals' last SST and reads all of it -----------------


def _labels(n: int, index: int) -> bytes:
    return b"".join(label_sst(i // 2, i % 2, index) for i in range(n))


def test_strings_past_cst_unique_are_measured():
    """calamine reads every string of the SST whatever cstUnique says: 6000 cells show the second
    string, 2000 characters each, 12 million in all; the guard read one string and counted 0."""
    stream = workbook(bof() + _labels(6000, 1) + EOF, extra=sst("x", "字" * 2000, unique=1))
    assert scan_code(stream=stream) == "E_TOO_MUCH_TEXT"


def test_an_sst_after_the_globals_is_a_decoy():
    """calamine reads the SST of the globals only; the guard took the last SST anywhere in the stream,
    here one between the globals and the sheet."""
    decoy = sst("x")
    stream = workbook(
        decoy + bof() + _labels(6000, 0) + EOF,
        extra=sst("字" * 2000),
        offsets=lambda natural, end: [end + len(decoy)],
    )
    assert scan_code(stream=stream) == "E_TOO_MUCH_TEXT"


def test_shared_strings_split_over_continue_records_as_xlwt_writes_them():
    """The SST reading agrees with a real writer: strings of every length, narrow and wide, split
    across CONTINUE records (a CONTINUE inside a string starts with a new flag byte)."""
    rng = random.Random(7)
    texts = list(
        dict.fromkeys(
            "".join(rng.choice("ab字é") for _ in range(rng.choice([1, 9, 300, 1500, 4000])))
            for _ in range(600)
        )
    )
    wb = xlwt.Workbook(encoding="utf-8")
    ws = wb.add_sheet("s")
    for i, t in enumerate(texts):
        ws.write(i, 0, t)
    buf = io.BytesIO()
    wb.save(buf)
    book = prescan.ole_streams(buf.getvalue())["Workbook"]
    [(body, conts)] = [(b, c) for t, b, c, _ in prescan._records(book, 0) if t == 0x00FC]
    assert len(conts) > 50
    assert prescan._sst_lengths([body, *conts], 10**6) == [len(t) for t in texts]


# --- merged ranges --------------------------------------------------------------------------------


def test_merged_ranges_claimed_past_their_record(tmp_path):
    """calamine reads count × 8 bytes whatever the record holds and panics past its end."""
    merges = rec(0x00E5, struct.pack("<H", 60000) + struct.pack("<HHHH", 0, 1, 0, 1))
    rejected(
        tmp_path, "merges.xls", xls(workbook(bof() + number(0, 0) + merges + EOF)), "E_NOT_A_SPREADSHEET"
    )


def test_merged_ranges_count_toward_max_merged_cells():
    n = LIMITS.get("max_merged_cells", LIMITS["max_rows"]) + 1
    merges = rec(0x00E5, struct.pack("<H", n) + struct.pack("<HHHH", 0, 0, 0, 1) * n)
    assert scan_code(stream=workbook(bof() + number(0, 0) + merges + EOF)) == "E_TOO_MANY_CELLS"


# --- the compound file: the guard must read the Workbook stream calamine reads --------------------


def _directory_entry(data: bytearray, name: str) -> int:
    start = (struct.unpack_from("<I", data, 0x30)[0] + 1) * 512
    return next(
        e
        for e in range(start, start + 512, 128)
        if data[e : e + 64].decode("utf-16-le").split("\0")[0] == name
    )


def _fat_entry(data: bytes, sid: int) -> int:
    fat_sector = struct.unpack_from("<109I", data, 0x4C)[sid // 128]
    return (fat_sector + 1) * 512 + (sid % 128) * 4


def _name_length_lies(data: bytearray) -> None:
    struct.pack_into("<H", data, _directory_entry(data, "Workbook") + 0x40, 10)  # "Work"


def _name_behind_a_bom(data: bytearray) -> None:
    e = _directory_entry(data, "Workbook")
    data[e : e + 64] = b"\xef\xbb\xbfWorkbook".ljust(64, b"\0")  # encoding_rs reads it as UTF-8


def _entry_typed_as_a_storage(data: bytearray) -> None:
    data[_directory_entry(data, "Workbook") + 0x42] = 1


@pytest.mark.parametrize("patch", [_name_length_lies, _name_behind_a_bom, _entry_typed_as_a_storage])
def test_calamine_finds_a_workbook_stream_the_guard_did_not(tmp_path, patch):
    """calamine takes the name from the 64-byte field to its first NUL (after a BOM if any) and ignores
    the length field and the entry's type; the guard found no Workbook stream and measured nothing."""
    data = bytearray(xlwt_file(FAR))
    patch(data)
    rejected(tmp_path, "name.xls", bytes(data), "E_TOO_MANY_ROWS")


def test_two_workbook_streams(tmp_path):
    """calamine reads the first entry of a name; the guard kept the last."""
    data = bytearray(
        ole(
            {
                "Workbook": workbook(bof() + number(0, 0) + number(65535, 255) + EOF),
                "Decoy": workbook(bof() + number(0, 0) + EOF),
            }
        )
    )
    e = _directory_entry(data, "Decoy")
    data[e : e + 64] = "Workbook".encode("utf-16-le").ljust(64, b"\0")
    struct.pack_into("<H", data, e + 0x40, 18)
    rejected(tmp_path, "two.xls", bytes(data), "E_TOO_MANY_ROWS")


def test_a_cycle_in_the_directory_chain(tmp_path):
    """calamine follows the directory's sectors until ENDOFCHAIN, growing a vector: 6 KB took all memory."""
    data = bytearray(xlwt_file())
    dir_start = struct.unpack_from("<I", data, 0x30)[0]
    struct.pack_into("<I", data, _fat_entry(data, dir_start), dir_start)
    rejected(tmp_path, "dir_cycle.xls", bytes(data), "E_NOT_A_SPREADSHEET")


def test_a_cycle_in_the_difat_chain(tmp_path):
    """calamine follows the DIFAT until a reserved id whatever the header counts, growing a vector."""
    data = bytearray(xlwt_file())
    sid = (len(data) - 512) // 512
    data += struct.pack("<127I", *[FREESECT] * 127) + struct.pack("<I", sid)  # points to itself
    struct.pack_into("<II", data, 0x44, sid, 1)
    rejected(tmp_path, "difat_cycle.xls", bytes(data), "E_NOT_A_SPREADSHEET")


def test_real_xls_files_read_the_same_streams():
    from .conftest import require_samples

    for path in sorted(require_samples().rglob("*.xls")):
        streams = prescan.ole_streams(path.read_bytes())
        assert {"Workbook", "\x05SummaryInformation"} <= set(streams)  # the latter from the mini stream
        assert (
            streams["Workbook"][:4] == b"\x09\x08\x10\x00" and len(streams["\x05SummaryInformation"]) < 4096
        )
        assert scan_code(path.read_bytes()) is None


def test_a_calamine_panic_rejects_the_file_and_the_load_goes_on(tmp_path):
    """A formula token cut short makes calamine panic (pyo3's PanicException is a BaseException, which
    no `except Exception` catches); the guard cannot foresee every panic, so the reader maps them."""
    truncated_ref = rec(
        0x0006, struct.pack("<HHHdHIH", 0, 1, 0, 0.0, 0, 0, 1) + b"\x24"
    )  # ptgRef, no operand
    err = rejected(
        tmp_path,
        "panic.xls",
        xls(workbook(bof() + number(0, 0) + truncated_ref + EOF)),
        "E_NOT_A_SPREADSHEET",
    )
    assert "PanicException" in err["message"]
