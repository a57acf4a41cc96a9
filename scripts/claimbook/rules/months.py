"""Calendar months, as the commands and reports speak of them."""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date


class BadMonth(ValueError):
    """Text that is not a month."""


_MONTH_NAMES = {name.lower(): i for i, name in enumerate(calendar.month_name) if name}
_MONTH_NAMES.update({name.lower(): i for i, name in enumerate(calendar.month_abbr) if name})
_MONTH_NAMES["sept"] = 9
_NUMERIC = (re.compile(r"(?P<y>\d{4})\s*[-/.]\s*(?P<m>\d{1,2})"),  # 2026-10, 2026/10
            re.compile(r"(?P<m>\d{1,2})\s*[-/.]\s*(?P<y>\d{4})"))  # 10/2026
_NAMED = (re.compile(r"(?P<name>[a-z]+)\.?[\s,/-]*(?P<y>\d{4})"),  # Oct 2026, October-2026
          re.compile(r"(?P<y>\d{4})[\s,/-]*(?P<name>[a-z]+)\.?"))  # 2026 Oct


@dataclass(frozen=True, slots=True)
class Month:
    """A calendar month."""

    year: int
    month: int

    @classmethod
    def parse(cls, text: str) -> Month:
        """A month as people type it: ``2026-10``, ``2026/10``, ``10/2026``, ``Oct 2026``,
        ``October 2026`` -> Month(2026, 10).

        Raises:
            BadMonth: the text is not one of those, or names no month (``2026-13``).
        """
        cleaned = (text or "").strip().lower()
        for pattern in _NUMERIC:
            found = pattern.fullmatch(cleaned)
            if found and 1 <= int(found.group("m")) <= 12:
                return cls(int(found.group("y")), int(found.group("m")))
        for pattern in _NAMED:
            found = pattern.fullmatch(cleaned)
            if found and found.group("name") in _MONTH_NAMES:
                return cls(int(found.group("y")), _MONTH_NAMES[found.group("name")])
        raise BadMonth(f'"{text}" is not a month; give it as YYYY-MM, e.g. 2026-10 '
                       "(2026/10 and Oct 2026 work too)")

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
