"""The top of a sheet, read from its XML part: where its cells start and its header.

The bulk of a sheet is parsed by fastexcel into Arrow, which must be told each column's
type before it parses. The header says which column is which, so it is read first from
the first rows of the sheet's XML (a few kilobytes of a stream that may be hundreds of
megabytes), resolving shared strings only as far as the header needs.
"""

from __future__ import annotations

import re
import threading
import zipfile
from dataclasses import dataclass, field
from xml.etree.ElementTree import iterparse

from claimbook.io.xlsx import parts
from claimbook.io.xlsx.cells import ExcelError

_CELL_REF = re.compile(r"([A-Z]+)(\d+)")


class ZipParts:
    """A zip file read part by part, with the ``has``/``read`` that :mod:`parts` uses."""

    def __init__(self, zf: zipfile.ZipFile, where: str):
        self.zip = zf
        self.where = where
        self.names = set(zf.namelist())

    def has(self, name: str) -> bool:
        return name in self.names

    def read(self, name: str) -> bytes:
        return self.zip.read(name)


@dataclass
class SheetHead:
    """The first rows of a sheet."""

    first_row: int = 0  # the Excel row of the first cell with a value; 0 for an empty sheet
    header_row: int = 0  # the Excel row of the first row that is not blank; 0 if none
    header: dict[int, object] = field(default_factory=dict)  # column index -> raw value
    rows: list[tuple[int, dict[int, object]]] = field(default_factory=list)  # read so far


def column_index(letters: str) -> int:
    """Excel letters -> zero-based column index (A -> 0, AB -> 27)."""
    index = 0
    for char in letters:
        index = index * 26 + ord(char) - 64
    return index - 1


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


class SharedStrings:
    """The workbook's shared strings, parsed lazily up to the highest index asked for."""

    def __init__(self, source: ZipParts):
        self.source = source
        self.strings: list[str] = []
        part = "xl/sharedStrings.xml"
        self._events = iterparse(source.zip.open(part), ("end",)) if source.has(part) else None
        self._lock = threading.Lock()  # sheets' heads are read on several threads

    def get(self, index: int) -> str:
        if index < len(self.strings):
            return self.strings[index]
        with self._lock:
            return self._parse_to(index)

    def _parse_to(self, index: int) -> str:
        while index >= len(self.strings) and self._events is not None:
            try:
                _, element = next(self._events)
            except StopIteration:
                self._events = None
                break
            if _local(element.tag) == "si":
                self.strings.append(_string_item(element))
                element.clear()
        return self.strings[index] if index < len(self.strings) else ""


def _string_item(element) -> str:
    """The text of an ``<si>``/``<is>``: its ``<t>`` runs, phonetic guides left out."""
    out = []
    for node in element.iter():
        name = _local(node.tag)
        if name == "rPh":
            node.clear()  # a phonetic reading, not part of the text
        elif name == "t" and node.text:
            out.append(node.text)
    return "".join(out)


def _cell_value(cell, strings: SharedStrings) -> object:
    kind = cell.get("t", "n")
    value = None
    inline = None
    for node in cell:
        name = _local(node.tag)
        if name == "v":
            value = node.text
        elif name == "is":
            inline = _string_item(node)
    if kind == "inlineStr":
        return inline
    if value is None:
        return None
    if kind == "s":
        return strings.get(int(value))
    if kind == "e":
        return ExcelError(value)
    if kind == "b":
        return value == "1"
    if kind in ("str", "d"):
        return value
    try:
        return float(value)
    except ValueError:
        return value


def _blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not isinstance(value, ExcelError)
                             and not value.strip())


def read_head(source: ZipParts, part: str, strings: SharedStrings, rows_wanted: int = 0
              ) -> SheetHead:
    """The first cell row and the header of a sheet part.

    Args:
        source: the workbook's zip.
        part: the sheet's part name (``xl/worksheets/sheet8.xml``).
        strings: the workbook's shared strings.
        rows_wanted: also keep this many rows (the Practice sheet is read whole).
    """
    head = SheetHead()
    row = 0
    with source.zip.open(part) as stream:
        for _, element in iterparse(stream, ("end",)):
            if _local(element.tag) != "row":
                continue
            cells = _row_cells(element, strings)
            number = element.get("r")
            element.clear()
            row = int(number) if number else row + 1
            if not cells:
                continue
            head.first_row = head.first_row or row
            if rows_wanted:
                head.rows.append((row, cells))
            if not head.header_row and not all(_blank(v) for v in cells.values()):
                head.header_row, head.header = row, cells
            if head.header_row and len(head.rows) >= rows_wanted:
                break
    return head


def _row_cells(row, strings: SharedStrings) -> dict[int, object]:
    cells = {}
    position = -1
    for cell in row:
        if _local(cell.tag) != "c":
            continue
        ref = _CELL_REF.match(cell.get("r", ""))
        position = column_index(ref.group(1)) if ref else position + 1
        value = _cell_value(cell, strings)
        if value is not None:
            cells[position] = value
    return cells


def sheet_parts(source: ZipParts) -> dict[str, str]:
    """Sheet name -> part name, in tab order."""
    return {s["name"]: s["part"] for s in parts.sheets(source) if s["part"]}
