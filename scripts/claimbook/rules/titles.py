"""The booking software's insurance workaround, read back: product titles and reminders.

The practice sold a Product titled ``Insurance Billing - Client Name - Date of Service``
(older: ``Insurance Payment - ...``) whenever an insurer paid, and kept a client reminder
saying "a balance of $X remains". Owners typed these by hand for years, so a title may
use dashes, en dashes or colons, ``Last, First``, any date style, several dates
(``10/5 & 10/12/2026``) or a range (``10/5 - 10/19/2026``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from claimbook.rules.money import NotMoney, to_cents
from claimbook.rules.textdates import DaySpec, dates_in

_PREFIX = re.compile(r"^\s*insurance\s+(?P<kind>billing|payments?|pmt|paid)\b\s*[-–—:|]*\s*",
                     re.IGNORECASE)
_RANGE_GAP = re.compile(r"^\s*(?:-|–|—|to|thru|through|until)\s*$", re.IGNORECASE)
_SEPARATORS = " \t-–—:|,;/"
PSEUDO_CLIENT = re.compile(r"^\s*insurance(\s+(payments?|payment\(s\)|billing))?\s*$",
                           re.IGNORECASE)


@dataclass(frozen=True)
class InsuranceTitle:
    """What a product title says: whose visit(s), and which.

    ``days`` are single dates; ``spans`` are ranges (first, last), each meaning every
    visit of the client between them. A title with neither names no visit.
    """

    name: str
    days: tuple[DaySpec, ...] = ()
    spans: tuple[tuple[DaySpec, DaySpec], ...] = ()

    @property
    def names_a_visit(self) -> bool:
        return bool(self.name and (self.days or self.spans))


def is_insurance_title(text: str | None) -> bool:
    """Does the sale's item look like the workaround's insurance product?"""
    return bool(text and _PREFIX.match(text))


def is_pseudo_client(name: str | None) -> bool:
    """The client record the article recommends for insurance sales ("Insurance
    Payment(s)"): never a person."""
    return bool(name and PSEUDO_CLIENT.match(name))


def parse_title(text: str) -> InsuranceTitle | None:
    """Read an insurance product's title.

    Args:
        text: the item as the sales report shows it.

    Returns:
        None when it is not an insurance title; else the client's name as written
        (``"Doe, Jane"`` stays so; see :func:`name_variants`) and the dates of service.
        A year left out is filled from a later date that has one (``10/5 & 10/12/2026``),
        else left None for the matcher to take the nearest past visit.
    """
    head = _PREFIX.match(text or "")
    if not head:
        return None
    rest = text[head.end():]
    found = dates_in(rest)
    if not found:
        return InsuranceTitle(rest.strip(_SEPARATORS))
    name = rest[:found[0].start].strip(_SEPARATORS)
    specs = _shared_year([f.spec for f in found])
    days, spans, i = [], [], 0
    while i < len(found):
        gap = rest[found[i].end:found[i + 1].start] if i + 1 < len(found) else ""
        if i + 1 < len(found) and _RANGE_GAP.match(gap):
            spans.append((specs[i], specs[i + 1]))
            i += 2
        else:
            days.append(specs[i])
            i += 1
    return InsuranceTitle(name, tuple(days), tuple(spans))


def _shared_year(specs: list[DaySpec]) -> list[DaySpec]:
    """``10/5 & 10/12/2026``: a date without a year takes the next one's year."""
    out = list(specs)
    year = None
    for i in range(len(out) - 1, -1, -1):
        if out[i].year is not None:
            year = out[i].year
        elif year is not None:
            out[i] = DaySpec(out[i].month, out[i].day, year)
    return out


def name_variants(name: str) -> list[tuple[str, str]]:
    """The (first, last) readings of a name as written, likeliest first.

    ``"Doe, Jane"`` -> [("Jane", "Doe")]; ``"Jane Q. Doe"`` -> [("Jane Q.", "Doe"),
    ("Jane", "Doe")]; ``"Mary Ann Smith"`` -> [("Mary Ann", "Smith"), ("Mary", "Ann Smith")].
    """
    text = re.sub(r"\s+", " ", (name or "").strip())
    if "," in text:
        last, _, first = text.partition(",")
        pairs = [(first.strip(), last.strip())]
    else:
        words = text.split(" ")
        if len(words) < 2:
            return [("", text)] if text else []
        pairs = [(" ".join(words[:-1]), words[-1]), (words[0], " ".join(words[1:]))]
    out = []
    for first, last in pairs:
        out.append((first, last))
        words = first.split(" ")
        if len(words) > 1:  # a middle name or initial
            out.append((words[0], last))
    return list(dict.fromkeys(out))


_AMOUNT = re.compile(r"\$\s?\d[\d,]*(?:\.\d{2})?|\b\d[\d,]*\.\d{2}\b")
_KEYWORDS = re.compile(r"balance|owes?|owing|remain|due|outstanding", re.IGNORECASE)


def reminder_amounts(text: str | None, reach: int = 40) -> list[int]:
    """The amounts (cents) a reminder says remain: those within ``reach`` characters of
    "balance", "owes", "remains", "due" or "outstanding" ("Partial payment taken 10/5; a
    balance of $80.00 remains" -> [8000]). A hint to check, never a figure to trust."""
    if not text:
        return []
    keys = [m.start() for m in _KEYWORDS.finditer(text)]
    out = []
    for m in _AMOUNT.finditer(text):
        if any(abs(m.start() - k) <= reach for k in keys):
            try:
                out.append(to_cents(m.group(0).replace(" ", "")))
            except NotMoney:  # pragma: no cover - the pattern admits only amounts
                continue
    return out
