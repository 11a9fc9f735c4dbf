"""Workbooks that expand far past their size on disk (zip bombs), made on the fly for the
tests that prove they are refused and for ``bench/xlsx.py``, which times the refusal.

A worksheet's XML is very regular, so deflate shrinks repeated rows about 300-1000 times:
a few MB on disk can hold a GB of sheet XML (or of shared strings).
"""

# ruff: noqa: E501  (the OOXML parts below are kept as the spec spells them, one per line)
from __future__ import annotations

import zipfile
from pathlib import Path

__all__ = ["write_workbook"]

_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    '<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
    "</Types>")
_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>'
    "</Relationships>")
_WORKBOOK = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
    '<sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>')
_WORKBOOK_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>'
    '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/>'
    "</Relationships>")
_NS = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
_HEADER_ROW = ('<row r="1"><c r="A1" t="inlineStr"><is><t>member_id</t></is></c>'
               '<c r="B1" t="inlineStr"><is><t>platform</t></is></c></row>')


def write_workbook(path: Path, *, sheet_mb: int = 0, strings_mb: int = 0) -> Path:
    """An .xlsx with a header row, then ``sheet_mb`` MB of identical data rows, and a
    shared-strings part of ``strings_mb`` MB (one string repeated).

    Written in 1 MB pieces, so making a GB bomb holds no GB in memory.
    """
    row = '<row><c t="s"><v>0</v></c><c t="inlineStr"><is><t>taobao</t></is></c></row>'
    chunk_rows = (1 << 20) // len(row)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
        z.writestr("[Content_Types].xml", _CONTENT_TYPES)
        z.writestr("_rels/.rels", _RELS)
        z.writestr("xl/workbook.xml", _WORKBOOK)
        z.writestr("xl/_rels/workbook.xml.rels", _WORKBOOK_RELS)
        with z.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as f:
            f.write(f'<?xml version="1.0" encoding="UTF-8"?><worksheet {_NS}><sheetData>'
                    f"{_HEADER_ROW}".encode())
            piece = (row * chunk_rows).encode()
            for _ in range(sheet_mb):
                f.write(piece)
            f.write(b"</sheetData></worksheet>")
        with z.open("xl/sharedStrings.xml", "w", force_zip64=True) as f:
            f.write(f'<?xml version="1.0" encoding="UTF-8"?><sst {_NS}>'.encode())
            item = "<si><t>m0001</t></si>"
            f.write(item.encode())
            piece = (item * ((1 << 20) // len(item))).encode()
            for _ in range(strings_mb):
                f.write(piece)
            f.write(b"</sst>")
    return path
