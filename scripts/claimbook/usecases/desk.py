"""At the desk: check out a visit, record a payment, bring the reminders up to date, and
the day's visits. Each function reads the workbook, plans with the pure computations,
writes through the one safe path, and returns what happened; commands print it.

    >>> done = record_payment("practice.xlsx", PaymentRequest(
    ...     date(2026, 11, 27), "REGENCE", "EFT123", (Allocation("A001177", 7000),)))
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from claimbook.compute import reminders
from claimbook.compute.balances import VisitBalance, balances
from claimbook.compute.desk import (
    Allocation,
    Checkout,
    CheckoutRequest,
    PaymentRequest,
    Posting,
    plan_checkout,
    plan_payment,
)
from claimbook.io.xlsx.surgery import Written
from claimbook.rules.changes import Changes, with_records
from claimbook.rules.problems import BadRequest
from claimbook.usecases.workbook import Selection, open_for_change, write

__all__ = ["Allocation", "CheckoutRequest", "PaymentRequest", "check_out", "record_payment",
           "remind", "day_sheet"]


@dataclass
class CheckedOut:
    """A checkout written: the plan and where its rows landed."""

    plan: Checkout
    written: Written
    staff_name: str


@dataclass
class Paid:
    """A payment written: the posting and where its rows landed."""

    posting: Posting
    written: Written


class Overpayment(BadRequest):
    """A payment that would overpay a visit, not confirmed."""


def _refresh_reminders(changes: Changes, after, client_ids: set[str], day: date) -> None:
    as_of = max(day, date.today())
    changes.cells += reminders.reminder_changes(after, as_of, client_ids, optional=True)


def check_out(path: str, req: CheckoutRequest) -> CheckedOut:
    """Record a visit as it is checked out, and refresh its client's Reminder.

    Raises:
        BadRequest: an unknown client, therapist, service or policy; an ID already used.
    """
    opened = open_for_change(path, Selection(clients=frozenset({req.client_id})))
    book = opened.book
    plan = plan_checkout(book, opened.keys("Appointments"), opened.keys("Payments"), req)
    after = with_records(book, plan.lines, plan.payments)
    _refresh_reminders(plan.changes, after, {req.client_id}, req.day)
    written = write(opened, plan.changes)
    return CheckedOut(plan, written, book.staff[plan.lines[0].staff_id].name)


def record_payment(path: str, req: PaymentRequest,
                   overpay: bool | Callable[[list[str]], bool] = False) -> Paid:
    """Record money received across one or more visits, and refresh the reminders.

    Args:
        path: the practice workbook.
        req: who paid, the reference and the allocations.
        overpay: whether to record a payment that would overpay a visit: True, False,
            or a function shown the warnings that answers (the command asks the user).

    Raises:
        Overpayment: it would overpay and ``overpay`` said no; nothing was written.
        BadRequest: an unknown visit or payer, a wrong payer, a reference applied twice.
    """
    visits = frozenset(a.appointment_id for a in req.allocations)
    opened = open_for_change(path, Selection(visits=visits))
    posting = plan_payment(opened.book, opened.keys("Payments"), req)
    if posting.overpaid:
        allowed = overpay(posting.overpaid) if callable(overpay) else overpay
        if not allowed:
            raise Overpayment(f"{posting.overpaid[0]}; nothing was written "
                              "(run again with --yes to record it anyway)")
    after = with_records(opened.book, [], posting.payments)
    clients = {b.client_id for b in posting.balances.values()}
    _refresh_reminders(posting.changes, after, clients, req.day)
    return Paid(posting, write(opened, posting.changes))


@dataclass
class Reminded:
    """What ``remind`` changed (or would change): the Reminder cells by client, and the
    Outstanding list."""

    as_of: date
    changed: dict[str, str | None]  # client ID -> new reminder (None: cleared)
    unchanged: int
    outstanding: list = field(default_factory=list)
    written: Written | None = None

    @property
    def insurance_due(self) -> int:
        return sum(i.insurance_due for i in self.outstanding)


def remind(path: str, as_of: date, dry_run: bool = False) -> Reminded:
    """Bring every client's Reminder up to date, and rebuild the Outstanding sheet.

    Raises:
        BadRequest: the Clients sheet has no Reminder column.
    """
    opened = open_for_change(path, Selection())
    book, layouts = opened.book, opened.layouts
    if "reminder" not in layouts["Clients"].letters:
        raise BadRequest(f'{layouts["Clients"].name}: no "Reminder" column; add one to its '
                         "header row and run the command again")
    open_items: list[VisitBalance] = balances(book, as_of)
    changes = Changes(cells=reminders.reminder_changes(book, as_of, items=open_items))
    items = reminders.outstanding(book, as_of, open_items)
    changes.outstanding = reminders.OutstandingList(as_of, items)
    by_row = {c.src.row: c.client_id for c in book.clients.values()}
    changed = {by_row[c.row]: c.value for c in changes.cells}
    written = None if dry_run else write(opened, changes, create_outstanding=True)
    return Reminded(as_of, changed, len(book.clients) - len(changed), items, written)


def day_sheet(path: str, day: date) -> list[dict]:
    """The day's visits, each with its client's reminder as of that day."""
    from claimbook.io.xlsx.desk_reader import read_desk
    from claimbook.io.xlsx.safe import take_snapshot

    snapshot = take_snapshot(path)
    book, _ = read_desk(snapshot.data, path, Selection(dates=frozenset({day})))
    visits = _day_visits(book, day)
    texts = reminders.reminders(book, day, {v["client_id"] for v in visits})
    for visit in visits:
        visit["reminder"] = texts.get(visit["client_id"])
    return visits


def _day_visits(book, day: date) -> list[dict]:
    out: dict[str, dict] = {}
    for line in book.lines:
        if line.date_of_service != day:
            continue
        visit = out.setdefault(line.appointment_id, {
            "appointment_id": line.appointment_id, "date_of_service": day.isoformat(),
            "client_id": line.client_id, "client_name": book.client_name(line.client_id),
            "staff_id": line.staff_id,
            "staff": book.staff[line.staff_id].name if line.staff_id in book.staff else "",
            "services": [], "checked_out": True})
        visit["services"].append(line.service_code)
        visit["checked_out"] = visit["checked_out"] and bool(line.checked_out)
    return list(out.values())
