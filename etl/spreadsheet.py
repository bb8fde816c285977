"""Bytes of a file → its sheets as rows of cell values, with calamine (Rust) for .xlsx/.xls/.ods
and the csv module for .csv. Guards against hostile files run before any parsing."""

from __future__ import annotations

import codecs
import csv
import io
import itertools
import struct
import zipfile
import zlib
from dataclasses import dataclass, field
from xml.etree import ElementTree as ET

import python_calamine as calamine

from .cell_faults import find_faults, find_xls_faults
from .file_types import unsupported
from .prescan import PrescanError, ole_streams, scan_ods, scan_xls, scan_xlsx
from .problems import too_many_rows

ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ENCRYPTION_STREAM = "EncryptionInfo".encode("utf-16-le")


class ReadError(Exception):
    """The file cannot be read as a dispatch spreadsheet at all."""

    def __init__(self, code: str, message: str, hint: str = ""):
        super().__init__(message)
        self.code, self.message, self.hint = code, message, hint


@dataclass
class Sheet:
    name: str
    rows: list[list]  # absolute: rows[r][c] is cell (r, c), A1 = (0, 0)
    merged: list[tuple[tuple[int, int], tuple[int, int]]] = field(default_factory=list)
    visible: bool = True  # False for a hidden or very hidden sheet: never read as the table


def read_sheets(file_name: str, data: bytes, limits: dict) -> list[Sheet]:
    """Every sheet of the file, or ReadError naming what is wrong."""
    if len(data) > limits["max_file_bytes"]:
        raise ReadError(
            "E_FILE_TOO_LARGE",
            f"文件过大（{len(data) / 1e6:.1f} MB，上限 {limits['max_file_bytes'] / 1e6:.0f} MB）",
            "周调度表通常只有几十 KB，请检查是否发错文件",
        )
    if not data:
        raise ReadError("E_NOT_A_SPREADSHEET", "文件是空的", "请重新导出并发送")
    suffix = "." + file_name.rsplit(".", 1)[-1].lower() if "." in file_name else ""
    if data.startswith(ZIP_MAGIC):
        measured, proven = _check_zip(data, suffix, limits)
        return _mark_faults(_read_calamine(measured, limits, texts_proven=proven), measured)
    if data.startswith(OLE_MAGIC):
        streams = ole_streams(data)
        encrypted = (
            ({"EncryptionInfo", "EncryptedPackage"} & set(streams))
            if streams is not None
            else ENCRYPTION_STREAM in data
        )  # the directory is unreadable: look for the stream name
        if encrypted:
            raise ReadError("E_ENCRYPTED", "文件设有密码保护，无法读取", "请取消密码后另存再发送")
        _prescan(lambda: scan_xls(data, limits, streams))
        return _mark_faults(_read_calamine(data, limits), data, find_xls_faults)
    if suffix == ".csv":
        return [_read_csv(data, limits)]
    if suffix in (".xlsx", ".xlsm", ".xls", ".ods"):
        raise ReadError(
            "E_NOT_A_SPREADSHEET",
            f"文件已损坏或不是 {suffix} 表格（文件头无法识别）",
            "请用 Excel/WPS 打开确认后重新保存发送",
        )
    raise ReadError("E_UNSUPPORTED_TYPE", *unsupported(file_name))


def _check_zip(data: bytes, suffix: str, limits: dict) -> tuple[bytes, bool]:
    """Zip bombs, macros and external links are refused before calamine inflates anything. Returns
    the bytes for calamine to read and whether the size scan proved every cell's text within
    max_cell_chars (etl/prescan.py: scan_xlsx)."""
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile:
        raise ReadError(
            "E_NOT_A_SPREADSHEET", "文件已损坏（压缩包结构无法读取）", "请用 Excel/WPS 打开确认后重新保存发送"
        ) from None
    members: list[tuple[str, bytes, int]] = []
    with zf:
        proven = _check_zip_members(zf, suffix, limits, members, data)
    return (_repacked(members) or data) if proven else data, proven


REPACK_MAX_BYTES = 64_000_000


def _repacked(members: list[tuple[str, bytes, int]]) -> bytes | None:
    """The parts the fast path just measured, packed again without compression. calamine then reads
    exactly the bytes that were measured (no second reading of the zip's structure to disagree with
    Python's) and does not inflate them again: ≈ 0.5 ms of a province file's 3.5 ms read. Written
    here, not with zipfile, because their CRCs are known (checked when they were read) and zipfile
    would compute them again: 0.03 ms of packing, not 0.13. None (read the original) for duplicate
    names or a very large file."""
    names = [name for name, _, _ in members]
    if not members or len(set(names)) != len(names) or sum(len(d) for _, d, _ in members) > REPACK_MAX_BYTES:
        return None
    parts, central, offset = [], [], 0
    for name, data, crc in members:
        encoded = name.encode("utf-8")
        # version 2.0, UTF-8 name, stored, 1980-01-01 00:00, no extra field
        fields = (0x800, 0, 0, 0x21, crc, len(data), len(data), len(encoded), 0)
        parts += [_ZIP_LOCAL.pack(b"PK\x03\x04", 20, *fields), encoded, data]
        central += [_ZIP_CENTRAL.pack(b"PK\x01\x02", 20, 20, *fields, 0, 0, 0, 0, offset), encoded]
        offset += _ZIP_LOCAL.size + len(encoded) + len(data)
    directory = b"".join(central)
    end = _ZIP_END.pack(b"PK\x05\x06", 0, 0, len(members), len(members), len(directory), offset, 0)
    return b"".join([*parts, directory, end])


_ZIP_LOCAL = struct.Struct("<4sHHHHHIIIHH")
_ZIP_CENTRAL = struct.Struct("<4sHHHHHHIIIHHHHHII")
_ZIP_END = struct.Struct("<4sHHHHIIH")


def _check_zip_members(
    zf: zipfile.ZipFile, suffix: str, limits: dict, members: list | None = None, data: bytes | None = None
) -> bool:
    infos = zf.infolist()
    names = {i.filename.lower() for i in infos}
    _not_a_workbook(names)
    total = sum(i.file_size for i in infos)
    if total > limits["max_uncompressed_bytes"] or len(infos) > 10_000:
        raise ReadError(
            "E_ZIP_BOMB",
            f"文件解压后过大（{total / 1e6:.0f} MB），疑似异常文件",
            "请另存为普通 .xlsx 后再发送",
        )
    if any(n.endswith("vbaproject.bin") for n in names) or suffix == ".xlsm":
        raise ReadError(
            "E_MACROS", "文件含有宏（VBA），出于安全不予读取", "请另存为不含宏的 .xlsx（Excel 工作簿）后发送"
        )
    if any(n.startswith("xl/externallinks/") for n in names):
        raise ReadError(
            "E_EXTERNAL_LINKS",
            "文件含有指向其他工作簿的外部链接",
            "请在 Excel 中“断开链接”或粘贴为数值后另存发送",
        )
    if "encryptedpackage" in names:
        raise ReadError("E_ENCRYPTED", "文件设有密码保护，无法读取", "请取消密码后另存再发送")
    if "content.xml" in names and "xl/workbook.xml" not in names:
        _prescan(lambda: scan_ods(zf, limits))
        return False
    return _prescan(lambda: scan_xlsx(zf, limits, members, data))


# a zip holding one of these parts (and no workbook) is another Office document renamed
_OTHER_DOCUMENTS = {
    "word/document.xml": "Word 文档（.docx）",
    "ppt/presentation.xml": "PowerPoint 演示文稿（.pptx）",
    "xl/workbook.bin": "Excel 二进制工作簿（.xlsb）",
}


def _not_a_workbook(names: set[str]) -> None:
    if "xl/workbook.xml" in names or "content.xml" in names:
        return
    what = next((kind for part, kind in _OTHER_DOCUMENTS.items() if part in names), "压缩包（.zip）")
    raise ReadError(
        "E_NOT_A_SPREADSHEET",
        f"这是{what}，只是扩展名被改成了表格的扩展名，不是表格",
        "请发送 Excel 表格本身：用 Excel/WPS 打开调度表后“另存为” .xlsx",
    )


def _prescan(scan):
    """Extent, cell count and text of every sheet, measured on the raw file (etl/prescan.py)."""
    try:
        return scan()
    except PrescanError as e:
        raise ReadError(e.code, e.message, e.hint) from None
    except (
        zipfile.BadZipFile,
        zipfile.LargeZipFile,
        NotImplementedError,
        EOFError,
        OSError,
        ValueError,
        zlib.error,
    ) as exc:
        # a member that does not inflate (bad CRC, a broken deflate stream, unknown compression):
        # calamine would fail too
        raise ReadError(
            "E_NOT_A_SPREADSHEET",
            f"文件已损坏，无法读取（{type(exc).__name__}）",
            "请用 Excel/WPS 打开确认后重新保存发送",
        ) from None


def _read_calamine(data: bytes, limits: dict, texts_proven: bool = False) -> list[Sheet]:
    try:
        return _calamine_sheets(data, limits, texts_proven)
    except calamine.PasswordError:
        raise ReadError("E_ENCRYPTED", "文件设有密码保护，无法读取", "请取消密码后另存再发送") from None
    except ReadError:
        raise
    except Exception as exc:  # calamine raises several types for broken files
        raise _broken(exc) from None
    except BaseException as exc:
        # a Rust panic inside calamine (a malformed record it does not expect) arrives as pyo3's
        # PanicException, a BaseException: it is the file's fault, not a reason to stop the load
        if type(exc).__name__ != "PanicException":
            raise
        raise _broken(exc) from None


def _broken(exc: BaseException) -> ReadError:
    return ReadError(
        "E_NOT_A_SPREADSHEET",
        f"文件已损坏，无法读取（{type(exc).__name__}）",
        "请用 Excel/WPS 打开确认后重新保存发送",
    )


def _calamine_sheets(data: bytes, limits: dict, texts_proven: bool) -> list[Sheet]:
    wb = calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
    sheets = []
    for meta in wb.sheets_metadata:
        try:
            sheet = wb.get_sheet_by_name(meta.name)
        except Exception:
            continue  # chart sheets and the like
        end = sheet.end or (0, 0)
        if end[0] + 1 > limits["max_rows"]:
            raise ReadError(
                "E_TOO_MANY_ROWS", *too_many_rows(f"工作表「{meta.name}」", end[0] + 1, limits["max_rows"])
            )
        if end[1] + 1 > limits["max_columns"]:
            raise ReadError(
                "E_TOO_MANY_COLUMNS",
                f"工作表「{meta.name}」有 {end[1] + 1} 列，超过上限 {limits['max_columns']}",
                "请删除无关的列后再发送",
            )
        rows = sheet.to_python(skip_empty_area=False)
        if not texts_proven:  # the pre-scan's fast path already bounded every value (≈0.3 ms a file)
            _check_cells(meta.name, rows, limits)
        visible = meta.visible == calamine.SheetVisibleEnum.Visible
        sheets.append(Sheet(meta.name, rows, list(sheet.merged_cell_ranges or []), visible))
    return sheets


def _mark_faults(sheets: list[Sheet], data: bytes, find=find_faults) -> list[Sheet]:
    """Error values and uncached formulas, which calamine reads as empty (or 0), as CellFault."""
    try:
        faults = find(data)
    except (zipfile.BadZipFile, ET.ParseError, KeyError, ValueError, struct.error):
        return sheets  # calamine read the file: a part it ignores is not this file's problem
    for sheet in sheets:
        for (r, c), fault in faults.get(sheet.name, {}).items():
            if r < len(sheet.rows) and c < len(sheet.rows[r]):
                sheet.rows[r][c] = fault
    return sheets


def _check_cells(sheet_name: str, rows: list[list], limits: dict) -> None:
    cap = limits["max_cell_chars"]
    for r, row in enumerate(rows):
        for c, v in enumerate(row):
            if isinstance(v, str) and len(v) > cap:
                from .problems import cell_name

                raise ReadError(
                    "E_CELL_TOO_LONG",
                    f"{'工作表「' + sheet_name + '」' if sheet_name else ''}单元格 {cell_name(r, c)} 的文字过长"
                    f"（{len(v)} 字，上限 {cap}）",
                    "请删除异常内容后再发送",
                )


def decode_csv(data: bytes) -> str:
    """UTF-8 (BOM or not) or GB18030/GBK. A BOM that lies about the encoding is an error."""
    if data.startswith(codecs.BOM_UTF8):
        try:
            return data[len(codecs.BOM_UTF8) :].decode("utf-8")
        except UnicodeDecodeError as exc:
            raise ReadError(
                "E_ENCODING",
                f"文件声明为 UTF-8 编码，但第 {exc.start} 字节处不是有效的 UTF-8",
                "请用 Excel“另存为 CSV UTF-8”或另存为 .xlsx 后发送",
            ) from None
    for encoding in ("utf-8", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise ReadError(
        "E_ENCODING",
        "无法识别 CSV 文件的文字编码（既不是 UTF-8 也不是 GBK/GB18030）",
        "请另存为 .xlsx 后发送",
    )


def _read_csv(data: bytes, limits: dict) -> Sheet:
    text = decode_csv(data)
    if "\x00" in text:
        raise ReadError("E_NOT_A_SPREADSHEET", "文件含有二进制内容，不是 CSV 文本", "请另存为 .xlsx 后发送")
    try:  # the usual file: every row read and measured by C-level calls
        rows = list(itertools.islice(csv.reader(io.StringIO(text, newline="")), limits["max_rows"] + 1))
    except csv.Error:
        rows = None  # read again row by row, to say which row
    if (
        rows is None
        or len(rows) > limits["max_rows"]
        or max(map(len, rows), default=0) > limits["max_columns"]
    ):
        rows = _read_csv_rows(text, limits)  # raises, naming the row
    if max(map(len, itertools.chain.from_iterable(rows)), default=0) > limits["max_cell_chars"]:
        _check_cells("", rows, limits)  # raises, naming the cell
    return Sheet("", rows, [])  # a CSV has no sheet name


def _read_csv_rows(text: str, limits: dict) -> list[list]:
    rows = []
    try:
        for row in csv.reader(io.StringIO(text, newline="")):
            rows.append(row)
            if len(rows) > limits["max_rows"]:
                raise ReadError("E_TOO_MANY_ROWS", *too_many_rows("CSV ", len(rows), limits["max_rows"]))
            if len(row) > limits["max_columns"]:
                raise ReadError(
                    "E_TOO_MANY_COLUMNS",
                    f"CSV 第 {len(rows)} 行有 {len(row)} 列，超过上限 {limits['max_columns']}",
                    "请删除无关的列后再发送",
                )
    except csv.Error as exc:
        if "field larger than field limit" in str(exc):
            raise ReadError(
                "E_CELL_TOO_LONG",
                f"CSV 第 {len(rows) + 1} 行有单元格的文字过长（超过 "
                f"{csv.field_size_limit()} 字，上限 {limits['max_cell_chars']}）",
                "请删除异常内容后再发送",
            ) from None
        raise ReadError("E_NOT_A_SPREADSHEET", f"CSV 格式错误：{exc}", "请另存为 .xlsx 后发送") from None
    return rows
