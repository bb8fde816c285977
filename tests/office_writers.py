"""Dispatch sheets written the way Excel, WPS and LibreOffice write them: typed cells with their
number formats (a date cell, a time cell), error values, formulas without a computed value, hidden
sheets. openpyxl for .xlsx, xlwt for .xls, odfpy for .ods (LibreOffice's calc is not installed
here; odfpy writes the same XML LibreOffice does, including its calcext error marking)."""

from __future__ import annotations

import datetime as dt
import io
import struct
from dataclasses import dataclass

import openpyxl


@dataclass(frozen=True)
class Error:
    """An Excel error value in a cell, e.g. Error('#DIV/0!')."""

    text: str


@dataclass(frozen=True)
class Formula:
    """A formula saved without its computed value (openpyxl writes no cached value)."""

    text: str


# number formats Excel gives a cell when it turns what was typed into a date or a time
FORMATS = {dt.datetime: "yyyy/m/d h:mm", dt.date: "yyyy/m/d", dt.time: "h:mm:ss", dt.timedelta: "[h]:mm:ss"}


def _put(ws, r: int, c: int, v) -> None:
    if v is None or v == "":
        return
    cell = ws.cell(row=r + 1, column=c + 1)
    if isinstance(v, Error):
        cell.value = v.text
        cell.data_type = "e"
    elif isinstance(v, Formula):
        cell.value = v.text
    else:
        cell.value = v
        if type(v) in FORMATS:
            cell.number_format = FORMATS[type(v)]
        elif isinstance(v, str) and v.startswith("="):
            cell.data_type = "s"  # typed text, not a formula


def xlsx_bytes(sheets: list[tuple[str, list[list], str]]) -> bytes:
    """sheets: (name, cells, state) with state 'visible', 'hidden' or 'veryHidden'."""
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for name, cells, state in sheets:
        ws = wb.create_sheet(name)
        ws.sheet_state = state
        for r, row in enumerate(cells):
            for c, v in enumerate(row):
                _put(ws, r, c, v)
    if all(state != "visible" for _, _, state in sheets):
        raise ValueError("Excel needs one visible sheet")
    wb.active = next(i for i, (_, _, state) in enumerate(sheets) if state == "visible")
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def xls_bytes(sheets: list[tuple[str, list[list], str]]) -> bytes:
    import xlwt

    wb = xlwt.Workbook(encoding="utf-8")
    styles = {t: xlwt.easyxf(num_format_str=f) for t, f in FORMATS.items()}
    errors = []
    for name, cells, state in sheets:
        ws = wb.add_sheet(name)
        ws.visibility = {"visible": 0, "hidden": 1, "veryHidden": 2}[state]
        for r, row in enumerate(cells):
            for c, v in enumerate(row):
                if v is None or v == "":
                    continue
                if isinstance(v, Error):  # a logical cell, made an error cell below
                    ws.write(r, c, True)
                    errors.append((r, c, v.text))
                elif isinstance(v, Formula):  # xlwt saves a formula with an empty text as its result
                    ws.write(r, c, xlwt.Formula(v.text.lstrip("=")))
                elif type(v) in styles:
                    ws.write(r, c, v, styles[type(v)])
                else:
                    ws.write(r, c, v)
    buf = io.BytesIO()
    wb.save(buf)
    data = buf.getvalue()
    for r, c, text in errors:  # BOOLERR: row, col, ixfe, value, fError (1: the value is an error code)
        head = b"\x05\x02\x08\x00" + struct.pack("<HH", r, c)
        at = data.index(head) + len(head) + 2
        data = data[:at] + bytes([BIFF_ERRORS[text], 1]) + data[at + 2 :]
    return data


BIFF_ERRORS = {
    "#NULL!": 0x00,
    "#DIV/0!": 0x07,
    "#VALUE!": 0x0F,
    "#REF!": 0x17,
    "#NAME?": 0x1D,
    "#NUM!": 0x24,
    "#N/A": 0x2A,
}


def ods_bytes(sheets: list[tuple[str, list[list], str]]) -> bytes:
    from odf.opendocument import OpenDocumentSpreadsheet
    from odf.style import Style, TableProperties
    from odf.table import Table, TableCell, TableRow
    from odf.text import P

    doc = OpenDocumentSpreadsheet()
    hidden = Style(name="hiddenTable", family="table")
    hidden.addElement(TableProperties(display="false"))
    doc.automaticstyles.addElement(hidden)
    calcext = "urn:org:documentfoundation:names:experimental:calc:xmlns:calcext:1.0"
    for name, cells, state in sheets:
        table = Table(name=name, stylename=hidden if state != "visible" else None)
        for row in cells:
            tr = TableRow()
            for v in row:
                if v is None or v == "":
                    tr.addElement(TableCell())
                    continue
                if isinstance(v, Formula):  # LibreOffice always saves a formula's result
                    raise ValueError("LibreOffice does not write a formula without its value")
                if isinstance(v, Error):  # as LibreOffice saves it: a number 0 marked as an error
                    cell = TableCell(valuetype="float", value="0", formula="of:=1/0")
                    cell.setAttrNS(calcext, "value-type", "error")
                    cell.addElement(P(text=v.text))
                elif isinstance(v, bool):
                    cell = TableCell(valuetype="boolean", booleanvalue="true" if v else "false")
                    cell.addElement(P(text="TRUE" if v else "FALSE"))
                elif isinstance(v, (int, float)):
                    cell = TableCell(valuetype="float", value=str(v))
                    cell.addElement(P(text=str(v)))
                elif isinstance(v, dt.datetime):
                    cell = TableCell(valuetype="date", datevalue=v.isoformat())
                    cell.addElement(P(text=str(v)))
                elif isinstance(v, dt.date):
                    cell = TableCell(valuetype="date", datevalue=v.isoformat())
                    cell.addElement(P(text=str(v)))
                elif isinstance(v, dt.time):
                    cell = TableCell(
                        valuetype="time", timevalue=f"PT{v.hour:02d}H{v.minute:02d}M{v.second:02d}S"
                    )
                    cell.addElement(P(text=str(v)))
                else:
                    cell = TableCell(valuetype="string")
                    cell.addElement(P(text=str(v)))
                tr.addElement(cell)
            table.addElement(tr)
        doc.spreadsheet.addElement(table)
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()


WRITERS = {"xlsx": xlsx_bytes, "xls": xls_bytes, "ods": ods_bytes}
