"""Recording at the desk: what checkout and pay add to the workbook, and what they refuse.

Pure planning on records (no Click, no workbook I/O): a request comes in, the rows to
append and the cells to change come out, with the visit balances they lead to. Every
refusal is a :class:`BadRequest` naming the argument (``--apply A0042=80.00: ...``), raised
before anything is written.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from claimbook.compute.balances import Visit, VisitBalance, balance_of, visits_of
from claimbook.rules import schema
from claimbook.rules.changes import (  # noqa: F401
    CellChange,
    Changes,
    new_record,
    next_ids,
    row_values,
    with_records,
)
from claimbook.rules.dates import show_date, style_of
from claimbook.rules.money import NotMoney, dollars, to_cents
from claimbook.rules.problems import BadRequest
from claimbook.rules.records import Book, Payment, ServiceLine
from claimbook.rules.units import visit_units

DISCOUNT_FIRST, REVERSE = schema.CHECKOUT_FLOWS


# -- checkout ---------------------------------------------------------------------------
@dataclass(frozen=True)
class ServiceOrder:
    """One service code of a visit, with its minutes or units as given."""

    code: str
    minutes: int | None = None
    units: int | None = None


@dataclass(frozen=True)
class CheckoutRequest:
    """``claimbook checkout``'s options."""

    day: date
    client_id: str
    staff_id: str
    services: tuple[ServiceOrder, ...]
    policy_id: str | None = None
    paid: int | None = None
    method: str | None = None
    discount: int | None = None
    diagnosis: str | None = None
    flow: str | None = None
    appointment_id: str | None = None
    note: str | None = None
    booked: str | None = None  # a booked visit to complete (see compute/completion.py)


@dataclass
class Checkout:
    """A planned checkout: the new visit, what it writes, and what it leaves due."""

    appointment_id: str
    flow: str
    lines: list
    payments: list
    changes: Changes
    balance: VisitBalance
    payer_name: str | None
    warnings: list[str]


def plan_checkout(book: Book, appointment_keys: list[str], payment_keys: list[str],
                  req: CheckoutRequest) -> Checkout:
    """Plan a checkout: the visit's Appointments rows and, in the reverse flow, the
    client's payment as a Payments row.

    Args:
        book: the client's part of the workbook (see ``read_desk``).
        appointment_keys: every Appointment ID on the sheet (for the next one).
        payment_keys: every Payment ID on the sheet.
        req: the request.

    Returns:
        The plan.

    Raises:
        BadRequest: an unknown client, therapist, service or policy; an Appointment ID
            already used; minutes that bill no unit.
    """
    client = _known(book.clients, req.client_id, "--client", "client", book.path)
    _known(book.staff, req.staff_id, "--staff", "staff member", book.path)
    policy = checked_policy(book, req)
    flow = req.flow or book.settings.checkout_flow or DISCOUNT_FIRST
    appointment_id = _appointment_id(appointment_keys, req)
    lines = visit_lines(book, req, policy, appointment_id, flow)
    payments = visit_payment(book, payment_keys, req, appointment_id, flow)
    after = with_records(book, lines, payments)
    visit = visits_of(after)[appointment_id]
    balance = balance_of(after, visit, req.day)
    changes = Changes()
    changes.add("Appointments", [row_values(ln, "Appointments") for ln in lines])
    changes.add("Payments", [row_values(p, "Payments") for p in payments])
    payer = book.payer_of(policy.policy_id) if policy else None
    return Checkout(appointment_id, flow, lines, payments, changes, balance,
                    payer.name if payer else None,
                    checkout_warnings(book, req, client, policy, balance))


def _known(records: dict, key: str, option: str, what: str, where: str):
    record = records.get(key)
    if record is None:
        raise BadRequest(f'{option} {key}: no {what} "{key}" in {where}')
    return record


def checked_policy(book: Book, req: CheckoutRequest):
    if req.policy_id is None:
        return None
    policy = book.policies.get(req.policy_id)
    if policy is None or policy.client_id != req.client_id:
        raise BadRequest(f'--policy {req.policy_id}: client "{req.client_id}" has no policy '
                         f'"{req.policy_id}" in {book.path}')
    return policy


def _appointment_id(keys: list[str], req: CheckoutRequest) -> str:
    if req.appointment_id is None:
        return next_ids(keys, 1, "A000000")[0]
    if req.appointment_id in set(keys):
        raise BadRequest(f'--id {req.appointment_id}: the Appointment ID is already used')
    return req.appointment_id


def visit_lines(book: Book, req: CheckoutRequest, policy, appointment_id: str,
                flow: str) -> list:
    """The visit's Appointments rows, units and charge worked out (by the payer's Units
    Rule when minutes are given), so what is written is what is billed."""
    values = [_line_values(book, req, order, appointment_id) for order in req.services]
    probes = [new_record(ServiceLine, "Appointments", v) for v in values]
    services = [book.services[v["service_code"]] for v in values]
    payer = book.payer_of(policy.policy_id) if policy is not None else None
    units = visit_units(probes, services, payer.units_rule if payer is not None else None)
    for order, v, n, service in zip(req.services, values, units, services):
        if n <= 0:
            raise BadRequest(f"--minutes {order.minutes}: under 8 minutes of {order.code} "
                             "bills no unit (the 8-minute rule)")
        v["units"] = n
        v["charge"] = n * service.fee_per_unit if service.fee_per_unit is not None else None
    _first_line_money(values, req, flow)
    return [new_record(ServiceLine, "Appointments", v) for v in values]


def _line_values(book: Book, req: CheckoutRequest, order: ServiceOrder,
                 appointment_id: str) -> dict:
    _known(book.services, order.code, "--service", "service", book.path)
    return {"appointment_id": appointment_id, "date_of_service": req.day,
            "client_id": req.client_id, "staff_id": req.staff_id,
            "policy_id": req.policy_id, "service_code": order.code,
            "minutes": order.minutes, "units": order.units,
            "diagnosis_codes": diagnosis_codes(req.diagnosis)}


def diagnosis_codes(text: str | None) -> str | None:
    """ICD-10 codes as typed (``m54.50 m62.830``) -> ``M54.50, M62.830``."""
    if not text:
        return None
    codes = [c.upper() for c in re.split(r"[\s,;]+", text) if c]
    return ", ".join(codes) or None


def _first_line_money(values: list[dict], req: CheckoutRequest, flow: str) -> None:
    """Checked Out on every line; the discount, how the client paid, the note and (in the
    Discount First flow) what the client paid, on the first."""
    checked_out = flow == DISCOUNT_FIRST
    for v in values:
        v["checked_out"] = checked_out
    first = values[0]
    first["discount"] = req.discount
    first["payment_method"] = req.method if req.paid else None
    first["notes"] = req.note
    if flow == DISCOUNT_FIRST:
        first["client_paid"] = req.paid


def visit_payment(book: Book, keys: list[str], req: CheckoutRequest, appointment_id: str,
                   flow: str) -> list:
    if flow != REVERSE or not req.paid:
        return []
    how = f" ({req.method})" if req.method else ""
    values = {"payment_id": next_ids(keys, 1, "PMT000000")[0], "date_received": req.day,
              "source": "Client", "appointment_id": appointment_id, "amount": req.paid,
              "notes": f"Paid at the visit{how}", "payment_method": req.method}
    return [new_record(Payment, "Payments", values)]


def checkout_warnings(book: Book, req: CheckoutRequest, client, policy,
                       balance: VisitBalance) -> list[str]:
    out = []
    if balance.balance < 0:
        out.append(f"the client paid {dollars(-balance.balance)} more than the visit's "
                   "charge; it stands as a credit")
    same_day = sorted({ln.appointment_id for ln in book.lines
                       if ln.client_id == req.client_id and ln.date_of_service == req.day})
    if same_day:
        out.append(f"{req.client_id} already has a visit on "
                   f"{show_date(req.day, style_of(book.settings))} "
                   f"({', '.join(same_day)}); is this one a second visit?")
    if policy is not None:
        out += _authorization(book, req, policy)
        if not req.diagnosis:
            out.append(NO_DIAGNOSIS)
    return out


NO_DIAGNOSIS = ("an insured visit with no diagnosis: the claim and the insurance receipt "
                "need one; give --diagnosis (or type it in Diagnosis Codes)")


def _authorization(book: Book, req: CheckoutRequest, policy) -> list[str]:
    out = []
    start, end = policy.authorization_start, policy.authorization_end
    style = style_of(book.settings)
    if (start and req.day < start) or (end and req.day > end):
        out.append(f"{show_date(req.day, style)} is outside policy {policy.policy_id}'s "
                   f"authorization ({_shown(start, style)} to {_shown(end, style)})")
    if policy.authorized_visits:
        used = {ln.appointment_id for ln in book.lines if ln.policy_id == policy.policy_id}
        if len(used) + 1 > policy.authorized_visits:
            out.append(f"this is visit {len(used) + 1} on policy {policy.policy_id}, which "
                       f"authorizes {policy.authorized_visits}")
    return out


def _shown(day: date | None, style: str) -> str:
    return show_date(day, style) if day else "open"


# -- pay ----------------------------------------------------------------------------------
@dataclass(frozen=True)
class Allocation:
    """Money applied to one visit; ``amount`` None means what remains due from the payer."""

    appointment_id: str
    amount: int | None = None
    adjustment: int | None = None
    reason: str | None = None
    responsibility: int | None = None
    label: str = ""  # how the user gave it: "--apply A0042=80.00", "remit.csv:3"


@dataclass(frozen=True)
class PaymentRequest:
    """``claimbook pay``'s options: a payer (None: the client), a reference, allocations."""

    day: date
    payer_id: str | None
    reference: str | None
    allocations: tuple[Allocation, ...]
    note: str | None = None
    method: str | None = None  # how the client paid (--client only)


@dataclass
class Posting:
    """A planned payment: its rows, what each visit owes after it, and warnings."""

    payments: list
    changes: Changes
    balances: dict[str, VisitBalance]
    overpaid: list[str]
    checked_out: list[str]
    payer_name: str | None  # who paid (None: the client)
    visit_payers: dict[str, str | None] = field(default_factory=dict)  # visit -> insurer



def plan_payment(book: Book, payment_keys: list[str], req: PaymentRequest) -> Posting:
    """Plan a payment: one Payments row per visit, Product Title by the convention.

    Args:
        book: the paid visits' part of the workbook (see ``read_desk``).
        payment_keys: every Payment ID on the sheet.
        req: the request.

    Returns:
        The plan, with a warning for each visit it would overpay.

    Raises:
        BadRequest: an unknown payer or visit; an insurer that is not the payer of the
            visit's policy; a reference already applied to the visit; a visit given twice;
            nothing left to pay where no amount was given.
    """
    payer = _known(book.payers, req.payer_id, "--payer", "payer", book.path) \
        if req.payer_id else None
    visits = visits_of(book)
    ids = iter(next_ids(payment_keys, len(req.allocations), "PMT000000"))
    payments, seen = [], set()
    for alloc in req.allocations:
        visit = _paid_visit(book, visits, alloc, seen)
        if payer is not None:
            _check_payer(book, visit, payer, alloc)
        _check_reference(visit, req.reference, alloc)
        payments.append(_payment(book, visit, req, alloc, payer, next(ids)))
    return _posting(book, visits, req, payments, payer)


def _paid_visit(book: Book, visits: dict[str, Visit], alloc: Allocation, seen: set) -> Visit:
    if alloc.appointment_id in seen:
        raise BadRequest(f'{alloc.label}: appointment "{alloc.appointment_id}" is given twice')
    seen.add(alloc.appointment_id)
    visit = visits.get(alloc.appointment_id)
    if visit is None:
        raise BadRequest(f'{alloc.label}: no appointment "{alloc.appointment_id}" '
                         f"in {book.path}")
    voided = next((ln for ln in visit.lines if ln.void_reason), None)
    if voided is not None:
        raise BadRequest(f'{alloc.label}: appointment "{alloc.appointment_id}" is voided '
                         f"({voided.src.cell('void_reason')}); apply the money to the visit "
                         "that replaced it")
    return visit


def _check_payer(book: Book, visit: Visit, payer, alloc: Allocation) -> None:
    policy_id = visit.first.policy_id
    if policy_id is None:
        raise BadRequest(f'{alloc.label}: appointment "{visit.appointment_id}" is self-pay; '
                         f"{payer.payer_id} does not pay it")
    policy = book.policies.get(policy_id)
    if policy is not None and policy.payer_id != payer.payer_id:
        raise BadRequest(f'{alloc.label}: {payer.payer_id} is not the payer of appointment '
                         f'"{visit.appointment_id}" (its policy "{policy_id}" is with '
                         f"{policy.payer_id})")


def _check_reference(visit: Visit, reference: str | None, alloc: Allocation) -> None:
    if not reference:
        return
    wanted = reference.strip().casefold()
    for paid in visit.payments:
        if paid.void_reason:  # a voided payment (or its reversal) may be entered again
            continue
        if paid.reference and paid.reference.strip().casefold() == wanted:
            raise BadRequest(f'{alloc.label}: reference "{reference}" is already applied to '
                             f'appointment "{visit.appointment_id}" '
                             f"({paid.src.cell('reference')})")


def _payment(book: Book, visit: Visit, req: PaymentRequest, alloc: Allocation, payer,
             payment_id: str):
    amount = alloc.amount
    if amount is None:
        amount = _what_remains(book, visit, req, alloc, payer)
    client = book.clients.get(visit.first.client_id)
    title = None
    if payer is not None and client is not None and visit.date_of_service:
        title = schema.product_title(client.first_name or "", client.last_name or "",
                                     visit.date_of_service)
    values = {"payment_id": payment_id, "date_received": req.day,
              "source": "Insurance" if payer else "Client",
              "payer_id": payer.payer_id if payer else None, "reference": req.reference,
              "appointment_id": visit.appointment_id, "amount": amount,
              "adjustment": alloc.adjustment, "adjustment_reason": alloc.reason,
              "patient_responsibility": alloc.responsibility, "product_title": title,
              "notes": req.note, "payment_method": None if payer else req.method}
    return new_record(Payment, "Payments", values)


def _what_remains(book: Book, visit: Visit, req: PaymentRequest, alloc: Allocation,
                  payer) -> int:
    day = max(req.day, visit.date_of_service or req.day)
    now = balance_of(book, visit, day)
    due = (now.insurance_due if payer else now.client_due) if now else 0
    if due <= 0:
        whom = payer.name if payer else "the client"
        raise BadRequest(f'{alloc.label}: nothing is due from {whom} on appointment '
                         f'"{visit.appointment_id}"; give the amount (e.g. '
                         f"{alloc.appointment_id}=20.00)")
    return due


def _posting(book: Book, visits: dict[str, Visit], req: PaymentRequest, payments: list,
             payer) -> Posting:
    after = with_records(book, [], payments)
    after_visits = visits_of(after)
    balances, overpaid = {}, []
    for payment in payments:
        visit_id = payment.appointment_id
        day = max(req.day, visits[visit_id].date_of_service or req.day)
        before = balance_of(book, visits[visit_id], day)
        now = balance_of(after, after_visits[visit_id], day)
        balances[visit_id] = now
        if now.balance < 0 and (before is None or now.balance < before.balance):
            overpaid.append(f'appointment "{visit_id}" would be overpaid: its balance of '
                            f"{dollars(before.balance if before else 0)} becomes "
                            f"{dollars(now.balance)}")
    changes = Changes()
    changes.add("Payments", [row_values(p, "Payments") for p in payments])
    cleared = _cleared(after_visits, balances, req.day,
                       book.settings.checkout_flow == REVERSE)
    changes.cells += [CellChange("Appointments", ln.src.row, "checked_out", True, optional=True)
                      for visit_id in cleared for ln in after_visits[visit_id].lines
                      if not ln.checked_out]
    insurers = {v: book.payer_of(visits[v].first.policy_id) for v in balances}
    return Posting(payments, changes, balances, overpaid, cleared,
                   payer.name if payer else None,
                   {v: p.name if p else None for v, p in insurers.items()})


def _cleared(visits: dict[str, Visit], balances: dict[str, VisitBalance], day: date,
             reverse_practice: bool) -> list[str]:
    """The Reverse flow's visits that this payment clears (nothing more expected from the
    insurer, or nothing owed at all): they are checked out now. Those are the visits not
    checked out yet of a Reverse-flow practice, and elsewhere those checked out with
    ``--flow reverse`` (their charge was fixed at checkout; a visit only booked has
    none). A visit dated after the payment (a prepayment) waits for its day."""
    out = []
    for visit_id, now in balances.items():
        cleared = now.balance <= 0 or (now.policy_id is not None and now.insurance_due <= 0
                                       and now.insurance_paid > 0)
        visit = visits[visit_id]
        dated = visit.date_of_service is not None and visit.date_of_service <= day
        reverse = reverse_practice or all(ln.charge is not None for ln in visit.lines)
        if cleared and dated and reverse and not all(ln.checked_out for ln in visit.lines):
            out.append(visit_id)
    return out


# -- allocations as typed -----------------------------------------------------------------
def parse_money(text: str, label: str) -> int:
    """An amount as typed on the command line, or :class:`BadRequest` naming it."""
    try:
        return to_cents(text)
    except NotMoney:
        raise BadRequest(f'{label}: "{text}" is not an amount') from None


_CSV_FIELDS = {"appointment id": "appointment_id", "amount": "amount", "paid": "amount",
               "adjustment": "adjustment", "adjustment reason": "reason",
               "reason": "reason", "patient responsibility": "responsibility"}


def allocations_from_rows(rows: list[list[str]], path: str) -> list[Allocation]:
    """Allocations of a long remittance, one row per visit (a CSV's rows as text).

    Columns (headers matched like the workbook's): Appointment ID, Amount, and
    optionally Adjustment, Adjustment Reason, Patient Responsibility.

    Raises:
        BadRequest: a missing column, or a row that does not read (``remit.csv:3: ...``).
    """
    header = {_CSV_FIELDS.get(schema.normalize(h)): j for j, h in enumerate(rows[0])}
    if "appointment_id" not in header:
        raise BadRequest(f'--csv {path}: no "Appointment ID" column in the header row')
    out = []
    for number, row in enumerate(rows[1:], start=2):
        if any(cell.strip() for cell in row):
            out.append(_csv_allocation(row, header, f"{path}:{number}"))
    return out


def _csv_allocation(row: list[str], header: dict, label: str) -> Allocation:
    def cell(name: str) -> str:
        j = header.get(name)
        return row[j].strip() if j is not None and j < len(row) else ""

    def money(name: str) -> int | None:
        return parse_money(cell(name), label) if cell(name) else None

    if not cell("appointment_id"):
        raise BadRequest(f"{label}: no Appointment ID")
    return Allocation(cell("appointment_id"), money("amount"), money("adjustment"),
                      cell("reason") or None, money("responsibility"), label)
