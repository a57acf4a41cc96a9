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
from dataclasses import dataclass, field, replace
from datetime import date
from html import unescape
from xml.sax.saxutils import escape

from xlsxwriter.utility import xl_col_to_name

from claimbook.io.xlsx.package import Package, Pieces
from claimbook.io.xlsx.sheetxml import excel_serial, laid_rows, xml_text

BULK_FROM = 200  # tables with more rows than this are written here
DEFAULT_HEIGHT = 15  # points: a row of this height carries no height of its own
ROWS_AT_ONCE = 20_000  # rows made into XML and encoded at a time


@dataclass
class BulkRows:
    """Rows to splice into one worksheet, right under Excel row ``first_row`` (the
    table's first data row, written by XlsxWriter)."""

    sheet_name: str
    first_row: int
    first_col: int
    kinds: list[str]  # "number", "date" or "text" per column
    columns: list[list]  # each column's values, top to bottom (all of one length)
    table: str | None = None  # the Excel Table over the rows, added over its first rows
    table_ref: str = ""  # the table's whole range ("A4:K40012"), given it when spliced
    filter_ref: str = ""  # its autofilter's range (without a total row)
    labels: list = field(default_factory=list)  # each column's total row label, or None
    heights: list | None = None  # each row's height in points (None: Excel's own)


def _after_ref(kind: str, style: str, value) -> str:
    """A ``<c>`` from just after its reference's digits: the same for every cell of a
    column that holds the same value, so each is made once a column."""
    if value is None or value == "":
        return f'" s="{style}"/>'
    if kind == "date" and type(value) is date:
        return f'" s="{style}"><v>{excel_serial(value)}</v></c>'
    if type(value) in (int, float) and kind != "text":
        return f'" s="{style}"><v>{value!r}</v></c>'
    text = xml_text(str(value))
    space = ' xml:space="preserve"' if text != text.strip() or "\n" in text else ""
    return f'" s="{style}" t="inlineStr"><is><t{space}>{text}</t></is></c>'


# What plain text (ASCII, its distinct values joined by new lines) must not hold for its
# cells to be made without a look at each: what xml_text escapes, and a space at either
# end of a value (xml:space="preserve"). Every other white space is a control character.
_CARE = re.compile(r"[&<>\x00-\x09\x0b-\x1f\x7f]|_x|^ | $", re.M)


def _made(kind: str, style: str, values: list) -> dict:
    """Each distinct (type, value) of a column -> its cell after the reference's digits.
    A text column's values are looked at together: when none needs escaping or keeping
    its spaces (the usual case), each cell is made by one format."""
    keys = dict.fromkeys(zip(map(type, values), values))
    plain = [value for kind_of, value in keys if kind_of is str and value] \
        if kind == "text" else []
    joined = "\n".join(plain)
    if not plain or not joined.isascii() or _CARE.search(joined) \
            or joined.count("\n") >= len(plain):  # a new line within a value
        return {key: _after_ref(kind, style, key[1]) for key in keys}
    made = {(str, value): f'" s="{style}" t="inlineStr"><is><t>{value}</t></is></c>'
            for value in plain}
    for key in keys:
        if key not in made:
            made[key] = _after_ref(kind, style, key[1])
    return made


def rows_xml(bulk: BulkRows, styles: list[str]) -> str:
    """The ``<row>`` elements of ``bulk``, Excel-numbered from ``first_row + 1``, each
    column in its style (an xf index as text).

    Made a column at a time: a column's cells differ only in their row number and
    value, and the XML after the row number is made once per distinct value (payer
    names, statuses, ages and dates repeat down a column). The pieces (each cell's
    opening, its row number, the rest) are laid into one list in document order and
    joined once.
    """
    letters = [xl_col_to_name(bulk.first_col + i) for i in range(len(bulk.kinds))]
    spans = f"{bulk.first_col + 1}:{bulk.first_col + len(letters)}"
    height = len(bulk.columns[0]) if bulk.columns else 0
    numbers = [str(n) for n in range(bulk.first_row + 1, bulk.first_row + 1 + height)]
    heads = [f'" spans="{spans}">'] * height if not bulk.heights else [
        f'" spans="{spans}">' if points == DEFAULT_HEIGHT
        else f'" spans="{spans}" ht="{points:.16g}" customHeight="1">'
        for points in bulk.heights]
    columns = []
    for letter, kind, style, values in zip(letters, bulk.kinds, styles, bulk.columns):
        made = _made(kind, style, values)
        columns.append((f'<c r="{letter}', list(map(made.__getitem__,
                                                     zip(map(type, values), values)))))
    return "".join(laid_rows(numbers, heads, columns, "</row>"))


def _splice(xml: str, bulk: BulkRows) -> Pieces:
    """Put the rows right after the row above them (the table's first data row), and
    make the sheet's dimension reach the last of them. The rows are made and encoded
    :data:`ROWS_AT_ONCE` at a time into the part's :class:`Pieces`, so that a big table's
    XML sits in memory once, never as text and bytes, or pieces and their join, together."""
    last = bulk.first_row + (len(bulk.columns[0]) if bulk.columns else 0)

    def grow(found: re.Match) -> str:
        if int(found.group(2)) >= last:
            return found.group(0)
        return f'<dimension ref="{found.group(1)}{last}"/>'

    xml = re.sub(r'<dimension ref="([A-Z]+\d+:[A-Z]+)(\d+)"/>', grow, xml, count=1)
    above = bulk.first_row  # Excel number of the row written by XlsxWriter
    start = xml.index(f'<row r="{above}" ')
    end = xml.index("</row>", start) + len("</row>")
    written = dict(_CELL_STYLE.findall(xml, start, end))
    styles = [written.get(f"{xl_col_to_name(bulk.first_col + i)}{above}", "0")
              for i in range(len(bulk.kinds))]
    after = _ROW_NUMBER.search(xml, end)
    if after and int(after.group(1)) <= last:  # two rows of one number: Excel repairs
        raise RuntimeError(f"{bulk.sheet_name}: row {after.group(1)} was written beside "
                           "the bulk rows of its table")
    pieces = [xml[:end].encode("utf-8")]
    for at in range(0, last - bulk.first_row, ROWS_AT_ONCE):
        part = replace(bulk, first_row=bulk.first_row + at,
                       columns=[column[at:at + ROWS_AT_ONCE] for column in bulk.columns],
                       heights=bulk.heights[at:at + ROWS_AT_ONCE] if bulk.heights else None)
        pieces.append(rows_xml(part, styles).encode("utf-8"))
    pieces.append(xml[end:].encode("utf-8"))
    return Pieces(pieces)


_CELL_STYLE = re.compile(r'<c r="([A-Z]+\d+)" s="(\d+)"')
_ROW_NUMBER = re.compile(r'<row r="(\d+)"')
_SHEET = re.compile(r'<sheet\b[^>]*?name="([^"]*)"[^>]*?r:id="([^"]*)"')
_REL = re.compile(r'<Relationship\b[^>]*?Id="([^"]*)"[^>]*?Target="([^"]*)"')


def _sheet_parts(package: Package) -> dict[str, str]:
    """Sheet name -> its part, from workbook.xml and its relationships."""
    targets = dict(_REL.findall(package.read("xl/_rels/workbook.xml.rels").decode("utf-8")))
    out = {}
    for name, rid in _SHEET.findall(package.read("xl/workbook.xml").decode("utf-8")):
        target = targets[rid]
        out[unescape(name)] = target.lstrip("/") if target.startswith("/") else \
            posixpath.normpath(posixpath.join("xl", target))
    return out


def splice_into(path: str | io.BytesIO, bulks: list[BulkRows]) -> None:
    """Rewrite the closed workbook at ``path`` (a file, or a workbook built in memory)
    with the bulk rows in their sheets. The other parts are copied as XlsxWriter
    compressed them (io/xlsx/package.py); only the spliced sheets are deflated again."""
    if not bulks:
        return
    if isinstance(path, io.BytesIO):  # in memory: never a copy on disk
        spliced = _spliced(path.getvalue(), bulks)
        path.seek(0)
        path.truncate()
        path.write(spliced)
        return
    with open(path, "rb") as fh:
        spliced = _spliced(fh.read(), bulks)
    tmp = path + ".bulk"
    with open(tmp, "wb") as fh:
        fh.write(spliced)
    os.replace(tmp, path)


def _spliced(data: bytes, bulks: list[BulkRows]) -> bytes:
    package = Package(data, "the workbook being written")
    parts = _sheet_parts(package)
    for bulk in bulks:
        part = parts[bulk.sheet_name]
        xml = package.read(part).decode("utf-8")
        package.put(part, _splice(xml, bulk))
    _grow_tables(package, {b.table: b for b in bulks if b.table})
    return package.build()


_TABLE_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.table+xml"
_OVERRIDE = re.compile(r'<Override\b[^>]*?PartName="/([^"]+)"[^>]*?ContentType="([^"]+)"')
_DISPLAY_NAME = re.compile(r'<table\b[^>]*?\bdisplayName="([^"]*)"')
_TABLE_COLUMN = re.compile(r'<tableColumn\b[^>]*?\bname="[^"]*"')


def _grow_tables(package: Package, tables: dict[str, BulkRows]) -> None:
    """Make each bulk table's range reach its last row. XlsxWriter was given only the
    table's first rows: its add_table visits every cell of the range it is given (half a
    second for a 40,000-line journal); the table parts are found by their content type
    and name, never by the part names XlsxWriter picks."""
    if not tables:
        return
    types = package.read("[Content_Types].xml").decode("utf-8")
    for part, kind in _OVERRIDE.findall(types):
        if kind != _TABLE_TYPE:
            continue
        xml = package.read(part).decode("utf-8")
        found = _DISPLAY_NAME.search(xml)
        bulk = tables.get(unescape(found.group(1))) if found else None
        if bulk is None:
            continue
        xml = re.sub(r'(<table\b[^>]*?\sref=")[^"]*"', rf'\g<1>{bulk.table_ref}"', xml, count=1)
        xml = re.sub(r'(<autoFilter\b[^>]*?\sref=")[^"]*"', rf'\g<1>{bulk.filter_ref}"', xml,
                     count=1)
        xml = _TABLE_COLUMN.sub(_labeller(bulk.labels), xml)
        package.put(part, xml.encode("utf-8"))


def _labeller(labels: list):
    """Each table column's opening in turn with its total row label, as XlsxWriter
    writes one."""
    labels = iter(labels)

    def labelled(found: re.Match) -> str:
        label = next(labels, None)
        if label is None:
            return found.group(0)
        text = escape(label, {'"': "&quot;", "\n": "&#xA;"})
        return f'{found.group(0)} totalsRowLabel="{text}"'

    return labelled
