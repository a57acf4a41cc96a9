"""What each visit still owes, and from whom, as of a date (CONTRACT.md, Computation).

Pure computation: no workbook, no Click. Money is integer cents throughout. Every
visit at once is computed over columns (:mod:`claimbook.compute.frames`); one visit
alone (a desk command's) by :func:`balance_of`, on its records. The two agree on every
field (tests/test_differential.py).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta

import numpy as np

from claimbook.rules.records import Book
from claimbook.rules.units import line_units, visit_units  # noqa: F401
from claimbook.rules.voids import is_reversal

BUCKETS = ("0-30", "31-60", "61-90", "91-120", "120+")
_BUCKET_LIMITS = ((30, "0-30"), (60, "31-60"), (90, "61-90"), (120, "91-120"))

PAID, PREPAID, OVERPAID, CLIENT_DUE = "Paid", "Prepaid", "Overpaid", "Client Due"
UNBILLED, BILLED, PARTIALLY_PAID, DENIED = "Unbilled", "Billed", "Partially Paid", "Denied"
VOIDED = "Voided"  # claimbook void: a visit undone by its reversal, nothing left on it
STATUSES = (UNBILLED, BILLED, PARTIALLY_PAID, DENIED, CLIENT_DUE, PAID, PREPAID, OVERPAID,
            VOIDED)


def line_charge(line, service, units: int) -> int:
    """Charge of one service line in cents: Charge, else units x Fee per Unit."""
    if line.charge is not None:
        return line.charge
    if service is None or service.fee_per_unit is None:
        return 0
    return units * service.fee_per_unit


def aging_bucket(age_days: int) -> str:
    """The aging bucket of an age in days: 30 is ``0-30``, 31 is ``31-60``, 121 ``120+``."""
    for limit, name in _BUCKET_LIMITS:
        if age_days <= limit:
            return name
    return "120+"


@dataclass(slots=True)
class Visit:
    """One appointment: all its service lines and every payment applied to it."""

    appointment_id: str
    lines: list = field(default_factory=list)
    charges: list = field(default_factory=list)  # cents, one per line
    payments: list = field(default_factory=list)
    units: list = field(default_factory=list)  # one per line, by the payer's Units Rule

    @property
    def first(self):
        return self.lines[0]

    @property
    def date_of_service(self) -> date | None:
        return self.first.date_of_service

    @property
    def billed_date(self) -> date | None:
        """The earliest Billed Date on the visit's lines (row order never matters)."""
        return min((ln.billed_date for ln in self.lines if ln.billed_date), default=None)

    @property
    def claim_status(self) -> str | None:
        return next((ln.claim_status for ln in self.lines if ln.claim_status), None)

    @property
    def claim_number(self) -> str | None:
        return next((ln.claim_number for ln in self.lines if ln.claim_number), None)


class VisitMap(Mapping):
    """The visits of a book read in columns: Appointment ID -> :class:`Visit`, in sheet
    order, each made (with its records) only when asked for. The money computations
    given one of these work on the book's columns instead."""

    def __init__(self, book: Book):
        from claimbook.compute.numbering import numbering_of

        self.book = book
        self.numbering = numbering_of(book)  # without pandas: the desk commands need no more
        self._ids = self.numbering.appointment_ids
        self._number: dict[str, int] | None = None
        self._made: dict[str, Visit] = {}
        self._rows = None  # (line rows, payment rows) of each visit, found on first use

    @property
    def frames(self):
        """The book's money as DataFrames (:mod:`claimbook.compute.frames`; imports pandas)."""
        from claimbook.compute.frames import frames_of

        return frames_of(self.book)

    def _rows_of(self, number: int) -> tuple[list[int], list[int]]:
        if self._rows is None:
            self._rows = self.numbering.rows_by_visit()
        lines, payments = self._rows
        return lines(number), payments(number)

    def __getitem__(self, appointment_id: str) -> Visit:
        visit = self._made.get(appointment_id)
        if visit is not None:
            return visit
        if self._number is None:
            self._number = {v: i for i, v in enumerate(self._ids)}
        number = self._number[appointment_id]  # KeyError for an unknown visit
        line_rows, payment_rows = self._rows_of(number)
        visit = Visit(appointment_id, _records_at(self.book.lines, line_rows), [],
                      _records_at(self.book.payments, payment_rows))
        price_visit(self.book, visit)
        self._made[appointment_id] = visit
        return visit

    def __iter__(self) -> Iterator[str]:
        return iter(self._ids)

    def __len__(self) -> int:
        return len(self._ids)

    def __contains__(self, appointment_id) -> bool:
        if self._number is None:
            self._number = {v: i for i, v in enumerate(self._ids)}
        return appointment_id in self._number

    def some(self, appointment_ids) -> dict[str, Visit]:
        """These visits, by Appointment ID in the order given: the records of those not
        made yet are made together, a sheet's at once (a month's visits for the handoff
        are thousands: one by one, each pays for its own pass over the columns)."""
        if self._number is None:
            self._number = {v: i for i, v in enumerate(self._ids)}
        wanted = [a for a in dict.fromkeys(appointment_ids) if a not in self._made]
        if wanted:
            if self._rows is None:
                self._rows = self.numbering.rows_by_visit()
            lines_of, payments_of = self._rows
            numbers = [self._number[a] for a in wanted]
            lines = _records_in_groups(self.book.lines, [lines_of(n) for n in numbers])
            payments = _records_in_groups(self.book.payments, [payments_of(n) for n in numbers])
            for appointment_id, its_lines, its_payments in zip(wanted, lines, payments):
                visit = Visit(appointment_id, its_lines, [], its_payments)
                price_visit(self.book, visit)
                self._made[appointment_id] = visit
        return {a: self._made[a] for a in appointment_ids}

    def values(self):
        """Every visit, in sheet order (made in one pass when none is made yet)."""
        if not self._made:
            self._made = _group(self.book)
        return [self[v] for v in self._ids]


def _records_at(records, rows: list[int]) -> list:
    """The records at these rows of a sheet (made alone when the sheet's records are not)."""
    made = getattr(records, "_items", None)
    table = getattr(records, "table", None)
    if made is not None or table is None:
        return [records[i] for i in rows]
    return table.records_at(rows)


def _records_in_groups(records, groups: list[list[int]]) -> list[list]:
    """The records at each group of rows, made in one pass over the sheet's columns."""
    table = getattr(records, "table", None)
    flat = [row for group in groups for row in group]
    if getattr(records, "_items", None) is not None or table is None or len(flat) < 64:
        made = _records_at(records, flat)
    else:
        made = table.records(np.asarray(flat, dtype=np.int64))
    out, at = [], 0
    for group in groups:
        out.append(made[at:at + len(group)])
        at += len(group)
    return out


def _columnar(book: Book) -> bool:
    return getattr(book.lines, "table", None) is not None and \
        getattr(book.payments, "table", None) is not None


def visits_of(book: Book) -> Mapping[str, Visit]:
    """Group service lines and payments by Appointment ID, in sheet order, with each
    line's units (by the payer's Units Rule) and charge.

    Payments to an appointment that has no line are left out (``check`` reports them).
    A book read in columns gives a :class:`VisitMap` (visits made when asked for).
    """
    return VisitMap(book) if _columnar(book) else _group(book)


def _group(book: Book) -> dict[str, Visit]:
    visits: dict[str, Visit] = {}
    for line in book.lines:
        if line.appointment_id is None:
            continue
        visit = visits.get(line.appointment_id)
        if visit is None:
            visits[line.appointment_id] = Visit(line.appointment_id, [line], [], [])
        else:
            visit.lines.append(line)
    services = book.services
    for visit in visits.values():
        price_visit(book, visit, services)
    for payment in book.payments:
        visit = visits.get(payment.appointment_id)
        if visit is not None:
            visit.payments.append(payment)
    return visits


def price_visit(book: Book, visit: Visit, services: dict | None = None) -> None:
    """Fill a visit's units and charges from its lines, services and payer."""
    services = book.services if services is None else services
    lines = visit.lines
    if len(lines) == 1:  # the common case: no pooling of minutes
        line = lines[0]
        service = services.get(line.service_code)
        units = [line.units if line.units is not None else line_units(line, service)]
    else:
        payer = book.payer_of(lines[0].policy_id)
        units = visit_units(lines, [services.get(ln.service_code) for ln in lines],
                            payer.units_rule if payer is not None else None)
    visit.units = units
    visit.charges = [ln.charge if ln.charge is not None else
                     line_charge(ln, services.get(ln.service_code), n)
                     for ln, n in zip(lines, units)]


@dataclass(frozen=True, slots=True)
class VisitBalance:
    """One visit's money as of a date."""

    appointment_id: str
    date_of_service: date | None
    client_id: str | None
    client_name: str
    staff_id: str | None
    policy_id: str | None
    payer_id: str | None
    charge: int
    discount: int
    client_paid: int
    insurance_paid: int
    adjustments: int
    patient_responsibility: int
    balance: int
    insurance_due: int
    client_due: int
    age_days: int
    aging_bucket: str
    status: str
    claim_status: str | None
    billed_date: date | None
    timely_filing_deadline: date | None
    service_codes: tuple[str, ...]


@dataclass(slots=True)
class _Sums:
    charge: int = 0
    discount: int = 0
    client_paid: int = 0
    insurance_paid: int = 0
    adjustments: int = 0
    responsibility: int = 0
    insurance_rows: int = 0
    counted: bool = False
    voided: bool = False  # a void's reversal line is dated by then


def _sums(visit: Visit, as_of: date) -> _Sums:
    s = _Sums()
    for line, charge in zip(visit.lines, visit.charges):
        if line.date_of_service is None or line.date_of_service > as_of:
            continue
        s.counted = True
        if line.void_reason and is_reversal(line):
            s.voided = True
        s.charge += charge
        s.discount += line.discount or 0
        s.client_paid += line.client_paid or 0
    for payment in visit.payments:
        if payment.date_received is None or payment.date_received > as_of:
            continue
        s.counted = True
        if payment.source == "Insurance":
            s.insurance_paid += payment.amount or 0
            # a void's reversal takes its row back: the insurer has not answered after all
            s.insurance_rows += -1 if payment.void_reason and is_reversal(payment) else 1
        else:
            s.client_paid += payment.amount or 0
        s.adjustments += payment.adjustment or 0
        s.responsibility += payment.patient_responsibility or 0
    return s


def _clamp(value: int, balance: int) -> int:
    low, high = min(0, balance), max(0, balance)
    return max(low, min(high, value))


def status_of(balance: int, insured: bool, billed: bool, insurance_rows: int,
              insurance_paid: int, insurance_due: int, dated: bool) -> str:
    """A visit's status (CONTRACT.md): Paid; Prepaid (a credit on a visit not yet
    dated); Overpaid; Client Due (self-pay); for an insured visit Unbilled or Billed
    until the insurer answers (an insurance row, a $0 one included), then Client Due
    where nothing is due from the insurer, Denied where it paid nothing, else Partially
    Paid."""
    if balance == 0:
        return PAID
    if balance < 0:
        return OVERPAID if dated else PREPAID
    if not insured:
        return CLIENT_DUE
    if insurance_rows == 0:
        return BILLED if billed else UNBILLED
    if insurance_due == 0:
        return CLIENT_DUE
    if insurance_paid == 0:
        return DENIED
    return PARTIALLY_PAID


def balance_of(book: Book, visit: Visit, as_of: date,
               include_paid: bool = True) -> VisitBalance | None:
    """A visit's balance as of ``as_of``; None when nothing of it is dated by then.

    Args:
        book: the practice (for names, payers and settings).
        visit: the visit, from :func:`visits_of`.
        as_of: lines count when their Date of Service is on or before it, payments
            when their Date Received is.
        include_paid: when false, a visit whose balance is zero gives None too.

    Returns:
        The visit's charge, payments, balance, who owes it, its age and status.
    """
    s = _sums(visit, as_of)
    if not s.counted:
        return None
    balance = s.charge - s.discount - s.client_paid - s.insurance_paid - s.adjustments
    if balance == 0 and not include_paid:
        return None
    first = visit.first
    insured = first.policy_id is not None
    client_due = _clamp(s.responsibility - s.client_paid, balance) if insured else balance
    billed = visit.billed_date
    if billed is not None and billed > as_of:
        billed = None
    payer = book.payer_of(first.policy_id)
    dos = visit.date_of_service
    start = billed if (billed and book.settings.aging_basis == "Billed Date") else dos
    age = max(0, (as_of - start).days) if start else 0
    deadline = dos + timedelta(days=book.timely_filing_days(payer)) if dos and insured else None
    return VisitBalance(
        appointment_id=visit.appointment_id,
        date_of_service=dos,
        client_id=first.client_id,
        client_name=book.client_name(first.client_id),
        staff_id=first.staff_id,
        policy_id=first.policy_id,
        payer_id=payer.payer_id if payer else None,
        charge=s.charge,
        discount=s.discount,
        client_paid=s.client_paid,
        insurance_paid=s.insurance_paid,
        adjustments=s.adjustments,
        patient_responsibility=s.responsibility,
        balance=balance,
        insurance_due=balance - client_due,
        client_due=client_due,
        age_days=age,
        aging_bucket=aging_bucket(age),
        status=VOIDED if s.voided and balance == 0 else status_of(
            balance, insured, billed is not None, s.insurance_rows, s.insurance_paid,
            balance - client_due, dos is not None and dos <= as_of),
        claim_status=visit.claim_status,
        billed_date=billed,
        timely_filing_deadline=deadline,
        service_codes=tuple(ln.service_code for ln in visit.lines if ln.service_code),
    )


def balances(book: Book, as_of: date, visits: dict[str, Visit] | None = None,
             include_paid: bool = False) -> list[VisitBalance]:
    """Every visit's balance as of a date, oldest visit first.

    Args:
        book: the practice.
        as_of: the date the balances are taken.
        visits: the grouped visits, when the caller already has them.
        include_paid: keep visits whose balance is zero too.

    Returns:
        One :class:`VisitBalance` per visit with anything dated by ``as_of`` (and a
        non-zero balance unless ``include_paid``).
    """
    if visits is None or isinstance(visits, VisitMap):
        from claimbook.compute.frames import frames_of
        from claimbook.compute.visit_table import visit_balances

        return visit_balances(frames_of(book), as_of, include_paid)
    out = []
    for visit in visits.values():
        vb = balance_of(book, visit, as_of, include_paid)
        if vb is not None:
            out.append(vb)
    out.sort(key=lambda b: (b.date_of_service or date.min, b.appointment_id))
    return out


def total_ar(rows: list[VisitBalance]) -> int:
    """A/R: the sum of balances."""
    return sum(b.balance for b in rows)


def ar_as_of(visits: Mapping[str, Visit], as_of: date) -> int:
    """A/R as of a date, summed straight from the lines and payments dated by then.

    The same money as :func:`total_ar` of :func:`balances`, without building a record
    per visit; the roll-forward takes its opening from here and its closing from the
    balances, so the two computations check each other.
    """
    if isinstance(visits, VisitMap):
        from claimbook.compute.frames import ar_on

        return ar_on(visits.frames, as_of)
    total = 0
    for visit in visits.values():
        for line, charge in zip(visit.lines, visit.charges):
            day = line.date_of_service
            if day is not None and day <= as_of:
                total += charge - (line.discount or 0) - (line.client_paid or 0)
        for payment in visit.payments:
            day = payment.date_received
            if day is not None and day <= as_of:
                total -= (payment.amount or 0) + (payment.adjustment or 0)
    return total
