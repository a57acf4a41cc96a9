"""Read the owner's workbook as typed, and convert each column once, by its type.

python-calamine reads the file (cached formula values included) about 15x faster than
openpyxl and keeps text as text (``02134`` stays ``"02134"``), but it returns every
number as a float and a blank as ``""``. This module is the one place where those raw
values become the contract's types: IDs and codes as text, money as integer cents,
dates as ``datetime.date``. Every problem names its cell: ``Payments!F14``.
"""

from __future__ import annotations

import os
import re
from datetime import date, datetime, timedelta

from python_calamine import CalamineWorkbook

from .. import schema
from ..money import NotMoney, to_cents
from ..npi import npi_problem
from ..problems import BadData, Problem, WorkbookUnreadable
from ..records import RECORD_CLASSES, Book, Settings, Source

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
    if isinstance(raw, datetime):
        return raw.date()
    if isinstance(raw, date):
        return raw
    if isinstance(raw, float) and not isinstance(raw, bool):
        if raw.is_integer() and SERIAL_MIN <= raw <= SERIAL_MAX:
            return EXCEL_EPOCH + timedelta(days=int(raw))
        raise CellError(f'"{_shown(raw)}" is not a date')
    text = str(raw).strip()
    if not text:
        return None
    for pattern in _DATE_FORMATS:
        try:
            return datetime.strptime(text, pattern).date()
        except ValueError:
            continue
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
    schema.DATE: (date, lambda raw: raw),
    schema.MONEY: (float, _fast_money),
    schema.INT: (float, _fast_int),
}


def _column_converter(col: schema.Column):
    """The one function that converts a raw cell of ``col``; choices are looked up once."""
    if col.type != schema.CHOICE:
        return CONVERTERS[col.type]
    seen: dict[object, str | None] = {}

    def choice(raw: object) -> str | None:
        if raw not in seen:
            seen[raw] = _choice(raw, col.choices)
        return seen[raw]

    return choice


class _SheetReader:
    """Reads one contract sheet into records, column by column, collecting problems."""

    def __init__(self, spec: schema.Sheet, calamine_sheet, problems: list[Problem]):
        self.spec = spec
        self.name = calamine_sheet.name
        self.problems = problems
        self.rows = calamine_sheet.to_python()
        start = calamine_sheet.start or (0, 0)
        self.row0, self.col0 = start

    def _header(self) -> tuple[int, dict[str, int]] | None:
        for i, row in enumerate(self.rows):
            if not _blank(row):
                return i, {schema.normalize(v): j for j, v in enumerate(row) if _text(v)}
        return None

    def records(self, cls: type) -> list:
        """Every non-blank row below the header as a record of ``cls``."""
        found = self._header()
        if found is None:
            self.problems.append(Problem(self.spec.name, 0, "", "the sheet has no header row"))
            return []
        header_index, positions = found
        data = [(self.row0 + i + 1, row) for i, row in enumerate(self.rows)
                if i > header_index and not _blank(row)]
        letters: dict[str, str] = {}
        columns = []
        for col in self.spec.columns:
            j = positions.get(schema.normalize(col.header))
            if j is None:
                if col.required:
                    self.problems.append(Problem(self.spec.name, self.row0 + header_index + 1,
                                                 "", f'no "{col.header}" column in the header row'))
                columns.append([col.default] * len(data))
                continue
            letters[col.field] = column_letter(self.col0 + j)
            columns.append(self._column(col, col.field, j, data, letters[col.field]))
        name = self.spec.name
        return [cls(*values, Source(name, excel_row, letters))
                for values, (excel_row, _) in zip(zip(*columns), data)]

    def _column(self, col: schema.Column, field_name: str, j: int, data: list,
                letter: str) -> list:
        """Convert column ``j`` of every data row; problems name ``letter`` and the row."""
        convert_one = _column_converter(col)
        fast_type, fast = _FAST_PATHS.get(col.type, (None, None))
        out = []
        for excel_row, row in data:
            raw = row[j] if j < len(row) else ""
            value = fast(raw) if type(raw) is fast_type else _SLOW  # the common case inline
            if value is _SLOW:
                try:
                    value = None if raw == "" else convert_one(raw)
                except CellError as exc:
                    self.problems.append(Problem(self.spec.name, excel_row, letter, str(exc)))
                    out.append(col.default)
                    continue
            if value is None:
                if col.required:
                    self.problems.append(Problem(self.spec.name, excel_row, letter,
                                                 f"{col.header} is required"))
                value = col.default
            out.append(value)
        return out


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


def _find_sheets(workbook) -> dict[str, object]:
    by_norm = {schema.normalize(n): n for n in workbook.sheet_names}
    found = {}
    for name in [schema.PRACTICE] + [s.name for s in schema.SHEETS]:
        actual = by_norm.get(schema.normalize(name))
        if actual is not None:
            found[name] = workbook.get_sheet_by_name(actual)
    return found


def open_workbook(path: str | os.PathLike):
    """Open a workbook with python-calamine, or raise :class:`WorkbookUnreadable`."""
    path = os.fspath(path)
    if not os.path.exists(path):
        raise WorkbookUnreadable(f"{path}: no such workbook (give one with --workbook)")
    try:
        return CalamineWorkbook.from_path(path)
    except Exception as exc:  # calamine raises several types for a broken file
        raise WorkbookUnreadable(
            f"{path}: not an Excel workbook claimbook can read ({exc})") from None


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
    sheets = _find_sheets(workbook)
    if schema.PRACTICE not in sheets:
        problems.append(Problem(schema.PRACTICE, 0, "", "the sheet is missing"))
    settings = _settings(sheets.get(schema.PRACTICE), problems)
    rows: dict[str, list] = {}
    for spec in schema.SHEETS:
        if spec.name not in sheets:
            problems.append(Problem(spec.name, 0, "", "the sheet is missing"))
            rows[spec.name] = []
            continue
        reader = _SheetReader(spec, sheets[spec.name], problems)
        rows[spec.name] = reader.records(RECORD_CLASSES[spec.name])
    book = Book(
        path=os.fspath(path),
        settings=settings,
        staff=_first_by_key(rows["Staff"], "staff_id"),
        clients=_first_by_key(rows["Clients"], "client_id"),
        payers=_first_by_key(rows["Payers"], "payer_id"),
        policies=_first_by_key(rows["Policies"], "policy_id"),
        services=_first_by_key(rows["Services"], "service_code"),
        lines=rows["Appointments"],
        payments=rows["Payments"],
        rows=rows,
        sheet_names=list(workbook.sheet_names),
    )
    return book, problems


def _first_by_key(records: list, key: str) -> dict:
    out: dict = {}
    for record in records:
        value = getattr(record, key)
        if value is not None and value not in out:
            out[value] = record
    return out


def load_book(path: str | os.PathLike) -> Book:
    """Read and validate a workbook; raise :class:`BadData` if anything is wrong."""
    from ..validate import validate

    book, problems = read_book(path)
    problems += validate(book)
    if problems:
        raise BadData(problems)
    return book
