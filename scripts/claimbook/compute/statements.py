"""Client statements: what the client owes, and why (CONTRACT.md, `claimbook statement`).

A :class:`Statement` lists, for one client as of a date, every visit with a balance and
every visit with activity since the last statement: date, service, provider, charge,
what the insurer paid and adjusted, what the client paid, what they owe and why, in
words (deductible, copay, coinsurance, not covered, no insurance). Visits still waiting
on an insurer are listed with the insurer's name and not counted as due; a credit (a
prepaid or overpaid visit) is shown as a credit. No diagnosis codes. The writers
(``io/statement_pdf.py``, ``io/xlsx/statement.py``) draw the same Statement. Pure
computation: no I/O, no Click.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date, timedelta

from claimbook.compute.balances import (
    BILLED,
    DENIED,
    PAID,
    PREPAID,
    UNBILLED,
    VOIDED,
    Visit,
    VisitBalance,
    balance_of,
    visits_of,
)
from claimbook.compute.papers import (
    ClientInfo,
    PracticeInfo,
    client_info,
    date_text,
    denial_reason,
    file_part,
    insurer_state,
    money_text,
    one_line,
    practice_info,
    reason_codes,
    share_words,
)
from claimbook.rules.dates import style_of
from claimbook.rules.records import Book
from claimbook.rules.voids import visit_void

DEFAULT_PERIOD = 30  # days of activity on a client's first statement
AGING = (("Current", 30), ("31-60 days", 60), ("61-90 days", 90), ("Over 90 days", None))
DUE, PENDING, DENIAL, CREDIT, SETTLED = "due", "pending", "denied", "credit", "paid"


@dataclass(frozen=True, slots=True)
class StatementLine:
    """One visit on a statement, and what it means for the client."""

    appointment_id: str
    date_of_service: date
    service: str  # "Massage therapy, each 15 minutes (45 min)"
    provider: str
    charge: int
    insurance_paid: int
    adjustments: int  # the insurer's adjustments and any discount
    you_paid: int
    you_owe: int  # negative: a credit
    waiting: int  # what an insurer still owes (or denied): listed, not counted as due
    state: str  # DUE, PENDING, DENIAL, CREDIT or SETTLED
    why: str  # the reason in words


@dataclass(frozen=True, slots=True)
class Statement:
    """Everything one client's statement shows."""

    number: str
    issued: date
    due_by: date
    since: date
    practice: PracticeInfo
    client: ClientInfo
    lines: tuple[StatementLine, ...]
    total: int  # the sum of what the client owes, credits taken off (negative: a credit)
    waiting: tuple[tuple[str, int], ...]  # ("Pending from Premera Blue Cross", 14800)
    aging: tuple[tuple[str, int], ...]
    insurance: tuple[str, ...]  # "Premera Blue Cross, member ID PRE123"
    payable_to: str
    remit_lines: tuple[str, ...]
    payment_options: str

    @property
    def amount_due(self) -> int:
        return max(0, self.total)

    @property
    def credit(self) -> int:
        return max(0, -self.total)

    @property
    def file_stem(self) -> str:
        """``statement-C0042-2026-11-30``."""
        return f"statement-{file_part(self.client.client_id)}-{self.issued}"

    def fingerprint(self) -> str:
        """A short digest of the content: it changes when the money or lines change."""
        content = repr((self.number, self.client, self.lines, self.total, self.waiting))
        return hashlib.sha256(content.encode()).hexdigest()[:16]


# -- who gets one ---------------------------------------------------------------------------
def clients_who_owe(book: Book, as_of: date,
                    visits: dict[str, Visit] | None = None) -> list[str]:
    """Every client who owes something as of a date (credits taken off), by Client ID."""
    visits = visits_of(book) if visits is None else visits
    owed: dict[str, int] = {}
    for visit in visits.values():
        b = balance_of(book, visit, as_of, include_paid=False)
        if b is not None and b.client_id:
            owed[b.client_id] = owed.get(b.client_id, 0) + b.client_due
    return sorted(c for c, cents in owed.items() if cents > 0 and c in book.clients)


def period_start(as_of: date, last_statement: date | None) -> date:
    """Activity is listed from the day after the last statement, else for 30 days."""
    if last_statement is not None and last_statement < as_of:
        return last_statement + timedelta(days=1)
    return as_of - timedelta(days=DEFAULT_PERIOD - 1)


# -- building a statement --------------------------------------------------------------------
def build_statement(book: Book, client_id: str, as_of: date, since: date,
                    visits: dict[str, Visit] | None = None) -> Statement:
    """One client's statement as of a date.

    Args:
        book: the practice.
        client_id: the client (a Client ID on the Clients sheet).
        as_of: the statement date: lines and payments dated after it are not counted.
        since: visits with activity from this date are listed even when settled.
        visits: the grouped visits, when the caller already has them.

    Returns:
        The statement's content.
    """
    visits = visits_of(book) if visits is None else visits
    lines, balances = [], []
    for visit in sorted((v for v in visits.values() if v.first.client_id == client_id),
                        key=lambda v: (v.date_of_service or date.min, v.appointment_id)):
        b = balance_of(book, visit, as_of)
        if b is None or b.status == VOIDED or not (b.balance or _active(visit, since, as_of)):
            continue  # a voided visit with nothing left on it is no line
        balances.append(b)
        lines.append(_line(book, visit, b, as_of))
    s = book.settings
    practice = practice_info(book)
    return Statement(
        number=f"ST-{client_id}-{as_of:%Y%m%d}", issued=as_of,
        due_by=as_of + timedelta(days=s.statement_due_days or 30), since=since,
        practice=practice, client=client_info(book.clients[client_id]),
        lines=tuple(lines), total=sum(b.client_due for b in balances),
        waiting=tuple(_waiting(lines, visits, book)), aging=tuple(_aging(lines, as_of)),
        insurance=tuple(_insurance(book, client_id)),
        payable_to=one_line(s.payable_to) or practice.name,
        remit_lines=_remit_lines(s.remit_address, practice),
        payment_options=one_line(s.payment_options) or _default_options(practice))


def _active(visit: Visit, since: date, as_of: date) -> bool:
    """A line dated, or money received, from ``since`` to ``as_of``."""
    days = [ln.date_of_service for ln in visit.lines] + [p.date_received
                                                         for p in visit.payments]
    return any(d is not None and since <= d <= as_of for d in days)


def _line(book: Book, visit: Visit, b: VisitBalance, as_of: date) -> StatementLine:
    state, why = _state_and_why(book, visit, b, as_of)
    staff = book.staff.get(visit.first.staff_id)
    return StatementLine(
        appointment_id=visit.appointment_id, date_of_service=visit.date_of_service,
        service=_service(book, visit), provider=one_line(staff.name) if staff else "",
        charge=b.charge, insurance_paid=b.insurance_paid,
        adjustments=b.adjustments + b.discount, you_paid=b.client_paid,
        you_owe=b.client_due, waiting=b.insurance_due, state=state, why=why)


def _service(book: Book, visit: Visit) -> str:
    """The visit's services in plain words, never a code alone."""
    parts = []
    for line in visit.lines:
        service = book.services.get(line.service_code)
        name = one_line(service.description) if service and service.description \
            else line.service_code
        if line.minutes and service is not None and service.timed is not False:
            name += f" ({line.minutes} min)"
        parts.append(name)
    return "; ".join(parts)


def _state_and_why(book: Book, visit: Visit, b: VisitBalance, as_of: date
                   ) -> tuple[str, str]:
    """What the line means for the client, and why, in words."""
    state = insurer_state(book, visit, as_of, b)
    payer = state.payer_name
    if b.client_due < 0 and visit_void(visit.lines) is not None:
        return CREDIT, "this visit was cancelled; what you paid for it is a credit to you"
    if b.status == PREPAID:
        return CREDIT, (f"prepaid for your visit of "
                        f"{date_text(b.date_of_service, style_of(book.settings))}")
    if b.client_due < 0:
        return CREDIT, "overpaid: a credit to you"
    if b.status == PAID:
        share = _share(visit, as_of, plain=False) if payer and b.client_paid else None
        return SETTLED, f"paid in full (your share: {share})" if share else "paid in full"
    if payer is None:
        return DUE, "no insurance billed for this visit (self-pay)"
    if b.status in (UNBILLED, BILLED):
        verb = "waiting for" if b.status == BILLED else "to be billed to"
        return PENDING, f"{verb} {payer}: not due from you yet"
    if b.status == DENIED:
        owe = f"; your share: {_share(visit, as_of)}" if b.client_due else ""
        return DENIAL, (f"{payer} denied it: {denial_reason(state)}; not due from you while "
                        f"we follow it up{owe}")
    if b.insurance_due:
        share = f"your share: {_share(visit, as_of)}; " if b.client_due else ""
        return PENDING, f"{share}{payer} still owes {money_text(b.insurance_due)}"
    return DUE, f"your share: {_share(visit, as_of)}"


def _share(visit: Visit, as_of: date, plain: bool = True) -> str | None:
    """Why the insurer left part to the client: ``applied to your deductible``; when no
    code says, ``as your plan set it`` (None instead, unless ``plain``)."""
    codes: list[str] = []
    for p in visit.payments:
        if p.source == "Insurance" and p.date_received and p.date_received <= as_of:
            codes += [c for c in reason_codes(p) if c not in codes]
    words = share_words(codes)
    if words:
        return " and ".join(words)
    if not plain:
        return None
    copay = sum(ln.client_paid or 0 for ln in visit.lines)
    return "your copay or coinsurance, as your plan set it" if copay else \
        "as your plan set it"


def _waiting(lines: list[StatementLine], visits, book: Book) -> list[tuple[str, int]]:
    sums: dict[str, int] = {}
    for line in lines:
        if line.waiting <= 0:
            continue
        payer = book.payer_of(visits[line.appointment_id].first.policy_id)
        name = one_line(payer.name) if payer else "your insurer"
        label = f"Denied by {name}" if line.state == DENIAL else f"Pending from {name}"
        sums[label] = sums.get(label, 0) + line.waiting
    return list(sums.items())


def _aging(lines: list[StatementLine], as_of: date) -> list[tuple[str, int]]:
    out = {label: 0 for label, _ in AGING}
    for line in lines:
        if line.you_owe <= 0:
            continue
        age = (as_of - line.date_of_service).days
        label = next(label for label, limit in AGING if limit is None or age <= limit)
        out[label] += line.you_owe
    return list(out.items())


def _insurance(book: Book, client_id: str) -> list[str]:
    out = []
    for policy in book.policies.values():
        if policy.client_id != client_id:
            continue
        payer = book.payers.get(policy.payer_id)
        name = one_line(payer.name) if payer else policy.payer_id
        member = f", member ID {policy.member_id}" if policy.member_id else ""
        out.append(f"{name}{member}")
    return out


def _remit_lines(typed: str | None, practice: PracticeInfo) -> tuple[str, ...]:
    """Remit Address as typed (a line break starts a new line), else the practice's."""
    if typed:
        return tuple(one_line(p) for p in str(typed).splitlines() if p.strip())
    return practice.address_lines


def _default_options(practice: PracticeInfo) -> str:
    phone = f", by card over the phone at {practice.phone}" if practice.phone else ""
    return (f"Pay at your next visit{phone}, or by check mailed with the stub below. "
            "HSA/FSA cards are welcome.")


# -- what the writers and the email say ----------------------------------------------------
def summary(statement: Statement) -> list[tuple[str, int, str]]:
    """The statement's money box: what is due from the visits, credits, the headline,
    then what is pending from each insurer (label, cents, style)."""
    owed = sum(ln.you_owe for ln in statement.lines if ln.you_owe > 0)
    credits = sum(-ln.you_owe for ln in statement.lines if ln.you_owe < 0)
    rows = [("Your share of these visits", owed, "")]
    if credits:
        rows.append(("Credits", -credits, ""))
    if statement.total < 0:
        rows.append(("Credit on your account", statement.credit, "total"))
    else:
        rows.append(("Amount due", statement.amount_due, "total"))
    rows += [(f"{label} (not due from you)", cents, "detail")
             for label, cents in statement.waiting]
    return rows


def email_text(statement: Statement) -> tuple[str, str]:
    """The subject and body of the statement's email."""
    practice, client = statement.practice, statement.client
    style = practice.date_style
    lines = [f"Dear {client.first_name},", "",
             f"Attached is your statement of {date_text(statement.issued, style)} "
             f"({statement.number}).", ""]
    if statement.total > 0:
        lines.append(f"Amount due: {money_text(statement.amount_due)} by "
                     f"{date_text(statement.due_by, style)}.")
    elif statement.total == 0:
        lines.append("Amount due: $0.00. There is nothing to pay.")
    else:
        lines.append(f"Credit on your account: {money_text(statement.credit)}. There is "
                     "nothing to pay.")
    for label, cents in statement.waiting:
        lines.append(f"{label}: {money_text(cents)} (not due from you).")
    if statement.total > 0:
        lines += ["", f"How to pay: {statement.payment_options}"]
    contact = practice.phone or practice.email
    if contact:
        lines += ["", f"Questions about your bill: {contact}."]
    lines += ["", "Thank you,", practice.name]
    return f"Your statement from {practice.name}", "\n".join(lines) + "\n"
