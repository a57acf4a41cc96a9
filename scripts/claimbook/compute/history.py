"""A client's history: every visit and payment, in date order, with a running balance.

Each money event of the client's visits is one entry, dated as it counts in the books
(a visit's lines on their Date of Service, a payment on its Date Received): the charge,
a discount, what was paid at the visit, each payment and its adjustment. The running
balance after each entry is what the client's visits owe in all, so the last one is
their total balance. Voids show as the entries they are (an equal and opposite entry on
the day of the void). Pure computation on records.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from claimbook.compute.balances import VisitBalance, balance_of, visits_of
from claimbook.rules.money import dollars
from claimbook.rules.records import Book
from claimbook.rules.voids import is_reversal


@dataclass(frozen=True)
class Entry:
    """One money event of a client's visits, and the balance after it."""

    day: date
    ref: str  # the Appointment ID of a visit's lines, the Payment ID of a payment
    appointment_id: str
    what: str
    amount: int  # what it adds to the balance (a payment is negative)
    balance: int = 0
    voided: bool = False
    order: tuple = ()  # visits before payments on a day; then sheet order


@dataclass(frozen=True)
class History:
    """A client's entries and where their visits stand as of the last day shown."""

    client_id: str
    client_name: str
    entries: list[Entry]
    as_of: date | None
    open_visits: list[VisitBalance]

    @property
    def balance(self) -> int:
        return self.entries[-1].balance if self.entries else 0


def client_history(book: Book, client_id: str, as_of: date | None = None) -> History:
    """Every visit and payment of a client, in date order, with the running balance.

    Args:
        book: the practice.
        client_id: the client.
        as_of: where the open visits are taken (default: the last entry's date).

    Returns:
        The history; its ``open_visits`` are the visits with a balance as of that day.
    """
    visits = [v for v in visits_of(book).values() if v.first.client_id == client_id]
    raw: list[Entry] = []
    for visit in visits:
        raw += _visit_entries(book, visit)
        raw += [e for p in visit.payments for e in _payment_entries(book, visit, p)]
    raw.sort(key=lambda e: (e.day, e.order))
    entries, running = [], 0
    for e in raw:
        running += e.amount
        entries.append(Entry(e.day, e.ref, e.appointment_id, e.what, e.amount, running,
                             e.voided, e.order))
    last = as_of or (entries[-1].day if entries else None)
    open_visits = []
    if last is not None:
        for visit in visits:
            b = balance_of(book, visit, last, include_paid=False)
            if b is not None:
                open_visits.append(b)
    return History(client_id, book.client_name(client_id), entries, last, open_visits)


def _visit_entries(book: Book, visit) -> list[Entry]:
    by_day: dict[tuple[date, bool], list] = {}
    for line, charge, units in zip(visit.lines, visit.charges, visit.units):
        if line.date_of_service is not None:
            by_day.setdefault((line.date_of_service, is_reversal(line)), []).append(
                (line, charge, units))
    out = []
    for (day, reversal), lines in by_day.items():
        aid, row = visit.appointment_id, lines[0][0].src.row
        voided = any(ln.void_reason for ln, *_ in lines)
        if reversal:
            what = f"Void of the visit: {_reason(lines[0][0])}"
        else:
            codes = ", ".join(f"{ln.service_code} x{n}" for ln, _, n in lines)
            payer = book.payer_of(lines[0][0].policy_id)
            what = f"Visit: {codes}" + (f" ({payer.name})" if payer else " (self-pay)")
        out.append(Entry(day, aid, aid, what, sum(c for _, c, _ in lines), voided=voided,
                         order=(0, row, 0)))
        discount = sum(ln.discount or 0 for ln, *_ in lines)
        if discount:
            out.append(Entry(day, aid, aid, "Discount", -discount, voided=voided,
                             order=(0, row, 1)))
        paid = sum(ln.client_paid or 0 for ln, *_ in lines)
        if paid:
            method = lines[0][0].payment_method
            out.append(Entry(day, aid, aid, "Paid at the visit" + (f" ({method})" if method
                                                                     else ""),
                             -paid, voided=voided, order=(0, row, 2)))
    return out


def _payment_entries(book: Book, visit, payment) -> list[Entry]:
    if payment.date_received is None:
        return []
    pid, aid, row = payment.payment_id, visit.appointment_id, payment.src.row
    if payment.source == "Insurance":
        payer = book.payers.get(payment.payer_id)
        who = payer.name if payer else payment.payer_id
        what = f"{who} paid" + (f" ({payment.reference})" if payment.reference else "")
    else:
        how = payment.payment_method or payment.reference
        sign = -1 if is_reversal(payment) else 1  # a reversal says what it undoes
        what = ("Client refund" if sign * (payment.amount or 0) < 0 else "Client paid") + \
            (f" ({how})" if how else "")
    if payment.patient_responsibility:
        what += f"; patient responsibility {dollars(payment.patient_responsibility)}"
    if is_reversal(payment):
        what = f"Void of {what[0].lower()}{what[1:]}: {_reason(payment)}"
    voided = bool(payment.void_reason)
    out = [Entry(payment.date_received, pid, aid, what, -(payment.amount or 0),
                 voided=voided, order=(1, row, 0))]
    if payment.adjustment:
        reason = f" ({payment.adjustment_reason})" if payment.adjustment_reason else ""
        out.append(Entry(payment.date_received, pid, aid, f"Adjustment{reason}",
                         -payment.adjustment, voided=voided, order=(1, row, 1)))
    return out


def _reason(record) -> str:
    text = record.void_reason or ""
    return text.split(":", 1)[1].strip() if ":" in text else text
