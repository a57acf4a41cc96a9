"""Checking out a booked visit: ``checkout --appointment ID``.

A visit booked ahead (imported from the booking software's schedule, or typed as
Appointments rows with Checked Out = No) is completed where it is, never written twice:
its rows get the minutes, units and charge worked out as at any checkout, the diagnosis,
what the client paid, and Checked Out. What the desk does not say is taken from the
booking (the client, therapist, services, policy and date). A service more than was
booked is a new row with the same Appointment ID. Pure planning on records.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from claimbook.compute.balances import balance_of, visits_of
from claimbook.compute.desk import (
    DISCOUNT_FIRST,
    NO_DIAGNOSIS,
    Checkout,
    CheckoutRequest,
    ServiceOrder,
    checked_policy,
    checkout_warnings,
    visit_lines,
    visit_payment,
)
from claimbook.rules.changes import CellChange, Changes, row_values, with_records
from claimbook.rules.dates import show_date, style_of
from claimbook.rules.problems import BadRequest
from claimbook.rules.records import Book

# worked out from what was typed: left out where the owner's sheet has no such column
DERIVED = ("minutes", "units", "charge")
# what a completion may write into the booked rows
_WRITTEN = ("staff_id", "policy_id", "service_code", "minutes", "units", "charge",
            "diagnosis_codes", "client_paid", "discount", "payment_method", "notes",
            "checked_out")


def plan_completion(book: Book, payment_keys: list[str], req: CheckoutRequest) -> Checkout:
    """Plan the checkout of the booked visit ``req.booked``.

    Args:
        book: the visit's client's part of the workbook.
        payment_keys: every Payment ID on the sheet (the Reverse flow writes one).
        req: the checkout; ``day``, ``client_id``, ``staff_id``, ``services`` and
            ``policy_id`` may be left empty (None, "", ()) to take the booking's. A
            service order with an empty code keeps the booked line's code.

    Raises:
        BadRequest: no such visit; one voided or already checked out; a client or date
            that is not the booking's; fewer services than booked lines.
    """
    label = f"--appointment {req.booked}"
    visit = visits_of(book).get(req.booked)
    if visit is None:
        raise BadRequest(f'{label}: no appointment "{req.booked}" in {book.path}')
    booked = visit.lines
    _bookable(visit, label, req, style_of(book.settings))
    full = _with_booking(req, visit)
    policy = checked_policy(book, full)
    flow = req.flow or book.settings.checkout_flow or DISCOUNT_FIRST
    lines = visit_lines(book, full, policy, visit.appointment_id, flow)
    payments = visit_payment(book, payment_keys, full, visit.appointment_id, flow)
    changes = Changes()
    after_lines = []
    for old, new in zip(booked, lines):
        values = {f: getattr(new, f) for f in _WRITTEN if getattr(new, f) is not None
                  and getattr(new, f) != getattr(old, f)}
        if "checked_out" not in values and new.checked_out != old.checked_out:
            values["checked_out"] = new.checked_out
        changes.cells += [CellChange("Appointments", old.src.row, f, v, optional=f in DERIVED)
                          for f, v in values.items()]
        after_lines.append(replace(old, **values))
    extra = lines[len(booked):]
    changes.add("Appointments", [row_values(ln, "Appointments") for ln in extra])
    changes.add("Payments", [row_values(p, "Payments") for p in payments])
    others = [ln for ln in book.lines if ln.appointment_id != visit.appointment_id]
    after = with_records(replace(book, lines=others), after_lines + extra, payments)
    balance = balance_of(after, visits_of(after)[visit.appointment_id], full.day)
    payer = book.payer_of(policy.policy_id) if policy else None
    warnings = checkout_warnings(replace(book, lines=others), full,
                                  book.clients.get(full.client_id), policy, balance)
    if any(ln.diagnosis_codes for ln in after_lines) and NO_DIAGNOSIS in warnings:
        warnings.remove(NO_DIAGNOSIS)
    return Checkout(visit.appointment_id, flow, after_lines + extra, payments, changes,
                    balance, payer.name if payer else None, warnings)


def _bookable(visit, label: str, req: CheckoutRequest, style: str) -> None:
    voided = next((ln for ln in visit.lines if ln.void_reason), None)
    if voided is not None:
        raise BadRequest(f"{label}: the visit is voided ({voided.src.cell('void_reason')})")
    if all(ln.checked_out for ln in visit.lines):
        raise BadRequest(f"{label}: already checked out ({visit.first.src.cell('checked_out')}"
                         "); to change it, void it and check out a new visit")
    first = visit.first
    if req.client_id and req.client_id != first.client_id:
        raise BadRequest(f'{label}: the visit is client "{first.client_id}"\'s, not '
                         f'"{req.client_id}"\'s')
    if req.day and first.date_of_service and req.day != first.date_of_service:
        raise BadRequest(f"{label}: the visit is booked for "
                         f"{show_date(first.date_of_service, style)}, not "
                         f"{show_date(req.day, style)}; check it out on its day (or void it "
                         "and check out a new visit)")
    if req.services and len(req.services) < len(visit.lines):
        raise BadRequest(f"{label}: the visit was booked with {len(visit.lines)} services "
                         f"({', '.join(ln.service_code for ln in visit.lines)}); give a "
                         "--service for each")


def _with_booking(req: CheckoutRequest, visit) -> CheckoutRequest:
    """The request with what the desk left out taken from the booking."""
    first = visit.first
    orders = list(req.services)
    for i, line in enumerate(visit.lines):
        if i >= len(orders):
            orders.append(ServiceOrder(line.service_code, line.minutes, line.units))
        elif not orders[i].code:
            orders[i] = replace(orders[i], code=line.service_code)
        if orders[i].minutes is None and orders[i].units is None:
            orders[i] = replace(orders[i], minutes=line.minutes, units=line.units)
    diagnosis = req.diagnosis or next((ln.diagnosis_codes for ln in visit.lines
                                       if ln.diagnosis_codes), None)
    day: date = req.day or first.date_of_service
    return replace(req, day=day, client_id=req.client_id or first.client_id,
                   staff_id=req.staff_id or first.staff_id, services=tuple(orders),
                   policy_id=req.policy_id or first.policy_id, diagnosis=diagnosis)
