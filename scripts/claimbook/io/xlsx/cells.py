"""One cell as the contract reads it: the value a spreadsheet stored, in its column's type.

The reader converts whole columns at once (see :mod:`claimbook.io.xlsx.columns`); the
cells its vectorised paths cannot decide come here, one distinct value at a time. A
raw value is what the spreadsheet stored: ``str`` (text), ``float`` (a number),
``bool``, ``datetime``/``date`` (a date-formatted number), ``ExcelError`` (a formula
error such as ``#REF!``) or ``None``/``""`` (blank).
"""

from __future__ import annotations

import functools
import re
from datetime import date, datetime, timedelta

from claimbook.rules import schema
from claimbook.rules.money import NotMoney, to_cents
from claimbook.rules.npi import npi_problem
from claimbook.rules.textdates import with_excel_century

EXCEL_EPOCH = date(1899, 12, 30)
# Serial numbers read as dates only in a plausible range (1950-01-01 .. 2099-12-31).
SERIAL_MIN, SERIAL_MAX = 18264, 73050
# Any date read (a date cell, date text, a serial) must fall in these years.
FIRST_YEAR, LAST_YEAR = 1901, 2099
DATE_FORMATS = ("%Y-%m-%d", "%m/%d/%Y", "%m/%d/%y", "%Y/%m/%d", "%m-%d-%Y", "%b %d, %Y",
                "%B %d, %Y", "%d %b %Y", "%d-%b-%Y", "%d-%b-%y")
ERROR_VALUES = ("#N/A", "#VALUE!", "#REF!", "#DIV/0!", "#NUM!", "#NAME?", "#NULL!",
                "#GETTING_DATA")


class CellError(ValueError):
    """A cell's value cannot be read as its column's type."""


class ExcelError(str):
    """A cell holding a formula error (``#REF!``), as Excel shows it."""


def column_letter(index: int) -> str:
    """Zero-based column index -> Excel letters (0 -> A, 27 -> AB)."""
    letters = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def shown(raw: object) -> str:
    """A raw value as the owner sees it in a message: ``12.0`` -> ``12``."""
    if isinstance(raw, float) and raw.is_integer() and abs(raw) < 1e15:
        return str(int(raw))
    return str(raw)


def blank(raw: object) -> bool:
    """True for an empty cell or one holding only spaces."""
    return raw is None or (isinstance(raw, str) and not isinstance(raw, ExcelError)
                           and not raw.strip())


def _refuse_error(raw: object) -> None:
    if isinstance(raw, ExcelError) or (isinstance(raw, str) and raw.strip() in ERROR_VALUES):
        raise CellError(f"shows the error {raw.strip()}")


def text(raw: object) -> str | None:
    """A cell as text: numbers without a trailing ``.0``, dates as ``YYYY-MM-DD``."""
    if raw is None or raw == "":
        return None
    _refuse_error(raw)
    if isinstance(raw, bool):
        return "Yes" if raw else "No"
    if isinstance(raw, float):
        return str(int(raw)) if raw.is_integer() else repr(raw)
    if isinstance(raw, datetime):
        return raw.date().isoformat() if not raw.time() else raw.isoformat(sep=" ")
    if isinstance(raw, date):
        return raw.isoformat()
    return str(raw).strip() or None


def zip_code(raw: object) -> str | None:
    """A ZIP code; one typed as a number (or that lost its zeros) gets them back."""
    value = text(raw)
    if value and value.isdigit() and len(value) < 5:
        return value.zfill(5)  # Excel dropped the leading zero of a ZIP typed as a number
    return value


def _plausible(day: date, raw_shown: str) -> date:
    if day.year < FIRST_YEAR or day.year > LAST_YEAR:
        raise CellError(f'"{raw_shown}" is not a date between {FIRST_YEAR} and {LAST_YEAR}')
    return day


def day(raw: object, plausible: bool = True) -> date | None:
    """A date cell, a serial number in a plain cell, or date text as owners type it;
    with ``plausible`` (a cell), only a date from 1901 to 2099."""
    if raw is None or raw == "":
        return None
    _refuse_error(raw)
    if isinstance(raw, bool):
        raise CellError(f'"{text(raw)}" is not a date')
    if isinstance(raw, date):
        value = raw.date() if isinstance(raw, datetime) else raw
        if value.year <= 1900:  # a small number typed into a date-formatted cell
            # serials below 60 count from 1899-12-31 (Excel's 1900 leap-year bug)
            serial = (raw - datetime(1899, 12, 31)) if isinstance(raw, datetime) else None
            raw_shown = f"{serial.total_seconds() / 86400:g}" if serial else value.isoformat()
            raise CellError(f'"{raw_shown}" is not a date')
        return _plausible(value, value.isoformat())
    if isinstance(raw, float):
        if raw.is_integer() and SERIAL_MIN <= raw <= SERIAL_MAX:
            return EXCEL_EPOCH + timedelta(days=int(raw))
        raise CellError(f'"{shown(raw)}" is not a date')
    value = str(raw).strip()
    if not value:
        return None
    for pattern in DATE_FORMATS:
        try:
            parsed = datetime.strptime(value, pattern).date()
        except ValueError:
            continue
        parsed = with_excel_century(parsed, pattern.endswith("%y"))  # 3/4/65 is 1965
        return _plausible(parsed, value) if plausible else parsed
    raise CellError(f'"{value}" is not a date')


def money(raw: object) -> int | None:
    """An amount in integer cents, half-up (see :func:`claimbook.rules.money.to_cents`)."""
    if blank(raw):
        return None
    _refuse_error(raw)
    try:
        return to_cents(raw)
    except NotMoney:
        raise CellError(f'"{shown(raw)}" is not an amount') from None


def whole(raw: object) -> int | None:
    """A whole number (minutes, units, days)."""
    if blank(raw):
        return None
    _refuse_error(raw)
    if isinstance(raw, float) and not isinstance(raw, bool) and raw.is_integer() \
            and abs(raw) < 2**53:
        return int(raw)
    if isinstance(raw, str) and re.fullmatch(r"\s*\d+\s*", raw):
        return int(raw)
    raise CellError(f'"{shown(raw)}" is not a whole number')


_YES = {"yes", "y", "true", "x", "1"}
_NO = {"no", "n", "false", "0"}


def yes_no(raw: object) -> bool | None:
    """Yes/No as owners type it (Yes, y, x, TRUE, 1 / No, n, FALSE, 0)."""
    if blank(raw):
        return None
    _refuse_error(raw)
    if isinstance(raw, bool):
        return raw
    value = shown(raw).strip().lower()
    if value in _YES:
        return True
    if value in _NO:
        return False
    raise CellError(f'"{shown(raw)}" is not Yes or No')


def choice(raw: object, choices: tuple[str, ...]) -> str | None:
    """One of ``choices``, matched like a header, or a known alias (``PIP``)."""
    value = text(raw)
    if value is None:
        return None
    wanted = schema.normalize(value)
    for option in choices:
        if schema.normalize(option) == wanted:
            return option
    alias = schema.CHOICE_ALIASES.get(wanted)
    if alias in choices:
        return alias
    raise CellError(f'"{value}" is not one of {", ".join(choices)}')


def npi(raw: object) -> str | None:
    """A National Provider Identifier that passes its check digit."""
    value = text(raw)
    if value is None:
        return None
    message = npi_problem(value)
    if message:
        raise CellError(message)
    return value


CONVERTERS = {
    schema.ID: text,
    schema.TEXT: text,
    schema.CODE: text,
    schema.ZIP: zip_code,
    schema.DATE: day,
    schema.MONEY: money,
    schema.INT: whole,
    schema.YESNO: yes_no,
    schema.NPI: npi,
}


def converter(column_type: str, choices: tuple[str, ...] = ()):
    """The function that converts one raw cell of a column type."""
    if column_type == schema.CHOICE:
        return functools.partial(choice, choices=choices)
    return CONVERTERS[column_type]


def convert(column_type: str, raw: object, choices: tuple[str, ...] = ()) -> object:
    """Convert one raw cell value to its column type.

    Args:
        column_type: one of the types in :mod:`claimbook.rules.schema`.
        raw: the value the spreadsheet stored.
        choices: the allowed values of a choice column.

    Returns:
        The converted value, or None for a blank cell.

    Raises:
        CellError: with a message naming the value, when it cannot be read.
    """
    return converter(column_type, choices)(raw)
