"""At the desk: check out a visit, record a payment, bring the reminders up to date, and
the day's visits. Each function reads the workbook, plans with the pure computations,
writes through the one safe path, and returns what happened; commands print it.

    >>> done = record_payment("practice.xlsx", PaymentRequest(
    ...     date(2026, 11, 27), "REGENCE", "EFT123", (Allocation("A001177", 7000),)))
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import date

from claimbook.compute import reminders
from claimbook.compute.balances import VisitBalance, balances
from claimbook.compute.completion import plan_completion
from claimbook.compute.desk import (
    Allocation,
    Checkout,
    CheckoutRequest,
    PaymentRequest,
    Posting,
    plan_checkout,
    plan_payment,
)
from claimbook.compute.schedule import without_schedule
from claimbook.io.xlsx.surgery import Written
from claimbook.rules import lookup
from claimbook.rules.changes import Changes, with_records
from claimbook.rules.dates import DEFAULT_STYLE, style_of
from claimbook.rules.problems import BadRequest
from claimbook.usecases.workbook import Selection, open_for_change, without_records, write

__all__ = ["Allocation", "CheckoutRequest", "PaymentRequest", "check_out", "record_payment",
           "remind", "day_sheet"]


@dataclass
class CheckedOut:
    """A checkout written: the plan and where its rows landed."""

    plan: Checkout
    written: Written
    staff_name: str
    date_style: str = DEFAULT_STYLE  # the practice's, for what is printed


@dataclass
class Paid:
    """A payment written: the posting and where its rows landed."""

    posting: Posting
    written: Written


class Overpayment(BadRequest):
    """A payment that would overpay a visit, not confirmed."""


def _refresh_reminders(changes: Changes, after, client_ids: set[str], day: date) -> None:
    as_of = max(day, date.today())
    changes.cells += reminders.reminder_changes(after, as_of, client_ids, optional=True,
                                                statements=_statements(after.path))


def _statements(path: str) -> dict[str, date]:
    """Each client's last statement date, from the Statement Log beside the workbook."""
    from claimbook.io.xlsx.paper_logs import last_statements

    return last_statements(path)


def check_out(path: str, req: CheckoutRequest) -> CheckedOut:
    """Record a visit as it is checked out (or complete the booked visit ``req.booked``),
    and refresh its client's Reminder. The client, therapist, services and policy may be
    given by name (``--client "Jane Doe"``, ``--service massage60``).

    Raises:
        BadRequest: an unknown or ambiguous client, therapist, service or policy; an ID
            already used; a booked visit that is not one to complete.
    """
    if req.booked:
        opened = open_for_change(path, Selection(visits=frozenset({req.booked})))
        if req.client_id:
            req = replace(req, client_id=_client_named(opened, req.client_id))
        req = _named(opened.book, req)
        plan = plan_completion(opened.book, opened.keys("Payments"), req)
    else:
        opened = open_for_change(path, Selection(clients=frozenset({req.client_id})))
        client_id = _client_named(opened, req.client_id)
        if client_id != req.client_id:
            opened = open_for_change(path, Selection(clients=frozenset({client_id})))
            req = replace(req, client_id=client_id)
        req = _named(opened.book, req)
        plan = plan_checkout(opened.book, opened.keys("Appointments"), opened.keys("Payments"),
                             req)
    book = opened.book
    client = plan.balance.client_id
    others = [ln for ln in book.lines if ln.appointment_id != plan.appointment_id]
    after = with_records(replace(book, lines=others), plan.lines, plan.payments)
    _refresh_reminders(plan.changes, after, {client}, plan.balance.date_of_service or req.day)
    written = write(opened, plan.changes)
    return CheckedOut(plan, written, book.staff[plan.lines[0].staff_id].name,
                      style_of(book.settings))


def _client_named(opened, text: str) -> str:
    """The Client ID ``text`` names (an ID, or a name any case), from the Clients sheet."""
    if text in opened.book.clients:
        return text
    from claimbook.io.xlsx.directory import read_directory

    listed = read_directory(opened.snapshot.data, opened.snapshot.path)
    return lookup.find(text, lookup.client_entries(listed), "client", "--client",
                       opened.book.path)


def _named(book, req: CheckoutRequest) -> CheckoutRequest:
    """The request with the therapist, services and policy as IDs (given by name)."""
    staff = lookup.find_staff(book, req.staff_id) if req.staff_id else req.staff_id
    services = tuple(replace(o, code=lookup.find_service(book, o.code)) if o.code else o
                     for o in req.services)
    policy = req.policy_id
    if policy and (req.client_id or req.booked):
        client = req.client_id or next(
            (ln.client_id for ln in book.lines if ln.appointment_id == req.booked), None)
        if client:
            policy = lookup.find_policy(book, client, policy)
    return replace(req, staff_id=staff, services=services, policy_id=policy)


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
    if req.payer_id:
        req = replace(req, payer_id=lookup.find_payer(opened.book, req.payer_id))
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
    opened = open_for_change(path, Selection(), computes=True)
    book, layouts = opened.book, opened.layouts
    if "reminder" not in layouts["Clients"].letters:
        raise BadRequest(f'{layouts["Clients"].name}: no "Reminder" column; add one to its '
                         "header row and run the command again")
    open_items: list[VisitBalance] = balances(book, as_of)
    changes = Changes(cells=reminders.reminder_changes(book, as_of, items=open_items,
                                                       statements=_statements(path)))
    items = reminders.outstanding(book, as_of, open_items)
    changes.outstanding = reminders.OutstandingList(as_of, items, style_of(book.settings))
    by_row = {c.src.row: c.client_id for c in book.clients.values()}
    changed = {by_row[c.row]: c.value for c in changes.cells}
    unchanged = len(book.clients) - len(changed)
    del book, open_items  # the write holds the file's parts; the records go first
    opened = without_records(opened)
    written = None if dry_run else write(opened, changes, create_outstanding=True)
    return Reminded(as_of, changed, unchanged, items, written)


@dataclass
class DaySheet:
    """The day's visits (as the JSON output shows them), and the practice's date style."""

    visits: list[dict]
    date_style: str = DEFAULT_STYLE


def day_sheet(path: str, day: date) -> DaySheet:
    """The day's visits, each with its client's reminder as of that day."""
    from claimbook.io.xlsx.desk_reader import read_desk
    from claimbook.io.xlsx.safe import take_snapshot

    snapshot = take_snapshot(path)
    book, _ = read_desk(snapshot.data, path, Selection(dates=frozenset({day})))
    visits = _day_visits(book, day)
    # at the start of the day the schedule is not owed yet: the reminder is what the
    # client owed before it
    texts = reminders.reminders(without_schedule(book, day), day,
                                {v["client_id"] for v in visits},
                                statements=_statements(path))
    for visit in visits:
        visit["reminder"] = texts.get(visit["client_id"])
    return DaySheet(visits, style_of(book.settings))


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
