"""Read the owner's workbook as typed: each sheet into Arrow columns, each column
converted once, by its type.

fastexcel parses each contract sheet into Arrow (calamine underneath, cached formula
values included) with every column's type given from the schema, never guessed:
IDs and codes as text (``02134`` stays ``"02134"``), money and whole numbers as numbers,
dates as dates. :mod:`claimbook.io.xlsx.columns` turns those into the contract's types
(money as integer cents) and every cell that cannot be read into a problem that names
its cell: ``Payments!F14``. The big sheets stay as columns (the money computations
work on them); records are made from them only when something asks.
"""

from __future__ import annotations

import io
import logging
import os
import re
import threading
import zipfile
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from claimbook.io import arrow, memory
from claimbook.io.xlsx import cells, columns
from claimbook.io.xlsx.cells import CellError, column_letter, convert  # noqa: F401
from claimbook.io.xlsx.inspect import inspect_workbook
from claimbook.io.xlsx.sheethead import SharedStrings, ZipParts, read_head, sheet_parts
from claimbook.rules import schema
from claimbook.rules.problems import BadData, Problem, WorkbookUnreadable
from claimbook.rules.records import RECORD_CLASSES, Book, LazyRecords, Settings, Source

# Sheets that grow with the practice: kept as columns, records made only on demand.
BIG_SHEETS = ("Appointments", "Payments")
ROW = "row"  # the column holding each record's Excel row number
BLOCK_ROWS = 2048  # rows made into Python values at a time for records made on demand
# The big sheets are parsed in threads of their own (faster on two cores). From a file this
# big on, what each parse freed is given back to the system as soon as it ends, and the
# biggest sheet parses with the workbook's own reader, so that its parse, the peak of
# memory, sits neither on the others' freed heaps nor beside another copy of the file.
GIVE_BACK_FROM = 32 << 20

logging.getLogger("fastexcel").setLevel(logging.ERROR)  # no notes about all-blank columns


@dataclass
class SheetLayout:
    """Where a contract sheet's columns are: what a writer needs to add or change a row."""

    name: str  # the sheet's name in the workbook ("payments" if the owner typed that)
    header_row: int  # the header's Excel row number; 0 when the sheet has no header
    letters: dict[str, str]  # field -> column letter, for the columns the sheet has
    raw_keys: list = field(default_factory=list, repr=False)  # the key column, as read
    issued: str | None = None  # the last ID claimbook gave here (see xlsx/idmarks.py)

    def keys(self) -> list[str]:
        """Every key (ID) on the sheet, in sheet order, then the last ID claimbook gave
        here (so an ID whose rows were deleted is still taken)."""
        keys = [k for k in self.raw_keys if k]
        return keys + [self.issued] if self.issued else keys


@dataclass
class SheetTable:
    """One contract sheet, read: a column per schema field (converted, defaults filled
    in) and ``row``, each record's Excel row; blank rows left out."""

    spec: schema.Sheet
    layout: SheetLayout
    table: pa.Table

    def __len__(self) -> int:
        return self.table.num_rows

    def records(self, positions: np.ndarray | None = None) -> list:
        """The rows (all, or those at ``positions``) as records of the sheet's class."""
        table = self.table if positions is None else self.table.take(arrow.positions(positions))
        cls = RECORD_CLASSES[self.spec.name]
        name, letters = self.spec.name, self.layout.letters
        values = [table.column(c.field).to_pylist() for c in self.spec.columns]
        return [cls(*row, Source(name, excel_row, letters))
                for *row, excel_row in zip(*values, table.column(ROW).to_pylist())]

    def records_at(self, positions: list[int]) -> list:
        """The records at a few positions, made from the columns as Python lists, kept
        block by block (a block of rows is made into Python values once, when first used)."""
        if not hasattr(self, "_blocks"):
            self._blocks: dict[int, list[list]] = {}
        cls = RECORD_CLASSES[self.spec.name]
        name, letters = self.spec.name, self.layout.letters
        out = []
        for position in positions:
            block, at = divmod(position, BLOCK_ROWS)
            values = self._blocks.get(block)
            if values is None:
                rows = self.table.slice(block * BLOCK_ROWS, BLOCK_ROWS)
                values = self._blocks[block] = [rows.column(c.field).to_pylist()
                                                for c in self.spec.columns] + \
                    [rows.column(ROW).to_pylist()]
            out.append(cls(*(column[at] for column in values[:-1]),
                           Source(name, values[-1][at], letters)))
        return out

    def lazy_records(self) -> LazyRecords:
        """The records, made when first used."""
        return LazyRecords(self.records, len(self), self)


def empty_table(spec: schema.Sheet) -> pa.Table:
    """A sheet's table with no rows."""
    return pa.table({**{c.field: pa.nulls(0, columns.arrow_type(c.type)) for c in spec.columns},
                     ROW: pa.nulls(0, pa.int32())})


@dataclass
class OpenedWorkbook:
    """A workbook opened for reading: fastexcel for the sheets, the zip for their tops."""

    where: str
    excel: object  # fastexcel.ExcelReader
    parts: ZipParts
    sheet_parts: dict[str, str]  # sheet name -> XML part
    strings: SharedStrings
    reopen: Callable[[], object]  # another fastexcel reader (one per thread)
    size: int = 0  # the file's size in bytes
    problems: list[Problem] = field(default_factory=list)  # found by io.xlsx.inspect
    # The big sheets' scans, left to run before each is parsed (see read_tables):
    # sheet name -> (scan, the sheet's inflated size).
    scans: dict[str, tuple[Callable[[], list[Problem]], int]] = field(default_factory=dict)

    @property
    def sheet_names(self) -> list[str]:
        return list(self.excel.sheet_names)

    def actual_name(self, name: str) -> str | None:
        """The sheet's name as the owner spelled it, matched like a header."""
        wanted = schema.normalize(name)
        return next((n for n in self.sheet_names if schema.normalize(n) == wanted), None)


def open_workbook(path: str | os.PathLike, data: bytes | None = None,
                  scan_later: bool = False) -> OpenedWorkbook:
    """Open a workbook for reading, or raise :class:`WorkbookUnreadable`.

    Args:
        path: the workbook's path (read from disk unless ``data`` is given).
        data: the file's bytes, when the caller has already read them.
        scan_later: leave the big sheets' scans (io.xlsx.inspect) to :func:`read_tables`,
            which runs each before that sheet is parsed, alongside the other's parse.
    """
    import fastexcel

    where = os.fspath(path)
    if data is None and not os.path.exists(where):
        raise WorkbookUnreadable(f"{where}: no such workbook (give one with --workbook)")

    def reopen():
        return fastexcel.read_excel(data if data is not None else where)

    found = inspect_workbook(where, data, BIG_SHEETS if scan_later else ())  # refuses
    # what no reader should open
    try:
        zf = zipfile.ZipFile(io.BytesIO(data) if data is not None else where)
        source = ZipParts(zf, where)
        parts_of_sheets = sheet_parts(source)
        excel = reopen()
    except Exception as exc:  # zipfile and fastexcel raise several types for a broken file
        raise WorkbookUnreadable(
            f"{where}: not an Excel workbook claimbook can read ({exc})") from None
    size = len(data) if data is not None else os.path.getsize(where)
    return OpenedWorkbook(where, excel, source, parts_of_sheets, SharedStrings(source), reopen,
                          size, found.problems, found.later)


# -- one sheet ------------------------------------------------------------------------
_DETAIL = re.compile(r"got '(\w+)\((.*)\)'?$", re.S)
_ERROR_NAMES = {"Div0": "#DIV/0!", "NA": "#N/A", "Name": "#NAME?", "Null": "#NULL!",
                "Num": "#NUM!", "Ref": "#REF!", "Value": "#VALUE!",
                "GettingData": "#GETTING_DATA"}
_RUST_ESCAPES = {"n": "\n", "r": "\r", "t": "\t", "0": "\0", "\\": "\\", '"': '"', "'": "'"}


def _rust_string(literal: str) -> str:
    """A Rust debug string literal (``"a \\"b\\""``) as the text it shows."""
    body = literal[1:-1] if literal.startswith('"') and literal.endswith('"') else literal
    return re.sub(r"\\(u\{[0-9a-fA-F]+\}|.)",
                  lambda m: chr(int(m.group(1)[2:-1], 16)) if m.group(1)[0] == "u"
                  else _RUST_ESCAPES.get(m.group(1), m.group(1)), body)


def raw_value(detail: str) -> object:
    """The value of a cell that did not fit its column, from fastexcel's report of it."""
    found = _DETAIL.search(detail)
    if found is None:
        return detail
    kind, inner = found.groups()
    if kind == "String" or kind.endswith("Iso"):
        return _rust_string(inner)
    if kind == "Error":
        return cells.ExcelError(_ERROR_NAMES.get(inner, f"#{inner.upper()}"))
    if kind == "Bool":
        return inner == "true"
    if kind in ("Float", "Int"):
        return float(inner)
    if kind == "DateTime":
        serial = re.search(r"value: ([-0-9.eE+]+)", inner)
        if serial:
            from datetime import datetime, timedelta

            return datetime(1899, 12, 30) + timedelta(days=float(serial.group(1)))
    return inner


class _SheetRead:
    """Reads one contract sheet: its header from the XML, its cells with fastexcel."""

    def __init__(self, workbook: OpenedWorkbook, spec: schema.Sheet, actual: str,
                 problems: list[Problem]):
        self.workbook, self.spec, self.actual, self.problems = workbook, spec, actual, problems
        self.head = read_head(workbook.parts, workbook.sheet_parts[actual], workbook.strings)
        self.positions: dict[str, int] = {}  # field -> absolute column index
        self.names: dict[int, str] = {}  # absolute column index -> header text
        self.layout = self._layout()

    def _layout(self) -> SheetLayout:
        head = self.head
        if not head.header_row:
            self.problems.append(Problem(self.spec.name, 0, "", "the sheet has no header row"))
            return SheetLayout(self.actual, 0, {})
        found: dict[str, int] = {}
        for j, raw in sorted(head.header.items()):
            try:
                label = cells.text(raw)
            except CellError:
                label = None
            if label:
                found.setdefault(schema.normalize(label), j)
                self.names[j] = raw if isinstance(raw, str) else label
        letters = {}
        for col in self.spec.columns:
            j = found.get(schema.normalize(col.header))
            if j is not None:
                self.positions[col.field] = j
                letters[col.field] = column_letter(j)
            elif col.required:
                self.problems.append(Problem(self.spec.name, head.header_row, "",
                                             f'no "{col.header}" column in the header row'))
        return SheetLayout(self.actual, head.header_row, letters)

    def _dtypes(self) -> dict[str, str]:
        by_position = {j: columns.load_as(self.spec.column(f).type)
                       for f, j in self.positions.items()}
        counts: dict[str, int] = {}
        for name in self.names.values():
            counts[name] = counts.get(name, 0) + 1
        return {name: by_position.get(j, "string") for j, name in self.names.items()
                if counts[name] == 1}

    def load(self, excel) -> SheetTable:
        """Parse the sheet with fastexcel and convert every column."""
        if not self.head.header_row:
            return SheetTable(self.spec, self.layout, empty_table(self.spec))
        wanted = self._dtypes()
        try:
            sheet = excel.load_sheet(self.actual, header_row=self.head.header_row - 1,
                                     dtypes=wanted or None)
            info = {c.index: c for c in sheet.available_columns()}
            batch, errors = sheet.to_arrow_with_errors()
        except Exception as exc:  # fastexcel raises several types for a broken sheet
            raise WorkbookUnreadable(f"{self.workbook.where}: the sheet {self.actual} "
                                     f"cannot be read ({exc})") from None
        by_absolute = {c.absolute_index: i for i, c in info.items()}
        odd: dict[int, dict[int, object]] = {}
        for error in (errors.errors if errors is not None else []):
            row, index = error.offset_position
            odd.setdefault(info[index].absolute_index, {})[row] = raw_value(error.detail)
        self._check_types(info, wanted)
        return self._convert(batch, by_absolute, odd)

    def _check_types(self, info: dict, wanted: dict[str, str]) -> None:
        for f, j in self.positions.items():
            column = next((c for c in info.values() if c.absolute_index == j), None)
            expected = columns.load_as(self.spec.column(f).type)
            if column is None or (column.dtype != expected and column.dtype != "null"):
                raise WorkbookUnreadable(
                    f'{self.workbook.where}: the "{self.spec.column(f).header}" column of '
                    f"{self.actual} cannot be told apart from another (rename one of them)")

    def _convert(self, batch, by_absolute: dict[int, int], odd: dict) -> SheetTable:
        keep = _kept_rows(batch, odd)
        position_of = np.full(batch.num_rows, -1, np.int64)
        position_of[keep] = np.arange(len(keep))
        take = arrow.positions(keep) if len(keep) < batch.num_rows else None
        first_data_row = self.head.header_row + 1
        out: dict[str, pa.Array] = {}
        name = self.spec.name
        for col in self.spec.columns:
            j = self.positions.get(col.field)
            if j is None or j not in by_absolute:
                out[col.field] = _default_column(col, len(keep))
                continue
            array = batch.column(by_absolute[j])
            array = array.take(take) if take is not None else array
            cell_odd = {int(position_of[r]): v for r, v in odd.get(j, {}).items()
                        if position_of[r] >= 0}
            converted = columns.convert_column(col, array, cell_odd)
            letter = column_letter(j)
            for position, message in converted.problems:
                self.problems.append(Problem(name, first_data_row + int(keep[position]),
                                             letter, message))
            out[col.field] = self._complete(col, converted, keep, letter)
        out[ROW] = arrow.from_numpy(keep + first_data_row, pa.int32())
        return SheetTable(self.spec, self.layout, pa.table(out))

    def _complete(self, col: schema.Column, converted: columns.Converted, keep: np.ndarray,
                  letter: str) -> pa.Array:
        """Blank required cells are problems; blank cells take the column's default."""
        values = converted.values
        if col.required and values.null_count:
            missing = np.flatnonzero(~arrow.present(values))
            first_data_row = self.head.header_row + 1
            for i in missing:
                if int(i) not in converted.unreadable:
                    self.problems.append(Problem(self.spec.name,
                                                 first_data_row + int(keep[i]), letter,
                                                 f"{col.header} is required"))
        if col.default is not None and values.null_count:
            values = pc.fill_null(values, arrow.scalar(col.default, values.type))
        return values


def _default_column(col: schema.Column, length: int) -> pa.Array:
    kind = columns.arrow_type(col.type)
    if col.default is None:
        return pa.nulls(length, kind)
    return arrow.from_python([col.default] * length, kind)


def _kept_rows(batch, odd: dict) -> np.ndarray:
    """Positions of the rows that are not blank (a cell with only spaces is blank)."""
    filled = np.zeros(batch.num_rows, dtype=bool)
    for array in batch.columns:
        if array.null_count == len(array):
            continue
        if pa.types.is_string(array.type) or pa.types.is_large_string(array.type):
            found = columns.edges(array)  # a text starting with a letter is not blank
            maybe = np.flatnonzero(arrow.present(array) & ~found[0]) if found is not None \
                else np.arange(len(array))
            if found is not None:
                filled |= found[0]
            blank = pc.match_substring_regex(array.take(arrow.positions(maybe)),
                                             columns.BLANK)
            filled[maybe] |= arrow.flags(pc.invert(blank))
        else:
            filled |= arrow.present(array)
    for by_row in odd.values():
        for row, raw in by_row.items():
            if not cells.blank(raw):
                filled[row] = True
    return np.flatnonzero(filled)


# -- the Practice sheet ---------------------------------------------------------------
def _settings(workbook: OpenedWorkbook | None, problems: list[Problem]) -> object:
    actual = workbook.actual_name(schema.PRACTICE) if workbook is not None else None
    rows = []
    if actual is not None:
        rows = read_head(workbook.parts, workbook.sheet_parts[actual], workbook.strings,
                         rows_wanted=10**9).rows
    by_name = {schema.normalize(s.name): s for s in schema.PRACTICE_SETTINGS}
    values, where = {}, {}
    first_col = min((min(cs) for _, cs in rows if cs), default=0)
    value_letter = column_letter(first_col + 1)
    for excel_row, row_cells in rows:
        label = row_cells.get(first_col)
        if not isinstance(label, str) or isinstance(label, cells.ExcelError):
            continue
        setting = by_name.get(schema.normalize(label))
        if setting is None:
            continue
        try:
            value = convert(setting.type, row_cells.get(first_col + 1), setting.choices)
        except CellError as exc:
            problems.append(Problem(schema.PRACTICE, excel_row, value_letter, str(exc)))
            value = None
        where[setting.field] = excel_row
        if value is not None:
            values[setting.field] = value
    for setting in schema.PRACTICE_SETTINGS:
        if setting.required and setting.field not in values:
            row = where.get(setting.field, 0)
            problems.append(Problem(schema.PRACTICE, row, value_letter if row else "",
                                    f'the setting "{setting.name}" is required'))
    return Settings(rows=where, **values)


# -- the whole workbook ---------------------------------------------------------------
def read_tables(workbook: OpenedWorkbook, problems: list[Problem],
                meanwhile: Callable[[], object] | None = None
                ) -> tuple[object, dict[str, SheetTable]]:
    """The Practice settings and every contract sheet the workbook has, as tables.

    A big sheet whose scan was left for later (``open_workbook(scan_later=True)``) is
    scanned first, and parsed only if the scan lets it. Each big sheet is scanned and
    parsed on a thread of its own (fastexcel parses without holding Python's lock), the
    biggest scanned first and alone, the small sheets read here meanwhile. From
    :data:`GIVE_BACK_FROM` on, the memory each parse but the biggest's freed is given
    back to the system as it ends (:func:`claimbook.io.memory.give_back`), and all of it
    once every sheet is read.

    ``meanwhile`` runs while the big sheets parse: a command imports what it computes
    with (pandas takes 0.2 s of a core that would otherwise wait). Missing sheets are
    problems.
    """
    settings = _settings(workbook, problems)
    if workbook.actual_name(schema.PRACTICE) is None:
        problems.append(Problem(schema.PRACTICE, 0, "", "the sheet is missing"))
    present = {}
    for spec in schema.SHEETS:
        actual = workbook.actual_name(spec.name)
        if actual is None or actual not in workbook.sheet_parts:
            if not spec.optional:
                problems.append(Problem(spec.name, 0, "", "the sheet is missing"))
            continue
        present[spec.name] = actual
    big = sorted((name for name in BIG_SHEETS if name in present),  # the biggest first
                 key=lambda name: -workbook.scans.get(present[name], (None, 0))[1])
    give_back = workbook.size >= GIVE_BACK_FROM

    def scan(name: str) -> None:
        found = workbook.scans.pop(present[name], (lambda: [], 0))[0]()
        workbook.problems.extend(found)  # the package's own (as if inspected on opening)

    def parse(name: str, excel) -> SheetTable:
        return _SheetRead(workbook, schema.sheet(name), present[name], problems).load(excel)

    # The biggest sheet's scan is on the way to everything: it runs first, with no other
    # Python work beside it (a scan holds Python's lock, a parse does not). In a big file
    # its parse then takes the workbook's own reader from the small sheets (a reader opened
    # on the file's bytes holds a copy of them: one fewer beside the peak of memory).
    biggest_scanned, small_read = threading.Event(), threading.Event()

    def scan_and_parse(name: str) -> SheetTable:
        if name != big[0]:
            biggest_scanned.wait()
        try:
            scan(name)
        finally:
            if name == big[0]:
                biggest_scanned.set()
        if name == big[0] and give_back:
            small_read.wait()
            return parse(name, workbook.excel)
        table = parse(name, workbook.reopen())
        if give_back:
            memory.give_back()
        return table

    tables = {}
    with ThreadPoolExecutor(max_workers=max(len(big), 1)) as pool:
        futures = {name: pool.submit(scan_and_parse, name) for name in big}
        try:
            for name in present:
                if name not in big:
                    tables[name] = parse(name, workbook.excel)
        finally:
            small_read.set()
        if meanwhile is not None:
            if big:
                biggest_scanned.wait()
            meanwhile()
        for name in big:
            tables[name] = futures[name].result()
    for left in list(workbook.scans.values()):  # a big sheet not read: its problems all the same
        workbook.problems.extend(left[0]())
    workbook.scans.clear()
    problems[:0] = workbook.problems
    if give_back:
        memory.give_back()
    return settings, {s.name: tables[s.name] for s in schema.SHEETS if s.name in tables}


def read_sheet(workbook: OpenedWorkbook, name: str, problems: list[Problem]
               ) -> SheetTable | None:
    """One contract sheet as a table (None when the workbook has no such sheet)."""
    actual = workbook.actual_name(name)
    if actual is None or actual not in workbook.sheet_parts:
        return None
    return _SheetRead(workbook, schema.sheet(name), actual, problems).load(workbook.excel)


def open_sheets(workbook: OpenedWorkbook) -> tuple[object, dict[str, SheetTable],
                                                  list[Problem]]:
    """The Practice settings, every contract sheet as a table, and the problems met."""
    problems: list[Problem] = []
    settings, tables = read_tables(workbook, problems)
    return settings, tables, problems


def book_of(path: str, settings, rows: dict[str, list], sheet_names: list[str]) -> Book:
    """A :class:`Book` of the records read, by contract sheet name."""
    rows = {spec.name: rows.get(spec.name, []) for spec in schema.SHEETS}
    return Book(
        path=path,
        settings=settings,
        staff=_first_by_key(rows["Staff"], "staff_id"),
        clients=_first_by_key(rows["Clients"], "client_id"),
        payers=_first_by_key(rows["Payers"], "payer_id"),
        policies=_first_by_key(rows["Policies"], "policy_id"),
        services=_first_by_key(rows["Services"], "service_code"),
        lines=rows["Appointments"],
        payments=rows["Payments"],
        rows=rows,
        remittances=rows["Remittances"],
        sheet_names=sheet_names,
    )


def read_book(path: str | os.PathLike, meanwhile: Callable[[], object] | None = None
              ) -> tuple[Book, list[Problem]]:
    """Read every contract sheet of a workbook.

    Args:
        path: the practice workbook.
        meanwhile: run while the big sheets parse (see :func:`read_tables`).

    Returns:
        The book (records of every readable row; Appointments and Payments as columns
        whose records are made on first use) and every problem met reading it: missing
        sheets and columns, unreadable cells, blank required values.

    Raises:
        WorkbookUnreadable: the file is missing or not a workbook.
    """
    workbook = open_workbook(path, scan_later=True)
    problems: list[Problem] = []
    settings, tables = read_tables(workbook, problems, meanwhile)
    rows = {name: (table.lazy_records() if name in BIG_SHEETS else table.records())
            for name, table in tables.items()}
    return book_of(os.fspath(path), settings, rows, workbook.sheet_names), problems


def _first_by_key(records: list, key: str) -> dict:
    out: dict = {}
    for record in records:
        value = getattr(record, key)
        if value is not None and value not in out:
            out[value] = record
    return out


def count_visits(book: Book) -> int:
    """How many visits (distinct Appointment IDs) the book's lines hold."""
    table = getattr(book.lines, "table", None)
    if table is not None:
        return pc.count_distinct(table.table.column("appointment_id")).as_py()
    return len({ln.appointment_id for ln in book.lines if ln.appointment_id is not None})


def load_book(path: str | os.PathLike, meanwhile: Callable[[], object] | None = None
              ) -> Book:
    """Read and validate a workbook; raise :class:`BadData` if anything is wrong
    (``meanwhile``: see :func:`read_tables`)."""
    from claimbook.rules.validate import validate

    book, problems = read_book(path, meanwhile)
    problems += validate(book)
    if problems:
        raise BadData(problems)
    return book
