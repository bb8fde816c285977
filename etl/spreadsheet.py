"""Bytes of a file → its sheets as rows of cell values, with calamine (Rust) for .xlsx/.xls/.ods
and the csv module for .csv. Cheap structural checks of a zip run before any parsing; everything
else about a hostile file is the sandbox's job (etl/sandbox.py)."""

from __future__ import annotations

import codecs
import csv
import functools
import io
import itertools
import zipfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field

import olefile
import python_calamine as calamine

from .cell_faults import find_faults, find_xls_faults
from .file_types import SPREADSHEET_SUFFIXES, unsupported
from .problems import too_many_rows

__all__ = ["SPREADSHEET_SUFFIXES", "ReadError", "Sheet", "read_sheets"]
ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


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
    # (row, col) → CellFault of the error values and uncached formulas, which calamine reads as
    # empty cells: looked for only when a sheet has empty cells where values are needed
    faults: Callable[[], dict] | None = field(default=None, repr=False, compare=False)

    def mark_faults(self) -> bool:
        """Put the sheet's error values in place of the empty cells calamine made of them; whether
        there were any."""
        found = self.faults() if self.faults is not None else {}
        self.faults = None
        for (r, c), fault in found.items():
            if r < len(self.rows) and c < len(self.rows[r]):
                self.rows[r][c] = fault
        return bool(found)


def read_sheets(file_name: str, data: bytes, limits: dict) -> list[Sheet]:
    """Every sheet of the file, or ReadError naming what is wrong. Run inside a parse worker
    (etl/sandbox.py): a file that crashes the spreadsheet library or asks it for too much memory or
    time ends the worker, and the sandbox rejects the file."""
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
        infos = _check_zip(data, suffix, limits)
        sheets = _with_faults(_read_calamine(data, limits, file_name), lambda: find_faults(data, infos))
        if any(i.filename == "content.xml" for i in infos):
            for sheet in sheets:  # an .ods error cell reads as the number 0, not as empty
                sheet.mark_faults()
        return sheets
    if data.startswith(OLE_MAGIC):
        _check_ole(data)
        return _with_faults(_read_calamine(data, limits, file_name), lambda: find_xls_faults(data))
    if suffix == ".csv":
        return [_read_csv(data, limits)]
    if suffix in (".xlsx", ".xlsm", ".xls", ".ods"):
        raise ReadError(
            "E_NOT_A_SPREADSHEET",
            f"文件已损坏或不是 {suffix} 表格（文件头无法识别）",
            "请用 Excel/WPS 打开确认后重新保存发送",
        )
    raise ReadError("E_UNSUPPORTED_TYPE", *unsupported(file_name))


# A part that inflates more than this many times its packed size is a bomb: spreadsheet XML packs
# 5-30 times, a part of nothing but one repeated byte ~1000 times.
MAX_PACKING_RATIO = 200
RATIO_FROM_BYTES = 1_000_000  # small parts may pack very well (a sheet of empty rows)


def _check_zip(data: bytes, suffix: str, limits: dict) -> list[zipfile.ZipInfo]:
    """What the zip's directory says, before anything is inflated: sizes and packing ratios,
    macros, external links, encryption. Returns the directory (read once, for find_faults too)."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            infos = zf.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError):
        raise ReadError(
            "E_NOT_A_SPREADSHEET", "文件已损坏（压缩包结构无法读取）", "请用 Excel/WPS 打开确认后重新保存发送"
        ) from None
    names = {i.filename.lower() for i in infos}
    _not_a_workbook(names)
    total = sum(i.file_size for i in infos)
    packed = max(
        (i for i in infos if i.file_size > RATIO_FROM_BYTES),
        key=lambda i: i.file_size / max(i.compress_size, 1),
        default=None,
    )
    if total > limits["max_uncompressed_bytes"] or len(infos) > 10_000:
        raise ReadError(
            "E_ZIP_BOMB",
            f"文件解压后过大（{total / 1e6:.0f} MB），疑似异常文件",
            "请另存为普通 .xlsx 后再发送",
        )
    if packed is not None and packed.file_size > MAX_PACKING_RATIO * max(packed.compress_size, 1):
        raise ReadError(
            "E_ZIP_BOMB",
            f"文件中的「{packed.filename}」压缩了 {packed.file_size // max(packed.compress_size, 1)} 倍，"
            "疑似异常文件",
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
    return infos


# a zip holding one of these parts (and no workbook) is another Office document renamed
_OTHER_DOCUMENTS = {
    "word/document.xml": "Word 文档（.docx）",
    "ppt/presentation.xml": "PowerPoint 演示文稿（.pptx）",
    "xl/workbook.bin": "Excel 二进制工作簿（.xlsb）",
}


def _not_a_workbook(names: set[str]) -> None:
    """Another Office document, or a plain zip, renamed .xlsx: said so (calamine would only say
    CalamineError). A package with a workbook anywhere else is left to calamine."""
    if "xl/workbook.xml" in names or "content.xml" in names:
        return
    what = next((kind for part, kind in _OTHER_DOCUMENTS.items() if part in names), None)
    if what is None and "[content_types].xml" in names:
        return  # an Office package whose workbook part has another name: calamine judges it
    what = what or "压缩包（.zip）"
    raise ReadError(
        "E_NOT_A_SPREADSHEET",
        f"这是{what}，只是扩展名被改成了表格的扩展名，不是表格",
        "请发送 Excel 表格本身：用 Excel/WPS 打开调度表后“另存为” .xlsx",
    )


FILEPASS = 0x002F  # the record an encrypted .xls has right after its first BOF


def _check_ole(data: bytes) -> None:
    """Encryption of a compound file, read with olefile: Excel's encrypted .xlsx is a compound file
    with EncryptionInfo/EncryptedPackage streams; an encrypted .xls has a FILEPASS record."""
    try:
        with olefile.OleFileIO(io.BytesIO(data)) as ole:
            names = {"/".join(entry) for entry in ole.listdir()}
            book = next((ole.openstream(n).read(1024) for n in ("Workbook", "Book") if n in names), b"")
    except Exception:  # noqa: BLE001 - a compound file olefile cannot read: calamine judges it
        return
    encrypted = bool({"EncryptionInfo", "EncryptedPackage"} & names)
    if len(book) >= 8:
        first_length = int.from_bytes(book[2:4], "little")
        encrypted |= book[4 + first_length : 6 + first_length] == FILEPASS.to_bytes(2, "little")
    if encrypted:
        raise ReadError("E_ENCRYPTED", "文件设有密码保护，无法读取", "请取消密码后另存再发送")


def _read_calamine(data: bytes, limits: dict, file_name: str) -> list[Sheet]:
    try:
        return _calamine_sheets(data, limits, file_name)
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


def _calamine_sheets(data: bytes, limits: dict, file_name: str) -> list[Sheet]:
    wb = calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
    sheets, cells = [], 0
    max_cells = limits.get("max_cells", limits["max_rows"] * limits["max_columns"])
    for meta in wb.sheets_metadata:
        try:
            sheet = wb.get_sheet_by_name(meta.name)
        except Exception:
            _damaged_part(data, file_name, meta.name)  # raises if a worksheet does not inflate
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
        cells += (end[0] + 1) * (end[1] + 1)
        if cells > max_cells:  # each sheet within the limits, all of them together not
            raise ReadError(
                "E_TOO_MANY_CELLS",
                f"各工作表合计超过 {max_cells} 个单元格（读到「{meta.name}」时）",
                "请删除无关的工作表后再发送",
            )
        rows = sheet.to_python(skip_empty_area=False)
        _check_cells(meta.name, rows, limits)
        visible = meta.visible == calamine.SheetVisibleEnum.Visible
        sheets.append(Sheet(meta.name, rows, list(sheet.merged_cell_ranges or []), visible))
    return sheets


def _damaged_part(data: bytes, file_name: str, sheet_name: str) -> None:
    """A sheet calamine could not open: damaged (a worksheet part whose compressed bytes do not
    inflate, or whose checksum does not match them), or not a worksheet at all (a chart sheet).
    Looked at only after a failure, so a sound file pays nothing."""
    if not data.startswith(ZIP_MAGIC):
        return
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            for info in zf.infolist():
                if info.filename.lower().startswith("xl/worksheets/") and not info.is_dir():
                    with zf.open(info) as part:
                        while part.read(1 << 20):  # inflates and checks the CRC at the end
                            pass
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError) as exc:
        raise ReadError(
            "E_NOT_A_SPREADSHEET",
            f"文件「{file_name}」已损坏：工作表「{sheet_name}」的数据无法解压（{_why_damaged(exc)}）",
            "请用 Excel/WPS 打开确认后重新保存发送",
        ) from None


def _why_damaged(exc: BaseException) -> str:
    return "校验和不符" if "CRC" in str(exc) else "压缩数据损坏"


def _with_faults(sheets: list[Sheet], find) -> list[Sheet]:
    """Give each sheet a way to find its error cells (cell_faults.py), searched once for the file
    and only if a sheet asks."""
    found = functools.cache(lambda: _faults_or_none(find))
    for sheet in sheets:
        sheet.faults = functools.partial(lambda name: found().get(name, {}), sheet.name)
    return sheets


def _faults_or_none(find) -> dict:
    try:
        return find()
    except Exception:  # noqa: BLE001 - calamine read the file: a part it ignores is not the file's fault
        return {}


def _check_cells(sheet_name: str, rows: list[list], limits: dict) -> None:
    cap = limits["max_cell_chars"]
    # the usual sheet: the longest text measured by C-level calls only; the loop below names the cell
    texts = filter(str.__instancecheck__, itertools.chain.from_iterable(rows))
    if max(map(len, texts), default=0) <= cap:
        return
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
