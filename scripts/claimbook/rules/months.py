"""Calendar months, as the commands and reports speak of them."""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date


class BadMonth(ValueError):
    """A month that is not ``YYYY-MM``."""


@dataclass(frozen=True, slots=True)
class Month:
    """A calendar month."""

    year: int
    month: int

    @classmethod
    def parse(cls, text: str) -> Month:
        """``"2026-10"`` -> Month(2026, 10); raises :class:`BadMonth` otherwise."""
        found = re.fullmatch(r"\s*(\d{4})-(\d{1,2})\s*", text or "")
        if not found or not 1 <= int(found.group(2)) <= 12:
            raise BadMonth(f'"{text}" is not a month; give it as YYYY-MM, e.g. 2026-10')
        return cls(int(found.group(1)), int(found.group(2)))

    @classmethod
    def of(cls, day: date) -> Month:
        return cls(day.year, day.month)

    @property
    def first_day(self) -> date:
        return date(self.year, self.month, 1)

    @property
    def last_day(self) -> date:
        return date(self.year, self.month, calendar.monthrange(self.year, self.month)[1])

    def previous(self) -> Month:
        return Month(self.year - 1, 12) if self.month == 1 else Month(self.year, self.month - 1)

    def next(self) -> Month:
        return Month(self.year + 1, 1) if self.month == 12 else Month(self.year, self.month + 1)

    def __str__(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"

    @property
    def label(self) -> str:
        """``Oct 2026``."""
        return f"{calendar.month_abbr[self.month]} {self.year}"


def months_between(first: Month, last: Month) -> list[Month]:
    """Every month from ``first`` to ``last`` inclusive."""
    out, m = [], first
    while (m.year, m.month) <= (last.year, last.month):
        out.append(m)
        m = m.next()
    return out
