"""Problems found in a workbook, and the errors that stop a command.

A :class:`Problem` is a record, not an exception: readers and validators collect them
all so that ``claimbook check`` can list every one at once. Exceptions are for what stops
everything (a file that is not a workbook, a workbook open in Excel).
"""

from __future__ import annotations

from dataclasses import dataclass

from claimbook.rules.schema import PRACTICE, SHEETS

_SHEET_ORDER = {name: i for i, name in enumerate([PRACTICE] + [s.name for s in SHEETS])}


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong at one place: ``Payments!F14: "12O.00" is not an amount``."""

    sheet: str
    row: int  # the Excel row number; 0 when the problem is the whole sheet
    column: str  # the Excel column letter; "" when the problem is a whole row or sheet
    message: str

    @property
    def where(self) -> str:
        if self.row and self.column:
            return f"{self.sheet}!{self.column}{self.row}"
        if self.row:
            return f"{self.sheet}!{self.row}:{self.row}"
        return self.sheet

    def __str__(self) -> str:
        return f"{self.where}: {self.message}"

    def sort_key(self) -> tuple:
        """Workbook order: sheets as the contract lists them, then row, then column."""
        return (_SHEET_ORDER.get(self.sheet, 99), self.sheet, self.row,
                len(self.column), self.column, self.message)


def in_order(problems: list[Problem]) -> list[Problem]:
    """Problems in workbook order, each once."""
    return sorted(set(problems), key=Problem.sort_key)


class ClaimbookError(Exception):
    """Something that stops a command; its text is the one line the user sees."""


class WorkbookUnreadable(ClaimbookError):
    """The file is missing or is not a workbook claimbook can read."""


class WorkbookInUse(ClaimbookError):
    """Excel or LibreOffice has the workbook open (a lock file sits beside it)."""


class BadData(ClaimbookError):
    """The workbook has problems; nothing was written."""

    def __init__(self, problems: list[Problem]):
        self.problems = in_order(problems)
        first = self.problems[0]
        more = len(self.problems) - 1
        tail = f" (and {more} more problem{'s' if more > 1 else ''}; run claimbook check)"
        super().__init__(str(first) + (tail if more else ""))


class BadRequest(ClaimbookError):
    """A command's own arguments make no sense for this workbook (unknown visit ...)."""
