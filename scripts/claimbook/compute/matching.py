"""Matching what an export says to the workbook's clients, services and visits.

Pure functions on records: a name as a booking tool wrote it ("Doe, Jane", "Jane Q. Doe",
"José Núñez") to the one client it means; a service as the tool named it to a Service
Code; the dates of an insurance product's title to the client's visits; rows seen in
several overlapping exports counted once.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Hashable, Iterable
from dataclasses import dataclass, field, replace
from datetime import date, timedelta

from claimbook.rules.lookup import booking_names, plain
from claimbook.rules.textdates import DaySpec
from claimbook.rules.titles import InsuranceTitle, name_variants


# -- overlapping exports ------------------------------------------------------------
def once_across_files(rows: Iterable, key, file_of) -> tuple[list, Counter]:
    """Rows of several files, each kept as many times as the file with most copies has it.

    The product report covers six months at a time, so two exports overlap; a row in
    both is one sale. Two identical rows in one file are two sales (and stay two).

    Args:
        rows: every file's rows, in order.
        key: what makes two rows the same sale.
        file_of: the file a row came from.

    Returns:
        The rows kept, in order, and how many were dropped per file.
    """
    per_file: dict[Hashable, Counter] = {}
    for row in rows:
        per_file.setdefault(file_of(row), Counter())[key(row)] += 1
    allowed: Counter = Counter()
    for counts in per_file.values():
        for k, n in counts.items():
            allowed[k] = max(allowed[k], n)
    kept, dropped, taken = [], Counter(), Counter()
    for row in rows:
        k = key(row)
        if taken[k] < allowed[k]:
            taken[k] += 1
            kept.append(row)
        else:
            dropped[file_of(row)] += 1
    return kept, dropped


# -- clients --------------------------------------------------------------------------
def _name_key(first: str, last: str) -> str:
    return plain(f"{first} {last}")


@dataclass
class ClientIndex:
    """The clients a name or an email may mean (the workbook's, and new ones)."""

    by_name: dict[str, list[str]] = field(default_factory=dict)
    by_email: dict[str, list[str]] = field(default_factory=dict)

    @classmethod
    def of(cls, clients: dict) -> ClientIndex:
        index = cls()
        for client_id, c in clients.items():
            index.add(client_id, c.first_name or "", c.last_name or "", c.email)
        return index

    def add(self, client_id: str, first: str, last: str, email: str | None = None) -> None:
        keys = {_name_key(first, last), _name_key(first.split(" ")[0] if first else "", last)}
        for key in keys:
            if key:
                ids = self.by_name.setdefault(key, [])
                if client_id not in ids:
                    ids.append(client_id)
        if email and email.strip():
            ids = self.by_email.setdefault(email.strip().casefold(), [])
            if client_id not in ids:
                ids.append(client_id)

    def find(self, name: str | None, email: str | None = None,
             first: str | None = None, last: str | None = None) -> list[str]:
        """The clients the name (or first and last) and email may mean: one is a match,
        several are ambiguous, none is a new client. The email wins when it is known."""
        if email and email.strip():
            by_email = self.by_email.get(email.strip().casefold(), [])
            if len(by_email) == 1:
                return by_email
        pairs = [(first or "", last or "")] if (first or last) else name_variants(name or "")
        for f, surname in pairs:
            found = self.by_name.get(_name_key(f, surname))
            if found:
                return list(found)
        return []


def split_name(name: str) -> tuple[str, str]:
    """First and last name of a name as written (``Doe, Jane`` -> Jane, Doe)."""
    pairs = name_variants(name)
    return pairs[0] if pairs else ("", "")


# -- services ----------------------------------------------------------------------------
def service_code(services: dict, name: str | None) -> str | None:
    """The Service Code a booking tool's service name means: the code itself, its
    description, or one of its Booking Names (any case); None when none or several."""
    wanted = plain(name)
    if not wanted:
        return None
    found = [code for code, s in services.items()
             if wanted in {plain(code), plain(s.description)}
             or wanted in {plain(n) for n in booking_names(s)}]
    return found[0] if len(found) == 1 else None


# -- the visits an insurance product's title names ------------------------------------
def visit_days(title: InsuranceTitle, sold: date, days_with_visits: set[date]) -> list[date]:
    """The dates of service a title names, among the client's visit days.

    A date with a year is taken as written; one without a year is the client's visit on
    that month and day nearest before the sale (this year's, else last year's); a range
    is every visit day within it.

    Returns:
        The days, in order, each once; a day the title names but the client has no visit
        on is returned too (the caller lists it as unmatched).
    """
    out: list[date] = []
    for spec in title.days:
        out.append(_one_day(spec, sold, days_with_visits))
    for first, last in title.spans:
        start = _one_day(first, sold, days_with_visits)
        end = _one_day(last, sold, days_with_visits)
        if start and end:
            inside = sorted(d for d in days_with_visits if start <= d <= end)
            out += inside or [start]
    return list(dict.fromkeys(d for d in out if d is not None))


def _one_day(spec: DaySpec, sold: date, days_with_visits: set[date]) -> date | None:
    if spec.year is not None:
        return spec.date
    candidates = [d for d in (spec.on(sold.year), spec.on(sold.year - 1)) if d]
    seen = [d for d in candidates if d in days_with_visits and d <= sold]
    if seen:
        return max(seen)
    before = [d for d in candidates if d <= sold]
    return max(before) if before else (candidates[0] if candidates else None)


def nearest_before(days: Iterable[date], day: date, within: int = 14) -> date | None:
    """The latest of ``days`` on or before ``day``, at most ``within`` days before it
    (a visit checked out on a later day)."""
    found = [d for d in days if day - timedelta(days=within) <= d <= day]
    return max(found) if found else None


PAYMENT_METHODS = {
    "cash": "Cash", "check": "Check", "cheque": "Check", "credit card": "Card",
    "credit": "Card", "card": "Card", "debit": "Card", "debit card": "Card", "visa": "Card",
    "mastercard": "Card", "amex": "Card", "american express": "Card", "discover": "Card",
    "square": "Card", "hsa": "HSA/FSA", "fsa": "HSA/FSA", "hsa fsa": "HSA/FSA",
    "gift card": "Gift Card", "gift certificate": "Gift Card", "gift": "Gift Card",
}


def payment_method(text: str | None) -> str | None:
    """A tool's payment method as claimbook's (``Credit Card`` -> Card); Other when
    unknown, None when blank."""
    if not text or not text.strip():
        return None
    return PAYMENT_METHODS.get(plain(text), "Other")


def book_of_clients(book, clients: set[str]):
    """The part of a book holding these clients' visits and their payments (for balances
    of a few clients in a big workbook)."""
    lines = [ln for ln in book.lines if ln.client_id in clients]
    visits = {ln.appointment_id for ln in lines}
    payments = [p for p in book.payments if p.appointment_id in visits]
    rows = {**book.rows, "Appointments": lines, "Payments": payments}
    return replace(book, lines=lines, payments=payments, rows=rows)
