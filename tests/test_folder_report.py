"""Every file of a loaded folder is in the report: loaded, unchanged, rejected, or skipped with the
reason and what to do. Files that are not what their name says are named for what they are."""

from __future__ import annotations

import io
import json
import zipfile

import pytest

from etl.check import check_bytes
from etl.cli import main
from etl.load import load_paths

from .dispatch_builder import grid, write_csv
from .office_writers import WRITERS


def xlsx(**kw) -> bytes:
    return WRITERS["xlsx"]([("调度表", grid(**kw), "visible")])


def docx() -> bytes:
    """A Word document as Word writes its parts (content types, the document part)."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr(
            "[Content_Types].xml",
            '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>',
        )
        zf.writestr(
            "word/document.xml",
            '<?xml version="1.0"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"/>',
        )
    return buf.getvalue()


@pytest.fixture()
def folder(tmp_path):
    root = tmp_path / "第45周"
    (root / "补报").mkdir(parents=True)
    (root / "青河县_2023-W45.xlsx").write_bytes(xlsx())
    (root / "白石县_2023-W45.et").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 504)
    (root / "松岭县_2023-W45.xlsb").write_bytes(b"PK\x03\x04")
    (root / "临川县_2023-W45.txt").write_text("单位名称\t层级\n", encoding="utf-8")
    (root / "青河县_2023-W45.xlsx.bak").write_bytes(xlsx())
    (root / "~$青河县_2023-W45.xlsx").write_bytes(b"\0" * 165)
    (root / ".DS_Store").write_bytes(b"\0")
    (root / "报送名单.json").write_text("{}", encoding="utf-8")
    (root / "补报" / "东湖区_2023-W45.docx.xlsx").write_bytes(docx())
    return root


def test_every_file_of_a_folder_is_reported(folder, db_path):
    reports = load_paths([folder], db_path)
    got = {r.file_name: (r.outcome, [p.code for p in r.errors + r.warnings]) for r in reports}
    assert got == {
        "青河县_2023-W45.xlsx": ("loaded", []),
        "东湖区_2023-W45.docx.xlsx": ("rejected", ["E_NOT_A_SPREADSHEET"]),
        "白石县_2023-W45.et": ("skipped", ["E_UNSUPPORTED_TYPE"]),
        "松岭县_2023-W45.xlsb": ("skipped", ["E_UNSUPPORTED_TYPE"]),
        "临川县_2023-W45.txt": ("skipped", ["E_UNSUPPORTED_TYPE"]),
        "青河县_2023-W45.xlsx.bak": ("skipped", ["E_UNSUPPORTED_TYPE"]),
        "~$青河县_2023-W45.xlsx": ("skipped", ["W_LOCK_FILE"]),
        ".DS_Store": ("skipped", ["W_HIDDEN_FILE"]),
        "报送名单.json": ("skipped", ["W_OTHER_FILE"]),
    }
    by_name = {r.file_name: r for r in reports}
    for name in ("白石县_2023-W45.et", "松岭县_2023-W45.xlsb", "临川县_2023-W45.txt"):
        assert "另存为" in by_name[name].errors[0].hint and ".xlsx" in by_name[name].errors[0].hint
    assert "WPS 表格" in by_name["白石县_2023-W45.et"].errors[0].message
    assert "备份" in by_name["青河县_2023-W45.xlsx.bak"].errors[0].message
    word = by_name["东湖区_2023-W45.docx.xlsx"].errors[0]
    assert "Word 文档" in word.message and "CalamineError" not in word.message


def test_a_folder_of_et_files_is_not_a_silent_success(tmp_path, db_path, capsys):
    for county in ("青河县", "白石县"):
        (tmp_path / f"{county}_2023-W45.et").write_bytes(b"\xd0\xcf\x11\xe0" + b"\0" * 60)
    assert main(["load", str(tmp_path), "--db", str(db_path)]) == 1
    out = capsys.readouterr().out
    assert "共 2 个文件：导入 0，未变化 0，退回 0，跳过 2" in out
    assert (
        out.count("已跳过") == 2
        and "请让报送单位用 Excel/WPS 打开后“另存为” Excel 工作簿（.xlsx）再发送" in out
    )


def test_json_lists_the_skipped_files_too(folder, db_path, capsys):
    assert main(["load", str(folder), "--db", str(db_path), "--json"]) == 1
    reports = json.loads(capsys.readouterr().out)
    assert len(reports) == 9
    assert sum(r["outcome"] == "skipped" for r in reports) == 7


def test_only_notes_to_skip_is_a_success(tmp_path, db_path):
    (tmp_path / "青河县_2023-W45.xlsx").write_bytes(xlsx())
    (tmp_path / "~$青河县_2023-W45.xlsx").write_bytes(b"\0")
    assert main(["load", str(tmp_path), "--db", str(db_path)]) == 0


@pytest.mark.parametrize("separator, name", [("\t", "制表符"), (";", "分号")])
def test_a_csv_with_another_separator_names_it(config, tmp_path, separator, name):
    buf = io.StringIO()
    import csv

    csv.writer(buf, delimiter=separator, lineterminator="\r\n").writerows(grid())
    _, report = check_bytes("青河县_2023-W45.csv", buf.getvalue().encode("utf-8-sig"), config)
    assert [p.code for p in report.errors] == ["E_CSV_SEPARATOR"]
    assert name in report.errors[0].message and ".xlsx" in report.errors[0].hint


def test_a_comma_csv_still_loads(config, tmp_path):
    _, report = check_bytes("青河县_2023-W45.csv", write_csv(tmp_path / "a.csv", grid()).read_bytes(), config)
    assert not report.errors


def test_the_row_limit_says_what_it_counts(config):
    cells = grid()
    cells += [[""] * len(cells[0]) for _ in range(4_995)] + [["注：见通知"]]
    _, report = check_bytes("青河县_2023-W45.xlsx", WRITERS["xlsx"]([("调度表", cells, "visible")]), config)
    (p,) = report.errors
    assert p.code == "E_TOO_MANY_ROWS"
    assert "第 5004 行" in p.message and "不只是单位行" in p.message
