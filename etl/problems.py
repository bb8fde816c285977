"""What the loader says about a file: problems with a stable code, in Chinese, naming the cell."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field


def cell_name(row: int, col: int) -> str:
    """Zero-based (row, col) to an Excel reference: (11, 5) -> 'F12'."""
    letters, n = "", col + 1
    while n:
        n, r = divmod(n - 1, 26)
        letters = chr(65 + r) + letters
    return f"{letters}{row + 1}"


def too_many_rows(label: str, last_row: int, limit: int) -> tuple[str, str]:
    """E_TOO_MANY_ROWS in words that say what is counted: the sheet's rows, not its units."""
    return (
        f"{label}用到了第 {last_row} 行，超过上限 {limit} 行（标题、表头、空行、合计和注释行也计在内，"
        "不只是单位行）",
        "请删除表格下方或中间无关的行后再发送；单位很多时请拆分后分别报送",
    )


@dataclass
class Problem:
    code: str  # stable id, e.g. E_NEGATIVE; docs/operations.md lists them
    message: str  # what is wrong, in Chinese
    hint: str = ""  # what to do about it
    sheet: str | None = None
    cell: str | None = None  # 'F12', or None when it concerns the file or a whole row
    row: int | None = None  # 1-based sheet row when it concerns a row
    unit: str | None = None  # the unit named in that row, so the county finds it without counting rows

    @property
    def is_error(self) -> bool:
        return self.code.startswith("E_")

    def where(self, english: bool = False) -> str:
        """Sheet, then the cell (else the row), then the unit of the row, in Chinese or English."""
        sheet, cell, row, unit = _PLACE_WORDS[english]
        parts = [sheet.format(self.sheet)] if self.sheet else []
        if self.cell:
            parts.append(cell.format(self.cell))
        elif self.row:
            parts.append(row.format(self.row))
        if self.unit:
            parts.append(unit.format(self.unit))
        return " ".join(parts)

    def text(self) -> str:
        where = self.where()
        hint = f"（{self.hint}）" if self.hint else ""
        return f"[{self.code}] {where + '：' if where else ''}{self.message}{hint}"

    def to_dict(self) -> dict:
        return asdict(self)


# how a place in a file is written: sheet, cell, row, unit
_PLACE_WORDS = {
    False: ("工作表「{}」", "单元格 {}", "第 {} 行", "（{}）"),
    True: ("sheet '{}'", "cell {}", "row {}", "({})"),
}


@dataclass
class FileReport:
    """The outcome of one file: loaded, unchanged (same bytes seen before) or rejected."""

    file_name: str
    sha256: str | None = None
    county: str | None = None
    week: str | None = None
    outcome: str = "rejected"  # loaded | unchanged | rejected | skipped (not read: see etl/file_types.py)
    version: int | None = None
    rows: int = 0
    errors: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    resubmission: bool = False
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        """Nothing for the clerk to chase: not rejected, and not skipped for a reason to act on."""
        return not self.errors

    def summary(self, english: bool = False) -> str:
        """What became of the file, in one line: the CLI prints it, the page shows it (in English
        with the page's switch on)."""
        words = _SUMMARY_WORDS[english]
        values = {
            "name": self.file_name,
            "who": f"{self.county or '?'} {self.week or '?'}",
            "rows": self.rows,
            "version": self.version,
            "kind": words["kinds"][self.resubmission],
            "warned": words["warned"].format(len(self.warnings)) if self.warnings else "",
            "errors": len(self.errors),
        }
        if self.outcome == "skipped":
            why = (self.errors or self.warnings)[0]
            values["why"], values["hint"] = _in_english(why) if english else (why.message, why.hint)
        return words[self.outcome].format(**values)

    def to_dict(self) -> dict:
        d = {k: v for k, v in self.__dict__.items() if k not in ("errors", "warnings")}
        d["errors"] = [p.to_dict() for p in self.errors]
        d["warnings"] = [p.to_dict() for p in self.warnings]
        return d


# a file's outcome in one line, in Chinese and in English: FileReport.summary
_SUMMARY_WORDS = {
    False: {
        "loaded": "已导入  {name}：{who}，{rows} 行，{kind} v{version}{warned}",
        "unchanged": "未变化  {name}：与已导入的文件完全相同（{who} v{version}），未重复导入",
        "skipped": "已跳过  {name}：{why}（{hint}）",
        "rejected": "已退回  {name}：{errors} 处错误，整个文件未导入",
        "kinds": ("版本", "更正版本"),
        "warned": "，{} 条提示",
    },
    True: {
        "loaded": "Loaded  {name}: {who}, {rows} rows, {kind} v{version}{warned}",
        "unchanged": "Unchanged  {name}: identical to a file already loaded ({who} v{version}), not loaded again",
        "skipped": "Skipped  {name}: {why} ({hint})",
        "rejected": "Rejected  {name}: {errors} error(s), nothing of the file was loaded",
        "kinds": ("version", "corrected version"),
        "warned": ", {} warning(s)",
    },
}


def _in_english(p: Problem) -> tuple[str, str]:
    from . import problems_english  # which reads this module's classes: imported when first needed

    return problems_english.message(p), problems_english.hint(p)
