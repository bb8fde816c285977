"""What a file is, from its name or its first bytes, when it is not a spreadsheet the loader reads:
every file of a loaded folder gets a line in the report, and the clerk learns what to ask for."""

from __future__ import annotations

from pathlib import Path

from .problems import FileReport, Problem

SPREADSHEET_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".ods", ".csv")

_SAVE_AS = "请让报送单位用 Excel/WPS 打开后“另存为” Excel 工作簿（.xlsx）再发送"
# suffix → what it is; every one is skipped with 「请另存为 .xlsx」 or the like
KINDS = {
    ".et": "WPS 表格文件（.et）",
    ".ett": "WPS 表格模板（.ett）",
    ".xlsb": "Excel 二进制工作簿（.xlsb）",
    ".xltx": "Excel 模板（.xltx）",
    ".xlt": "Excel 模板（.xlt）",
    ".numbers": "Numbers 表格（.numbers）",
    ".txt": "文本文件（.txt）",
    ".tsv": "制表符分隔的文本文件（.tsv）",
    ".prn": "文本文件（.prn）",
    ".doc": "Word 文档（.doc）",
    ".docx": "Word 文档（.docx）",
    ".wps": "WPS 文字文档（.wps）",
    ".pdf": "PDF 文件",
    ".jpg": "图片",
    ".jpeg": "图片",
    ".png": "图片",
    ".zip": "压缩包（.zip）",
    ".rar": "压缩包（.rar）",
    ".7z": "压缩包（.7z）",
}
_ARCHIVES = (".zip", ".rar", ".7z")
_BACKUPS = (".bak", ".old", ".tmp", ".wbk", ".xlk", ".backup", ".orig")


def unsupported(name: str) -> tuple[str, str]:
    """(what the file is, what to do) for a file name the loader does not read."""
    suffix = Path(name).suffix.lower()
    if suffix in _BACKUPS or name.endswith("~"):
        return f"备份文件（{suffix or '~'}），不是报送的调度表", "如确需导入，" + _SAVE_AS.removeprefix("请")
    if suffix in _ARCHIVES:
        return f"{KINDS[suffix]}，不是表格", "请解压后导入其中的 .xlsx 文件"
    if suffix in (".pdf", ".jpg", ".jpeg", ".png"):
        return f"{KINDS[suffix]}，不是可导入的表格", "请向报送单位索取 Excel 表格（.xlsx）"
    kind = KINDS.get(suffix, f"不支持的文件类型「{suffix or '无扩展名'}」")
    return f"{kind}，无法读取", _SAVE_AS


def offered_as_table(name: str) -> bool:
    """Whether a county may have sent this file as its table (then skipping it is the county's to
    fix): spreadsheets of other programs, text exports, documents, pictures, archives, backups."""
    suffix = Path(name).suffix.lower()
    return suffix in KINDS or suffix in _BACKUPS or name.endswith("~")


def skipped(path: Path) -> FileReport | None:
    """The report of a file a folder load does not read, or None for a spreadsheet to load.

    Lock files that Excel, WPS and LibreOffice leave beside an open file, and hidden system files,
    are skipped with a note (nothing to do); anything else names what it is and what to ask for."""
    name = path.name
    report = FileReport(name, outcome="skipped")
    if name.startswith(("~$", ".~lock.")):
        report.warnings.append(Problem("W_LOCK_FILE", "Excel/WPS 打开文件时生成的临时文件", "无需处理"))
        return report
    if name.startswith("."):
        report.warnings.append(Problem("W_HIDDEN_FILE", "隐藏的系统文件", "无需处理"))
        return report
    if path.suffix.lower() in SPREADSHEET_SUFFIXES:
        return None
    what, hint = unsupported(name)
    if offered_as_table(name):
        report.errors.append(Problem("E_UNSUPPORTED_TYPE", what, hint))
    else:  # a file of the office's own beside the tables (a list, a manifest): noted, nothing to do
        suffix = path.suffix.lower() or "无扩展名"
        report.warnings.append(
            Problem("W_OTHER_FILE", f"不是表格文件（{suffix}）", "如是报送的调度表，请另存为 .xlsx")
        )
    return report
