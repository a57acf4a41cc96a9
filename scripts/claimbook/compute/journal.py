"""The practice's money as double-entry bookkeeping: journal entries.

Pure computation on records (no workbook, no Click); money is integer cents. Each money
event posts its money side (Service Revenue, Undeposited Funds, Discounts, Contractual
Adjustments, Gift Card Liability) against A/R, and the A/R side goes where the aging
puts the visit's balance: after every event, a visit's share in A/R - Insurance is its
insurance due and its share in A/R - Clients its client due (CONTRACT.md, Computation),
so at every month end each A/R account equals the aging's insurance due and client due.
A copay taken before the EOB lowers what the insurer is expected to pay, so it credits
A/R - Insurance; the EOB's patient responsibility moves the client's share over.

An entry touches one A/R account (QuickBooks Desktop refuses two): when an event moves
money between the two, the other account's share goes through the A/R Transfer
(clearing) account, and a second entry (``-T``) takes it from there to the other A/R
account on the same day; the clearing account nets to zero every day. A line's amount
is never negative: a negative amount swaps its side. docs/handoff.md has the table.

What an insurer's remittance adds or withholds beyond the visits it pays (interest,
recoupments, claims not posted) is posted from the Remittances sheet against the
Provider Adjustment account (``R-<trace>``), so Undeposited Funds holds what reached the
bank.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import NamedTuple

from claimbook.compute.accounts import (  # noqa: F401 - the journal's names for its users
    ADJUSTMENTS,
    AR_ROLES,
    AR_TRANSFER,
    CLIENT_AR,
    DISCOUNTS,
    GIFT_CARDS,
    INSURANCE_AR,
    PROVIDER_ADJUSTMENTS,
    REVENUE,
    ROLE_SETTINGS,
    UNDEPOSITED,
    Accounts,
)
from claimbook.compute.balances import Visit
from claimbook.rules.records import Book

# Events, as the Journal's Event column names them.
CHARGE = "Charge"
DISCOUNT = "Discount"
PAID_AT_VISIT = "Paid at visit"
INSURANCE_PAYMENT = "Insurance payment"
CLIENT_PAYMENT = "Client payment"
REFUND = "Refund"
ADJUSTMENT = "Adjustment"
PATIENT_RESPONSIBILITY = "Patient responsibility"
TRANSFER = "A/R transfer"
PROVIDER_ADJUSTMENT = "Provider adjustment"

GIFT_CARD_METHOD = "Gift Card"
NOT_RECORDED = "(method not recorded)"

_REASON_CODE = re.compile(r"^\s*([A-Za-z]{2}\s*-?\s*[A-Za-z]?\d{1,3})\b")


class JournalLine(NamedTuple):
    """One debit or credit of a journal entry (a named tuple: immutable, typed, and made
    in a third of a frozen dataclass's time; a month's journal has tens of thousands)."""

    number: str  # the entry's Journal No
    day: date
    role: str
    account: str
    debit: int
    credit: int
    name: str  # QuickBooks' Name: the payer on insurance A/R, the client on client A/R
    description: str
    event: str
    appointment_id: str
    payment_id: str | None = None
    client_id: str | None = None
    payer_id: str | None = None
    method: str | None = None
    reference: str | None = None

    @property
    def net(self) -> int:
        """Debit less credit."""
        return self.debit - self.credit


@dataclass(slots=True)
class JournalEntry:
    """Lines posted together: a visit's checkout on one day, one Payments row, the
    transfer that completes one of them, or a remittance's provider adjustment."""

    number: str
    day: date
    lines: list[JournalLine] = field(default_factory=list)
    title: str = ""  # what the entry is about, when its first line does not say it

    @property
    def debits(self) -> int:
        return sum(ln.debit for ln in self.lines)

    @property
    def credits(self) -> int:
        return sum(ln.credit for ln in self.lines)

    @property
    def balanced(self) -> bool:
        return self.debits == self.credits

    @property
    def memo(self) -> str:
        """What the entry is about: its title, else its first line's description."""
        return self.title or (self.lines[0].description if self.lines else "")

    def ar_roles(self) -> set[str]:
        """The A/R accounts (roles) the entry touches."""
        return {ln.role for ln in self.lines if ln.role in AR_ROLES}


@dataclass(slots=True)
class Dues:
    """A visit's running balance, and who owes it (CONTRACT.md, Computation): a
    self-pay visit's balance is the client's; an insured visit's client due is the
    patient responsibility less what the client paid, kept within 0 and the balance."""

    insured: bool
    balance: int = 0
    client_paid: int = 0
    responsibility: int = 0
    last: tuple[int, int] | None = None  # the split after the last event (see _Posting)

    def split(self) -> tuple[int, int]:
        """(insurance due, client due)."""
        if not self.insured:
            return 0, self.balance
        low, high = min(0, self.balance), max(0, self.balance)
        client = max(low, min(high, self.responsibility - self.client_paid))
        return self.balance - client, client


@dataclass(frozen=True, slots=True)
class _Context:
    """What every line of one entry shares."""

    accounts: Accounts
    appointment_id: str
    client_id: str | None
    client_label: str
    payer_id: str | None
    payer_name: str
    payment_id: str | None = None
    reference: str | None = None


def _credit(line: tuple) -> bool:
    return line[1] < 0


class _Posting:
    """One entry being built: each event's money side, and its A/R side where the
    visit's dues put it."""

    def __init__(self, number: str, day: date, ctx: _Context, dues: Dues, home: str):
        self.number, self.day, self.ctx, self.dues, self.home = number, day, ctx, dues, home
        self.lines: list[tuple[str, int, str, str, str | None]] = []

    def event(self, event: str, amount: int, money_role: str | None, description: str,
              method: str | None = None, paid: int = 0, responsibility: int = 0) -> None:
        """Post one event.

        Args:
            event: the Event column's name of it.
            amount: what it adds to the visit's balance (a payment: minus its amount).
            money_role: the account on the other side (None: it moves A/R only).
            description: the lines' description.
            method: how the money came (deposits group by it).
            paid: what it adds to the client's payments.
            responsibility: what it adds to the patient responsibility.
        """
        if not (amount or paid or responsibility):
            return  # moves nothing: no line, and the dues stay as they are
        dues = self.dues
        before = dues.last or dues.split()
        dues.balance += amount
        dues.client_paid += paid
        dues.responsibility += responsibility
        after = dues.last = dues.split()
        lines = [(money_role, -amount, event, description, method)] \
            if money_role is not None and amount else []
        for role, change in zip(AR_ROLES, (after[0] - before[0], after[1] - before[1])):
            if change:
                lines.append((role, change, event, description, method))
        if len(lines) > 1:
            lines.sort(key=_credit)  # debits first
        self.lines += lines

    def add_ar_to(self, totals: dict[str, int]) -> None:
        """Add what the entry would move in each A/R account to ``totals`` (for the days
        before the month, whose lines are not wanted, only their sums)."""
        for role, signed, *_ in self.lines:
            if role in AR_ROLES:
                totals[role] = totals.get(role, 0) + signed

    def entries(self) -> list[JournalEntry]:
        """The entry, and the transfer entry when it moved money between the A/R accounts."""
        touched = {role for role, *_ in self.lines if role in AR_ROLES}
        other = None
        if len(touched) == 2:
            other = CLIENT_AR if self.home == INSURANCE_AR else INSURANCE_AR
        main = JournalEntry(self.number, self.day)
        line = self._line_maker()
        moved, about = 0, ""
        for role, signed, event, description, method in self.lines:
            if role == other:
                moved += signed
                about = about or event.lower()
                main.lines.append(line(main.number, AR_TRANSFER, signed, event, description,
                                       method, other))
            else:
                main.lines.append(line(main.number, role, signed, event, description,
                                       method, role))
        out = [main] if main.lines else []
        if moved:
            transfer = JournalEntry(f"{self.number}-T", self.day)
            words = (f"Visit {self.ctx.appointment_id}: {about}, moved "
                     f"{'to' if moved > 0 else 'from'} {self.ctx.accounts[other]}")
            transfer.lines.append(line(transfer.number, other, moved, TRANSFER, words,
                                       None, other))
            transfer.lines.append(line(transfer.number, AR_TRANSFER, -moved, TRANSFER,
                                       words, None, other))
            out.append(transfer)
        return out

    def _line_maker(self):
        """A function making one :class:`JournalLine` of this entry: (number, role,
        signed amount, event, description, method, the role it names its Name after)."""
        ctx, day = self.ctx, self.day
        names = ctx.accounts.names
        named = {INSURANCE_AR: ctx.payer_name, CLIENT_AR: ctx.client_label}
        shared = (ctx.appointment_id, ctx.payment_id, ctx.client_id, ctx.payer_id)
        reference = ctx.reference

        def line(number: str, role: str, signed: int, event: str, description: str,
                 method: str | None, named_as: str) -> JournalLine:
            return JournalLine(  # in the fields' order
                number, day, role, names[role], signed if signed > 0 else 0,
                -signed if signed < 0 else 0, named.get(named_as, ""), description, event,
                *shared, method, reference)
        return line


def reason_code(reason: str | None) -> str:
    """The claim adjustment reason code alone: ``"CO-45 contractual"`` -> ``"CO-45"``.

    The free text after the code is the owner's and is left out (minimum necessary).
    """
    found = _REASON_CODE.match(reason or "")
    return re.sub(r"\s+", "", found.group(1)).upper() if found else ""


def journal(book: Book, visits: dict[str, Visit], accounts: Accounts,
            first: date | None, last: date,
            client_label: Callable[[str | None], str] | None = None,
            opening: dict[str, int] | None = None,
            posted: dict[tuple, int] | None = None) -> list[JournalEntry]:
    """Every money event dated from ``first`` to ``last`` as balanced journal entries.

    Args:
        book: the practice (payers, services, remittances).
        visits: the visits, from :func:`claimbook.compute.balances.visits_of`.
        accounts: the bookkeeper's account names.
        first: the first day (None: from the beginning).
        last: the last day.
        client_label: how a client is named on A/R lines; the Client ID by default.
        opening: when given, receives each A/R account's balance before ``first`` (by
            role), summed from the events before it, whose entries are not built.
        posted: what the visits' insurance payments each remittance carries, by
            (Payer ID, trace number), when ``visits`` are not all of the book's (the
            handoff walks only the month's); summed from ``visits`` when not given.

    Returns:
        Entries in date order: a visit's checkout before the day's payments, then by
        Journal No (a transfer right after its entry). Each entry balances and touches
        at most one A/R account.
    """
    label = client_label or (lambda client_id: client_id or "")
    remits = remittances_by_trace(book)
    before = opening if opening is not None else {}
    out: list[JournalEntry] = []
    for visit in visits.values():
        out += _visit_journal(book, visit, accounts, first, last, label, remits, before)
    posted = posted_by_remittance(visits) if posted is None else posted
    out += [e for e in _remittance_entries(book, posted, accounts, last, remits)
            if first is None or e.day >= first]
    out.sort(key=lambda e: (e.day, not e.number.startswith("V-"), e.number))
    return out


def remittances_by_trace(book: Book) -> dict[tuple[str | None, str], object]:
    """The Remittances sheet's rows by (Payer ID, Trace Number)."""
    return {(r.payer_id, r.trace_number): r for r in book.remittances
            if r.trace_number is not None}


def remittance_key(payment) -> tuple[str | None, str | None]:
    """The (Payer ID, trace number) of the check or EFT an insurance payment came in:
    its Remittance, else its Reference."""
    return payment.payer_id, payment.remittance or payment.reference


def _visit_journal(book: Book, visit: Visit, accounts: Accounts, first: date | None,
                   last: date, label, remits: dict,
                   before: dict[str, int]) -> list[JournalEntry]:
    """The visit's entries from ``first`` to ``last``, its dues followed event by event
    from the beginning (the split of a balance depends on everything before it); what
    the events before ``first`` move in A/R is added to ``before``."""
    insured = visit.first.policy_id is not None
    dues = Dues(insured)
    days: dict[date, list[tuple]] = {}
    for line, charge, units in zip(visit.lines, visit.charges, visit.units):
        day = line.date_of_service
        if day is not None and day <= last:
            days.setdefault(day, []).append((line, charge, units))
    several_days = len({ln.date_of_service for ln in visit.lines}) > 1
    postings: list[tuple[date, int, str, object]] = []
    for day, lines in days.items():
        number = f"V-{visit.appointment_id}" + (f"-{day:%m%d}" if several_days else "")
        postings.append((day, 0, number, lines))
    for payment in visit.payments:
        day = payment.date_received
        if day is not None and day <= last:
            postings.append((day, 1, f"P-{payment.payment_id}", payment))
    postings.sort(key=lambda p: (p[0], p[1], p[2]))
    out = []
    ctx = _visit_context(book, visit, accounts, label)
    home = INSURANCE_AR if insured else CLIENT_AR
    for day, kind, number, what in postings:
        if kind == 0:
            posting = _Posting(number, day, ctx, dues, home)
            _checkout(posting, visit, what)
        else:
            posting = _payment_posting(book, visit, what, accounts, label, dues, remits)
        if first is not None and day < first:
            posting.add_ar_to(before)
        else:
            out += posting.entries()
    return out


def _visit_context(book: Book, visit: Visit, accounts: Accounts, label, payer_id=None,
                   payment=None) -> _Context:
    first = visit.first
    policy_payer = book.payer_of(first.policy_id)
    payer_id = payer_id or (policy_payer.payer_id if policy_payer else None)
    payer = book.payers.get(payer_id) if payer_id else None
    return _Context(
        accounts=accounts, appointment_id=visit.appointment_id, client_id=first.client_id,
        client_label=label(first.client_id), payer_id=payer_id,
        payer_name=(payer.name if payer else payer_id) or "",
        payment_id=payment.payment_id if payment else None,
        reference=_reference(payment))


def _reference(payment) -> str | None:
    """The check or EFT a payment came in: an insurer's trace number (the Remittance
    column) when given, else the Reference."""
    if payment is None:
        return None
    if payment.source == "Insurance":
        return payment.remittance or payment.reference
    return payment.reference


def _checkout(p: _Posting, visit: Visit, lines: list[tuple]) -> None:
    """Charges, the discount and the client's payment of one visit's lines on one day."""
    aid = visit.appointment_id
    for line, charge, units in lines:
        p.event(CHARGE, charge, REVENUE, f"Visit {aid}: {line.service_code} x {units}")
    discount = sum(line.discount or 0 for line, *_ in lines)
    p.event(DISCOUNT, -discount, DISCOUNTS, f"Discount on visit {aid}")
    paid: dict[str, int] = {}
    for line, *_ in lines:
        if line.client_paid:
            method = line.payment_method or NOT_RECORDED
            paid[method] = paid.get(method, 0) + line.client_paid
    for method, amount in paid.items():
        money = GIFT_CARDS if method == GIFT_CARD_METHOD else UNDEPOSITED
        p.event(PAID_AT_VISIT, -amount, money, f"Paid at visit {aid} ({method})", method,
                paid=amount)


def insurance_method(payment, remits: dict) -> str:
    """How an insurer's payment reached the bank: the Remittances row's Method, else the
    Payment Method typed on the row, else not recorded."""
    remit = remits.get(remittance_key(payment))
    method = (remit.method if remit is not None else None) or payment.payment_method
    return method or NOT_RECORDED


def _payment_posting(book: Book, visit: Visit, payment, accounts: Accounts, label,
                     dues: Dues, remits: dict) -> _Posting:
    """One Payments row: the money, its adjustment and the patient responsibility."""
    insurance = payment.source == "Insurance"
    ctx = _visit_context(book, visit, accounts, label,
                         payment.payer_id if insurance else None, payment)
    home = INSURANCE_AR if insurance and dues.insured else CLIENT_AR
    p = _Posting(f"P-{payment.payment_id}", payment.date_received, ctx, dues, home)
    aid, ref = visit.appointment_id, payment.reference
    amount = payment.amount or 0
    if insurance:
        what = " ".join(x for x in (ctx.payer_id, ref) if x)
        p.event(INSURANCE_PAYMENT, -amount, UNDEPOSITED, f"{what} for visit {aid}",
                insurance_method(payment, remits))
    else:
        event = REFUND if amount < 0 else CLIENT_PAYMENT
        method = payment.payment_method or NOT_RECORDED
        money = GIFT_CARDS if method == GIFT_CARD_METHOD else UNDEPOSITED
        p.event(event, -amount, money, f"{event} for visit {aid}" + (f", {ref}" if ref else ""),
                method, paid=amount)
    code = reason_code(payment.adjustment_reason)
    p.event(ADJUSTMENT, -(payment.adjustment or 0), ADJUSTMENTS,
            f"Adjustment{' ' + code if code else ''} on visit {aid}")
    p.event(PATIENT_RESPONSIBILITY, 0, None, f"Patient responsibility per EOB, visit {aid}",
            responsibility=payment.patient_responsibility or 0)
    return p


def posted_by_remittance(visits: dict[str, Visit]) -> dict[tuple, int]:
    """What the visits' insurance payments add up to, by remittance (Payer ID, trace
    number), whatever their dates."""
    posted: dict[tuple, int] = {}
    for visit in visits.values():
        for payment in visit.payments:
            if payment.source == "Insurance":
                key = remittance_key(payment)
                posted[key] = posted.get(key, 0) + (payment.amount or 0)
    return posted


def _remittance_entries(book: Book, posted: dict[tuple, int], accounts: Accounts,
                        last: date, remits: dict) -> list[JournalEntry]:
    """What each remittance put in the bank beyond the visits' payments it carries."""
    out = []
    for key, remit in remits.items():
        if remit.date is None or remit.date > last or remit.amount is None:
            continue
        extra = remit.amount - posted.get(key, 0)
        if not extra:
            continue
        payer = book.payers.get(remit.payer_id)
        ctx = _Context(accounts, "", None, "", remit.payer_id,
                       payer.name if payer else remit.payer_id or "",
                       reference=remit.trace_number)
        p = _Posting(f"R-{remit.trace_number}", remit.date, ctx, Dues(False), INSURANCE_AR)
        why = remit.provider_adjustments or "not posted to a visit"
        p.lines.append((UNDEPOSITED, extra, PROVIDER_ADJUSTMENT,
                        f"{remit.payer_id} {remit.trace_number}: {why}", remit.method))
        p.lines.append((PROVIDER_ADJUSTMENTS, -extra, PROVIDER_ADJUSTMENT,
                        f"{remit.payer_id} {remit.trace_number}: {why}", remit.method))
        out += p.entries()
    return out


def lines_of(entries: list[JournalEntry]) -> list[JournalLine]:
    """Every line of the entries, in order."""
    return [line for entry in entries for line in entry.lines]


@dataclass(frozen=True, slots=True)
class AccountTotal:
    """What the month posts to one account."""

    account: str
    debits: int
    credits: int

    @property
    def net(self) -> int:
        return self.debits - self.credits


def totals(entries: list[JournalEntry]):
    """Debits and credits (int64 cents) summed by role and account, with pandas: a
    DataFrame indexed by (role, account), in the order each first appears."""
    import pandas as pd

    lines = lines_of(entries)
    frame = pd.DataFrame({"role": pd.Series([ln.role for ln in lines], dtype="string"),
                          "account": pd.Series([ln.account for ln in lines], dtype="string"),
                          "debits": pd.Series([ln.debit for ln in lines], dtype="int64"),
                          "credits": pd.Series([ln.credit for ln in lines], dtype="int64")})
    return frame.groupby(["role", "account"], sort=False)[["debits", "credits"]].sum()


def by_account(entries: list[JournalEntry], accounts: Accounts,
               summed=None) -> list[AccountTotal]:
    """Debits and credits per account, in the order of the Practice settings (summed
    with pandas: :func:`totals`, unless ``summed`` gives them already)."""
    summed = totals(entries) if summed is None else summed
    per_account = summed.groupby(level="account", sort=False).sum()
    order = list(dict.fromkeys(accounts[role] for role in ROLE_SETTINGS))
    order += sorted(a for a in per_account.index if a not in order)
    return [AccountTotal(a, int(per_account.at[a, "debits"]), int(per_account.at[a, "credits"]))
            for a in order if a in per_account.index]


def net_of(entries: list[JournalEntry], roles: tuple[str, ...]) -> int:
    """Debits less credits of the lines whose role is one of ``roles``."""
    return sum(line.net for line in lines_of(entries) if line.role in roles)
