"""The schedule: visits booked and not happened yet.

A visit booked ahead is an Appointments row with Checked Out = No (imported from the
booking software's schedule, or typed). It counts from its Date of Service like any
visit, so on its own day, before the client arrives, it would already show as owed.
A visit still to come on a day is one dated that day or later, not checked out, with
no money on it yet (a Reverse-flow visit has the client's payment on it).
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from claimbook.rules.records import Book


def scheduled(lines: list, payments: list, day: date) -> bool:
    """Is this visit (its lines and payments) still to come on ``day``?"""
    first = lines[0]
    return (first.date_of_service is not None and first.date_of_service >= day
            and not any(ln.checked_out for ln in lines)
            and not any(ln.client_paid for ln in lines) and not payments)


def without_schedule(book: Book, day: date) -> Book:
    """The book without the visits still to come on ``day``."""
    lines: dict[str, list] = {}
    for line in book.lines:
        lines.setdefault(line.appointment_id, []).append(line)
    paid: dict[str, list] = {}
    for payment in book.payments:
        paid.setdefault(payment.appointment_id, []).append(payment)
    to_come = {aid for aid, ls in lines.items() if scheduled(ls, paid.get(aid, []), day)}
    if not to_come:
        return book
    kept = [ln for ln in book.lines if ln.appointment_id not in to_come]
    rows = {**book.rows, "Appointments": kept}
    return replace(book, lines=kept, rows=rows)
