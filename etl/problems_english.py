"""The loader's messages in English, for the dashboard's English switch (the CLI and the county's list
of fixes stay Chinese). Problems carry their text in Chinese (etl/problems.py); this table holds, beside
it, the English of every code and of every message and hint template: a Chinese text is matched
against the templates ({name} stands for a value such as a cell, a unit or a column label, kept as
it is) and rebuilt in English. A text no template matches falls back on its code's English with the
Chinese beside it, so nothing reaches the page Chinese-only; tests/test_problems_english.py loads
good and bad files and fails on a message without its own template."""

from __future__ import annotations

import re
from functools import cache

from .problems import FileReport, Problem

# every code of docs/operations.md, "Problem codes"
CODES = {
    "E_FILE_TOO_LARGE": "File too large",
    "E_NOT_A_SPREADSHEET": "Not a spreadsheet",
    "E_UNSUPPORTED_TYPE": "File type not supported",
    "E_UNREADABLE": "File could not be read",
    "E_ZIP_BOMB": "File unpacks to far too much",
    "E_MACROS": "File contains macros",
    "E_EXTERNAL_LINKS": "File links to other workbooks",
    "E_ENCRYPTED": "File is password-protected",
    "E_ENCODING": "Unknown text encoding",
    "E_TOO_MANY_ROWS": "Too many rows",
    "E_TOO_MANY_COLUMNS": "Too many columns",
    "E_TOO_MANY_CELLS": "Too many cells",
    "E_CELL_TOO_LONG": "Cell text too long",
    "E_NO_HEADER": "No table header found",
    "E_TABLE_HIDDEN": "Table only on a hidden sheet",
    "E_SHEETS_AMBIGUOUS": "Several sheets hold a table",
    "E_CSV_SEPARATOR": "CSV not separated by commas",
    "E_IDENTITY": "Probably another unit's table",
    "E_PARSE_MEMORY": "Reading needed too much memory",
    "E_PARSE_TIMEOUT": "Reading took too long",
    "E_PARSER_CRASHED": "The spreadsheet reader crashed",
    "E_MISSING_COLUMN": "Required column missing",
    "E_DUPLICATE_HEADER": "Column appears twice",
    "E_UNIT_MISSING": "No reporting unit (填报单位)",
    "E_OTHER_UNIT": "File of another unit",
    "E_UNIT_UNKNOWN": "Unknown reporting unit",
    "E_WEEK_MISSING": "No report week (统计周)",
    "E_WEEK_UNPARSEABLE": "Report week cannot be read",
    "E_WEEK_RANGE": "Report week spans two weeks",
    "E_WEEK_OUTSIDE": "Report week outside the campaign",
    "E_UNIT_NAME_MISSING": "Row without a unit name",
    "E_DUPLICATE_UNIT": "Unit appears twice",
    "E_UNKNOWN_LEVEL": "Unknown level",
    "E_UNIT_NAME_TYPE": "Unit name is not text",
    "E_DATE_CELL": "Date or time where a number is needed",
    "E_CELL_ERROR": "Excel error value",
    "E_FORMULA_NO_VALUE": "Formula saved without its value",
    "E_DECIMAL_COMMA": "Decimal comma in a count",
    "E_AMBIGUOUS_NUMBER": "Ambiguous number",
    "E_NOT_A_NUMBER": "Not a number",
    "E_NEGATIVE": "Negative count",
    "E_FRACTION": "Count with a fraction",
    "E_TOO_LARGE": "Count too large",
    "E_BAD_FLAG": "Not a yes/no value",
    "E_BELOW_MIN": "Count below its minimum",
    "E_RELATION": "Part larger than its whole",
    "E_ROW_AFTER_TOTAL": "Unit rows below the total row",
    "E_NO_ROWS": "No unit rows",
    "E_TOO_MANY_ERRORS": "Too many errors",
    "E_INTERNAL": "Writing to the warehouse failed",
    "W_EMPTY": "Applicable metric left empty",
    "W_NOT_APPLICABLE": "Value in a metric that does not apply",
    "W_EXTRA_COLUMN": "Column not in the template",
    "W_STRAY_TEXT": "Text outside the table",
    "W_NO_GROUP_ROW": "No group row above the header",
    "W_TOTAL_MISMATCH": "Total row differs from the sum",
    "W_TOTAL_UNREADABLE": "Total cell unreadable",
    "W_DECREASE": "Cumulative count went down",
    "W_ABOVE_NEXT_WEEK": "Count above the following week's",
    "W_UNITS_CHANGED": "Units unlike last time",
    "W_NAME_UNIT": "File name names another unit",
    "W_NAME_WEEK": "File name names another week",
    "W_SHEETS_SKIPPED": "Other sheets not read",
    "W_LOCK_FILE": "Lock file, skipped",
    "W_HIDDEN_FILE": "Hidden file, skipped",
    "W_OTHER_FILE": "Not a table, skipped",
    "W_UNITS_DROPPED": "Units left out by a correction",
    "W_OLD_VERSION": "Same as an older version",
}

# Chinese template → English; {name} is a value kept as it is (or translated through WORDS); {msg} is
# a loader text of its own, which must match a template too
TEMPLATES = {
    # etl/spreadsheet.py
    "文件过大（{size} MB，上限 {limit} MB）": "The file is too large ({size} MB, limit {limit} MB)",
    "周调度表通常只有几十 KB，请检查是否发错文件": "A dispatch file is usually a few dozen KB: check that this is the right file",
    "文件是空的": "The file is empty",
    "请重新导出并发送": "Export it again and send it",
    "文件已损坏或不是 {suffix} 表格（文件头无法识别）": "The file is damaged or not a {suffix} spreadsheet (its header is not recognised)",
    "请用 Excel/WPS 打开确认后重新保存发送": "Open it in Excel/WPS, check it, save it again and send it",
    "文件已损坏（压缩包结构无法读取）": "The file is damaged (its zip structure cannot be read)",
    "文件解压后过大（{size} MB），疑似异常文件": "The file unpacks to too much ({size} MB): probably a broken or hostile file",
    "请另存为普通 .xlsx 后再发送": "Save it as a plain .xlsx and send it again",
    "文件中的「{part}」压缩了 {ratio} 倍，疑似异常文件": "Part '{part}' of the file is packed {ratio} times: probably a hostile file",
    "文件含有宏（VBA），出于安全不予读取": "The file contains macros (VBA) and is not read, for safety",
    "请另存为不含宏的 .xlsx（Excel 工作簿）后发送": "Save it as an .xlsx without macros (Excel workbook) and send it",
    "文件含有指向其他工作簿的外部链接": "The file links to other workbooks",
    "请在 Excel 中“断开链接”或粘贴为数值后另存发送": "In Excel, break the links (or paste as values), save and send it",
    "文件设有密码保护，无法读取": "The file is password-protected and cannot be read",
    "请取消密码后另存再发送": "Remove the password, save and send it again",
    "这是{what}，只是扩展名被改成了表格的扩展名，不是表格": "This is a {what} renamed with a spreadsheet's extension, not a spreadsheet",
    "请发送 Excel 表格本身：用 Excel/WPS 打开调度表后“另存为” .xlsx": "Send the Excel table itself: open the dispatch file in Excel/WPS and 'Save as' .xlsx",
    "文件已损坏，无法读取（{error}）": "The file is damaged and cannot be read ({error})",
    "文件「{file}」已损坏：工作表「{sheet}」的数据无法解压（压缩数据损坏）": "File '{file}' is damaged: the data of sheet '{sheet}' cannot be unpacked (the compressed bytes are broken)",
    "文件「{file}」已损坏：工作表「{sheet}」的数据无法解压（校验和不符）": "File '{file}' is damaged: the data of sheet '{sheet}' cannot be unpacked (its checksum does not match)",
    "工作表「{sheet}」": "Sheet '{sheet}'",
    "工作表「{sheet}」有 {n} 列，超过上限 {limit}": "Sheet '{sheet}' has {n} columns, more than the limit of {limit}",
    "请删除无关的列后再发送": "Delete the unrelated columns and send it again",
    "各工作表合计超过 {n} 个单元格（读到「{sheet}」时）": "The sheets hold more than {n} cells together (when reading '{sheet}')",
    "请删除无关的工作表后再发送": "Delete the unrelated sheets and send it again",
    "工作表「{sheet}」单元格 {cell} 的文字过长（{n} 字，上限 {limit}）": "Sheet '{sheet}' cell {cell}: text too long ({n} characters, limit {limit})",
    "单元格 {cell} 的文字过长（{n} 字，上限 {limit}）": "Cell {cell}: text too long ({n} characters, limit {limit})",
    "请删除异常内容后再发送": "Delete the odd content and send it again",
    "文件声明为 UTF-8 编码，但第 {at} 字节处不是有效的 UTF-8": "The file says it is UTF-8, but byte {at} is not valid UTF-8",
    "请用 Excel“另存为 CSV UTF-8”或另存为 .xlsx 后发送": "In Excel, 'Save as CSV UTF-8' or as .xlsx and send it",
    "无法识别 CSV 文件的文字编码（既不是 UTF-8 也不是 GBK/GB18030）": "The CSV file's text encoding is unknown (neither UTF-8 nor GBK/GB18030)",
    "请另存为 .xlsx 后发送": "Save it as .xlsx and send it",
    "文件含有二进制内容，不是 CSV 文本": "The file holds binary content, not CSV text",
    "CSV 第 {row} 行有 {n} 列，超过上限 {limit}": "CSV row {row} has {n} columns, more than the limit of {limit}",
    "CSV 第 {row} 行有单元格的文字过长（超过 {n} 字，上限 {limit}）": "CSV row {row} has a cell with text too long (over {n} characters, limit {limit})",
    "CSV 格式错误：{error}": "CSV format error: {error}",
    # etl/problems.py
    "{msg}用到了第 {row} 行，超过上限 {limit} 行（标题、表头、空行、合计和注释行也计在内，不只是单位行）": "{msg} uses row {row}, beyond the limit of {limit} rows (titles, headers, blank, total and note rows count too, not only unit rows)",
    "请删除表格下方或中间无关的行后再发送；单位很多时请拆分后分别报送": "Delete unrelated rows below or inside the table and send it again; with very many units, split the file",
    # etl/file_types.py
    "Excel/WPS 打开文件时生成的临时文件": "A temporary file Excel/WPS makes while a file is open",
    "无需处理": "Nothing to do",
    "隐藏的系统文件": "A hidden system file",
    "不是表格文件（{suffix}）": "Not a spreadsheet ({suffix})",
    "如是报送的调度表，请另存为 .xlsx": "If it is a dispatch file, save it as .xlsx",
    "备份文件（{suffix}），不是报送的调度表": "A backup file ({suffix}), not a dispatch file",
    "如确需导入，让报送单位用 Excel/WPS 打开后“另存为” Excel 工作簿（.xlsx）再发送": "If it must be loaded, ask the unit to open it in Excel/WPS, 'Save as' an Excel workbook (.xlsx) and send it",
    "请让报送单位用 Excel/WPS 打开后“另存为” Excel 工作簿（.xlsx）再发送": "Ask the unit to open it in Excel/WPS, 'Save as' an Excel workbook (.xlsx) and send it",
    "{kind}，不是表格": "{kind}, not a spreadsheet",
    "请解压后导入其中的 .xlsx 文件": "Unpack it and load the .xlsx files inside",
    "{kind}，不是可导入的表格": "{kind}, not a spreadsheet that can be loaded",
    "请向报送单位索取 Excel 表格（.xlsx）": "Ask the unit for the Excel table (.xlsx)",
    "{kind}，无法读取": "{kind}: cannot be read",
    "不支持的文件类型「{suffix}」": "unsupported file type '{suffix}'",
    # etl/sandbox.py
    "读取文件超过 {n} 秒仍未完成，已停止读取": "Reading the file took more than {n} seconds and was stopped",
    "读取文件所需内存超过上限（{n} MB），疑似异常文件": "Reading the file needed more than the memory limit ({n} MB): probably a broken or hostile file",
    "读取文件时读取程序异常退出，文件结构可能已损坏或异常": "The reader crashed on the file: its structure may be damaged or hostile",
    "请用 Excel/WPS 打开确认无误后另存为 .xlsx 再发送；如反复出现请把文件交给管理员": "Open it in Excel/WPS, check it, save it as .xlsx and send it again; if this repeats, give the file to the administrator",
    # etl/validate.py
    "只读取了工作表「{sheet}」；未读取{others}": "Only sheet '{sheet}' was read; not read: {others}",
    "如其他工作表中有本周数据，请合并到一张表后再发送": "If other sheets hold this week's data, merge them into one sheet and send it again",
    "工作表{names}都含有调度表，无法确定应导入哪一张": "Sheets {names} all hold a dispatch table: which one to load cannot be told",
    "请只保留本周的一张调度表（删除或另存其他工作表）后再发送": "Keep only this week's one table (delete or move the other sheets) and send it again",
    "调度表只在隐藏的工作表{names}中；隐藏的工作表不读取（常是上周的旧表）": "The table is only on hidden sheet(s) {names}; hidden sheets are not read (often last week's table)",
    "请在 Excel/WPS 中右键工作表标签 →“取消隐藏”，确认是本周数据后再保存发送": "In Excel/WPS right-click the sheet tab → 'Unhide', check it is this week's data, save and send it",
    "CSV 文件的各列用{separator}分隔，不是逗号，无法分出列": "The CSV's columns are separated by {separator}, not commas: the columns cannot be told apart",
    "请在 Excel/WPS 中打开后另存为 .xlsx（或“CSV UTF-8（逗号分隔）”）再发送": "Open it in Excel/WPS, save it as .xlsx (or 'CSV UTF-8 (comma delimited)') and send it",
    "工作表{names}中没有找到含表头（序号、单位名称、层级……）的表格": "No table with the template's header (序号, 单位名称, 层级 …) on sheet(s) {names}",
    "没有找到含表头（序号、单位名称、层级……）的表格": "No table with the template's header (序号, 单位名称, 层级 …) was found",
    "请使用下发的周调度表模板填写，不要修改表头": "Fill in the issued dispatch template without changing its header",
    "缺少填报单位": "No reporting unit (填报单位)",
    "请在表头上方填写“填报单位：××县”": "Write '填报单位：<county>' above the header",
    "填报单位：{msg}": "Reporting unit: {msg}",
    "填报单位「{unit}」不是本市的县（市、区）或市直单位": "Reporting unit '{unit}' is not one of the city's counties or the city-direct units",
    "应为：{units}": "Should be one of: {units}",
    "缺少统计周": "No report week (统计周)",
    "请在表头上方填写“统计周：2023-W45”或本周任一日期": "Write '统计周：2023-W45' (or any day of the week) above the header",
    "统计周 {week} 不在主题教育期间（{start} 至 {end}）": "Report week {week} is outside the campaign ({start} to {end})",
    "请核对年份和周次": "Check the year and the week number",
    "表中没有任何单位数据行": "The table has no unit rows",
    "请在表头下方逐行填写各单位数据": "Fill in one row per unit below the header",
    "缺少必填列「{column}」": "Required column '{column}' is missing",
    "缺少必填列「{column}」：{msg}": "Required column '{column}' is missing: {msg}",
    "统计周 {week} 适用{form}（{since}）": "report week {week} uses {form} ({since})",
    "自 {start} 起施行": "in force from {start}",
    "主题教育开始起施行": "in force from the campaign's start",
    "请使用 {week} 的模板（数据报送页可下载，或运行 python -m etl template --week {week2}）": "Use the template of {week} (download it on the Submissions page, or run python -m etl template --week {week2})",
    "请使用最新模板，不要删除列": "Use the latest template and do not delete columns",
    "列「{column}」是第{versions}版表样的列，{week}适用{form}，已忽略": "Column '{column}' belongs to form version {versions}; {week} uses {form}: ignored",
    "不必理会；如要报送这一列的数据，请核对统计周和模板版本": "Nothing to do; to report this column, check the report week and the template version",
    "错误超过 {n} 处，后面的行未再检查": "More than {n} errors: the rows after them were not checked",
    "请先改正以上错误": "Correct the errors above first",
    "合计行「{column}」的值「{value}」无法识别，未核对": "Total row '{column}': value '{value}' cannot be read, not checked",
    "合计行「{column}」为 {stated}，但各单位之和为 {actual}": "Total row '{column}' says {stated}, but the units add up to {actual}",
    "请核对合计行或各单位数据": "Check the total row or the units' figures",
    "合计行（第 {row} 行）下方还有单位数据": "There are unit rows below the total row (row {row})",
    "请把所有单位放在合计行上方": "Put every unit above the total row",
    # etl/unit_rows.py
    "「{column}」未填写，按缺失处理（不计为 0）": "'{column}' left empty: counted as missing (not as 0)",
    "如实际为 0 请填 0": "If it really is 0, write 0",
    "「{column}」不适用于{level}，已忽略该值（{value}）": "'{column}' does not apply to {level}: the value ({value}) is ignored",
    "不适用的指标请留空或填“/”": "Leave a metric that does not apply empty or write '/'",
    "表格外的文字「{text}」已忽略": "Text outside the table '{text}' is ignored",
    "数据请填在表格的列内": "Put the data inside the table's columns",
    "单位名称「{name}」不是文字名称": "Unit name '{name}' is not a text name",
    "请把单元格格式改为“文本”或“常规”，填写单位全称": "Set the cell's format to Text or General and write the unit's full name",
    "单位名称为空": "The unit name is empty",
    "每一行都要填写单位名称": "Every row needs a unit name",
    "「{part}」（{a}）大于「{whole}」（{b}）": "'{part}' ({a}) is larger than '{whole}' ({b})",
    "「{part}」不能超过「{whole}」，请核对": "'{part}' cannot exceed '{whole}': please check",
    "单位「{unit}」重复出现（第 {a} 行和第 {b} 行）": "Unit '{unit}' appears twice (rows {a} and {b})",
    "同一单位只填一行；如是不同单位请写全称区分": "One row per unit; if they are different units, write their full names",
    "层级「{value}」无法识别": "Level '{value}' is not recognised",
    "层级为空": "The level is empty",
    "层级应为 市级、县级、乡镇级 或 村级": "The level must be 市级, 县级, 乡镇级 or 村级 (city, county, township, village)",
    "「备注」{msg}": "'备注' (remarks): {msg}",
    "「{column}」{msg}": "'{column}': {msg}",
    "「{column}」应至少为 {n}": "'{column}' must be at least {n}",
    "请填写该单位实际的{column}": "Write the unit's actual {column}",
    # etl/layout.py
    "表头上方没有分组行（基本情况、理论学习……），已按列名识别": "No group row (基本情况, 理论学习 …) above the header: columns recognised by name",
    "请使用最新模板": "Use the latest template",
    "列「{column}」（分组「{group}」） 不是模板中的列，已忽略": "Column '{column}' (group '{group}') is not in the template: ignored",
    "列「{column}」 不是模板中的列，已忽略": "Column '{column}' is not in the template: ignored",
    "如是模板中的列，请核对列名和所在分组": "If it is a template column, check its name and its group",
    "「{group}」分组下的列「{column}」出现了两次（{a} 和 {b}）": "Column '{column}' of group '{group}' appears twice ({a} and {b})",
    "请删除重复的列": "Delete the repeated column",
    # etl/identity.py
    "文件名写的是{units}，但表内填报单位是{county}；已按{county2}导入": "The file name says {units}, but the reporting unit inside is {county}; loaded as {county2}",
    "请核对是否发错了文件或填错了填报单位；如文件名有误可忽略": "Check whether the wrong file was sent or the reporting unit is wrong; if only the file name is wrong, ignore this",
    "文件名写的是 {weeks}，但表内统计周是 {week}；已按 {week2} 导入": "The file name says {weeks}, but the report week inside is {week}; loaded as {week2}",
    "请核对统计周是否填错（常见于复制上周的表后未改统计周）": "Check the report week (often last week's table copied without changing it)",
    "文件名写的是另一个单位，表中的单位又与{county}上一次报送的单位没有一个相同：这很可能是其他单位的表，填报单位却写成了{county2}": "The file name names another unit and none of the units is among {county}'s last submission: probably another unit's table with {county2} as reporting unit",
    "请核对后改正填报单位（或文件），再重新导入": "Correct the reporting unit (or the file) and load it again",
    # etl/store.py
    "本表的 {n} 个单位与{county}上一次报送（{prev}）的单位没有一个相同": "None of this table's {n} units is among {county}'s last submission ({prev})",
    "请核对文件是否是{county}的表（可能发错了县，或填报单位填错）": "Check that this is {county}'s table (another county's file, or a wrong reporting unit)",
    "比它替换的 v{version} 少了 {n} 个单位：{units}；这些单位本周不再计入": "{n} unit(s) fewer than the v{version} it replaces: {units}; they no longer count for this week",
    "如是漏填，请补上后重新报送；如确已撤并，可不处理": "If they were left out by mistake, add them and resubmit; if they were merged away, nothing to do",
    "「{unit}」的「{column}」为 {new}，多于下一周（{other}）已报送的 {old}；累计数不会减少": "'{column}' of '{unit}' is {new}, more than the {old} already reported for the following week ({other}); cumulative counts do not go down",
    "请核对本表与 {other} 的报表，其中之一有误": "Check this table and {other}'s: one of them is wrong",
    "「{unit}」的「{column}」为 {new}，少于上一次报送（{other}）的 {old}；本表应填累计数": "'{column}' of '{unit}' is {new}, less than the {old} of the last submission ({other}); the table takes cumulative counts",
    "请核对是否填成了本周新增数": "Check whether this week's new count was entered instead of the cumulative one",
    # etl/load.py
    "写入数据库失败，文件未导入（{error}）": "Writing to the warehouse failed; the file was not loaded ({error})",
    "请稍后重试；如反复出现请联系管理员": "Try again later; if it repeats, call the administrator",
    "本文件的填报单位是「{unit}」，您的账号只能报送「{own}」的周调度表，整个文件未导入": "This file's reporting unit is '{unit}'; your account may only submit {own}'s dispatch files: nothing was loaded",
    "请确认选的是{own}的文件、填报单位填写正确；代其他单位报送请联系市委组织部办公室": "Check that this is {own}'s file and its reporting unit is right; to submit for another unit, ask the organisation department's office",
    "与已导入的 v{version} 完全相同，当前版本为 v{current}": "Identical to v{version} already loaded; the current version is v{current}",
    "如需恢复旧版本，请在“数据报送”页使用恢复功能": "To go back to an older version, restore it on the Submissions page",
    "无法读取文件：{error}": "The file could not be read: {error}",
    # etl/cells.py
    "公式「{formula}」没有保存计算结果，无法得知单元格的值": "Formula '{formula}' was saved without its result: the cell's value is unknown",
    "请在 Excel/WPS 中打开文件、确认计算结果后保存（或复制后“选择性粘贴为数值”）再发送": "Open the file in Excel/WPS, check the results and save it (or paste as values), then send it",
    "单元格是错误值「{value}」，不是{what}（也不是未填写）": "The cell holds the error value '{value}', not {what} (nor empty)",
    "请改正该单元格的公式或直接填写数值": "Correct the cell's formula or type the value",
    "单元格显示为{kind}「{value}」，不是{what}": "The cell shows a {kind} '{value}', not {what}",
    "单元格显示为时长「{value}」，不是{what}": "The cell shows a duration '{value}', not {what}",
    "该单元格被设成了日期/时间格式（Excel 会把 3-4、3/4 或数字显示成日期）：请把单元格格式改为“常规”或“数值”后重新填写数字": "The cell is formatted as a date/time (Excel shows 3-4, 3/4 or a number as a date): set its format to General or Number and type the number again",
    "「{value}」是逻辑值，不是数字": "'{value}' is a logical value, not a number",
    "「{value}」不是数字": "'{value}' is not a number",
    "请填写整数": "Write a whole number",
    "请填写阿拉伯数字（可带单位，如 3 或 3次），不要写“约”“若干”等文字": "Write digits (a unit may follow, as in 3 or 3次), not words such as 约 (about) or 若干 (some)",
    "数量不能为负数（{value}）": "A count cannot be negative ({value})",
    "累计数应为 0 或正整数": "A cumulative count is 0 or a positive whole number",
    "数量应为整数，不能是小数（{value}）": "A count must be a whole number, not a fraction ({value})",
    "数值过大（{value}）": "The number is too large ({value})",
    "请核对是否多输入了数字": "Check for extra digits",
    "「{value}」中的逗号像是小数点（即 {decimal}），数量应为整数": "The comma in '{value}' looks like a decimal point ({decimal}); a count must be a whole number",
    "请填写整数；千位分隔符只接受 1,234 这样每三位一个逗号的写法": "Write a whole number; thousands separators only as in 1,234 (a comma every three digits)",
    "「{value}」既可能是 {a}，也可能是以点作千位分隔的 {b}": "'{value}' may be {a}, or {b} with a dot as thousands separator",
    "请直接填写整数，不要加点或千位分隔符": "Write the whole number without dots or thousands separators",
    "「{value}」不是有效的是/否值": "'{value}' is not a valid yes/no value",
    "请填写“是”或“否”（也接受 √/×、Y/N、1/0、已完成/未完成）": "Write 是 (yes) or 否 (no) (√/×, Y/N, 1/0, 已完成/未完成 are accepted too)",
    "无法识别统计周「{value}」": "Report week '{value}' cannot be read",
    "请按 2023-W45、2023-11-08 或 2023年11月6日—11月12日 的格式填写": "Write it as 2023-W45, 2023-11-08 or 2023年11月6日—11月12日",
    "统计周「{value}」中的日期不存在": "The date in report week '{value}' does not exist",
    "请按 2023-W45 或 2023-11-08 填写": "Write it as 2023-W45 or 2023-11-08",
    "统计周「{value}」跨越了两个周次（{a} 与 {b}）": "Report week '{value}' spans two weeks ({a} and {b})",
    "统计周应为周一至周日的一周": "The report week is one week, Monday to Sunday",
    "统计周「{value}」不存在": "Report week '{value}' does not exist",
    "周次应为 1–52（或 53）": "The week number is 1–52 (or 53)",
}

# Chinese words inside a value (what a cell should hold, what a file is, a hidden sheet's mark)
WORDS = {
    "数字": "a number",
    "CSV ": "The CSV",
    "是/否值": "a yes/no value",
    "统计周": "a report week",
    "备注文字": "remark text",
    "日期": "date",
    "时间": "time",
    "本表": "this table",
    "无扩展名": "no extension",
    "制表符（Tab）": "tabs",
    "分号（;）": "semicolons (;)",
    "全角分号（；）": "full-width semicolons (；)",
    "竖线（|）": "bars (|)",
    "WPS 表格文件（.et）": "WPS spreadsheet (.et)",
    "WPS 表格模板（.ett）": "WPS spreadsheet template (.ett)",
    "Excel 二进制工作簿（.xlsb）": "Excel binary workbook (.xlsb)",
    "Excel 模板（.xltx）": "Excel template (.xltx)",
    "Excel 模板（.xlt）": "Excel template (.xlt)",
    "Numbers 表格（.numbers）": "Numbers spreadsheet (.numbers)",
    "文本文件（.txt）": "text file (.txt)",
    "制表符分隔的文本文件（.tsv）": "tab-separated text file (.tsv)",
    "文本文件（.prn）": "text file (.prn)",
    "Word 文档（.doc）": "Word document (.doc)",
    "Word 文档（.docx）": "Word document (.docx)",
    "WPS 文字文档（.wps）": "WPS document (.wps)",
    "PowerPoint 演示文稿（.pptx）": "PowerPoint presentation (.pptx)",
    "PDF 文件": "PDF file",
    "图片": "picture",
    "压缩包（.zip）": "zip archive (.zip)",
    "压缩包（.rar）": "rar archive (.rar)",
    "压缩包（.7z）": "7z archive (.7z)",
    "市级": "市级 (city)",
    "县级": "县级 (county)",
    "乡镇级": "乡镇级 (township)",
    "村级": "村级 (village)",
}
# marks inside a list of sheets, and list separators
FRAGMENTS = {
    "（隐藏，含调度表）": " (hidden, holds the table)",
    "（隐藏）": " (hidden)",
    "等 {n} 个": " … ({n} in all)",
}


# a value is one name, without 「」 (so that 「a」「b」 is never one value), but for lists and messages
_ONE = "[^「」]+?"
_ANY = dict.fromkeys(("msg", "names", "others", "units"), ".+?")


@cache
def _patterns() -> list[tuple[re.Pattern, str]]:
    """Each template as a regular expression, the most specific (most fixed text) first."""
    out = []
    for zh, en in TEMPLATES.items():
        parts = re.split(r"\{(\w+)\}", zh)
        fixed = "".join(parts[0::2])
        rx = "".join(
            re.escape(p) if i % 2 == 0 else f"(?P<{p}>{_ANY.get(p, _ONE)})" for i, p in enumerate(parts)
        )
        out.append((len(fixed), re.compile(rx, re.S), en))
    return [(rx, en) for _, rx, en in sorted(out, key=lambda x: -x[0])]


def _match(text: str) -> tuple[str, dict[str, str]] | None:
    for rx, en in _patterns():
        m = rx.fullmatch(text)
        if m and all(v in WORDS or _match(v) for k, v in m.groupdict().items() if k == "msg"):
            return en, m.groupdict()
    return None


def _value(v: str) -> str:
    if v in WORDS:
        return WORDS[v]
    inner = english(v)
    if inner is not None:
        return inner
    for zh, en in FRAGMENTS.items():
        v = re.sub(re.escape(zh).replace(r"\{n\}", r"(?P<n>\d+)"), en.replace("{n}", r"\g<n>"), v)
    return v


def english(text: str) -> str | None:
    """The English of a loader text, or None when no template matches it."""
    if not text:
        return text
    found = _match(text)
    if found is None:
        return None
    en, values = found
    return en.format(**{k: _value(v) for k, v in values.items()})


def values(text: str) -> list[str]:
    """The values a text quotes (units, columns, cells: kept as they are in the English)."""
    found = _match(text) if text else None
    if found is None:
        return []
    out = []
    for v in found[1].values():
        out += [v] if v not in WORDS and _match(v) is None else values(v)
    return out


def message(p: Problem) -> str:
    """What is wrong, in English (the code's English and the Chinese when no template matches)."""
    en = english(p.message)
    return en if en is not None else f"{CODES.get(p.code, p.code)}: {p.message}"


def hint(p: Problem) -> str:
    en = english(p.hint or "")
    return en if en is not None else f"See the Chinese: {p.hint}"


def place(p: Problem) -> str:
    """The cell (F12), else the row, else the whole file."""
    return p.cell or (f"row {p.row}" if p.row else "whole file")


def where(p: Problem) -> str:
    return p.where(english=True)


def text(p: Problem) -> str:
    """Problem.text() in English: '[CODE] where: message (hint)'."""
    w = where(p)
    tail = f" ({hint(p)})" if p.hint else ""
    return f"[{p.code}] {w + ': ' if w else ''}{message(p)}{tail}"


def summary(r: FileReport) -> str:
    """FileReport.summary() in English."""
    who = f"{r.county or '?'} {r.week or '?'}"
    if r.outcome == "loaded":
        kind = "corrected version" if r.resubmission else "version"
        extra = f", {len(r.warnings)} warning(s)" if r.warnings else ""
        return f"Loaded  {r.file_name}: {who}, {r.rows} rows, {kind} v{r.version}{extra}"
    if r.outcome == "unchanged":
        return f"Unchanged  {r.file_name}: identical to a file already loaded ({who} v{r.version}), not loaded again"
    if r.outcome == "skipped":
        why = (r.errors or r.warnings)[0]
        return f"Skipped  {r.file_name}: {message(why)} ({hint(why)})"
    return f"Rejected  {r.file_name}: {len(r.errors)} error(s), nothing of the file was loaded"
