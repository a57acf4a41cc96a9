"""Read the owner's workbook as typed, and convert each column once, by its type.

python-calamine reads the file (cached formula values included) about 15x faster than
openpyxl and keeps text as text (``02134`` stays ``"02134"``), but it returns every
number as a float and a blank as ``""``. This module is the one place where those raw
values become the contract's types: IDs and codes as text, money as integer cents,
dates as ``datetime.date``. Every problem names its cell: ``Payments!F14``.
"""

from __future__ import annotations

import functools
import io
import os
import re
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from python_calamine import CalamineWorkbook

from claimbook.io.xlsx.inspect import inspect_workbook
from claimbook.rules import schema
from claimbook.rules.money import NotMoney, to_cents
from claimbook.rules.npi import npi_problem
from claimbook.rules.problems import BadData, Problem, WorkbookUnreadable
from claimbook.rules.records import RECORD_CLASSES, Book, Settings, Source
from claimbook.rules.textdates import with_excel_century

EXCEL_EPOCH = date(1899, 12, 30)
# Serial numbers read as dates only in a plausible range (1950-01-01 .. 2099-12-31).
SERIAL_MIN, SERIAL_MAX = 18264, 73050
_DATE_FORMATS = ("%Y-%m-%d", "%m/%d/%Y", "%m/%d/%y", "%Y/%m/%d", "%m-%d-%Y", "%b %d, %Y",
                 "%B %d, %Y", "%d %b %Y", "%d-%b-%Y", "%d-%b-%y")
_ERROR_VALUES = {"#N/A", "#VALUE!", "#REF!", "#DIV/0!", "#NUM!", "#NAME?", "#NULL!"}


class CellError(ValueError):
    """A cell's value cannot be read as its column's type."""


def column_letter(index: int) -> str:
    """Zero-based column index -> Excel letters (0 -> A, 27 -> AB)."""
    letters = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def _shown(raw: object) -> str:
    if isinstance(raw, float) and raw.is_integer():
        return str(int(raw))
    return str(raw)


def _text(raw: object) -> str | None:
    if raw is None or raw == "":
        return None
    if isinstance(raw, bool):
        return "Yes" if raw else "No"
    if isinstance(raw, float):
        return str(int(raw)) if raw.is_integer() else repr(raw)
    if isinstance(raw, datetime):
        return raw.date().isoformat() if not raw.time() else raw.isoformat(sep=" ")
    if isinstance(raw, date):
        return raw.isoformat()
    text = str(raw).strip()
    if text in _ERROR_VALUES:
        raise CellError(f"the formula shows {text}")
    return text or None


def _zip(raw: object) -> str | None:
    text = _text(raw)
    if text and isinstance(raw, float) and len(text) < 5:
        return text.zfill(5)  # Excel dropped the leading zero of a ZIP typed as a number
    return text


def _date(raw: object) -> date | None:
    if raw is None or raw == "":
        return None
    if isinstance(raw, date):
        day = raw.date() if isinstance(raw, datetime) else raw
        if day.year <= 1900:  # a small number typed into a date-formatted cell
            # serials below 60 count from 1899-12-31 (Excel's 1900 leap-year bug)
            serial = (raw - datetime(1899, 12, 31)) if isinstance(raw, datetime) else None
            shown = f"{serial.total_seconds() / 86400:g}" if serial else day.isoformat()
            raise CellError(f'"{shown}" is not a date')
        return day
    if isinstance(raw, float) and not isinstance(raw, bool):
        if raw.is_integer() and SERIAL_MIN <= raw <= SERIAL_MAX:
            return EXCEL_EPOCH + timedelta(days=int(raw))
        raise CellError(f'"{_shown(raw)}" is not a date')
    text = str(raw).strip()
    if not text:
        return None
    for pattern in _DATE_FORMATS:
        try:
            day = datetime.strptime(text, pattern).date()
        except ValueError:
            continue
        return with_excel_century(day, pattern.endswith("%y"))  # 3/4/65 is 1965
    raise CellError(f'"{text}" is not a date')


def _money(raw: object) -> int | None:
    if raw is None or raw == "":
        return None
    if isinstance(raw, str) and not raw.strip():
        return None
    try:
        return to_cents(raw)
    except NotMoney:
        raise CellError(f'"{_shown(raw)}" is not an amount') from None


def _int(raw: object) -> int | None:
    if raw is None or raw == "":
        return None
    if isinstance(raw, float) and raw.is_integer():
        return int(raw)
    if isinstance(raw, str) and re.fullmatch(r"\s*\d+\s*", raw):
        return int(raw)
    if isinstance(raw, str) and not raw.strip():
        return None
    raise CellError(f'"{_shown(raw)}" is not a whole number')


_YES = {"yes", "y", "true", "x", "1"}
_NO = {"no", "n", "false", "0"}


def _yesno(raw: object) -> bool | None:
    if raw is None or raw == "":
        return None
    if isinstance(raw, bool):
        return raw
    text = _shown(raw).strip().lower()
    if text in _YES:
        return True
    if text in _NO:
        return False
    if not text:
        return None
    raise CellError(f'"{_shown(raw)}" is not Yes or No')


def _choice(raw: object, choices: tuple[str, ...]) -> str | None:
    text = _text(raw)
    if text is None:
        return None
    wanted = schema.normalize(text)
    for choice in choices:
        if schema.normalize(choice) == wanted:
            return choice
    alias = schema.CHOICE_ALIASES.get(wanted)
    if alias in choices:
        return alias
    raise CellError(f'"{text}" is not one of {", ".join(choices)}')


def _npi(raw: object) -> str | None:
    text = _text(raw)
    if text is None:
        return None
    message = npi_problem(text)
    if message:
        raise CellError(message)
    return text


CONVERTERS = {
    schema.ID: _text,
    schema.TEXT: _text,
    schema.CODE: _text,
    schema.ZIP: _zip,
    schema.DATE: _date,
    schema.MONEY: _money,
    schema.INT: _int,
    schema.YESNO: _yesno,
    schema.NPI: _npi,
}


def convert(column_type: str, raw: object, choices: tuple[str, ...] = ()) -> object:
    """Convert one raw cell value to its column type.

    Args:
        column_type: one of the types in :mod:`claimbook.schema`.
        raw: the value python-calamine returned.
        choices: the allowed values of a choice column.

    Returns:
        The converted value, or None for a blank cell.

    Raises:
        CellError: with a message naming the value, when it cannot be read.
    """
    if column_type == schema.CHOICE:
        return _choice(raw, choices)
    return CONVERTERS[column_type](raw)


def _blank(row: list) -> bool:
    if row.count("") == len(row):
        return True
    return all(v == "" or v is None or (isinstance(v, str) and not v.strip()) for v in row)


_SLOW = object()  # a fast path's answer when the general converter must decide


class _Unreadable:
    """A cell that could not be read (its problem is already recorded): None to the
    records, but not "blank", so no "is required" follows the real problem."""


_UNREADABLE = _Unreadable()


def _fast_text(raw: str):
    text = raw.strip()
    if text[:1] == "#":
        return _SLOW  # maybe a formula error such as #N/A
    return text or None


def _fast_money(raw: float):
    scaled = raw * 100
    cents = round(scaled)
    return int(cents) if abs(scaled - cents) < 1e-6 else _SLOW


def _fast_int(raw: float):
    return int(raw) if raw.is_integer() else _SLOW


# The raw type python-calamine gives for most cells of a column type, and its converter.
_FAST_PATHS = {
    schema.ID: (str, _fast_text),
    schema.TEXT: (str, _fast_text),
    schema.CODE: (str, _fast_text),
    schema.DATE: (date, lambda raw: raw if raw.year > 1900 else _SLOW),
    schema.MONEY: (float, _fast_money),
    schema.INT: (float, _fast_int),
}


def _column_converter(col: schema.Column):
    """The one function that converts a raw cell of ``col``; a choice or Yes/No column
    holds few distinct values, so each is converted once and remembered."""
    if col.type == schema.CHOICE:
        convert_one = functools.partial(_choice, choices=col.choices)
    elif col.type == schema.YESNO:
        convert_one = _yesno
    else:
        return CONVERTERS[col.type]
    seen: dict[object, object] = {}

    def remembered(raw: object):
        if raw not in seen:
            seen[raw] = convert_one(raw)  # a CellError is raised again each time
        return seen[raw]

    return remembered


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
        keys = [t for t in (raw_text(v) for v in self.raw_keys) if t]
        return keys + [self.issued] if self.issued else keys


def raw_text(raw: object) -> str | None:
    """A raw cell as an ID, or None when it is blank or unreadable (for matching only)."""
    if type(raw) is str:  # the common case, kept fast for 100,000-row sheets
        return raw.strip() or None
    try:
        return _text(raw)
    except CellError:
        return None


class SheetReader:
    """Reads one contract sheet column by column, collecting problems.

    The header is found once, on creation (a missing required column is a problem then);
    :meth:`records` converts the data rows, all of them or those a filter keeps.
    """

    def __init__(self, spec: schema.Sheet, calamine_sheet, problems: list[Problem]):
        self.spec = spec
        self.problems = problems
        self.rows = calamine_sheet.to_python()
        self.row0, self.col0 = calamine_sheet.start or (0, 0)
        self.positions: dict[str, int] = {}
        self.data_start = len(self.rows)
        self.layout = self._layout(calamine_sheet.name)

    def _layout(self, name: str) -> SheetLayout:
        header = next((i for i, row in enumerate(self.rows) if not _blank(row)), None)
        if header is None:
            self.problems.append(Problem(self.spec.name, 0, "", "the sheet has no header row"))
            return SheetLayout(name, 0, {})
        found = {schema.normalize(v): j for j, v in enumerate(self.rows[header]) if _text(v)}
        header_row = self.row0 + header + 1
        letters = {}
        for col in self.spec.columns:
            j = found.get(schema.normalize(col.header))
            if j is not None:
                self.positions[col.field] = j
                letters[col.field] = column_letter(self.col0 + j)
            elif col.required:
                self.problems.append(Problem(self.spec.name, header_row, "",
                                             f'no "{col.header}" column in the header row'))
        self.data_start = header + 1
        return SheetLayout(name, header_row, letters)

    def raw_column(self, field_name: str) -> list:
        """The raw values of one column over the data rows (blank rows included)."""
        j = self.positions.get(field_name)
        rows = self.rows[self.data_start:]
        if j is None:
            return [None] * len(rows)
        return [r[j] if j < len(r) else "" for r in rows]

    def records(self, cls: type, keep=None) -> list:
        """Every non-blank data row (that ``keep(row)`` accepts) as a record of ``cls``."""
        data = [(self.row0 + i + 1, row)
                for i, row in enumerate(self.rows[self.data_start:], start=self.data_start)
                if (keep is None or keep(row)) and not _blank(row)]
        letters = self.layout.letters
        columns = []
        for col in self.spec.columns:
            j = self.positions.get(col.field)
            if j is None:
                columns.append([col.default] * len(data))
            else:
                columns.append(self._column(col, col.field, j, data, letters[col.field]))
        name = self.spec.name
        return [cls(*values, Source(name, excel_row, letters))
                for values, (excel_row, _) in zip(zip(*columns), data)]

    def _column(self, col: schema.Column, field_name: str, j: int, data: list,
                letter: str) -> list:
        """Convert column ``j`` of every data row; problems name ``letter`` and the row.

        The common case (a blank, or the raw type python-calamine gives for the column's
        type) is converted in one list comprehension; only the other cells go through
        the general converter, one by one.
        """
        fast_type, fast = _FAST_PATHS.get(col.type, (None, None))
        if fast is None:
            values = [None if row[j] == "" else _SLOW for _, row in data]
        else:
            values = [None if v == "" else (fast(v) if type(v) is fast_type else _SLOW)
                      for v in (row[j] for _, row in data)]
        unreadable = self._convert_slowly(col, j, data, letter, values) \
            if values.count(_SLOW) else []
        if values.count(None) and (col.required or col.default is not None):
            for i, value in enumerate(values):
                if value is None:
                    values[i] = self._blank_value(col, data[i][0], letter)
        for i in unreadable:  # its problem is recorded; no "is required" after it
            values[i] = col.default
        return values

    def _convert_slowly(self, col: schema.Column, j: int, data: list, letter: str,
                        values: list) -> list[int]:
        """Convert the cells the fast path left; return the rows that could not be read."""
        convert_one = _column_converter(col)
        unreadable = []
        for i, value in enumerate(values):
            if value is not _SLOW:
                continue
            try:
                values[i] = convert_one(data[i][1][j])
            except CellError as exc:
                self.problems.append(Problem(self.spec.name, data[i][0], letter, str(exc)))
                values[i] = _UNREADABLE
                unreadable.append(i)
        return unreadable

    def _blank_value(self, col: schema.Column, excel_row: int, letter: str):
        if col.required:
            self.problems.append(Problem(self.spec.name, excel_row, letter,
                                         f"{col.header} is required"))
        return col.default


def _settings(calamine_sheet, problems: list[Problem]) -> object:
    rows = calamine_sheet.to_python() if calamine_sheet is not None else []
    start = (calamine_sheet.start or (0, 0)) if calamine_sheet is not None else (0, 0)
    by_name = {schema.normalize(s.name): s for s in schema.PRACTICE_SETTINGS}
    values, where = {}, {}
    value_letter = column_letter(start[1] + 1)
    for i, row in enumerate(rows):
        if len(row) < 1 or not isinstance(row[0], str):
            continue
        setting = by_name.get(schema.normalize(row[0]))
        if setting is None:
            continue
        excel_row = start[0] + i + 1
        raw = row[1] if len(row) > 1 else ""
        try:
            value = convert(setting.type, raw, setting.choices)
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


# Sheets parsed in threads of their own: python-calamine parses a sheet without holding
# Python's lock, so on two cores the biggest sheets are read side by side.
_PARSED_APART = ("Appointments", "Payments")


@dataclass
class OpenedWorkbook:
    """A workbook opened with python-calamine, and a way to open it again (one handle per
    thread)."""

    handle: CalamineWorkbook
    reopen: Callable[[], CalamineWorkbook]
    problems: list[Problem] = field(default_factory=list)  # found by io.xlsx.inspect

    @property
    def sheet_names(self) -> list[str]:
        return list(self.handle.sheet_names)


def _sheets_as_parsed(workbook: OpenedWorkbook) -> Iterator[tuple[str, object]]:
    """The contract sheets the workbook has, each as soon as it is parsed: the small
    ones first (parsed here while threads parse the big ones), then the big ones as
    they finish, so a caller converts one sheet while the next is still being parsed."""
    by_norm = {schema.normalize(n): n for n in workbook.sheet_names}
    wanted = {name: by_norm[schema.normalize(name)]
              for name in [schema.PRACTICE] + [s.name for s in schema.SHEETS]
              if schema.normalize(name) in by_norm}
    apart = [name for name in _PARSED_APART if name in wanted]
    with ThreadPoolExecutor(max_workers=len(apart) or 1) as pool:
        futures = {pool.submit(lambda actual: workbook.reopen().get_sheet_by_name(actual),
                               wanted[name]): name for name in apart}
        try:
            for name, actual in wanted.items():
                if name not in apart:
                    yield name, workbook.handle.get_sheet_by_name(actual)
            for future in as_completed(futures):
                yield futures[future], future.result()
        except WorkbookUnreadable:
            raise
        except Exception as exc:  # calamine raises several types for a broken sheet
            raise WorkbookUnreadable(f"a sheet cannot be read ({exc})") from None


def _each_sheet(workbook: OpenedWorkbook, problems: list[Problem]
                ) -> Iterator[tuple[str, object]]:
    """The Practice settings (as ``("Practice", settings)``) and a reader for every
    contract sheet, as each is parsed; missing sheets are problems."""
    seen = set()
    problems += workbook.problems  # the package's own problems (io.xlsx.inspect)
    for name, sheet in _sheets_as_parsed(workbook):
        seen.add(name)
        if name == schema.PRACTICE:
            yield name, _settings(sheet, problems)
        else:
            yield name, SheetReader(schema.sheet(name), sheet, problems)
    if schema.PRACTICE not in seen:
        problems.append(Problem(schema.PRACTICE, 0, "", "the sheet is missing"))
        yield schema.PRACTICE, _settings(None, problems)
    for spec in schema.SHEETS:
        if spec.name not in seen and not spec.optional:
            problems.append(Problem(spec.name, 0, "", "the sheet is missing"))


def open_workbook(path: str | os.PathLike, data: bytes | None = None) -> OpenedWorkbook:
    """Open a workbook with python-calamine, or raise :class:`WorkbookUnreadable`.

    Args:
        path: the workbook's path (read from disk unless ``data`` is given).
        data: the file's bytes, when the caller has already read them.
    """
    path = os.fspath(path)
    if data is None and not os.path.exists(path):
        raise WorkbookUnreadable(f"{path}: no such workbook (give one with --workbook)")

    def reopen() -> CalamineWorkbook:
        if data is not None:
            return CalamineWorkbook.from_filelike(io.BytesIO(data))
        return CalamineWorkbook.from_path(path)

    found = inspect_workbook(path, data)  # refuses what no reader should open
    try:
        return OpenedWorkbook(reopen(), reopen, found.problems)
    except Exception as exc:  # calamine raises several types for a broken file
        raise WorkbookUnreadable(
            f"{path}: not an Excel workbook claimbook can read ({exc})") from None


def open_sheets(workbook: OpenedWorkbook) -> tuple[object, dict[str, SheetReader],
                                                  list[Problem]]:
    """The Practice settings and a reader for every contract sheet the workbook has.

    Returns:
        The settings, the readers by contract sheet name, and the problems so far
        (missing sheets and columns, unreadable settings).
    """
    problems: list[Problem] = []
    readers = dict(_each_sheet(workbook, problems))
    settings = readers.pop(schema.PRACTICE)
    return settings, {s.name: readers[s.name] for s in schema.SHEETS if s.name in readers}, \
        problems


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


def read_book(path: str | os.PathLike) -> tuple[Book, list[Problem]]:
    """Read every contract sheet of a workbook.

    Args:
        path: the practice workbook.

    Returns:
        The book (records of every readable row) and every problem met reading it:
        missing sheets and columns, unreadable cells, blank required values.

    Raises:
        WorkbookUnreadable: the file is missing or not a workbook.
    """
    workbook = open_workbook(path)
    problems: list[Problem] = []
    settings, rows = None, {}
    for name, item in _each_sheet(workbook, problems):  # convert while the next parses
        if name == schema.PRACTICE:
            settings = item
        else:
            rows[name] = item.records(RECORD_CLASSES[name])
    return book_of(os.fspath(path), settings, rows, workbook.sheet_names), problems


def _first_by_key(records: list, key: str) -> dict:
    out: dict = {}
    for record in records:
        value = getattr(record, key)
        if value is not None and value not in out:
            out[value] = record
    return out


def load_book(path: str | os.PathLike) -> Book:
    """Read and validate a workbook; raise :class:`BadData` if anything is wrong."""
    from claimbook.rules.validate import validate

    book, problems = read_book(path)
    problems += validate(book)
    if problems:
        raise BadData(problems)
    return book
