"""Mistakes in config.toml and the catalogue, each told in one Chinese line: the file, the line, the
key, what is wrong and an example of what is right. Nothing starts on a broken config."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

_TABLE = re.compile(r"^\s*\[\[?\s*([^\[\]]+?)\s*\]\]?\s*(#.*)?$")


class ConfigError(Exception):
    """Every mistake found in the config files (a list of Chinese lines)."""

    def __init__(self, lines: list[str]):
        super().__init__("\n".join(lines))
        self.lines = list(lines)


class Collector:
    """Gathers the mistakes of one file, with the line each one is on."""

    def __init__(self, path: Path, text: str):
        self.path, self.lines, self.problems = Path(path), text.splitlines(), []

    def add(self, line: int | None, key: str, what: str, example: str = "") -> None:
        where = f"{self.path.name} 第 {line} 行" if line else self.path.name
        text = f"{where}，{key}：{what}"
        if example:
            text += f"。正确写法例如：{example}"
        self.problems.append(text)

    def entries(self, item: dict, name: str, line: int | None, key: str, what: str, example: str) -> list:
        """item[name] as a non-empty list, or [] after noting `what` is wrong with it."""
        entries = item.get(name)
        if isinstance(entries, list) and entries:
            return entries
        self.add(line, key, what, example)
        return []

    def table_line(self, table: str, nth: int = 0) -> int | None:
        """The line of `[table]` (or of the nth `[[table]]`), 1-based."""
        count = 0
        for i, line in enumerate(self.lines):
            m = _TABLE.match(line)
            if m and m.group(1).strip() == table:
                if count == nth:
                    return i + 1
                count += 1
        return None

    def key_line(self, table: str | None, key: str, nth: int = 0, after: int | None = None) -> int | None:
        """The line where key is set inside [table] (the nth [[table]]), or after a given line.
        Inline tables (`weights = { study = 0.3 }`) count: their keys are found on their line."""
        start = after if after is not None else (self.table_line(table, nth) if table else 0)
        if start is None:
            return None
        pattern = re.compile(rf"(^|[{{,]\s*){re.escape(key)}\s*=")
        for i in range(start, len(self.lines)):
            line = self.lines[i]
            if i > start and _TABLE.match(line):
                break
            if pattern.search(line.split("#", 1)[0]):
                return i + 1
        return start or None

    def line_with(self, needle: str, after: int = 0) -> int | None:
        for i in range(after, len(self.lines)):
            if needle in self.lines[i]:
                return i + 1
        return None


def read_toml(path: Path, missing: str, example: str) -> tuple[dict, Collector]:
    """A TOML file people edit, parsed; ConfigError (one Chinese line) when it is missing, not UTF-8
    or not TOML. `missing` is the message for a missing file, `example` the right way to write a line."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError([missing]) from None
    except UnicodeDecodeError:
        raise ConfigError([f"{path.name}：不是 UTF-8 编码的文本，请用记事本“另存为 UTF-8”"]) from None
    out = Collector(path, text)
    try:
        return tomllib.loads(text), out
    except tomllib.TOMLDecodeError as exc:
        line, what = _syntax(exc)
        key = f"「{out.lines[line - 1].strip()}」" if line and line <= len(out.lines) else "写法"
        out.add(line, key, what, example)
        raise ConfigError(out.problems) from None


def _syntax(exc: Exception) -> tuple[int | None, str]:
    m = re.search(r"\(at line (\d+), column (\d+)\)", str(exc))
    what = re.sub(r"\s*\(at line.*\)$", "", str(exc))
    return (
        int(m.group(1)) if m else None
    ), f"TOML 写法有误（{what}，第 {m.group(2) if m else '?'} 个字符附近）"
