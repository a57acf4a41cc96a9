"""Growing the owner's workbook by what the contract allows claimbook to add: an optional
column a sheet lacks, put at the right of its table, and a sheet claimbook writes (the
Remittances, the Claims Log ...) added as an Excel Table.

Both are edits on the parts' bytes, like every other write (see ``surgery``): the header
row gains one cell, the table one column, ``<cols>`` one width; a new sheet adds one
worksheet part, one table part and their relationships. Nothing else changes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from xml.sax.saxutils import quoteattr

from claimbook.io.xlsx import parts
from claimbook.io.xlsx.package import Package
from claimbook.io.xlsx.sheetxml import (
    Value,
    cell_xml,
    column_index,
    column_letters,
    dimension,
    find_row,
    parse_attrs,
    replace_cells,
    split_ref,
    xml_text,
)
from claimbook.io.xlsx.stylesheet import Stylesheet
from claimbook.rules import schema
from claimbook.rules.problems import ClaimbookError

_TABLE_TAG = re.compile(rb"<table\b[^>]*>")
_TABLE_COLUMNS = re.compile(rb"<tableColumns\b[^>]*>")
_TABLE_COLUMN_ID = re.compile(rb'<tableColumn\b[^>]*?\bid="(\d+)"')
_TABLE_NAME = re.compile(rb'\b(?:name|displayName)="([^"]*)"')
_COL = re.compile(rb'<col\b[^>]*?min="(\d+)"[^>]*?max="(\d+)"')
TABLE_TYPE = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/table"
TABLE_CONTENT = "application/vnd.openxmlformats-officedocument.spreadsheetml.table+xml"
MAIN_NS = b"http://schemas.openxmlformats.org/spreadsheetml/2006/main"
MONEY_CODE = "#,##0.00"


@dataclass
class AddedColumn:
    """A column claimbook added to a sheet, to say so."""

    sheet: str
    header: str
    letters: str

    def __str__(self) -> str:
        return f'{self.sheet}: added the column "{self.header}" (column {self.letters})'


# -- a column at the right of the table ------------------------------------------------
def add_column(package: Package, part: str, xml: bytes, sheet_name: str, header_row: int,
               column: schema.Column) -> tuple[bytes, str]:
    """Add ``column``'s header at the right of the sheet's header row and its table.

    Args:
        package: the workbook's parts (the table part is changed in place).
        part: the sheet's part name; ``xml`` its current content.
        sheet_name: the sheet's name, for messages.
        header_row: the header's Excel row number.
        column: the schema column to add.

    Returns:
        The sheet's new XML and the new column's letters.
    """
    header = find_row(xml, header_row)
    if header is None:
        raise ClaimbookError(f"{sheet_name}!{header_row}:{header_row}: the header row is "
                             "not in the sheet as claimbook read it")
    last = max((column_index(c.letters) for c in header.cells if c.has_value), default=-1)
    table = _table_on_row(package, part, header_row)
    if table is not None:
        last = max(last, column_index(split_ref(_table_ref(package, table).split(":")[-1])[0]))
    letters = column_letters(last + 1)
    if last + 1 >= 16384:
        raise ClaimbookError(f'{sheet_name}: no room for a "{column.header}" column right of '
                             "the last one")
    model = header.cell(column_letters(last)) if last >= 0 else None
    cell = {letters: Value("s", column.header, model.style if model else None)}
    xml = xml[:header.start] + replace_cells(header, xml, cell) + xml[header.end:]
    xml = dimension(xml, header_row, last + 1)
    xml = _with_width(xml, last + 2, column.width)
    if table is not None and column_letters(last) == split_ref(
            _table_ref(package, table).split(":")[-1])[0]:
        _grow_table_right(package, table, column.header)
    return xml, letters


def _table_on_row(package: Package, part: str, header_row: int) -> str | None:
    for table in parts.table_parts(package, part):
        first = _table_ref(package, table).split(":")[0]
        if split_ref(first)[1] == header_row:
            return table
    return None


def _table_ref(package: Package, table: str) -> str:
    tag = _TABLE_TAG.search(package.read(table)).group(0)
    return parse_attrs(tag)[b"ref"].decode()


def _grow_table_right(package: Package, table: str, header: str) -> None:
    xml = package.read(table)
    tag = _TABLE_TAG.search(xml)
    ref = parse_attrs(tag.group(0))[b"ref"].decode()
    first, _, end = ref.partition(":")
    end_col, end_row = split_ref(end or first)
    grown = f"{first}:{column_letters(column_index(end_col) + 1)}{end_row}"
    head = tag.group(0).replace(b'ref="%s"' % ref.encode(), b'ref="%s"' % grown.encode(), 1)
    rest = xml[tag.end():].replace(b'<autoFilter ref="%s"' % ref.encode(),
                                   b'<autoFilter ref="%s"' % grown.encode(), 1)
    xml = xml[:tag.start()] + head + rest
    columns = _TABLE_COLUMNS.search(xml)
    if columns is None:
        raise ClaimbookError(f"{table}: a table with no columns")
    new_id = max((int(i) for i in _TABLE_COLUMN_ID.findall(xml)), default=0) + 1
    count = len(_TABLE_COLUMN_ID.findall(xml)) + 1
    opening = re.sub(rb'count="\d+"', b'count="%d"' % count, columns.group(0))
    closing = xml.index(b"</tableColumns>")
    element = b'<tableColumn id="%d" name=%s/>' % (new_id, quoteattr(header).encode())
    xml = (xml[:columns.start()] + opening + xml[columns.end():closing] + element
           + xml[closing:])
    package.put(table, xml)


def _with_width(xml: bytes, number: int, width: float) -> bytes:
    """``<cols>`` with a width for column ``number`` (1-based) unless one covers it."""
    element = b'<col min="%d" max="%d" width="%g" customWidth="1"/>' % (number, number, width)
    cols = re.search(rb"<cols>(.*?)</cols>", xml, re.S)
    if cols is None:
        at = xml.find(b"<sheetData")
        return xml[:at] + b"<cols>" + element + b"</cols>" + xml[at:]
    if any(int(a) <= number <= int(b) for a, b in _COL.findall(cols.group(1))):
        return xml
    return xml[:cols.end(1)] + element + xml[cols.end(1):]


# -- a new sheet, as a table -----------------------------------------------------------
def add_table_sheet(package: Package, spec: schema.Sheet, rows: list[dict[str, Value]],
                    styles: Stylesheet) -> tuple[str, list[int]]:
    """Add a claimbook-written contract sheet (``spec.optional``) as the last tab: its
    header and ``rows`` (column field -> cell value), as an Excel Table.

    Returns:
        The sheet's part name and the Excel rows of the data rows.
    """
    columns = spec.columns
    header_style = styles.cell_format(font_id=styles.font(
        b'<font><b/><sz val="11"/><name val="Calibri"/><family val="2"/></font>'))
    money = styles.cell_format(fmt_id=styles.number_format(MONEY_CODE))
    date = styles.cell_format(fmt_id=styles.number_format("yyyy-mm-dd"))
    kinds = {schema.MONEY: money, schema.DATE: date}
    head = b"".join(cell_xml(f"{column_letters(j)}1", Value("s", c.header), header_style)
                    for j, c in enumerate(columns))
    body, numbers = [], []
    for n, values in enumerate(rows or [{}], start=2):
        cells = b"".join(cell_xml(f"{column_letters(j)}{n}", values.get(c.field, Value("")),
                                  kinds.get(c.type))
                         for j, c in enumerate(columns))
        body.append(b'<row r="%d">%s</row>' % (n, cells))
        numbers.append(n)
    last_col = column_letters(len(columns) - 1)
    last_row = 1 + max(len(rows), 1)
    ref = f"A1:{last_col}{last_row}"
    widths = b"".join(b'<col min="%d" max="%d" width="%g" customWidth="1"/>'
                      % (j + 1, j + 1, c.width) for j, c in enumerate(columns))
    sheet = (b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
             b'<worksheet xmlns="%s" xmlns:r="http://schemas.openxmlformats.org/'
             b'officeDocument/2006/relationships"><sheetPr><pageSetUpPr fitToPage="1"/>'
             b'</sheetPr><dimension ref="%s"/>'
             b'<sheetViews><sheetView workbookViewId="0"><pane ySplit="1" topLeftCell="A2" '
             b'activePane="bottomLeft" state="frozen"/></sheetView></sheetViews>'
             b'<sheetFormatPr defaultRowHeight="15"/><cols>%s</cols><sheetData>'
             b'<row r="1">%s</row>%s</sheetData>'
             b'<pageMargins left="0.5" right="0.5" top="0.75" bottom="0.75" header="0.3" '
             b'footer="0.3"/><pageSetup orientation="landscape" fitToWidth="1" fitToHeight="0"/>'
             b'<tableParts count="1"><tablePart r:id="rId1"/></tableParts></worksheet>'
             % (MAIN_NS, ref.encode(), widths, head, b"".join(body)))
    part = parts.add_sheet(package, spec.name, sheet)
    _add_table(package, part, spec, ref)
    return part, numbers[:len(rows)]


def _add_table(package: Package, sheet_part: str, spec: schema.Sheet, ref: str) -> None:
    number = 1
    while package.has(f"xl/tables/table{number}.xml"):
        number += 1
    table_part = f"xl/tables/table{number}.xml"
    name = _table_name(package, spec.name)
    ids = max((_table_id(package, p) for p in _all_tables(package)), default=0) + 1
    columns = b"".join(b'<tableColumn id="%d" name=%s/>' % (j + 1, quoteattr(c.header).encode())
                       for j, c in enumerate(spec.columns))
    table = (b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
             b'<table xmlns="%s" id="%d" name="%s" displayName="%s" ref="%s">'
             b'<autoFilter ref="%s"/><tableColumns count="%d">%s</tableColumns>'
             b'<tableStyleInfo name="TableStyleMedium2" showFirstColumn="0" '
             b'showLastColumn="0" showRowStripes="1" showColumnStripes="0"/></table>'
             % (MAIN_NS, ids, name.encode(), name.encode(), ref.encode(), ref.encode(),
                len(spec.columns), columns))
    package.put(table_part, table)
    rels = (b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            b'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/'
            b'relationships"><Relationship Id="rId1" Type="%s" Target="../tables/%s"/>'
            b"</Relationships>" % (TABLE_TYPE.encode(), f"table{number}.xml".encode()))
    package.put(parts.rels_of(sheet_part), rels)
    types = package.read(parts.CONTENT_TYPES)
    override = f'<Override PartName="/{table_part}" ContentType="{TABLE_CONTENT}"/>'.encode()
    at = types.rindex(b"</Types>")
    package.put(parts.CONTENT_TYPES, types[:at] + override + types[at:])


def _all_tables(package: Package) -> list[str]:
    return [p for p in list(package.members) + list(package.changed)
            if p.startswith("xl/tables/") and p.endswith(".xml")]


def _table_id(package: Package, part: str) -> int:
    found = re.search(rb'\bid="(\d+)"', _TABLE_TAG.search(package.read(part)).group(0))
    return int(found.group(1)) if found else 0


def _table_name(package: Package, sheet_name: str) -> str:
    """A table name no other table (or defined name) of the workbook uses."""
    base = re.sub(r"\W", "", sheet_name) or "Table"
    taken = {n.decode().casefold() for p in _all_tables(package)
             for n in _TABLE_NAME.findall(_TABLE_TAG.search(package.read(p)).group(0))}
    taken |= {n.casefold() for n in re.findall(r'<definedName\b[^>]*name="([^"]*)"',
                                               package.read(parts.WORKBOOK).decode("utf-8"))}
    name, n = base, 2
    while name.casefold() in taken:
        name, n = f"{base}{n}", n + 1
    return name


__all__ = ["AddedColumn", "add_column", "add_table_sheet", "xml_text"]
