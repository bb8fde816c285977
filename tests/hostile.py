"""Builders for hostile files: tiny hand-made .xlsx packages, OLE2 compound files, zip bombs.
Used by tests/test_hostile_files.py; each builder returns bytes small enough to keep in a test."""

from __future__ import annotations

import io
import struct
import zipfile

CT = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>'
)
RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
    'officeDocument" Target="xl/workbook.xml"/></Relationships>'
)
WB = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
    '<sheets><sheet name="调度表" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
WB_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
    'worksheet" Target="worksheets/sheet1.xml"/>{extra}</Relationships>'
)
SST_REL = (
    '<Relationship Id="rId9" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
    'sharedStrings" Target="sharedStrings.xml"/>'
)
SHEET_HEAD = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
)


def cell(ref: str, value) -> bytes:
    if isinstance(value, str):
        text = value.replace("&", "&amp;").replace("<", "&lt;")
        return f'<c r="{ref}" t="inlineStr"><is><t>{text}</t></is></c>'.encode()
    return f'<c r="{ref}"><v>{value}</v></c>'.encode()


def sheet_xml(rows: dict[int, list[bytes]], extra: bytes = b"") -> bytes:
    """rows: 1-based row number → cell elements."""
    body = b"".join(b'<row r="%d">' % r + b"".join(cells) + b"</row>" for r, cells in sorted(rows.items()))
    return SHEET_HEAD + b"<sheetData>" + body + b"</sheetData>" + extra + b"</worksheet>"


def xlsx(sheet: bytes, shared_strings: bytes | None = None, extra_members: dict | None = None) -> bytes:
    """A minimal, valid .xlsx with one worksheet (named 调度表)."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
        z.writestr("[Content_Types].xml", CT)
        z.writestr("_rels/.rels", RELS)
        z.writestr("xl/workbook.xml", WB)
        z.writestr("xl/_rels/workbook.xml.rels", WB_RELS.format(extra=SST_REL if shared_strings else ""))
        z.writestr("xl/worksheets/sheet1.xml", sheet)
        if shared_strings is not None:
            z.writestr("xl/sharedStrings.xml", shared_strings)
        for name, data in (extra_members or {}).items():
            z.writestr(name, data)
    return buf.getvalue()


def shared_strings(*texts: str) -> bytes:
    items = "".join(f"<si><t>{t}</t></si>" for t in texts)
    return (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><sst xmlns="http://schemas.openxmlformats.org/'
        f'spreadsheetml/2006/main" count="{len(texts)}" uniqueCount="{len(texts)}">{items}</sst>'
    ).encode()


def zip_bomb(inflated: int, name: str = "xl/worksheets/sheet1.xml") -> bytes:
    """A zip whose one member inflates to `inflated` bytes of spaces (honest sizes in the headers)."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
        z.writestr("[Content_Types].xml", CT)
        z.writestr("xl/workbook.xml", WB)
        with z.open(name, "w") as f:
            f.write(SHEET_HEAD)
            block = b" " * (1 << 20)
            for _ in range(inflated // len(block)):
                f.write(block)
    return buf.getvalue()


def lying_zip_bomb(inflated: int) -> bytes:
    """As zip_bomb, but the headers claim the member is 1,000 bytes: only inflating tells."""
    data = bytearray(zip_bomb(inflated))
    with zipfile.ZipFile(io.BytesIO(bytes(data))) as z:
        info = z.getinfo("xl/worksheets/sheet1.xml")
    # local header: uncompressed size at +22 (zip64: in the extra field; rewrite both forms)
    off = info.header_offset
    name_len, extra_len = struct.unpack_from("<HH", data, off + 26)
    struct.pack_into("<I", data, off + 22, 1000)
    _patch_zip64(data, off + 30 + name_len, extra_len, 1000)
    # central directory entry
    cd = central_entry(bytes(data), info.filename.encode())
    n_len, e_len = struct.unpack_from("<HH", data, cd + 28)
    struct.pack_into("<I", data, cd + 24, 1000)
    _patch_zip64(data, cd + 46 + n_len, e_len, 1000)
    return bytes(data)


def central_entry(data: bytes, name: bytes) -> int:
    """Where the central directory's entry for a member starts (its CRC-32 is at +16, sizes at +20)."""
    at = data.find(b"PK\x01\x02")
    while at >= 0:
        (n,) = struct.unpack_from("<H", data, at + 28)
        if data[at + 46 : at + 46 + n] == name:
            return at
        at = data.find(b"PK\x01\x02", at + 4)
    raise ValueError(f"no central directory entry for {name!r}")


def _patch_zip64(data: bytearray, start: int, length: int, size: int) -> None:
    pos = start
    while pos + 4 <= start + length:
        tag, ln = struct.unpack_from("<HH", data, pos)
        if tag == 0x0001 and ln >= 8:
            struct.pack_into("<Q", data, pos + 4, size)
        pos += 4 + ln


# --- OLE2 compound files -----------------------------------------------------------------------


def ole(streams: dict[str, bytes]) -> bytes:
    """A minimal OLE2 compound file (512-byte sectors, no mini stream: streams padded to 4096 bytes)."""
    ssz = 512
    names = list(streams)
    blobs = [streams[n] + b"\0" * max(0, 4096 - len(streams[n])) for n in names]
    sectors: list[bytes] = []
    fat: list[int] = []
    starts = []

    def put(blob: bytes) -> int:
        first = len(sectors)
        count = max(1, -(-len(blob) // ssz))
        for i in range(count):
            sectors.append(blob[i * ssz : (i + 1) * ssz].ljust(ssz, b"\0"))
            fat.append(first + i + 1 if i < count - 1 else 0xFFFFFFFE)
        return first

    for blob in blobs:
        starts.append(put(blob))

    def entry(
        name: str, kind: int, start: int, size: int, child: int = 0xFFFFFFFF, right: int = 0xFFFFFFFF
    ) -> bytes:
        raw = name.encode("utf-16-le") + b"\0\0"
        e = bytearray(128)
        e[: len(raw)] = raw
        struct.pack_into("<HBB", e, 0x40, len(raw), kind, 1)
        struct.pack_into("<III", e, 0x44, 0xFFFFFFFF, right, child)
        struct.pack_into("<II", e, 0x74, start, size)
        return bytes(e)

    entries = [entry("Root Entry", 5, 0xFFFFFFFE, 0, child=1 if names else 0xFFFFFFFF)]
    for i, name in enumerate(names):
        entries.append(
            entry(name, 2, starts[i], len(blobs[i]), right=i + 2 if i + 1 < len(names) else 0xFFFFFFFF)
        )
    directory = b"".join(entries)
    dir_start = put(directory)
    fat_sector = len(sectors)
    fat.append(0xFFFFFFFD)  # the FAT's own sector
    table = fat + [0xFFFFFFFF] * (ssz // 4 - len(fat))
    assert len(table) == ssz // 4, "too many sectors for one FAT sector"
    sectors.append(struct.pack(f"<{ssz // 4}I", *table))
    header = bytearray(512)
    header[:8] = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
    struct.pack_into("<HHHHH", header, 0x18, 0x3E, 3, 0xFFFE, 9, 6)
    struct.pack_into(
        "<IIIIIIIII", header, 0x2C, 1, dir_start, 0, 4096, 0xFFFFFFFE, 0, 0xFFFFFFFE, 0, fat_sector
    )
    struct.pack_into("<108I", header, 0x50, *([0xFFFFFFFF] * 108))
    return bytes(header) + b"".join(sectors)


def encrypted_xlsx() -> bytes:
    """What Excel writes for a password-protected .xlsx: an OLE2 file with EncryptionInfo and
    EncryptedPackage streams (the contents here are random-looking filler, as real ones are)."""
    info = (
        struct.pack("<HHI", 4, 4, 0x40)
        + b'<encryption xmlns="http://schemas.microsoft.com/office/2006/encryption"/>'
    )
    return ole({"EncryptionInfo": info, "EncryptedPackage": struct.pack("<Q", 1000) + bytes(range(256)) * 8})


def biff_record(rtype: int, body: bytes) -> bytes:
    return struct.pack("<HH", rtype, len(body)) + body


FAR = b"XFD1048576"


def rezip(data: bytes, rename=lambda name: name, change=lambda name, body: body, extra=None) -> bytes:
    """The package again, with parts renamed, changed or added."""
    buf = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            dst.writestr(rename(info.filename), change(info.filename, src.read(info)))
        for name, body in (extra or {}).items():
            dst.writestr(name, body)
    return buf.getvalue()


def shared_strings_read_as_a_sheet(far: bytes = FAR) -> bytes:
    """The worksheet relationship points at sharedStrings.xml, which also holds cells (A1 and far: calamine's
    rectangle spans from the first to the last cell)."""
    sst = shared_strings("x").replace(
        b"</sst>",
        b'<sheetData><row r="1"><c r="A1"><v>1</v></c><c r="%s"><v>1</v></c></row></sheetData></sst>' % far,
    )
    data = xlsx(sheet_xml({1: [b'<c r="A1" t="s"><v>0</v></c>']}), sst)
    return rezip(
        data,
        change=lambda name, body: body.replace(
            b'Target="worksheets/sheet1.xml"', b'Target="sharedStrings.xml"'
        ),
    )


def sheet_in_another_folder(before: bytes = b"GIF89a", after: bytes = b"") -> bytes:
    """The workbook lives in foo/ (calamine takes the folder from _rels/.rels), its sheet is foo/pic.gif:
    bytes before the XML, which calamine reads past, and cells at A1 and XFD1048576."""
    sheet = sheet_xml({1: [b'<c r="A1"><v>1</v></c>' + after, b'<c r="XFD1048576"><v>1</v></c>']})
    moved = {
        "xl/workbook.xml": "foo/workbook.xml",
        "xl/_rels/workbook.xml.rels": "foo/_rels/workbook.xml.rels",
        "xl/worksheets/sheet1.xml": "foo/pic.gif",
    }

    def change(name: str, body: bytes) -> bytes:
        return {
            "_rels/.rels": body.replace(b"xl/workbook.xml", b"foo/workbook.xml"),
            "xl/_rels/workbook.xml.rels": body.replace(b"worksheets/sheet1.xml", b"pic.gif"),
            "xl/worksheets/sheet1.xml": before + sheet,
        }.get(name, body)

    return rezip(xlsx(sheet), lambda name: moved.get(name, name), change)


def shared_string_cells(cells: int, text: str, per_row: int = 24) -> bytes:
    """A sheet of `cells` cells that all show one shared string."""
    from etl.problems import cell_name

    rows = {
        r + 1: [
            b'<c r="%s" t="s"><v>0</v></c>' % cell_name(r, c).encode()
            for c in range(min(per_row, cells - r * per_row))
        ]
        for r in range(-(-cells // per_row))
    }
    return xlsx(sheet_xml(rows), shared_strings(text))
