"""Reading the new workbook back before it replaces the owner's: every part where it
should be, every changed part inflating to exactly the bytes meant, and every cell
written read back with python-calamine and compared with what was meant (text as text,
amounts as the exact number, dates as dates)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from xml.parsers import expat

from python_calamine import CalamineWorkbook

from claimbook.io.xlsx.package import Package
from claimbook.io.xlsx.sheetxml import column_index
from claimbook.rules.problems import ClaimbookError


@dataclass
class Check:
    """A cell to read back from the temporary file: sheet, row, column, the text meant."""

    sheet: str
    row: int
    letters: str
    text: str | None
    size: int = 0  # the sheet part's size
    expected: object = None  # a number (Decimal) or date meant, compared as read back


READ_BACK_LIMIT = 8 << 20  # sheets up to this size are read back whole with calamine


def read_back(tmp: str, package: Package, checks: list[Check],
              fragments: dict[str, list[bytes]]) -> None:
    """Check the temporary file before it replaces the workbook.

    Every part it holds is where it should be; every changed part decompresses to exactly
    the bytes meant (CRC checked). Changed sheets are read back with calamine and the new
    cells compared; a sheet too big for that in a desk command (over READ_BACK_LIMIT) has
    its edited rows parsed as XML instead, the rest of it being the owner's bytes.
    """
    _read_back_parts(tmp, package)
    by_sheet: dict[str, list[Check]] = {}
    for check in checks:
        by_sheet.setdefault(check.sheet, []).append(check)
    workbook = None
    for name, sheet_checks in by_sheet.items():
        if sheet_checks[0].size > READ_BACK_LIMIT:
            _parse_fragments(name, fragments.get(name, []))
            continue
        workbook = workbook or CalamineWorkbook.from_path(tmp)
        rows = workbook.get_sheet_by_name(name).to_python(skip_empty_area=False)
        for check in sheet_checks:
            _read_back_cell(rows, check)


def _read_back_parts(tmp: str, package: Package) -> None:
    """Every part is in the new file, and every changed part inflates (CRC checked) to
    exactly the bytes meant."""
    def unreadable(exc: ClaimbookError) -> ClaimbookError:
        return ClaimbookError(f"{exc}; nothing was written")

    try:
        with open(tmp, "rb") as fh:
            written = Package(fh.read(), "the new workbook")
    except ClaimbookError as exc:
        raise unreadable(exc) from None
    added = [n for n in package.changed if n not in package.members]
    if written.names() != package.names() + added:
        raise ClaimbookError("the new workbook's parts do not read back; nothing was written")
    for name, content in package.changed.items():
        try:
            same = written.inflates_to(name, content)
        except ClaimbookError as exc:
            raise unreadable(exc) from None
        if not same:
            raise ClaimbookError(f"{name} does not read back; nothing was written")


def _parse_fragments(sheet: str, fragments: list[bytes]) -> None:
    parser = expat.ParserCreate()
    try:
        parser.Parse(b"<sheetData>" + b"".join(fragments) + b"</sheetData>", True)
    except expat.ExpatError as exc:
        raise ClaimbookError(f"{sheet}: the new rows are not well-formed XML ({exc}); "
                             "nothing was written") from None


def _read_back_cell(rows: list, check: Check) -> None:
    i, j = check.row - 1, column_index(check.letters)
    found = rows[i][j] if i < len(rows) and j < len(rows[i]) else ""
    if check.expected is not None:
        if not _same(found, check.expected):
            raise ClaimbookError(f"{check.sheet}!{check.letters}{check.row} reads back as "
                                 f'"{found}", not {_shown(check.expected)}; nothing was written')
        return
    if check.text is None:
        return
    if str(found) != check.text:
        raise ClaimbookError(f"{check.sheet}!{check.letters}{check.row} reads back as "
                             f'"{found}", not "{check.text}"; nothing was written')


def _same(found: object, expected: object) -> bool:
    """A number or date read back by calamine is the one meant (a date must come back
    as a date: a serial number shown as a number would be a missing date format)."""
    if isinstance(expected, date):
        day = found.date() if isinstance(found, datetime) else found
        return isinstance(day, date) and day == expected
    if isinstance(found, bool) or not isinstance(found, (int, float)):
        return False
    return Decimal(repr(found)) == expected


def _shown(expected: object) -> str:
    return expected.isoformat() if isinstance(expected, date) else str(expected)


