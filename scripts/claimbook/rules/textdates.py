"""Dates written as people write them in free text: ``10/5/2026``, ``10/05/26``,
``Oct 5, 2026``, ``2026-10-05``, ``5 Oct 2026``, ``10/5`` (no year), in a product title or
a note.

A two-digit year follows Excel's rule: 00-29 are 2000-2029, 30-99 are 1930-1999, so a
date of birth typed ``3/4/65`` is 1965, as Excel itself would read it.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date

EXCEL_PIVOT = 30  # two-digit years from here on are 19xx


def full_year(two_digits: int) -> int:
    """``26`` -> 2026, ``65`` -> 1965 (Excel's two-digit-year rule)."""
    return 1900 + two_digits if two_digits >= EXCEL_PIVOT else 2000 + two_digits


def with_excel_century(day: date, typed_two_digits: bool) -> date:
    """A date parsed by ``strptime('%y')`` (which makes 65 into 2065) moved to Excel's
    century rule when its year was typed with two digits."""
    if typed_two_digits and day.year >= 2000 + EXCEL_PIVOT:
        return day.replace(year=day.year - 100)
    return day


_MONTHS = {name.lower(): i for i, name in enumerate(calendar.month_abbr) if name}
_MONTH = r"(?P<{}>jan|feb|mar|apr|may|jun|jul|aug|sept|sep|oct|nov|dec)[a-z]*\.?"
_TOKEN = re.compile(
    r"(?P<iso>(?P<iy>\d{4})-(?P<im>\d{1,2})-(?P<id>\d{1,2}))"
    r"|(?P<num>(?<![\d/.-])(?P<nm>\d{1,2})[/.-](?P<nd>\d{1,2})(?:[/.-](?P<ny>\d{4}|\d{2}))?"
    r"(?![\d/]))"
    r"|(?P<named>" + _MONTH.format("am") + r"\s*(?P<ad>\d{1,2})(?:st|nd|rd|th)?"
    r"(?:,?\s*(?P<ay>\d{4}))?)"
    r"|(?P<dayfirst>(?P<bd>\d{1,2})(?:st|nd|rd|th)?\s+" + _MONTH.format("bm")
    + r"(?:,?\s*(?P<by>\d{4}))?)",
    re.IGNORECASE)


@dataclass(frozen=True)
class DaySpec:
    """A date as written; ``year`` None when it was left out (``10/5``)."""

    month: int
    day: int
    year: int | None = None

    def on(self, year: int) -> date | None:
        """The date in ``year`` (None when it does not exist, e.g. Feb 30)."""
        try:
            return date(year, self.month, self.day)
        except ValueError:
            return None

    @property
    def date(self) -> date | None:
        return self.on(self.year) if self.year else None


@dataclass(frozen=True)
class Found:
    """A date found in text, and where: ``start`` and ``end`` index the text."""

    spec: DaySpec
    start: int
    end: int


def _month(name: str) -> int:
    key = name.lower()[:3]
    return _MONTHS[key]


def _spec(m: re.Match) -> DaySpec | None:
    if m.group("iso"):
        return DaySpec(int(m.group("im")), int(m.group("id")), int(m.group("iy")))
    if m.group("num"):
        year = m.group("ny")
        y = None if year is None else (int(year) if len(year) == 4 else full_year(int(year)))
        return DaySpec(int(m.group("nm")), int(m.group("nd")), y)
    if m.group("named"):
        y = m.group("ay")
        return DaySpec(_month(m.group("am")), int(m.group("ad")), int(y) if y else None)
    y = m.group("by")
    return DaySpec(_month(m.group("bm")), int(m.group("bd")), int(y) if y else None)


def dates_in(text: str) -> list[Found]:
    """Every date written in ``text``, in order; impossible ones (13/45) left out."""
    out = []
    for m in _TOKEN.finditer(text or ""):
        spec = _spec(m)
        if spec and 1 <= spec.month <= 12 and 1 <= spec.day <= 31:
            out.append(Found(spec, m.start(), m.end()))
    return out
