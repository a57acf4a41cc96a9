"""claimbook import, the visits: appointments and checked-out services as Appointments rows.

A visit is a client on a day. It comes from the appointments report (booked, checked out,
or cancelled: skipped), from a service sold in a sales report (a checkout), or both: a
sale is paired with the client's appointment on its day, or the nearest before it
within two weeks (a visit checked out on a later day). A visit already in the workbook
(the client has one that day) is not written again; if it was booked and the export
says it was checked out, it is completed (Checked Out, and what the client paid).

MassageBook's workaround checks an insured visit out "at a discount" down to what the
client paid: that discount is the insurer's share, so an insured visit is written with
what the client paid and no Discount (the rest stays due from the insurer); a self-pay
visit keeps its discount. A visit is insured when an insurance product names it, or its
client has a policy for that day and the checkout was discounted.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from claimbook.compute.matching import nearest_before, payment_method, service_code
from claimbook.io.exports.layouts import ExportRow
from claimbook.rules.lookup import plain
from claimbook.rules.money import dollars

BOOKED = {"booked", "confirmed", "scheduled", "pending", "unconfirmed", "requested",
          "reserved", "upcoming", "not checked out"}
CANCELLED = {"cancelled", "canceled", "no show", "noshow", "no showed", "late cancel",
             "late cancellation", "late canceled", "deleted", "rescheduled", "declined"}


class Unplaced(Exception):
    """A row that cannot be placed; its text says why (it goes to Unmatched Imports)."""


@dataclass
class Left:
    """An export row claimbook could not place, and why."""

    row: ExportRow
    why: str


@dataclass
class Line:
    """One service of a visit as the export gives it."""

    code: str
    minutes: int | None = None
    charge: int | None = None  # the export's price before discount, when it has one


@dataclass
class Candidate:
    """A visit seen in the exports (a client on a day), not yet written."""

    client_id: str
    day: date
    staff_id: str | None = None
    booked: bool = True
    lines: list[Line] = field(default_factory=list)
    discount: int = 0
    paid: int = 0
    method: str | None = None
    sold: bool = False  # a sale checked it out
    rows: list[ExportRow] = field(default_factory=list)
    insured: bool = False  # an insurance product names it
    existing: object = None  # the workbook's visit of that client on that day
    appointment_id: str | None = None
    policy_id: str | None = None
    unplaced: str | None = None  # why it is not written

    @property
    def key(self) -> tuple[str, date]:
        return (self.client_id, self.day)


def appointment_status(row: ExportRow, today: date) -> str:
    """``booked``, ``done`` or ``cancelled``; with no Status column, a visit from today
    on is booked and an earlier one done."""
    status = plain(row.get("status"))
    if not status:
        return "booked" if row.get("date") and row.get("date") >= today else "done"
    if status in CANCELLED or "cancel" in status or "no show" in status:
        return "cancelled"
    return "booked" if status in BOOKED else "done"


def service_of(services: dict, name: str | None) -> str:
    """The Service Code of a service as the export names it, or :class:`Unplaced`."""
    code = service_code(services, name)
    if code is None:
        raise Unplaced(f'no service "{name or ""}" on Services: add it, or add "{name or ""}" '
                       "to a service's Booking Name, and import again")
    return code


def sale_money(row: ExportRow) -> tuple[int, int, int | None]:
    """What a checkout sale says the client paid, the discount and the price before it.

    Paid is the total less tips and tax (neither is owed on a visit); a discount is
    taken as a positive amount whichever sign the tool writes it with (Square: -$80.00).
    """
    amount = row.get("amount", 0)
    paid = amount - row.get("tip", 0) - row.get("tax", 0)
    discount = abs(row.get("discount", 0))
    if amount < 0:
        discount = -discount
    price = row.get("subtotal")
    if price is None and discount:
        price = paid + discount
    return paid, discount, price


def add_sale(candidate: Candidate, row: ExportRow, code: str) -> None:
    """A checkout sale's service and money onto a visit."""
    paid, discount, price = sale_money(row)
    line = next((ln for ln in candidate.lines if ln.code == code and ln.charge is None), None)
    if line is None:
        line = Line(code)
        candidate.lines.append(line)
    line.charge = price
    candidate.paid += paid
    candidate.discount += discount
    candidate.method = candidate.method or payment_method(row.get("method"))
    candidate.sold, candidate.booked = True, False
    candidate.rows.append(row)


def pair_sale(candidates: dict, client_id: str, sold: date, code: str) -> Candidate | None:
    """The client's visit a checkout sale belongs to: that day's, else the nearest
    before it within two weeks that no sale has checked out yet."""
    days = {d for (c, d), v in candidates.items() if c == client_id and (not v.sold or d == sold)}
    day = sold if sold in days else nearest_before(days, sold)
    return candidates.get((client_id, day)) if day else None


def policy_for(book, client_id: str, day: date) -> str | None:
    """The client's policy for a day: the one whose authorization covers it (a policy
    without dates covers every day), the Primary first; None when none or several."""
    mine = [p for p in book.policies.values() if p.client_id == client_id]
    covering = [p for p in mine
                if (p.authorization_start is None or p.authorization_start <= day)
                and (p.authorization_end is None or day <= p.authorization_end)]
    primary = [p for p in covering if (p.priority or "Primary") == "Primary"]
    for group in (primary, covering):
        if len(group) == 1:
            return group[0].policy_id
    return None


def line_rows(book, candidate: Candidate, staff_id: str) -> list[dict]:
    """The Appointments rows of a new visit (field -> value)."""
    insured = candidate.policy_id is not None
    note = f"Imported from {', '.join(r.where for r in candidate.rows[:3])}"
    if insured and candidate.discount:
        note += (f"; the booking discount of {dollars(candidate.discount)} is the insurer's "
                 "share, left due")
    out = []
    for i, line in enumerate(candidate.lines):
        service = book.services.get(line.code)
        timed = service is not None and service.timed is not False
        row = {"appointment_id": candidate.appointment_id, "date_of_service": candidate.day,
               "client_id": candidate.client_id, "staff_id": staff_id,
               "policy_id": candidate.policy_id, "service_code": line.code,
               "minutes": line.minutes if timed else None, "charge": line.charge,
               "checked_out": not candidate.booked}
        if i == 0:
            row["notes"] = note
            if candidate.paid:
                row["client_paid"] = candidate.paid
                row["payment_method"] = candidate.method
            if candidate.discount and not insured:
                row["discount"] = candidate.discount
        out.append({k: v for k, v in row.items() if v is not None})
    return out
