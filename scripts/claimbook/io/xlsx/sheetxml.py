"""Edits to one worksheet's XML, made on its bytes, never by parsing the whole sheet.

A sheet of 100,000 rows is tens of megabytes of XML. Appending reads only its tail
(back from ``</sheetData>`` to the last row that holds a value); replacing a cell finds
its row by number. Everything outside the edited rows stays byte for byte as it was.

Cells are written as inline strings (``t="inlineStr"``), so sharedStrings.xml is never
touched and text that starts with ``=`` is text, never a formula.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import cached_property

from claimbook.rules.problems import ClaimbookError

EXCEL_EPOCH = date(1899, 12, 30)
EXCEL_EPOCH_1904 = date(1904, 1, 1)

_ROW_START = re.compile(rb"<row\b")
_CELL = re.compile(rb"<c\b([^>]*?)(/>|>(.*?)</c>)", re.S)
_ATTR = re.compile(rb'([\w:]+)="([^"]*)"')
_CELL_REF = re.compile(rb'(?<![\w:])r="\$?([A-Za-z]{1,3})\$?\d')
_ROW_CELL_REF = re.compile(rb'<c r="([A-Z]{1,3})\d')
_DIMENSION = re.compile(rb'<dimension ref="([^"]*)"\s*/>')
_VALUE_MARKS = (b"<v>", b"<v ", b"<is>", b"<is ", b"<f>", b"<f ")
_ROW_KEEP = (b"spans", b"s", b"customFormat", b"ht", b"customHeight", b"thickTop",
             b"thickBot", b"x14ac:dyDescent")
_BAD_XML_CHARS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_ESCAPE_LOOKALIKE = re.compile(r"_(x[0-9A-Fa-f]{4}_)")


def column_index(letters: str) -> int:
    """Excel letters -> zero-based index (A -> 0, AB -> 27)."""
    n = 0
    for ch in letters:
        n = n * 26 + ord(ch) - 64
    return n - 1


def column_letters(index: int) -> str:
    """Zero-based index -> Excel letters."""
    out, index = "", index + 1
    while index:
        index, rem = divmod(index - 1, 26)
        out = chr(65 + rem) + out
    return out


_REF = re.compile(r"\$?([A-Za-z]{1,3})\$?(\d+)")


def split_ref(ref: str) -> tuple[str, int]:
    """``"AB12"`` -> ``("AB", 12)``."""
    m = _REF.fullmatch(ref)
    if not m:
        raise ValueError(ref)
    return m.group(1).upper(), int(m.group(2))


@dataclass
class Cell:
    """One cell as found in the sheet XML (its attributes read when first asked for: a
    row of a big sheet is parsed for one cell, the others are only carried along)."""

    letters: str
    head: bytes  # the attributes' text, between "<c" and ">"
    body: bytes  # what is between <c ...> and </c>; b"" for <c .../>
    raw: bytes = b""  # the whole element as stored

    @cached_property
    def attrs(self) -> dict[bytes, bytes]:
        return parse_attrs(self.head)

    @property
    def style(self) -> bytes | None:
        return self.attrs.get(b"s")

    @property
    def has_value(self) -> bool:
        return any(mark in self.body for mark in _VALUE_MARKS)

    @property
    def is_text(self) -> bool:
        return self.attrs.get(b"t") in (b"s", b"inlineStr", b"str")


@dataclass
class Row:
    """One ``<row>`` element: where it sits in the XML, its number, attributes, cells."""

    start: int
    end: int
    number: int
    attrs: dict[bytes, bytes]
    cells: list[Cell] = field(default_factory=list)

    @property
    def has_value(self) -> bool:
        return any(c.has_value for c in self.cells)

    def cell(self, letters: str) -> Cell | None:
        return next((c for c in self.cells if c.letters == letters), None)


def parse_attrs(text: bytes) -> dict[bytes, bytes]:
    return dict(_ATTR.findall(text))


def _row_at(xml: bytes, start: int, previous_number: int) -> Row:
    head_end = xml.index(b">", start)
    self_closing = xml[head_end - 1:head_end] == b"/"
    attrs = parse_attrs(xml[start + 4:head_end - (1 if self_closing else 0)])
    end = head_end + 1 if self_closing else xml.index(b"</row>", head_end) + 6
    number = int(attrs[b"r"]) if b"r" in attrs else previous_number + 1
    row = Row(start, end, number, attrs)
    if not self_closing:
        row.cells = _cells(xml[head_end + 1:end - 6], number)
    return row


def _cells(body: bytes, number: int) -> list[Cell]:
    cells, index = [], -1
    for m in _CELL.finditer(body):
        head = m.group(1)
        ref = _CELL_REF.search(head)
        if ref:
            letters = ref.group(1).decode().upper()
            index = column_index(letters)
        else:
            index += 1
            letters = column_letters(index)
        cells.append(Cell(letters, head, m.group(3) or b"", m.group(0)))
    return cells


def sheet_data_bounds(xml: bytes, where: str) -> tuple[int, int]:
    """Where the rows sit: from just after ``<sheetData>`` to ``</sheetData>``."""
    open_at = xml.find(b"<sheetData")
    if open_at < 0:
        raise ClaimbookError(f"{where}: claimbook cannot edit this sheet as it is stored (not "
                             "saved by Excel?); open the workbook in Excel, save it, and run "
                             "the command again")
    head_end = xml.index(b">", open_at)
    if xml[head_end - 1:head_end] == b"/":
        return head_end + 1, head_end + 1
    return head_end + 1, xml.index(b"</sheetData>", head_end)


def tail_rows(xml: bytes, where: str, stop_at: int) -> tuple[Row | None, list[Row]]:
    """The last row holding a value, and the empty (formatted) rows after it.

    Reads backwards from ``</sheetData>``; never looks at rows above the last real one.

    Args:
        xml: the sheet XML.
        where: the sheet's name, for errors.
        stop_at: the header's row number; rows at or above it are not looked at.

    Returns:
        (the last row with a value below the header or None, the empty rows after it).
    """
    first, last = sheet_data_bounds(xml, where)
    if first == last:
        return None, []
    _require_row_numbers(xml, first, where)
    empty: list[Row] = []
    pos = last
    while pos > first:
        start = xml.rfind(b"<row", first, pos)
        if start < 0:
            break
        row = _row_at(xml, start, 0)
        if row.number <= stop_at:
            return None, list(reversed(empty))
        if row.has_value:
            return row, list(reversed(empty))
        empty.append(row)
        pos = start
    return None, list(reversed(empty))


def _require_row_numbers(xml: bytes, first: int, where: str) -> None:
    start = xml.find(b"<row", first)
    if start >= 0 and not re.match(rb"<row\b[^>]*\br=", xml[start:start + 400]):
        raise ClaimbookError(f"{where}: rows without row numbers; open the workbook in "
                             "Excel, save it, and run the command again")


def _row_start(xml: bytes, number: int, start: int) -> int:
    """Where the row numbered ``number`` starts (searched from ``start``), or -1."""
    needle = b'<row r="%d"' % number
    pos = xml.find(needle, start)
    while pos >= 0 and xml[pos + len(needle):pos + len(needle) + 1] not in (b" ", b">", b"/"):
        pos = xml.find(needle, pos + 1)
    return pos


def find_row(xml: bytes, number: int, start: int = 0) -> Row | None:
    """The row numbered ``number`` (searched from ``start``), or None."""
    pos = _row_start(xml, number, start)
    return None if pos < 0 else _row_at(xml, pos, number - 1)


def row_bounds(xml: bytes, number: int, start: int = 0) -> tuple[int, int] | None:
    """Where the row numbered ``number`` sits (searched from ``start``): its element's
    start and end, its cells left unread; None when there is no such row."""
    pos = _row_start(xml, number, start)
    if pos < 0:
        return None
    head_end = xml.index(b">", pos)
    if xml[head_end - 1:head_end] == b"/":
        return pos, head_end + 1
    return pos, xml.index(b"</row>", head_end) + 6


def cell_at(xml: bytes, start: int, end: int, letters: str, number: int
            ) -> tuple[int, int, Cell] | None:
    """The cell ``letters`` of row ``number`` found by its reference between ``start`` and
    ``end`` (the row's bounds): its element's start and end, and the cell; None when the
    row has no cell written with that reference."""
    at = xml.find(b'<c r="%s%d"' % (letters.encode(), number), start, end)
    if at < 0:
        return None
    head_end = xml.index(b">", at)
    if xml[head_end - 1:head_end] == b"/":
        stop = head_end + 1
        return at, stop, Cell(letters, xml[at + 2:head_end - 1], b"", xml[at:stop])
    close = xml.index(b"</c>", head_end)
    stop = close + 4
    return at, stop, Cell(letters, xml[at + 2:head_end], xml[head_end + 1:close], xml[at:stop])


def cell_place(xml: bytes, start: int, end: int, letters: str) -> int | None:
    """Where a cell of column ``letters`` goes in the row between ``start`` and ``end``
    (a row with no such cell): before the first cell to its right, else before
    ``</row>``; None when the row cannot be placed into this way (written as ``<row/>``,
    or with a cell that gives no reference)."""
    if xml[end - 2:end] == b"/>":
        return None
    wanted = column_index(letters)
    refs = 0
    for found in _ROW_CELL_REF.finditer(xml, start, end):
        refs += 1
        if column_index(found.group(1).decode()) > wanted:
            if xml.count(b"<c", start, end) != xml.count(b'<c r="', start, end):
                return None
            return found.start()
    if refs != xml.count(b"<c", start, end):
        return None
    return end - len(b"</row>")


# -- writing cells ---------------------------------------------------------------------
def xml_text(text: str) -> str:
    """Text as XML character data: escaped, Excel's ``_xHHHH_`` for control characters."""
    if "_x" in text:  # (the cheap checks first: most text needs neither)
        text = _ESCAPE_LOOKALIKE.sub(r"_x005F_\1", text)
    if not text.isprintable() and _BAD_XML_CHARS.search(text):
        text = _BAD_XML_CHARS.sub(lambda m: f"_x{ord(m.group()):04X}_", text)
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def excel_serial(day: date, date1904: bool = False) -> int:
    """A date as Excel's serial day number, in the workbook's date system (days since
    1899-12-30, or since 1904-01-01 where the workbook counts from 1904)."""
    if isinstance(day, datetime):
        day = day.date()
    return (day - (EXCEL_EPOCH_1904 if date1904 else EXCEL_EPOCH)).days


@dataclass(frozen=True)
class Value:
    """What to write in one cell: a number (as its exact text), text, or nothing."""

    kind: str  # "n" number, "s" text, "" blank
    text: str = ""
    style: bytes | None = None  # overrides the style copied from the row above


def laid_rows(numbers: list, heads: list, columns: list[tuple[object, list]], close):
    """Row elements laid out a column at a time: the pieces of every row, in document
    order, in one list to join once (text or bytes alike).

    Each row is ``<row r="`` (text or bytes as ``close`` is), its number, its head (the
    rest of its tag), then per column the cell's opening (``<c r="B``), the row number
    and the cell's rest (from just after its reference: see :func:`cell_rest`).

    Args:
        numbers: each row's number, as text or bytes.
        heads: each row's head (``" spans="1:9">``).
        columns: (the column's cell opening, each row's cell rest) per column.
        close: the row's end (``</row>``).
    """
    height = len(numbers)
    step = 3 * len(columns) + 4  # <row r=", its number, its head; three per cell; </row>
    pieces: list = [None] * (step * height)
    pieces[0::step] = [b'<row r="' if isinstance(close, bytes) else '<row r="'] * height
    pieces[1::step] = numbers
    pieces[2::step] = heads
    for at, (opening, rests) in enumerate(columns):
        pieces[3 + 3 * at::step] = [opening] * height
        pieces[4 + 3 * at::step] = numbers
        pieces[5 + 3 * at::step] = rests
    pieces[step - 1::step] = [close] * height
    return pieces


def cell_xml(ref: str, value: Value, style: bytes | None) -> bytes:
    """One ``<c>`` element; text as an inline string, never a formula."""
    rest = cell_rest(value, style)
    return b'<c r="%s%s' % (ref.encode(), rest) if rest else b""


def cell_rest(value: Value, style: bytes | None) -> bytes:
    """A ``<c>`` element from just after its reference's quote (``'" s="3"><v>1</v></c>'``
    for ``<c r="B7" s="3"><v>1</v></c>``); b"" when there is no cell to write (a blank
    with no style)."""
    s = value.style if value.style is not None else style
    s_attr = b' s="%s"' % s if s is not None else b""
    if value.kind == "n":
        return b'"%s><v>%s</v></c>' % (s_attr, value.text.encode())
    if value.kind == "s":
        text = xml_text(value.text)
        space = ' xml:space="preserve"' if text != text.strip() or "\n" in text else ""
        return (b'"%s t="inlineStr"><is><t%s>%s</t></is></c>'
                % (s_attr, space.encode(), text.encode("utf-8")))
    if s is None:
        return b""
    return b'"%s/>' % s_attr


def row_xml(number: int, values: dict[str, Value], model: Row | None) -> bytes:
    """A new row: the model row's attributes and cell styles, with ``values`` written.

    Args:
        number: the new row's number.
        values: column letters -> value.
        model: the row above, whose formatting the new row takes (None: no formatting).
    """
    styles = {c.letters: c.style for c in model.cells} if model else {}
    letters = sorted(set(styles) | set(values), key=lambda x: (len(x), x))
    kept = dict((k, v) for k, v in (model.attrs.items() if model else ()) if k in _ROW_KEEP)
    if b"spans" in kept and letters:
        kept[b"spans"] = b"%d:%d" % (column_index(letters[0]) + 1, column_index(letters[-1]) + 1)
    attrs = b"".join(b' %s="%s"' % (k, v) for k, v in kept.items())
    cells = b"".join(cell_xml(f"{col}{number}", values.get(col, Value("")), styles.get(col))
                     for col in letters)
    return b'<row r="%d"%s>%s</row>' % (number, attrs, cells)


def replace_cells(row: Row, xml: bytes, values: dict[str, Value]) -> bytes:
    """The row element with some cells replaced (styles kept) or added in column order."""
    cells = {c.letters: c for c in row.cells}
    letters = sorted(set(cells) | set(values), key=lambda x: (len(x), x))
    parts = []
    for col in letters:
        old = cells.get(col)
        if col in values:
            parts.append(cell_xml(f"{col}{row.number}", values[col], old.style if old else None))
        else:
            parts.append(old.raw)
    head_end = xml.index(b">", row.start)
    head = xml[row.start:head_end].rstrip(b"/") + b">"
    return head + b"".join(parts) + b"</row>"


# -- ranges ----------------------------------------------------------------------------
DIMENSION_WITHIN = 4096  # a sheet's <dimension> is in its first bytes, before any row


def dimension(xml: bytes, last_row: int, last_col: int) -> bytes:
    """The sheet with ``<dimension>`` grown to cover ``last_row`` and ``last_col``."""
    m = _DIMENSION.search(xml, 0, DIMENSION_WITHIN)
    if not m:
        return xml
    ref = m.group(1).decode()
    new = grow_range(ref, last_row, last_col)
    if new == ref:
        return xml
    return xml[:m.start(1)] + new.encode() + xml[m.end(1):]


def grow_range(ref: str, last_row: int, last_col: int = -1) -> str:
    """``"A1:L603"`` grown to at least row ``last_row`` and column ``last_col``."""
    first, _, end = ref.partition(":")
    end = end or first
    col1, row1 = split_ref(first)
    col2, row2 = split_ref(end)
    col2 = column_letters(max(column_index(col2), last_col))
    return f"{col1}{row1}:{col2}{max(row2, last_row)}"


def extend_ranges(sqref: str, old_last: int, new_last: int) -> str:
    """Ranges (space separated) that covered row ``old_last`` grown to ``new_last``."""
    out = []
    for ref in sqref.split():
        try:
            first, _, end = ref.partition(":")
            end = end or first
            col1, row1 = split_ref(first)
            col2, row2 = split_ref(end)
        except ValueError:
            out.append(ref)
            continue
        if row1 <= old_last <= row2 < new_last:
            ref = f"{col1}{row1}:{col2}{new_last}"
        out.append(ref)
    return " ".join(out)


_SQREF_ATTR = re.compile(rb'(<(?:dataValidation|conditionalFormatting|autoFilter)\b[^>]*?'
                         rb'\b(?:sqref|ref)=")([^"]*)(")')
_XM_SQREF = re.compile(rb"(<xm:sqref>)([^<]*)(</xm:sqref>)")


def extend_rules(xml: bytes, start: int, old_last: int, new_last: int) -> bytes:
    """Data validation, conditional formats and the filter, from ``start`` on, grown so
    that those that covered row ``old_last`` cover the new rows too."""
    def grow(m: re.Match) -> bytes:
        new = extend_ranges(m.group(2).decode(), old_last, new_last).encode()
        return m.group(1) + new + m.group(3)

    tail = _SQREF_ATTR.sub(grow, xml[start:])
    tail = _XM_SQREF.sub(grow, tail)
    return xml[:start] + tail
