"""Undoing a payment or a visit by an equal and opposite entry (``claimbook void``).

Nothing is deleted. The reversal is dated the day of the void, so every month already
reported or handed off keeps its figures; from that day on, the record counts for nothing.
Void Reason is filled on the original row(s) and on the reversal (see
:mod:`claimbook.rules.voids`). Pure planning on records: the rows and cells come out as
:class:`Changes`; nothing here touches a file.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from datetime import date

from claimbook.compute.balances import VisitBalance, balance_of, visits_of
from claimbook.rules.changes import (
    CellChange,
    Changes,
    new_record,
    next_ids,
    row_values,
    with_records,
)
from claimbook.rules.dates import DEFAULT_STYLE, show_date, style_of
from claimbook.rules.money import dollars
from claimbook.rules.problems import BadRequest
from claimbook.rules.records import Book, Payment, ServiceLine
from claimbook.rules.voids import is_reversal, reversal_reason, voided_reason

_NEGATED_PAYMENT = ("amount", "adjustment", "patient_responsibility")
_NEGATED_LINE = ("discount", "client_paid")
# what a reversal line leaves blank: it undoes money, it is not a visit to bill
_BLANK_ON_REVERSAL = ("minutes", "diagnosis_codes", "billed_date", "claim_number",
                      "claim_status", "notes", "modifiers")


@dataclass(frozen=True)
class VoidRequest:
    """``claimbook void``'s options: one payment or one visit, the day and the reason."""

    day: date
    reason: str
    payment_id: str | None = None
    appointment_id: str | None = None


@dataclass
class VoidPlan:
    """A planned void: what it undoes, the rows and cells it writes, and what follows."""

    what: str  # "payment PMT000123" or "appointment A001234"
    appointment_id: str
    dated: date  # the reversal's date
    reversals: list
    changes: Changes
    balance: VisitBalance | None  # the visit's balance on the reversal's date, after it
    warnings: list[str] = field(default_factory=list)
    payer_name: str | None = None  # the visit's insurer
    date_style: str = DEFAULT_STYLE  # the practice's, for what is printed


def plan_void(book: Book, payment_keys: list[str], req: VoidRequest) -> VoidPlan:
    """Plan a void.

    Args:
        book: the workbook's records (the visit and its payments at least).
        payment_keys: every Payment ID on the sheet (and the last one given), for the
            reversal's new ID; IDs are never reused.
        req: the request.

    Returns:
        The plan.

    Raises:
        BadRequest: no such payment or visit; one already voided, or itself a
            reversal; a payment dated after the void; an empty reason.
    """
    reason = " ".join((req.reason or "").split())
    if not reason:
        raise BadRequest("--reason: say why (it goes in Void Reason)")
    if req.payment_id is not None:
        plan = _void_payment(book, payment_keys, req, reason)
    else:
        plan = _void_visit(book, req, reason)
    plan.date_style = style_of(book.settings)
    return plan


# -- a payment ------------------------------------------------------------------------
def _void_payment(book: Book, keys: list[str], req: VoidRequest, reason: str) -> VoidPlan:
    wanted = req.payment_id.strip()
    original = next((p for p in book.payments if p.payment_id == wanted), None)
    if original is None:
        raise BadRequest(f'--payment {wanted}: no payment "{wanted}" in {book.path}'
                         + _near(wanted, [p.payment_id for p in book.payments if p.payment_id]))
    _not_voided(original, f"--payment {wanted}", "payment")
    if original.date_received and original.date_received > req.day:
        style = style_of(book.settings)
        dated = show_date(original.date_received, style)
        raise BadRequest(f"--payment {wanted}: it is dated {dated}, after the void "
                         f"({show_date(req.day, style)}); give --date {dated} or later")
    new_id = next_ids(keys, 1, "PMT000000")[0]
    values = {f: getattr(original, f) for f in row_values(original, "Payments")}
    values.update({"payment_id": new_id, "date_received": req.day, "notes": None,
                   "void_reason": reversal_reason(wanted, reason)})
    for name in _NEGATED_PAYMENT:
        if values.get(name) is not None:
            values[name] = -values[name]
    reversal = new_record(Payment, "Payments", values)
    changes = Changes()
    changes.add("Payments", [row_values(reversal, "Payments")])
    changes.cells.append(CellChange("Payments", original.src.row, "void_reason",
                                    voided_reason(reason, req.day, new_id)))
    after = with_records(book, [], [reversal])
    visit = visits_of(after).get(original.appointment_id)
    balance = balance_of(after, visit, req.day) if visit else None
    return VoidPlan(f"payment {wanted}", original.appointment_id, req.day, [reversal],
                    changes, balance, payer_name=_payer_name(book, visit))


# -- a visit ----------------------------------------------------------------------------
def _void_visit(book: Book, req: VoidRequest, reason: str) -> VoidPlan:
    wanted = req.appointment_id.strip()
    visit = visits_of(book).get(wanted)
    if visit is None:
        ids = list(dict.fromkeys(ln.appointment_id for ln in book.lines if ln.appointment_id))
        raise BadRequest(f'--appointment {wanted}: no appointment "{wanted}" in {book.path}'
                         + _near(wanted, ids))
    for line in visit.lines:
        _not_voided(line, f"--appointment {wanted}", "appointment")
    # a visit booked for a later day is undone on its own day, so it never counts at all
    dated = max(req.day, visit.date_of_service or req.day)
    reversals = [_reversal_line(line, charge, units, dated, reason)
                 for line, charge, units in zip(visit.lines, visit.charges, visit.units)]
    changes = Changes()
    changes.add("Appointments", [row_values(r, "Appointments") for r in reversals])
    changes.cells += [CellChange("Appointments", line.src.row, "void_reason",
                                 voided_reason(reason, req.day)) for line in visit.lines]
    after = with_records(book, reversals, [])
    balance = balance_of(after, visits_of(after)[wanted], dated)
    plan = VoidPlan(f"appointment {wanted}", wanted, dated, reversals, changes, balance,
                    payer_name=_payer_name(book, visit))
    plan.warnings = _payments_left(visit, balance)
    return plan


def _reversal_line(line, charge: int, units: int, day: date, reason: str):
    values = {f: getattr(line, f) for f in row_values(line, "Appointments")}
    for name in _BLANK_ON_REVERSAL:
        values[name] = None
    for name in _NEGATED_LINE:
        if values.get(name) is not None:
            values[name] = -values[name]
    values.update({"date_of_service": day, "charge": -charge, "units": -units,
                   "void_reason": reversal_reason(line.appointment_id, reason)})
    return new_record(ServiceLine, "Appointments", values)


def _payments_left(visit, balance: VisitBalance | None) -> list[str]:
    """The visit's payments stay: say so, and what they now leave (usually a credit)."""
    live = [p for p in visit.payments if not p.void_reason]
    if not live:
        return []
    listed = ", ".join(f"{p.payment_id} ({dollars(p.amount or 0)} from "
                       f"{'the client' if p.source == 'Client' else p.payer_id})"
                       for p in live[:4])
    more = f" and {len(live) - 4} more" if len(live) > 4 else ""
    left = ""
    if balance is not None and balance.balance < 0:
        left = f"; they leave a credit of {dollars(-balance.balance)}"
    return [f"{visit.appointment_id}'s payments stay as they are: {listed}{more}{left}. "
            "Void them too (claimbook void --payment ID), or refund or apply the credit"]


# -- shared ---------------------------------------------------------------------------
def _payer_name(book: Book, visit) -> str | None:
    payer = book.payer_of(visit.first.policy_id) if visit is not None else None
    return payer.name if payer else None


def _not_voided(record, label: str, what: str) -> None:
    if is_reversal(record):
        raise BadRequest(f"{label}: this is a void's reversal ({record.src.cell('void_reason')}: "
                         f'"{record.void_reason}"); record the {what} again instead')
    if record.void_reason:
        raise BadRequest(f"{label}: already voided ({record.src.cell('void_reason')}: "
                         f'"{record.void_reason}")')


def _near(wanted: str, ids: list[str]) -> str:
    near = difflib.get_close_matches(wanted, ids, n=3, cutoff=0.75)
    return f"; did you mean {' or '.join(near)}?" if near else ""


# -- the whole command ----------------------------------------------------------------
def void_record(path: str, req: VoidRequest, today: date) -> tuple[VoidPlan, object]:
    """Read the workbook, plan the void, bring the client's Reminder up to date, write.

    Args:
        path: the practice workbook.
        req: the request.
        today: the day the reminder is worked out as of (with the void's own date, the
            later of the two).

    Returns:
        The plan and what the write did (:class:`claimbook.io.xlsx.surgery.Written`).
    """
    from claimbook.compute import reminders
    from claimbook.usecases.workbook import open_for_change, write

    opened = open_for_change(path)
    book = opened.book
    plan = plan_void(book, opened.keys("Payments"), req)
    after = with_records(book, [r for r in plan.reversals if isinstance(r, ServiceLine)],
                         [r for r in plan.reversals if isinstance(r, Payment)])
    client = plan.balance.client_id if plan.balance else None
    if client:
        plan.changes.cells += reminders.reminder_changes(after, max(plan.dated, today),
                                                         {client}, optional=True)
    return plan, write(opened, plan.changes)
