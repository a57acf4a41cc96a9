"""Big tables written as sheet XML directly, after XlsxWriter has written the rest.

XlsxWriter keeps a Python object per cell and turns each into XML one call at a time:
about 10 microseconds a cell, two seconds for a 100,000-line practice's open items. A
table's rows are plain values of a few kinds, so claimbook writes the first data row
through XlsxWriter (which registers every column's format) and the rest as ``<row>``
XML made here in one pass, spliced in after the workbook is closed: each column takes
the style of its cell in that first row, and the sheet's part is found by its name.
Text is an inline string, never a formula; numbers and dates (serial numbers) carry the
column's style. Excel, LibreOffice and openpyxl read the result as usual.
"""

from __future__ import annotations

import io
import os
import posixpath
import re
import zipfile
from dataclasses import dataclass
from datetime import date
from html import unescape

from xlsxwriter.utility import xl_col_to_name

from claimbook.io.xlsx.sheetxml import excel_serial, xml_text

BULK_FROM = 200  # tables with more rows than this are written here


@dataclass
class BulkRows:
    """Rows to splice into one worksheet, right under Excel row ``first_row`` (the
    table's first data row, written by XlsxWriter)."""

    sheet_name: str
    first_row: int
    first_col: int
    kinds: list[str]  # "number", "date" or "text" per column
    rows: list[list]


def _cell(ref: str, kind: str, style: str, value) -> str:
    """One ``<c>``, as :func:`sheetxml.cell_xml` writes it, made inline: this runs for
    every cell of a big table."""
    if value is None or value == "":
        return f'<c r="{ref}" s="{style}"/>'
    if kind == "date" and type(value) is date:
        return f'<c r="{ref}" s="{style}"><v>{excel_serial(value)}</v></c>'
    if type(value) in (int, float) and kind != "text":
        return f'<c r="{ref}" s="{style}"><v>{value!r}</v></c>'
    text = xml_text(str(value))
    space = ' xml:space="preserve"' if text != text.strip() or "\n" in text else ""
    return f'<c r="{ref}" s="{style}" t="inlineStr"><is><t{space}>{text}</t></is></c>'


def rows_xml(bulk: BulkRows, styles: list[str]) -> str:
    """The ``<row>`` elements of ``bulk``, Excel-numbered from ``first_row + 1``, each
    column in its style (an xf index as text)."""
    letters = [xl_col_to_name(bulk.first_col + i) for i in range(len(bulk.kinds))]
    spans = f"{bulk.first_col + 1}:{bulk.first_col + len(letters)}"
    plan = list(zip(letters, bulk.kinds, styles))
    out = []
    for number, row in enumerate(bulk.rows, start=bulk.first_row + 1):
        cells = "".join(_cell(f"{letter}{number}", kind, style, value)
                        for (letter, kind, style), value in zip(plan, row))
        out.append(f'<row r="{number}" spans="{spans}">{cells}</row>')
    return "".join(out)


def _splice(xml: str, bulk: BulkRows) -> str:
    """Put the rows right after the row above them (the table's first data row), and
    make the sheet's dimension reach the last of them."""
    above = bulk.first_row  # Excel number of the row written by XlsxWriter
    start = xml.index(f'<row r="{above}" ')
    end = xml.index("</row>", start) + len("</row>")
    written = dict(_CELL_STYLE.findall(xml, start, end))
    styles = [written.get(f"{xl_col_to_name(bulk.first_col + i)}{above}", "0")
              for i in range(len(bulk.kinds))]
    xml = xml[:end] + rows_xml(bulk, styles) + xml[end:]
    last = bulk.first_row + len(bulk.rows)

    def grow(found: re.Match) -> str:
        if int(found.group(2)) >= last:
            return found.group(0)
        return f'<dimension ref="{found.group(1)}{last}"/>'

    return re.sub(r'<dimension ref="([A-Z]+\d+:[A-Z]+)(\d+)"/>', grow, xml, count=1)


_CELL_STYLE = re.compile(r'<c r="([A-Z]+\d+)" s="(\d+)"')
_SHEET = re.compile(r'<sheet\b[^>]*?name="([^"]*)"[^>]*?r:id="([^"]*)"')
_REL = re.compile(r'<Relationship\b[^>]*?Id="([^"]*)"[^>]*?Target="([^"]*)"')


def _sheet_parts(src: zipfile.ZipFile) -> dict[str, str]:
    """Sheet name -> its part, from workbook.xml and its relationships."""
    targets = dict(_REL.findall(src.read("xl/_rels/workbook.xml.rels").decode("utf-8")))
    out = {}
    for name, rid in _SHEET.findall(src.read("xl/workbook.xml").decode("utf-8")):
        target = targets[rid]
        out[unescape(name)] = target.lstrip("/") if target.startswith("/") else \
            posixpath.normpath(posixpath.join("xl", target))
    return out


def splice_into(path: str | io.BytesIO, bulks: list[BulkRows]) -> None:
    """Rewrite the closed workbook at ``path`` (a file, or a workbook built in memory)
    with the bulk rows in their sheets."""
    if not bulks:
        return
    if isinstance(path, io.BytesIO):  # in memory: never a copy on disk
        spliced = io.BytesIO()
        _copy_spliced(io.BytesIO(path.getvalue()), spliced, bulks)
        path.seek(0)
        path.truncate()
        path.write(spliced.getvalue())
        return
    tmp = path + ".bulk"
    _copy_spliced(path, tmp, bulks)
    os.replace(tmp, path)


def _copy_spliced(source, target, bulks: list[BulkRows]) -> None:
    with zipfile.ZipFile(source) as src, \
            zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED, compresslevel=6) as dst:
        parts = _sheet_parts(src)
        by_part = {parts[b.sheet_name]: b for b in bulks}
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename in by_part:
                data = _splice(data.decode("utf-8"), by_part[info.filename]).encode("utf-8")
            dst.writestr(info, data, compress_type=zipfile.ZIP_DEFLATED)
