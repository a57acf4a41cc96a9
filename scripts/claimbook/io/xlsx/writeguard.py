"""What the writer refuses to put into the owner's workbook, each with one line naming
the cell: a row past Excel's last, new rows under a merged range (they would be hidden),
text longer than a cell holds or that is not valid text, and dates outside the years
the reader takes back. Also the workbook's date system, which serial numbers follow.
"""

from __future__ import annotations

import re
from datetime import date

from claimbook.io.xlsx.package import Package
from claimbook.io.xlsx.sheetxml import column_index, split_ref
from claimbook.rules.problems import ClaimbookError

EXCEL_ROWS = 1_048_576
CELL_TEXT_MAX = 32_767  # characters an Excel cell holds
# The dates the reader takes back as dates (reader.SERIAL_MIN .. SERIAL_MAX).
FIRST_DAY, LAST_DAY = date(1950, 1, 1), date(2099, 12, 31)

_DATE1904 = re.compile(rb'<workbookPr\b[^>]*\bdate1904="(1|true)"')
_MERGE = re.compile(rb'<mergeCell\b[^>]*\bref="([^"]+)"')


def uses_1904(package: Package) -> bool:
    """Whether the workbook counts dates from 1904 (an old Mac Excel setting)."""
    return bool(_DATE1904.search(package.read("xl/workbook.xml")))


def refuse_value(where: str, value: object) -> None:
    """Refuse a value no cell should get.

    Args:
        where: the cell as Excel shows it (``Payments!B12``).
        value: the value about to be written.

    Raises:
        ClaimbookError: a date outside 1950-2099, text over 32,767 characters, or text
            carrying bytes that are not UTF-8 (a terminal's stray bytes).
    """
    if isinstance(value, date):
        if not FIRST_DAY <= value <= LAST_DAY:
            raise ClaimbookError(f"{where}: the date {value.isoformat()} is outside the years "
                                 f"claimbook writes ({FIRST_DAY.year} to {LAST_DAY.year}); "
                                 "nothing was written; check the date")
        return
    if not isinstance(value, str):
        return
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        shown = value.encode("utf-8", "surrogateescape").decode("utf-8", "replace")[:40]
        raise ClaimbookError(f'{where}: "{shown}" has bytes that are not UTF-8 text; '
                             "nothing was written; type it again") from None
    if len(value) > CELL_TEXT_MAX:
        raise ClaimbookError(f"{where}: {len(value):,} characters of text; an Excel cell holds "
                             f"at most {CELL_TEXT_MAX:,}; nothing was written")


def refuse_past_last_row(sheet: str, last: int) -> None:
    """Refuse new rows past row 1,048,576, Excel's last."""
    if last > EXCEL_ROWS:
        raise ClaimbookError(f"{sheet}: the new rows would go past row {EXCEL_ROWS:,}, the "
                             "last row Excel has; start a new workbook for the new year (keep "
                             "this one as the archive); nothing was written")


def refuse_merged(sheet: str, xml: bytes, first_row: int, last_row: int,
                  letters: list[str]) -> None:
    """Refuse new rows ``first_row..last_row`` whose cells (in ``letters``) fall in a
    merged range: Excel would show only the range's first cell."""
    if not letters or b"<mergeCell" not in xml:
        return
    left = min(column_index(c) for c in letters)
    right = max(column_index(c) for c in letters)
    for found in _MERGE.finditer(xml):
        ref = found.group(1).decode()
        try:
            top_left, _, bottom_right = ref.partition(":")
            col1, row1 = split_ref(top_left)
            col2, row2 = split_ref(bottom_right or top_left)
        except ValueError:
            continue
        rows_meet = row1 <= last_row and row2 >= first_row
        cols_meet = column_index(col1) <= right and column_index(col2) >= left
        if rows_meet and cols_meet:
            raise ClaimbookError(f"{sheet}!{ref}: merged cells where the new rows go (row "
                                 f"{first_row:,}); they would hide what claimbook writes; "
                                 "unmerge them (Home > Merge & Center) and run the command "
                                 "again")
